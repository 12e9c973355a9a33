from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from communes.admin import UnitSearchMixin
from criteria.models import (
    MSG_INDICATOR_CODE_TAKEN,
    Assessment,
    CriteriaSet,
    Criterion,
    CriterionGroup,
    CriterionResult,
    HistoryEntry,
    Indicator,
    IndicatorValue,
    SetStatus,
    Target,
)
from criteria.services import catalog_set_clone, catalog_set_publish


class FrozenWhenPublishedAdmin(admin.ModelAdmin):
    """Catalog rows are read-only once their set is published: clone the set to change it."""

    def _set_of(self, obj):
        raise NotImplementedError

    def _frozen(self, obj) -> bool:
        return obj is not None and self._set_of(obj).status != SetStatus.DRAFT

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._frozen(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._frozen(obj)


class FrozenInline(admin.TabularInline):
    """Inline rows of a published set are read-only; ``set_of(parent)`` names the set."""

    def set_of(self, parent) -> CriteriaSet:
        return parent

    def _frozen(self, parent) -> bool:
        return parent is not None and self.set_of(parent).status != SetStatus.DRAFT

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._frozen(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._frozen(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._frozen(obj)


class CriterionGroupInline(FrozenInline):
    model = CriterionGroup
    extra = 0


class CriterionInline(FrozenInline):
    model = Criterion
    extra = 0
    fields = ["number", "name", "group"]
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # The group of a set's criterion is one of that set's groups (a new set has none yet).
        formset.form.base_fields["group"].queryset = CriterionGroup.objects.filter(criteria_set=obj)
        return formset


@admin.register(CriteriaSet)
class CriteriaSetAdmin(FrozenWhenPublishedAdmin):
    list_display = [
        "short_name",
        "code",
        "version",
        "decision_number",
        "level",
        "tier",
        "year_from",
        "year_to",
        "issuer",
        "status",
        "targets_to_verify",
    ]
    list_filter = ["status", "level", "tier", "issuer"]
    search_fields = ["code", "name", "short_name", "decision_number"]
    readonly_fields = ["status", "published_at", "source_file", "created_at"]
    autocomplete_fields = ["issuer", "supersedes"]
    inlines = [CriterionGroupInline, CriterionInline]
    actions = ["clone_as_new_version", "publish"]

    def _set_of(self, obj):
        return obj

    @admin.display(description=_("targets to verify"))
    def targets_to_verify(self, obj: CriteriaSet) -> int:
        return Target.objects.filter(indicator__criteria_set=obj, to_verify=True).count()

    @admin.action(description=_("Clone as a new draft version"))
    def clone_as_new_version(self, request, queryset):
        for criteria_set in queryset:
            try:
                clone = catalog_set_clone(criteria_set=criteria_set, user=request.user)
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, " ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR)
                continue
            self.message_user(
                request, _("Created draft %(set)s v%(version)s.") % {"set": clone.code, "version": clone.version}
            )

    @admin.action(description=_("Publish (cannot be undone)"))
    def publish(self, request, queryset):
        published = 0
        for criteria_set in queryset:
            try:
                catalog_set_publish(criteria_set=criteria_set)
                published += 1
            except ValidationError as exc:
                self.message_user(request, f"{criteria_set}: {' '.join(exc.messages)}", messages.ERROR)
        if published:
            self.message_user(request, ngettext("%d set published.", "%d sets published.", published) % published)


class IndicatorInlineFormSet(BaseInlineFormSet):
    """A new indicator takes its criterion's set; its code must be free in that set."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.instance.criteria_set_id = self.instance.criteria_set_id

    def clean(self):
        super().clean()
        stored = Indicator.objects.filter(criteria_set_id=self.instance.criteria_set_id)
        seen: set[str] = set()  # codes of this formset's rows, which the database has not seen yet
        for form in self.forms:
            code = form.cleaned_data.get("code") if form.has_changed() else None
            if not code or form.cleaned_data.get("DELETE"):
                continue
            if code in seen or stored.filter(code=code).exclude(pk=form.instance.pk).exists():
                form.add_error("code", MSG_INDICATOR_CODE_TAKEN)
            seen.add(code)


class IndicatorInline(FrozenInline):
    model = Indicator
    formset = IndicatorInlineFormSet
    extra = 0
    fields = ["code", "name", "value_type", "unit", "comparison", "required", "target_by_province"]
    show_change_link = True

    def set_of(self, parent: Criterion) -> CriteriaSet:
        return parent.criteria_set


class CriterionAdminForm(forms.ModelForm):
    """Only draft sets take criteria; the group is one of the criterion's set (the model's
    ``clean`` refuses a foreign group or a published set whatever the dropdown offered)."""

    class Meta:
        model = Criterion
        fields = ["criteria_set", "group", "number", "name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "criteria_set" in self.fields:  # a published criterion's page shows no fields to edit
            self.fields["criteria_set"].queryset = CriteriaSet.objects.filter(status=SetStatus.DRAFT)
        if "group" in self.fields:
            groups = CriterionGroup.objects.select_related("criteria_set")
            if self.instance.criteria_set_id:
                groups = groups.filter(criteria_set_id=self.instance.criteria_set_id)
            else:
                groups = groups.filter(criteria_set__status=SetStatus.DRAFT)
            self.fields["group"].queryset = groups
            self.fields["group"].label_from_instance = lambda g: f"{g} — {g.criteria_set}"


@admin.register(Criterion)
class CriterionAdmin(FrozenWhenPublishedAdmin):
    form = CriterionAdminForm
    list_display = ["number", "name", "group", "criteria_set"]
    list_filter = ["criteria_set"]
    search_fields = ["name"]
    inlines = [IndicatorInline]

    def _set_of(self, obj):
        return obj.criteria_set


class TargetInline(FrozenInline):
    model = Target
    extra = 0
    fields = ["value", "region", "commune_group", "year", "to_verify"]

    def set_of(self, parent: Indicator) -> CriteriaSet:
        return parent.criteria_set


@admin.register(Indicator)
class IndicatorAdmin(FrozenWhenPublishedAdmin):
    list_display = [
        "code",
        "name",
        "value_type",
        "comparison",
        "unit",
        "required",
        "target_by_province",
        "targets_summary",
        "criteria_set",
    ]
    list_filter = ["criteria_set", "value_type", "target_by_province", "targets__to_verify"]
    search_fields = ["code", "name"]
    inlines = [TargetInline]

    def _set_of(self, obj):
        return obj.criteria_set

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("criteria_set").prefetch_related("targets")

    @admin.display(description=_("targets"))
    def targets_summary(self, obj: Indicator) -> str:
        parts = []
        for t in obj.targets.all():
            scope = "/".join(str(s) for s in (t.region, t.commune_group, t.year) if s)
            flag = " ⚠ " + str(_("to verify")) if t.to_verify else ""
            parts.append(
                f"{t.value.normalize() if t.value is not None else '—'}{' (' + scope + ')' if scope else ''}{flag}"
            )
        return "; ".join(parts) or ("— " + str(_("set by the province")) if obj.target_by_province else "—")


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0
    fields = ["indicator", "value_decimal", "value_bool", "outcome", "note", "version", "updated_by", "updated_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class CriterionResultInline(admin.TabularInline):
    model = CriterionResult
    extra = 0
    fields = ["criterion", "met", "indicators_met", "indicators_total"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class HistoryInline(admin.TabularInline):
    model = HistoryEntry
    extra = 0
    fields = ["at", "user", "kind", "indicator", "criterion", "change", "comment"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Change"))
    def change(self, entry: HistoryEntry) -> str:
        """What changed, worded as the sheet's history words it (values as the sheet writes them:
        "96,5", not the stored "96.5000")."""
        return render_to_string("criteria/partials/history_change.html", {"h": entry})


@admin.register(Assessment)
class AssessmentAdmin(UnitSearchMixin, admin.ModelAdmin):
    """Read-only: values and states change only through the services, which keep history."""

    list_display = [
        "unit",
        "criteria_set",
        "year",
        "state",
        "criteria_met",
        "criteria_total",
        "decision_number",
        "updated_at",
    ]
    list_filter = ["year", "state", "tier", "criteria_set"]
    list_select_related = ["unit", "criteria_set"]
    readonly_fields = [
        "unit",
        "criteria_set",
        "year",
        "state",
        "criteria_met",
        "criteria_total",
        "version",
        "decision_number",
        "decision_date",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [CriterionResultInline, IndicatorValueInline, HistoryInline]

    search_help_text = _("The unit's code or name (no diacritics needed).")
    unit_search_paths = ("unit__",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Viewed, never saved: a field left editable here (a revocation, the criteria basically
        # met, a report's file) changed a title and the figures with no history (QA).
        return False

    def has_delete_permission(self, request, obj=None):
        return False
