"""The catalogue of criteria: versioned sets, their groups, criteria, indicators and targets.

A published set never changes (its rows refuse to be saved, ``FrozenWithSetMixin``): a new
version is cloned instead. Imported by ``criteria.models``, which defines the choices and the
upload names these models use (migrations name them there).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import BooleanField, Case, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit, Region
from criteria import evaluation, programme
from criteria.models import (  # defined before it imports this module
    Comparison,
    Derived,
    SetLevel,
    SetStatus,
    TargetBasis,
    Tier,
    ValueType,
    decision_upload_to,
)
from ntm_portal.numbers import vn_number

MSG_PUBLISHED_IS_FROZEN = _("This criteria set is published and cannot be changed; clone it as a new version.")
MSG_SET_NOT_DRAFT = _("Only a draft set takes new rows: this set is published; clone it as a new version.")
MSG_GROUP_OF_ANOTHER_SET = _("The group belongs to another set.")
MSG_CRITERION_HAS_INDICATORS = _(
    "A criterion with indicators stays in its set; add a criterion to the other set instead."
)
MSG_INDICATOR_CODE_TAKEN = _("This code is already used by another indicator of the set.")
# The database's constraints, refused first at the field by ``clean()`` (the workspace's forms,
# the admin) in words a user reads: the constraint's own message would name it or the model.
MSG_YEARS_ORDERED = _("The last year cannot come before the first year.")
MSG_FROM_2010 = _("A criteria set starts in 2010 or later.")
MSG_PERIOD_TOO_LONG = _("A criteria set covers at most %(years)s years.")
MSG_ENDS_BY = _("A criteria set ends in %(last)s at the latest.")
MSG_DECIDED_SINCE = _("A criteria set is decided on or after %(first)s (QĐ 491/QĐ-TTg, the first set).")
MSG_DECIDED_FUTURE = _("The decision date cannot be in the future.")
MSG_EFFECTIVE_BEFORE_DECISION = _("A criteria set comes into force on or after its decision date (%(decided)s).")
MSG_EFFECTIVE_AFTER_PERIOD = _("A criteria set comes into force by the end of its period (%(end)s).")
MSG_GROUP_CODE_TAKEN = _("Group %(code)s already exists in this set.")
MSG_CRITERION_NUMBER_TAKEN = _("Criterion %(number)s already exists in this set.")
MSG_COMPARISON_FOR_TYPE = _(
    "A yes/no indicator is compared by “met (đạt)” or “=”, and only a yes/no indicator by “met (đạt)”."
)
MSG_TARGET_SCOPE_TAKEN = _(
    "Indicator %(code)s already has a target for this region, commune group and year: change that target instead."
)


class CriteriaSetQuerySet(models.QuerySet):
    def published(self) -> CriteriaSetQuerySet:
        return self.filter(status=SetStatus.PUBLISHED)

    def covering(self, year: int) -> CriteriaSetQuerySet:
        return self.filter(year_from__lte=year, year_to__gte=year)

    def not_superseded(self, year: int | None = None) -> CriteriaSetQuerySet:
        """Without the versions a later published version of the same code (an amendment by the
        same issuer, ``supersedes``) replaces in ``year``: from the year of the later version's
        effective date (else of its decision), ``replaces_from_year``. ``year`` None: replaced
        at all. Assessments already made against a replaced version keep it."""
        later = CriteriaSet.objects.filter(supersedes=OuterRef("pk"), code=OuterRef("code"), status=SetStatus.PUBLISHED)
        if year is not None:
            # Only for a year the later version covers: one that dropped years leaves them to this one.
            later = later.annotate(from_year=replaces_from_year()).filter(
                from_year__lte=year, year_from__lte=year, year_to__gte=year
            )
        return self.exclude(Exists(later))

    def in_force(self, *, year: int, level: str, tier: str, province: AdministrativeUnit | None = None):
        """Published sets for the year, level and tier that apply inside ``province``, the default
        first (every default goes through here, ``in_force.criteria_set_in_force``).

        A province's own set comes before the State's; among several, the latest version — but a
        version that does not replace its predecessor yet in ``year`` (it takes effect in a later
        year, ``replaces_from_year``) comes after the versions already in effect: before the
        year of its effective date the predecessor stays the default (the later version remains
        a set the unit may be assessed against with a reason).
        """
        issuers = Q(issuer__isnull=True)
        if province is not None:
            issuers |= Q(issuer=province)
        predecessor = CriteriaSet.objects.filter(pk=OuterRef("supersedes_id"), code=OuterRef("code"))
        not_yet = Case(
            When(Q(Exists(predecessor)) & Q(from_year__gt=year), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
        return (
            self.published()
            .covering(year)
            .not_superseded(year)
            .filter(issuers, level=level, tier=tier)
            .annotate(from_year=replaces_from_year())
            .annotate(replaces_later=not_yet)
            .order_by(F("issuer").desc(nulls_last=True), "replaces_later", "-year_from", "-version")
        )


def replaces_from_year():
    """The year from which a version replaces the version it supersedes (same code): the year of
    its effective date, else of its decision — the one rule of ``not_superseded``, ``in_force``
    and ``CriteriaSet.replaced_from_year``."""
    return ExtractYear(Coalesce("effective_date", "decision_date"))


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

    def clean(self) -> None:
        errors = {}
        if self.year_from is not None and self.year_from < programme.FIRST_YEAR:
            errors["year_from"] = ValidationError(MSG_FROM_2010, code="from_2010")
        if self.year_to is not None and self.year_to > programme.LAST_YEAR:
            errors["year_to"] = ValidationError(MSG_ENDS_BY, code="ends_by", params={"last": programme.LAST_YEAR})
        elif self.year_from is not None and self.year_to is not None and self.year_to < self.year_from:
            errors["year_to"] = ValidationError(MSG_YEARS_ORDERED, code="years_ordered")
        elif (
            self.year_from is not None
            and self.year_to is not None
            and "year_from" not in errors  # the first year is what is wrong
            and self.year_to - self.year_from + 1 > programme.LONGEST_PERIOD
        ):
            params = {"years": programme.LONGEST_PERIOD}
            errors["year_to"] = ValidationError(MSG_PERIOD_TOO_LONG, code="too_long", params=params)
        decided = self.decision_date
        if decided is not None and decided < programme.FIRST_DECISION:
            params = {"first": f"{programme.FIRST_DECISION:%d/%m/%Y}"}
            errors["decision_date"] = ValidationError(MSG_DECIDED_SINCE, code="decided_since", params=params)
        elif decided is not None and decided > timezone.localdate():
            errors["decision_date"] = ValidationError(MSG_DECIDED_FUTURE, code="decided_future")
        effective = self.effective_date
        if effective is not None and decided is not None and effective < decided:
            params = {"decided": f"{decided:%d/%m/%Y}"}
            errors["effective_date"] = ValidationError(
                MSG_EFFECTIVE_BEFORE_DECISION, code="before_decision", params=params
            )
        elif effective is not None and self.year_to is not None and effective.year > self.year_to:
            params = {"end": f"31/12/{self.year_to}"}
            errors["effective_date"] = ValidationError(MSG_EFFECTIVE_AFTER_PERIOD, code="after_period", params=params)
        if errors:
            raise ValidationError(errors)

    @property
    def label(self) -> str:
        """How a set is named where it is chosen among others (every dropdown, the start form's set
        in force): always with its version, since the versions of one code may share names and
        decision (``__str__`` leaves out "v1", for messages about one set)."""
        return f"{self.short_name} v{self.version} ({self.decision_number})"

    @property
    def years(self) -> str:
        """The set's years wherever they are shown (lists, choices, headings): "2021–2025", or
        "2024" for a set of one year (QA: "2024–2024")."""
        if self.year_from == self.year_to:
            return str(self.year_from)
        return f"{self.year_from}–{self.year_to}"

    @property
    def years_in_words(self) -> str:
        """The set's years inside a sentence ("… applies to …"), as grammar needs them: "the years
        2021–2025" ("giai đoạn 2021–2025"), or "the year 2024" ("năm 2024")."""
        if self.year_from == self.year_to:
            return gettext("the year %(year)s") % {"year": self.year_from}
        return gettext("the years %(years)s") % {"years": self.years}

    @property
    def is_published(self) -> bool:
        return self.status != SetStatus.DRAFT

    def replaced_by(self) -> CriteriaSet | None:
        """The later published version of this code that replaces this one (``not_superseded``)."""
        return (
            CriteriaSet.objects.filter(supersedes=self, code=self.code, status=SetStatus.PUBLISHED)
            .order_by("version")
            .first()
        )

    @property
    def replaced_from_year(self) -> int:
        """For a replacing version: the first year it replaces the version it supersedes."""
        return (self.effective_date or self.decision_date).year


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
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.CASCADE, related_name="groups"
    )
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("criteria group")
        verbose_name_plural = _("criteria groups")
        ordering = ["criteria_set", "position"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "code"], name="group_code_unique")]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}" if self.code else self.name

    def clean(self) -> None:
        taken = CriterionGroup.objects.filter(criteria_set_id=self.criteria_set_id, code=self.code).exclude(pk=self.pk)
        if self.criteria_set_id and taken.exists():
            raise ValidationError(
                {"code": ValidationError(MSG_GROUP_CODE_TAKEN, code="taken", params={"code": self.code})}
            )

    def _owning_set_id(self) -> int:
        return self.criteria_set_id


class Criterion(FrozenWithSetMixin, models.Model):
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.CASCADE, related_name="criteria"
    )
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
        taken = Criterion.objects.filter(criteria_set_id=self.criteria_set_id, number=self.number).exclude(pk=self.pk)
        if self.number is not None and taken.exists():
            errors["number"] = ValidationError(MSG_CRITERION_NUMBER_TAKEN, code="taken", params={"number": self.number})
        if errors:
            raise ValidationError(errors)

    def _owning_set_id(self) -> int:
        return self.criteria_set_id


class Indicator(FrozenWithSetMixin, models.Model):
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.CASCADE, related_name="indicators"
    )
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
    position = models.PositiveSmallIntegerField(_("position"), default=0)

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

    @property
    def flag_conditional(self) -> bool:
        """Whether pages mark the indicator "nếu có": a conditional one whose name does not
        already say so (many of QĐ 318's end in "(nếu có)", and read "(nếu có) nếu có")."""
        return self.conditional and "nếu có" not in self.name.casefold()

    def clean(self) -> None:
        errors = {}
        if self.criterion_id and self.criteria_set_id and self.criterion.criteria_set_id != self.criteria_set_id:
            errors["criterion"] = _("The criterion belongs to another set.")
        taken = Indicator.objects.filter(criteria_set_id=self.criteria_set_id, code=self.code).exclude(pk=self.pk)
        if self.criteria_set_id and taken.exists():
            errors["code"] = ValidationError(MSG_INDICATOR_CODE_TAKEN, code="taken")
        yes_no = self.value_type == ValueType.YES_NO
        if (self.comparison == Comparison.MET and not yes_no) or (
            yes_no and self.comparison not in (Comparison.MET, Comparison.EQ)
        ):
            errors["comparison"] = ValidationError(MSG_COMPARISON_FOR_TYPE, code="comparison")
        if errors:
            raise ValidationError(errors)

    def _owning_set_id(self) -> int:
        return self.criteria_set_id


class Target(FrozenWithSetMixin, models.Model):
    """The value an indicator must reach, possibly for one region, commune group or year on."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
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
        value = "—" if self.value is None else vn_number(self.value)  # "75", "85,5", not 75.0000
        return f"{self.indicator.code}: {value}" + (f" ({scope})" if scope else "")

    def clean(self) -> None:
        if not self.indicator_id:
            return
        same_scope = Target.objects.filter(
            indicator_id=self.indicator_id, region=self.region, commune_group=self.commune_group, year=self.year
        ).exclude(pk=self.pk)
        if same_scope.exists():
            # At a field the constraint names, so that its own bare message is not added.
            field = (
                "region"
                if self.region
                else "commune_group"
                if self.commune_group
                else "year"
                if self.year
                else "indicator"
            )
            raise ValidationError(
                {field: ValidationError(MSG_TARGET_SCOPE_TAKEN, code="taken", params={"code": self.indicator.code})}
            )

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
