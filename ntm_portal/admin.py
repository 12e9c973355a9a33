from django.contrib import admin, messages
from django.utils.translation import gettext as _

from ntm_portal.models import ApiToken
from ntm_portal.tokens import key_hash, token_issue


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Administrators make a token for a user (its key shown once) or delete one."""

    list_display = ["user", "prefix", "created", "expires_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "prefix"]
    fields = ["user", "expires_at"]
    readonly_fields = ["expires_at"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        token, key = token_issue(user=obj.user)
        obj.pk, obj.key_hash, obj.prefix = token.pk, key_hash(key), token.prefix
        obj.created, obj.expires_at = token.created, token.expires_at
        messages.warning(
            request, _("The key of the new token is %(key)s. Copy it now: it will not be shown again.") % {"key": key}
        )
