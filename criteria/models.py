"""Criteria sets (the versioned catalog), assessments, values, results and their history.

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
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit, Level, Region, subtree_q
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


class Outcome(models.TextChoices):
    MET = evaluation.Outcome.MET.value, _("Met")
    NOT_MET = evaluation.Outcome.NOT_MET.value, _("Not met")
    MISSING = evaluation.Outcome.MISSING.value, _("No value")
    NO_TARGET = evaluation.Outcome.NO_TARGET.value, _("No target set")
    NOT_APPLICABLE = evaluation.Outcome.NOT_APPLICABLE.value, _("Not applicable")


MSG_PUBLISHED_IS_FROZEN = _("This criteria set is published and cannot be changed; clone it as a new version.")
MSG_SET_NOT_DRAFT = _("Only a draft set takes new rows: this set is published; clone it as a new version.")
MSG_GROUP_OF_ANOTHER_SET = _("The group belongs to another set.")
MSG_CRITERION_HAS_INDICATORS = _(
    "A criterion with indicators stays in its set; add a criterion to the other set instead."
)
MSG_INDICATOR_CODE_TAKEN = _("This code is already used by another indicator of the set.")


def decision_upload_to(instance: CriteriaSet, filename: str) -> str:
    """A generated name for a set's issuing decision; the uploaded name is not a path."""
    return f"decisions/{uuid.uuid4().hex}.pdf"


class CriteriaSetQuerySet(models.QuerySet):
    def published(self) -> CriteriaSetQuerySet:
        return self.filter(status=SetStatus.PUBLISHED)

    def covering(self, year: int) -> CriteriaSetQuerySet:
        return self.filter(year_from__lte=year, year_to__gte=year)

    def in_force(self, *, year: int, level: str, tier: str, province: AdministrativeUnit | None = None):
        """Published sets for the year, level and tier that apply inside ``province``.

        A province's own set comes before the State's; among several, the latest version.
        """
        issuers = Q(issuer__isnull=True)
        if province is not None:
            issuers |= Q(issuer=province)
        return (
            self.published()
            .covering(year)
            .filter(issuers, level=level, tier=tier)
            .order_by(F("issuer").desc(nulls_last=True), "-year_from", "-version")
        )


class CriteriaSet(models.Model):
    code = models.CharField(_("code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=100)
    issuer = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("issued by province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="criteria_sets",
        help_text=_("Empty for a national set; a province for a set that applies only inside it."),
    )
    decision_number = models.CharField(_("decision number"), max_length=60)
    decision_date = models.DateField(_("decision date"))
    effective_date = models.DateField(_("in force from"), null=True, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=SetLevel.choices)
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices)
    year_from = models.PositiveSmallIntegerField(_("first year"))
    year_to = models.PositiveSmallIntegerField(_("last year"))
    status = models.CharField(_("status"), max_length=10, choices=SetStatus.choices, default=SetStatus.DRAFT)
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("supersedes"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    target_basis = models.CharField(
        _("targets depend on"), max_length=10, choices=TargetBasis.choices, default=TargetBasis.REGION
    )
    disadvantaged_region = models.CharField(
        _("region used by especially disadvantaged communes"),
        max_length=8,
        choices=Region.choices,
        blank=True,
    )
    notes = models.TextField(_("notes"), blank=True)
    decision_file = models.FileField(
        _("decision (PDF)"), upload_to=decision_upload_to, max_length=200, blank=True, editable=False
    )
    source_file = models.CharField(_("catalog file"), max_length=200, blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CriteriaSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        ordering = ["-year_from", "level", "tier", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="criteriaset_code_version_unique"),
            models.CheckConstraint(condition=Q(year_to__gte=F("year_from")), name="criteriaset_years_ordered"),
            models.CheckConstraint(condition=Q(year_from__gte=2010), name="criteriaset_from_2010"),
            models.CheckConstraint(
                condition=Q(status=SetStatus.DRAFT) | Q(published_at__isnull=False),
                name="criteriaset_published_has_date",
            ),
        ]
        indexes = [models.Index(fields=["level", "tier", "status", "year_from"], name="criteriaset_lookup_idx")]

    def __str__(self) -> str:
        version = f" v{self.version}" if self.version > 1 else ""
        return f"{self.short_name}{version} ({self.decision_number})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            stored = CriteriaSet.objects.filter(pk=self.pk).first()
            if stored is not None and stored.status != SetStatus.DRAFT:
                changed = [
                    f.attname
                    for f in self._meta.concrete_fields
                    if f.attname not in {"status"} and getattr(stored, f.attname) != getattr(self, f.attname)
                ]
                if changed or self.status == SetStatus.DRAFT:
                    raise ValidationError(MSG_PUBLISHED_IS_FROZEN, code="published")
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status != SetStatus.DRAFT


class FrozenWithSetMixin:
    """Refuse changes to catalog rows once their set is published (clone it instead)."""

    def _owning_set_id(self) -> int:
        raise NotImplementedError

    def _check_set_is_draft(self) -> None:
        if CriteriaSet.objects.filter(pk=self._owning_set_id()).exclude(status=SetStatus.DRAFT).exists():
            raise ValidationError(MSG_PUBLISHED_IS_FROZEN, code="published")

    def save(self, *args, **kwargs) -> None:
        self._check_set_is_draft()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_set_is_draft()
        return super().delete(*args, **kwargs)


class CriterionGroup(FrozenWithSetMixin, models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("criteria group")
        verbose_name_plural = _("criteria groups")
        ordering = ["criteria_set", "position"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "code"], name="group_code_unique")]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}" if self.code else self.name

    def _owning_set_id(self) -> int:
        return self.criteria_set_id


class Criterion(FrozenWithSetMixin, models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    group = models.ForeignKey(
        CriterionGroup, verbose_name=_("group"), on_delete=models.PROTECT, related_name="criteria"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=300)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["criteria_set", "number"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "number"], name="criterion_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    def clean(self) -> None:
        # Field errors for the forms (admin, workspace): save() would only raise a bare error.
        if not self.criteria_set_id:
            return
        errors = {}
        if CriteriaSet.objects.filter(pk=self.criteria_set_id).exclude(status=SetStatus.DRAFT).exists():
            errors["criteria_set"] = MSG_SET_NOT_DRAFT
        elif self.pk and self.indicators.exclude(criteria_set_id=self.criteria_set_id).exists():
            errors["criteria_set"] = MSG_CRITERION_HAS_INDICATORS
        if self.group_id and self.group.criteria_set_id != self.criteria_set_id:
            errors["group"] = MSG_GROUP_OF_ANOTHER_SET
        if errors:
            raise ValidationError(errors)

    def _owning_set_id(self) -> int:
        return self.criteria_set_id


class Indicator(FrozenWithSetMixin, models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="indicators")
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=12)
    name = models.CharField(_("name"), max_length=500)
    value_type = models.CharField(_("value type"), max_length=10, choices=ValueType.choices)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    comparison = models.CharField(_("comparison"), max_length=4, choices=Comparison.choices)
    required = models.BooleanField(_("required"), default=True)
    conditional = models.BooleanField(
        _("conditional (nếu có)"),
        default=False,
        help_text=_("Applies only where the object exists (“nếu có”): may be set not applicable, with a reason."),
    )
    target_by_province = models.BooleanField(
        _("target set by the province"),
        default=False,
        help_text=_("The decision leaves the target to each province's own version of the set."),
    )
    derived = models.CharField(
        _("worked out by the portal"),
        max_length=24,
        choices=Derived.choices,
        blank=True,
        help_text=_("The portal computes this value from recognition decisions and other assessments."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["criterion__number", "position"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="indicator_code_unique"),
            models.CheckConstraint(
                condition=~Q(comparison=Comparison.MET) | Q(value_type=ValueType.YES_NO),
                name="indicator_met_only_for_yes_no",
            ),
            models.CheckConstraint(
                condition=~Q(value_type=ValueType.YES_NO) | Q(comparison__in=[Comparison.MET, Comparison.EQ]),
                name="indicator_yes_no_compares_by_met_or_eq",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        if self.criterion_id and self.criteria_set_id and self.criterion.criteria_set_id != self.criteria_set_id:
            raise ValidationError({"criterion": _("The criterion belongs to another set.")})

    def _owning_set_id(self) -> int:
        return self.criteria_set_id


class Target(FrozenWithSetMixin, models.Model):
    """The value an indicator must reach, possibly for one region, commune group or year on."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    value = models.DecimalField(
        _("target value"),
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("For a yes/no indicator compared with “=”: 1 for yes, 0 for no."),
    )
    region = models.CharField(_("region"), max_length=8, choices=Region.choices, blank=True)
    commune_group = models.PositiveSmallIntegerField(
        _("commune group"), choices=[(g, str(g)) for g in evaluation.COMMUNE_GROUPS], null=True, blank=True
    )
    year = models.PositiveSmallIntegerField(_("from year"), null=True, blank=True)
    to_verify = models.BooleanField(
        _("to verify"), default=False, help_text=_("Not yet confirmed against the decision text.")
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who checked the value against the decision text."),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "region", "commune_group", "year"]
        constraints = [
            models.UniqueConstraint(
                F("indicator"),
                "region",
                Coalesce("commune_group", Value(0)),
                Coalesce("year", Value(0)),
                name="target_one_per_scope",
            )
        ]

    def __str__(self) -> str:
        scope = " · ".join(str(s) for s in (self.region, self.commune_group, self.year) if s)
        return f"{self.indicator.code}: {self.value}" + (f" ({scope})" if scope else "")

    def _owning_set_id(self) -> int:
        return self.indicator.criteria_set_id

    def as_rule(self) -> evaluation.TargetRule:
        value: object = self.value
        if self.indicator.value_type == ValueType.YES_NO and self.value is not None:
            value = bool(self.value)
        return evaluation.TargetRule(
            value=value,
            region=self.region or None,
            group=self.commune_group,
            year=self.year,
            to_verify=self.to_verify,
            key=self.pk,
        )


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
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.PROTECT, related_name="assessments"
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
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
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
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="values", db_index=False)
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+")
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
        if self.not_applicable:
            return str(_("Not applicable"))
        if self.value_bool is not None:
            return str(_("Yes") if self.value_bool else _("No"))
        return "" if self.value_decimal is None else format(self.value_decimal.normalize(), "f")


class CriterionResult(models.Model):
    """Stored per criterion, recomputed in the same transaction as every change to a value."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="results"
    )
    met = models.BooleanField(_("met"), default=False)
    indicators_met = models.PositiveSmallIntegerField(default=0)
    indicators_total = models.PositiveSmallIntegerField(default=0)
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


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    """A generated name: the uploaded name is kept only as data, never as a path."""
    suffix = Path(filename).suffix.lower()[:10]
    return f"evidence/{instance.value.assessment_id}/{uuid.uuid4().hex}{suffix}"


class Evidence(models.Model):
    """A file proving a value (minutes, photos, reports); served only through an access check."""

    value = models.ForeignKey(
        IndicatorValue, verbose_name=_("value"), on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


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


class HistoryEntry(AppendOnlyMixin, models.Model):
    """Append-only record of every change to a value or a state: who, when, old → new, why."""

    # Indexed by ``history_value_idx`` and ``history_newest_idx`` (assessment first).
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="history", db_index=False)
    kind = models.CharField(_("kind"), max_length=8, choices=HistoryKind.choices)
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    old_value = models.CharField(_("old value"), max_length=60, blank=True)
    new_value = models.CharField(_("new value"), max_length=60, blank=True)
    old_note = models.TextField(_("old note"), blank=True)
    new_note = models.TextField(_("new note"), blank=True)
    old_state = models.CharField(_("old state"), max_length=12, choices=AssessmentState.choices, blank=True)
    new_state = models.CharField(_("new state"), max_length=12, choices=AssessmentState.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    # Read only per assessment (the indexes below), never across assessments by time.
    at = models.DateTimeField(_("at"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("history entry")
        base_manager_name = "objects"  # Django's internal queries refuse updates too
        verbose_name_plural = _("history")
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["assessment", "indicator", "at"], name="history_value_idx"),
            # The sheet's newest entries (and its latest state change and comment): read in
            # order and stopped at the page, whatever the length of the history.
            models.Index(fields=["assessment", "-at", "-id"], name="history_newest_idx"),
            # Its latest state change, however many values were saved since (or none at all).
            models.Index(
                fields=["assessment", "-at", "-id"], condition=Q(kind="state"), name="history_newest_state_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="value") | Q(indicator__isnull=False), name="history_value_names_indicator"
            ),
            models.CheckConstraint(
                condition=~Q(kind="basic") | Q(criterion__isnull=False), name="history_basic_names_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_kind_display()}"


class AssessmentLog(AppendOnlyMixin, models.Model):
    """Append-only: the stored figures of an assessment from ``at`` on (state, criteria met).

    One row per change, written by the services in the same transaction; a bulletin for a
    past month reads the last row before the month's end instead of today's figures.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="log")
    at = models.DateTimeField()
    state = models.CharField(max_length=12, choices=AssessmentState.choices)
    criteria_met = models.PositiveSmallIntegerField()
    criteria_total = models.PositiveSmallIntegerField()
    criteria_basically_met = models.PositiveSmallIntegerField(default=0)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment log entry")
        base_manager_name = "objects"  # Django's internal queries refuse updates too
        verbose_name_plural = _("assessment log")
        indexes = [models.Index(fields=["assessment", "at"], name="assessmentlog_asof_idx")]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.at:%Y-%m-%d %H:%M} {self.state} {self.criteria_met}/{self.criteria_total}"


class CriterionResultLog(AppendOnlyMixin, models.Model):
    """Append-only: whether a criterion was met from ``at`` on (the matrix as of a past date)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="result_log")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    met = models.BooleanField()
    basically_met = models.BooleanField(default=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("criterion result log entry")
        base_manager_name = "objects"  # Django's internal queries refuse updates too
        verbose_name_plural = _("criterion result log")
        indexes = [models.Index(fields=["assessment", "criterion", "at"], name="resultlog_asof_idx")]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.criterion_id} {self.at:%Y-%m-%d %H:%M} {self.met}"


from criteria.models_commune_groups import (  # noqa: E402, F401 - the models live in their own module
    CommuneGroupAssignment,
    CommuneGroupChange,
    GroupCondition,
)
from criteria.models_in_force import SetInForce  # noqa: E402, F401 - the model lives in its own module
from criteria.models_set_history import CriteriaSetChange, SetChangeKind  # noqa: E402, F401
