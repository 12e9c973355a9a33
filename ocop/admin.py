from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.models import OcopProduct, Status


@admin.register(OcopProduct)
class OcopProductAdmin(admin.ModelAdmin):
    list_display = ("name", "producer", "commune", "category", "status_today", "stars", "certificate_date")
    list_filter = ("stage", "stars", "category", "rating_level")
    search_fields = ("name", "producer", "certificate_number", "commune__name", "commune__code")
    autocomplete_fields = ("commune",)
    readonly_fields = ("valid_until", "status_today", "version", "entered_by", "entered_at", "changed_at")
    fields = (
        "commune",
        "name",
        "producer",
        "category",
        "stage",
        "stars",
        "points",
        "rating_level",
        "certificate_number",
        "certificate_date",
        *readonly_fields,
    )

    @admin.display(description=_("status today"))
    def status_today(self, product: OcopProduct) -> str:
        return Status(product.status_on(timezone.localdate())).label

    def save_model(self, request, obj: OcopProduct, form, change: bool) -> None:
        now = timezone.now()
        if not change:
            obj.entered_at = now
        else:
            obj.version += 1
        obj.changed_at, obj.entered_by = now, request.user
        super().save_model(request, obj, form, change)
