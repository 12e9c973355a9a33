from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit, Level, Membership, UnitSuccession
from communes.people import full_name
from communes.text import fold


class WithinUnitFilter(admin.SimpleListFilter):
    """Everything below a chosen province or district (the subtree, not only direct children)."""

    title = _("within")
    parameter_name = "within"

    def lookups(self, request, model_admin):
        units = AdministrativeUnit.objects.filter(level__in=[Level.PROVINCE, Level.DISTRICT]).order_by("path")
        return [
            (u.code, ("— " if u.level == Level.DISTRICT else "") + u.name) for u in units.only("code", "name", "level")
        ]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        unit = AdministrativeUnit.objects.filter(code=self.value()).first()
        return queryset.subtree(unit) if unit else queryset.none()


class DiacriticInsensitiveSearchMixin:
    """Admin search on the folded name: “cam thach” finds “Cẩm Thạch”."""

    search_fields = ["code"]  # turns the search box on; the name is matched below

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term), False


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(DiacriticInsensitiveSearchMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "level",
        "type",
        "region",
        "commune_group",
        "parent",
        "tree_path",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["level", "region", WithinUnitFilter, "commune_group", "especially_disadvantaged"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    # The commune group changes only with its legal basis and history (the commune's
    # "commune group" page, criteria.services.commune_groups), never as a bare number here.
    readonly_fields = ["tree_path", "lineage", "commune_group", "created_at", "updated_at"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["code", "name", "level", "type", "parent", "tree_path"]}),
        (_("Thresholds"), {"fields": ["region", "commune_group", "especially_disadvantaged"]}),
        (_("History"), {"fields": ["valid_from", "valid_to", "lineage", "created_at", "updated_at"]}),
        (_("Map"), {"fields": ["latitude", "longitude"]}),
    ]

    @admin.display(description=_("tree path"), ordering="path")
    def tree_path(self, obj: AdministrativeUnit) -> str:
        return " › ".join([*obj.ancestor_codes(), obj.code]) if obj.path else "—"

    @admin.display(description=_("formed from / merged into"))
    def lineage(self, obj: AdministrativeUnit) -> str:
        if not obj.pk:
            return "—"
        before = ", ".join(str(u) for u in obj.predecessors())
        after = ", ".join(
            _("%(unit)s (main part)") % {"unit": s.successor} if s.main_part else str(s.successor)
            for s in obj.successions_as_predecessor.select_related("successor").order_by(
                "-main_part", "successor__name"
            )
        )
        return (
            " · ".join(
                part
                for part in [
                    _("formed from: %(units)s") % {"units": before} if before else "",
                    _("merged into: %(units)s") % {"units": after} if after else "",
                ]
                if part
            )
            or "—"
        )


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "successor", "date", "main_part", "decision"]
    list_filter = ["main_part"]
    autocomplete_fields = ["predecessor", "successor"]
    list_select_related = ["predecessor", "successor"]
    date_hierarchy = "date"


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "created_at"]
    list_filter = ["role", "unit__level"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]

    def get_search_results(self, request, queryset, search_term):
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        folded = fold(search_term)
        if folded:
            queryset |= self.model.objects.filter(unit__name_search__contains=folded)
        return queryset, distinct


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ("username", "display_name", "email", "is_staff", "is_active")

    @admin.display(description=_("full name"), ordering="last_name")
    def display_name(self, user) -> str:
        return full_name(user)


admin.site.site_header = _("NTM portal administration")
admin.site.site_title = _("NTM portal")
admin.site.index_title = _("Administration")
