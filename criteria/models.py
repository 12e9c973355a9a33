"""Criteria sets (the versioned catalog), assessments, values, results and their history.

The catalogue's models live in ``models_catalogue``, the history's and the logs' in
``models_history``; both are imported at the end of this module, so that ``criteria.models``
names every model of the app.

The rules that turn values into outcomes live in ``criteria/evaluation.py`` (no ORM); writes
go through ``criteria/services.py``; reads that several pages share through
``criteria/selectors.py``.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit, Level, subtree_q
from criteria import evaluation


class SetLevel(models.TextChoices):
    COMMUNE = Level.COMMUNE.value, _("Commune")
    DISTRICT = Level.DISTRICT.value, _("District")
    VILLAGE = Level.VILLAGE.value, _("Village")


class Tier(models.TextChoices):
    STANDARD = evaluation.Tier.STANDARD.value, _("Standard")
    ADVANCED = evaluation.Tier.ADVANCED.value, _("Advanced")
    MODEL = evaluation.Tier.MODEL.value, _("Model")


class SetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class TargetBasis(models.TextChoices):
    REGION = "region", _("By socio-economic region")
    GROUP = "group", _("By commune group")
    NONE = "none", _("Same everywhere")


class ValueType(models.TextChoices):
    YES_NO = evaluation.ValueType.YES_NO.value, _("Yes / no")
    PERCENT = evaluation.ValueType.PERCENT.value, _("Percent")
    NUMBER = evaluation.ValueType.NUMBER.value, _("Number")
    MONEY = evaluation.ValueType.MONEY.value, _("Money (đồng)")
    COUNT = evaluation.ValueType.COUNT.value, _("Count")


class Comparison(models.TextChoices):
    GTE = evaluation.Comparison.GTE.value, "≥"
    LTE = evaluation.Comparison.LTE.value, "≤"
    EQ = evaluation.Comparison.EQ.value, "="
    MET = evaluation.Comparison.MET.value, _("met (đạt)")


class Derived(models.TextChoices):
    """Indicators whose value the portal works out from what it knows, never typed (QĐ 319)."""

    HOLDS_ADVANCED = "holds_advanced", _("Holds the advanced title (from the recognition decisions)")
    INCOME_VS_ADVANCED = "income_vs_advanced", _("Income as a share of the advanced-commune threshold")


# What the sheet says on a derived row and the refusal of a typed value says after its code: one
# wording for both kinds (the income ratio reads the incomes and the threshold of the decision's
# year; the title, the decisions).
DERIVED_NOTE = _("Worked out by the portal from the recognition decisions and incomes; not typed.")


class Outcome(models.TextChoices):
    MET = evaluation.Outcome.MET.value, _("Met")
    NOT_MET = evaluation.Outcome.NOT_MET.value, _("Not met")
    MISSING = evaluation.Outcome.MISSING.value, _("No value")
    NO_TARGET = evaluation.Outcome.NO_TARGET.value, _("No target set")
    NOT_APPLICABLE = evaluation.Outcome.NOT_APPLICABLE.value, _("Not applicable")


def decision_upload_to(instance: CriteriaSet, filename: str) -> str:
    """A generated name for a set's issuing decision; the uploaded name is not a path."""
    return f"decisions/{uuid.uuid4().hex}.pdf"


class AssessmentState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VERIFIED = "verified", _("Verified")  # by the district, or by the province where there is none
    APPRAISED = "appraised", _("Appraised by the province")
    RECOGNISED = "recognised", _("Recognised")
    RETURNED = "returned", _("Returned for correction")
    REVOKED = "revoked", _("Recognition revoked")


EDITABLE_STATES = (AssessmentState.DRAFT, AssessmentState.RETURNED)


def source_upload_to(instance: Assessment, filename: str) -> str:
    """A generated name for a summary record's source document; the uploaded name is not a path."""
    suffix = Path(filename).suffix.lower()[:10]
    return f"sources/{instance.unit_id}/{uuid.uuid4().hex}{suffix}"


class AssessmentQuerySet(models.QuerySet):
    def for_year(self, year: int) -> AssessmentQuerySet:
        return self.filter(year=year)

    def of_tier(self, tier: str) -> AssessmentQuerySet:
        return self.filter(tier=tier)

    def within(self, unit: AdministrativeUnit) -> AssessmentQuerySet:
        return self.filter(subtree_q(unit, "unit__"))

    def recognised(self) -> AssessmentQuerySet:
        return self.filter(state=AssessmentState.RECOGNISED)


class AssessmentManager(models.Manager.from_queryset(AssessmentQuerySet)):
    """The assessments that speak for their unit: one per unit, tier and year.

    An assessment merged into another (a duplicate of the same unit, tier and year, kept for
    its history) is left out of every figure and list; ``Assessment.everything`` still has it.
    """

    def get_queryset(self) -> AssessmentQuerySet:
        return super().get_queryset().filter(merged_into__isnull=True)


class Assessment(models.Model):
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="assessments"
    )
    criteria_set = models.ForeignKey(
        "criteria.CriteriaSet", verbose_name=_("criteria set"), on_delete=models.PROTECT, related_name="assessments"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    # The set's tier, kept on the row so that "one assessment per unit, tier and year" is a
    # database constraint; ``assessment_create`` copies it from the set.
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices, editable=False)
    state = models.CharField(_("state"), max_length=12, choices=AssessmentState.choices, default=AssessmentState.DRAFT)
    criteria_met = models.PositiveSmallIntegerField(_("criteria met"), default=0)
    criteria_total = models.PositiveSmallIntegerField(_("criteria in the set"), default=0)
    # "Cơ bản đạt": criteria not met that the assessor marked as basically met (works under
    # way). Reported beside the criteria met, never counted as met.
    criteria_basically_met = models.PositiveSmallIntegerField(_("criteria basically met"), default=0)
    # A summary record: the unit's standing of a past year entered from an old report (which
    # criteria were met), without indicator values. Counted like any assessment; convertible.
    summary = models.BooleanField(_("summary record"), default=False)
    source_number = models.CharField(_("source document number"), max_length=60, blank=True)
    source_date = models.DateField(_("source document date"), null=True, blank=True)
    source_file = models.FileField(
        _("source document file"), upload_to=source_upload_to, max_length=200, blank=True, null=True
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    decision_number = models.CharField(_("recognition decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("recognition decision date"), null=True, blank=True)
    revocation_number = models.CharField(_("revocation decision number"), max_length=60, blank=True)
    revocation_date = models.DateField(_("revocation decision date"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="merged",
        help_text=_("A duplicate of the same unit, tier and year, kept read-only for its history."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)

    objects = AssessmentManager()
    everything = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-year", "unit__name_sort"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "criteria_set", "year"], name="assessment_unique_unit_set_year"),
            models.UniqueConstraint(
                fields=["unit", "tier", "year"],
                condition=Q(merged_into__isnull=True),
                name="assessment_one_per_unit_tier_year",
            ),
            models.CheckConstraint(condition=Q(tier__in=Tier.values), name="assessment_tier_known"),
            models.CheckConstraint(condition=Q(state__in=AssessmentState.values), name="assessment_state_known"),
            models.CheckConstraint(
                condition=Q(criteria_met__lte=F("criteria_total")), name="assessment_met_within_total"
            ),
            models.CheckConstraint(
                condition=Q(summary=False) | (~Q(source_number="") & Q(source_date__isnull=False)),
                name="assessment_summary_has_source",
            ),
            models.CheckConstraint(
                condition=Q(criteria_basically_met__lte=F("criteria_total") - F("criteria_met")),
                name="assessment_basically_met_within_total",
            ),
            models.CheckConstraint(
                condition=~Q(state=AssessmentState.RECOGNISED)
                | (~Q(decision_number="") & Q(decision_date__isnull=False)),
                name="assessment_recognised_has_decision",
            ),
            models.CheckConstraint(
                condition=~Q(state=AssessmentState.REVOKED)
                | (Q(decision_date__isnull=False) & Q(revocation_date__isnull=False)),
                name="assessment_revoked_has_dates",
            ),
            models.CheckConstraint(
                condition=Q(revocation_date__isnull=True) | Q(revocation_date__gte=F("decision_date")),
                name="assessment_revoked_after_recognised",
            ),
        ]
        indexes = [
            models.Index(fields=["year", "state"], name="assessment_year_state_idx"),
            models.Index(fields=["criteria_set", "year"], name="assessment_set_year_idx"),
            # The dashboards' figures of a year are read from this index alone on PostgreSQL
            # (an index-only scan: half the time of reading the rows), see progress_summary.
            models.Index(
                fields=["year", "unit"],
                include=["id", "criteria_set", "state", "criteria_met", "criteria_total", "criteria_basically_met"],
                name="assessment_year_unit_idx",
            ),
            # "Holds the title" reads a unit's recognition decisions: a province's few hundred
            # are found through this small index instead of scanning every assessment.
            models.Index(
                fields=["unit"],
                include=["tier", "decision_date", "revocation_date"],
                condition=Q(state__in=["recognised", "revoked"], merged_into__isnull=True),
                name="assessment_decided_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.criteria_set.short_name} · {self.year}"

    @property
    def criteria_met_or_basically_met(self) -> int:
        """ "Đạt và cơ bản đạt": what district reports put beside the criteria met."""
        return self.criteria_met + self.criteria_basically_met

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES and self.merged_into_id is None


class IndicatorValue(models.Model):
    # Indexed by ``value_one_per_indicator`` (assessment first): no index of its own to write.
    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.PROTECT, related_name="values", db_index=False
    )
    indicator = models.ForeignKey(
        "criteria.Indicator", verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    value_decimal = models.DecimalField(_("value"), max_digits=20, decimal_places=4, null=True, blank=True)
    value_bool = models.BooleanField(_("yes / no"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.MISSING)
    # "Không áp dụng": a conditional indicator the unit has no object for; the note says why.
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    # Not indexed: no page reads values by who entered them, and without the index a save that
    # changes the writer (an office importing its communes' values) can be a HOT update, which
    # writes no index at all. Deleting a user scans the table once; users are deactivated instead.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_index=False,
    )
    # Set by the one writer (assessment_record_values) to the moment its history entry carries.
    updated_at = models.DateTimeField(_("entered at"), default=timezone.now)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="value_one_per_indicator"),
            models.CheckConstraint(
                condition=Q(value_decimal__isnull=True) | Q(value_bool__isnull=True), name="value_one_kind"
            ),
            models.CheckConstraint(
                condition=Q(not_applicable=False)
                | (Q(value_decimal__isnull=True) & Q(value_bool__isnull=True) & Q(outcome="n_a")),
                name="value_not_applicable_has_no_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.display_value}"

    @property
    def value(self):
        return self.value_bool if self.value_bool is not None else self.value_decimal

    @property
    def display_value(self) -> str:
        """The value as the sheet shows it, in the active language ("1.234,5", "1.000.000 đ")."""
        from criteria.display import shown_value  # display reads this module

        if self.not_applicable:
            return str(_("Not applicable"))
        if self.value is None:
            return ""
        return str(shown_value(self.value, self.indicator.value_type))


class CriterionResult(models.Model):
    """Stored per criterion, recomputed in the same transaction as every change to a value."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="results"
    )
    criterion = models.ForeignKey(
        "criteria.Criterion", verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="results"
    )
    met = models.BooleanField(_("met"), default=False)
    indicators_met = models.PositiveSmallIntegerField(_("indicators met"), default=0)
    indicators_total = models.PositiveSmallIntegerField(_("indicators in the criterion"), default=0)
    # "Cơ bản đạt", marked by the assessor on a criterion not met, with why and by when it
    # should be met; cleared when the criterion is met. Never counts as met.
    basically_met = models.BooleanField(_("basically met"), default=False)
    basically_met_reason = models.TextField(_("why basically met"), blank=True)
    basically_met_by = models.DateField(_("expected to be met by"), null=True, blank=True)

    class Meta:
        verbose_name = _("criterion result")
        verbose_name_plural = _("criterion results")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="result_one_per_criterion"),
            models.CheckConstraint(
                condition=Q(indicators_met__lte=F("indicators_total")), name="result_met_within_total"
            ),
            models.CheckConstraint(condition=Q(met=False) | Q(basically_met=False), name="result_met_or_basically_met"),
            models.CheckConstraint(
                condition=Q(basically_met=False) | Q(basically_met_by__isnull=False),
                name="result_basically_met_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["criterion", "met"], name="result_criterion_met_idx"),
            # Lagging criteria count the results not met of a year's assessments: a small
            # partial index answers that without reading the results table.
            models.Index(fields=["assessment", "criterion"], condition=Q(met=False), name="result_not_met_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {'✓' if self.met else ('~' if self.basically_met else '✗')}"


class HistoryKind(models.TextChoices):
    VALUE = "value", _("Value changed")
    STATE = "state", _("State changed")
    CREATED = "created", _("Assessment started")
    EVIDENCE = "evidence", _("Evidence attached")
    MERGED = "merged", _("Duplicate merged")
    BASICALLY_MET = "basic", _("Basically met (cơ bản đạt)")
    SUMMARY = "summary", _("Summary record")
    TARGETS = "targets", _("Targets changed")  # the commune's group changed: outcomes worked out again
    # A summary record corrected (services.summary_correction): one entry per field changed.
    SUMMARY_MARK = "sum_mark", _("Reported criterion corrected")
    SUMMARY_NUMBER = "sum_num", _("Report's number corrected")
    SUMMARY_DATE = "sum_date", _("Report's date corrected")
    SUMMARY_FILE = "sum_file", _("Report's file replaced")


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    """A generated name: the uploaded name is kept only as data, never as a path."""
    suffix = Path(filename).suffix.lower()[:10]
    return f"evidence/{instance.value.assessment_id}/{uuid.uuid4().hex}{suffix}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError(_("History is append-only."))

    def delete(self):
        raise ValidationError(_("History is append-only."))


class AppendOnlyMixin:
    """Rows written once: the ORM refuses to change or delete them (history, logs)."""

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValidationError(_("History is append-only."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("History is append-only."))


from criteria.models_catalogue import (  # noqa: E402, F401 - the catalogue lives in its own module
    MSG_CRITERION_HAS_INDICATORS,
    MSG_GROUP_OF_ANOTHER_SET,
    MSG_INDICATOR_CODE_TAKEN,
    MSG_PUBLISHED_IS_FROZEN,
    MSG_SET_NOT_DRAFT,
    CriteriaSet,
    CriteriaSetQuerySet,
    Criterion,
    CriterionGroup,
    FrozenWithSetMixin,
    Indicator,
    Target,
)
from criteria.models_commune_groups import (  # noqa: E402, F401 - the models live in their own module
    CommuneGroupAssignment,
    CommuneGroupChange,
    GroupCondition,
)
from criteria.models_history import (  # noqa: E402, F401 - the history lives in its own module
    AssessmentLog,
    CriterionResultLog,
    Evidence,
    HistoryEntry,
)
from criteria.models_in_force import SetInForce  # noqa: E402, F401 - the model lives in its own module
from criteria.models_set_history import CriteriaSetChange, SetChangeKind, SetRowKind  # noqa: E402, F401
