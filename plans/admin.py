"""Read-mostly admin: targets and funds are written through the pages and the API, whose
services keep the history; the admin shows them, and the histories read-only."""

from django.contrib import admin

from plans.models import (
    FundChange,
    FundEntry,
    ProvinceTarget,
    ProvinceTargetChange,
    RegisteredTarget,
    RegisteredTargetChange,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TargetChangeInline(admin.TabularInline):
    model = RegisteredTargetChange
    extra = 0
    fields = ["at", "user", "old_year", "new_year", "basis"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ProvinceTargetChangeInline(TargetChangeInline):
    model = ProvinceTargetChange
    fields = ["at", "user", "changes"]
    readonly_fields = fields


@admin.register(RegisteredTarget)
class RegisteredTargetAdmin(ReadOnlyAdmin):
    list_display = ["unit", "tier", "target_year", "basis", "set_by", "set_at"]
    list_filter = ["tier", "target_year", "unit__level"]
    search_fields = ["unit__code", "unit__name_search", "basis"]
    list_select_related = ["unit", "set_by"]
    inlines = [TargetChangeInline]


@admin.register(ProvinceTarget)
class ProvinceTargetAdmin(ReadOnlyAdmin):
    list_display = [
        "province",
        "period_from",
        "period_to",
        "communes_standard",
        "communes_advanced",
        "communes_model",
        "min_criteria",
        "villages_recognised_share",
        "entered_by",
    ]
    list_select_related = ["province", "entered_by"]
    inlines = [ProvinceTargetChangeInline]


@admin.register(FundEntry)
class FundEntryAdmin(ReadOnlyAdmin):
    list_display = ["unit", "year", "month", "source", "amount", "entered_by", "entered_at"]
    list_filter = ["year", "source", "unit__level"]
    search_fields = ["unit__code", "unit__name_search"]
    list_select_related = ["unit", "entered_by"]


@admin.register(FundChange)
class FundChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "unit", "year", "month", "source", "old_amount", "new_amount", "user"]
    list_filter = ["year", "source"]
    search_fields = ["unit__code", "unit__name_search"]
    list_select_related = ["unit", "user"]
