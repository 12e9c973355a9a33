"""Read-only views of what the reports app stores: issued bulletins are never edited by hand."""

from django.contrib import admin

from reports.models import ImportBatch, IssuedBulletin, ReportJob


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(IssuedBulletin)
class IssuedBulletinAdmin(ReadOnlyAdmin):
    list_display = ["unit", "month", "issued_by", "issued_at", "cutoff", "size"]
    list_filter = ["month"]
    search_fields = ["unit__name", "unit__code"]
    list_select_related = ["unit", "issued_by"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReportJob)
class ReportJobAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "status", "user", "unit", "progress_done", "progress_total", "finished_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["user", "unit"]


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "original_name",
        "unit",
        "kind",
        "criteria_set",
        "year",
        "user",
        "status",
        "applied_at",
    ]
    list_filter = ["status", "year"]
    search_fields = ["original_name", "unit__name", "unit__code"]
    list_select_related = ["unit", "criteria_set", "user"]
    exclude = ["preview"]
