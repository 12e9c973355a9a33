"""Plans, targets and funds: what each unit plans to reach and when, and the money mobilised.

* ``RegisteredTarget`` — the year a district, commune or village plans to reach a tier, with
  the decision or plan it comes from; every change is kept in ``RegisteredTargetChange``.
* ``ProvinceTarget`` — a province's targets for a period ("50 communes NTM, 10 advanced,
  5 model by 2025; none under 15 criteria").
* ``FundEntry`` — money mobilised by one unit in one month from one source, in đồng; every
  change is kept in ``FundChange``. A unit records what was mobilised at its own level: totals
  of a district or a province add the entries of every unit below it (``unit.path`` prefix).

Writes go through ``plans.services``; reads that pages, the API and the bulletin share
through ``plans.selectors``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit
from criteria.models import AppendOnlyMixin, AppendOnlyQuerySet, Tier
from criteria.programme import FIRST_YEAR, LAST_YEAR
from plans.periods import period_title

PROGRAMME_START = FIRST_YEAR  # the first year of the NTM programme (QĐ 491/QĐ-TTg, 2009)
TARGET_YEAR_LAST = LAST_YEAR
MAX_MONEY_DIGITS = 18


def cell_key(month: int, source: str) -> str:
    """How one funds cell is named in forms and error messages: ``"3-central"``."""
    return f"{month}-{source}"


class FundSource(models.TextChoices):
    """Where mobilised money comes from, in the order the bulletins list them."""

    CENTRAL = "central", _("Central budget")
    PROVINCE = "province", _("Province budget")
    DISTRICT = "district", _("District budget")
    COMMUNE = "commune", _("Commune budget")
    RESIDENTS = "residents", _("Residents' contributions")
    INTEGRATED = "integrated", _("Integrated programmes")
    ENTERPRISES = "enterprises", _("Enterprises")
    CREDIT = "credit", _("Credit")
    OTHER = "other", _("Other sources")


class RegisteredTargetQuerySet(models.QuerySet):
    def in_force(self) -> RegisteredTargetQuerySet:
        """The targets not withdrawn: the ones a unit is due or overdue by."""
        return self.filter(withdrawn_at__isnull=True)

    def in_force_at(self, moment: datetime.datetime | None) -> RegisteredTargetQuerySet:
        """The targets in force at ``moment`` with the year and basis they had then
        (``year_then``, ``basis_then``), read from their history (``RegisteredTargetChange``):
        registered by then and not withdrawn by then. ``None``: now (``in_force``)."""
        if moment is None:
            return self.in_force().annotate(year_then=F("target_year"), basis_then=F("basis"))
        latest = RegisteredTargetChange.objects.filter(target=OuterRef("pk"), at__lte=moment).order_by("-at", "-pk")
        return self.annotate(
            year_then=Subquery(latest.values("new_year")[:1]), basis_then=Subquery(latest.values("basis")[:1])
        ).filter(year_then__isnull=False)


class RegisteredTarget(models.Model):
    """The year ``unit`` plans to reach ``tier``: one row per unit and tier.

    A withdrawn target (``withdrawn_at``) keeps the year it had, for the record, but is
    neither due nor overdue; registering the tier again puts it back in force.
    """

    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="registered_targets"
    )
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices)
    target_year = models.PositiveSmallIntegerField(_("target year"))
    basis = models.CharField(
        _("decision or plan"), max_length=300, help_text=_("The decision or plan that sets this target.")
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    set_at = models.DateTimeField(_("set at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = RegisteredTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("registered target")
        verbose_name_plural = _("registered targets")
        ordering = ["unit__name_sort", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "tier"], name="registeredtarget_one_per_tier"),
            models.CheckConstraint(condition=Q(tier__in=Tier.values), name="registeredtarget_tier_known"),
            models.CheckConstraint(
                condition=Q(target_year__gte=PROGRAMME_START, target_year__lte=TARGET_YEAR_LAST),
                name="registeredtarget_year_in_programme",
            ),
            models.CheckConstraint(condition=~Q(basis=""), name="registeredtarget_has_basis"),
        ]
        indexes = [models.Index(fields=["target_year", "tier"], name="registeredtarget_due_idx")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_tier_display()} · {self.target_year}"


class RegisteredTargetChange(AppendOnlyMixin, models.Model):
    """Append-only: each registration or change of a target year (None → year on the first,
    and after a withdrawal; year → None: withdrawn, ``basis`` the reason)."""

    target = models.ForeignKey(
        RegisteredTarget, verbose_name=_("registered target"), on_delete=models.PROTECT, related_name="changes"
    )
    old_year = models.PositiveSmallIntegerField(_("old target year"), null=True, blank=True)
    new_year = models.PositiveSmallIntegerField(_("new target year"), null=True, blank=True)
    basis = models.CharField(_("decision or plan"), max_length=300)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("change of a registered target")
        base_manager_name = "objects"  # Django's internal queries refuse updates too
        verbose_name_plural = _("changes of registered targets")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["target", "at"], name="targetchange_target_at_idx")]

    def __str__(self) -> str:
        return f"{self.target_id}: {self.old_year or '—'} → {self.new_year or '—'}"


class ProvinceTarget(models.Model):
    """A province's targets for a period, entered by its coordination office."""

    province = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("province"), on_delete=models.PROTECT, related_name="province_targets"
    )
    period_from = models.PositiveSmallIntegerField(_("from year"))
    period_to = models.PositiveSmallIntegerField(_("to year"))
    communes_standard = models.PositiveIntegerField(_("communes reaching the standard"), default=0)
    communes_advanced = models.PositiveIntegerField(_("communes reaching the advanced tier"), default=0)
    communes_model = models.PositiveIntegerField(_("communes reaching the model tier"), default=0)
    min_criteria = models.PositiveSmallIntegerField(
        _("no commune under this many criteria"), null=True, blank=True, help_text=_("Leave empty for no such target.")
    )
    villages_recognised_share = models.DecimalField(
        _("share of villages recognised (%)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Leave empty for no such target."),
    )
    basis = models.CharField(_("decision or plan"), max_length=300)
    version = models.PositiveIntegerField(_("version"), default=1)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"))

    class Meta:
        verbose_name = _("province target")
        verbose_name_plural = _("province targets")
        ordering = ["province", "-period_to", "-period_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "period_from", "period_to"], name="provincetarget_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_from__gte=PROGRAMME_START, period_to__lte=TARGET_YEAR_LAST),
                name="provincetarget_period_in_programme",
            ),
            models.CheckConstraint(condition=Q(period_to__gte=F("period_from")), name="provincetarget_period_ordered"),
            # The tiers are a ladder: an advanced commune is also a standard one. A tier at 0 has
            # no target, so each count is held to the nearest tier below it that has one.
            models.CheckConstraint(
                condition=(Q(communes_standard=0) | Q(communes_advanced__lte=F("communes_standard")))
                & (
                    Q(communes_model__lte=F("communes_advanced"))
                    | Q(communes_advanced=0, communes_standard=0)
                    | Q(communes_advanced=0, communes_model__lte=F("communes_standard"))
                ),
                name="provincetarget_tiers_nested",
            ),
            models.CheckConstraint(
                condition=Q(min_criteria__isnull=True) | Q(min_criteria__gte=1, min_criteria__lte=30),
                name="provincetarget_min_criteria_range",
            ),
            models.CheckConstraint(
                condition=Q(villages_recognised_share__isnull=True)
                | Q(villages_recognised_share__gte=0, villages_recognised_share__lte=100),
                name="provincetarget_share_is_percent",
            ),
            models.CheckConstraint(condition=~Q(basis=""), name="provincetarget_has_basis"),
        ]

    def __str__(self) -> str:
        return f"{self.province} · {self.period_from}–{self.period_to}"

    @property
    def period_title(self) -> str:
        return period_title(self.period_from, self.period_to)


class ProvinceTargetChange(AppendOnlyMixin, models.Model):
    """Append-only: each entry or change of a province's targets, as ``{field: [old, new]}``
    over the fields that changed (``PROVINCE_TARGET_FIELDS``; old ``None`` on the first entry;
    the share as text, ``"62.5"``)."""

    target = models.ForeignKey(
        ProvinceTarget, verbose_name=_("province target"), on_delete=models.PROTECT, related_name="changes"
    )
    changes = models.JSONField(_("changes"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("change of a province target")
        base_manager_name = "objects"  # Django's internal queries refuse updates too
        verbose_name_plural = _("changes of province targets")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["target", "at"], name="ptchange_target_at_idx")]

    def __str__(self) -> str:
        return f"{self.target_id}: {self.changes}"


# The figures of a province target that its history records, in the order it shows them.
PROVINCE_TARGET_FIELDS = (
    "period_from",
    "period_to",
    "communes_standard",
    "communes_advanced",
    "communes_model",
    "min_criteria",
    "villages_recognised_share",
    "basis",
)


class FundEntry(models.Model):
    """Money (đồng) mobilised by ``unit`` in ``month`` of ``year`` from ``source``."""

    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="fund_entries"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    source = models.CharField(_("source"), max_length=12, choices=FundSource.choices)
    amount = models.DecimalField(_("amount (đồng)"), max_digits=MAX_MONEY_DIGITS, decimal_places=0)
    note = models.CharField(_("note"), max_length=500, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"))

    class Meta:
        verbose_name = _("funds entry")
        verbose_name_plural = _("funds entries")
        ordering = ["unit__name_sort", "year", "month", "source"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "month", "source"], name="fundentry_one_per_cell"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="fundentry_amount_not_negative"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="fundentry_month_in_year"),
            models.CheckConstraint(condition=Q(year__gte=PROGRAMME_START), name="fundentry_year_in_programme"),
            models.CheckConstraint(condition=Q(source__in=FundSource.values), name="fundentry_source_known"),
        ]
        indexes = [models.Index(fields=["year", "month"], name="fundentry_year_month_idx")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.month:02d}/{self.year} · {self.get_source_display()}: {self.amount}"

    @property
    def key(self) -> str:
        return cell_key(self.month, self.source)


class FundChange(AppendOnlyMixin, models.Model):
    """Append-only: each change of a funds cell (None: no entry before, or the entry cleared)."""

    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    source = models.CharField(_("source"), max_length=12, choices=FundSource.choices)
    old_amount = models.DecimalField(
        _("old amount"), max_digits=MAX_MONEY_DIGITS, decimal_places=0, null=True, blank=True
    )
    new_amount = models.DecimalField(
        _("new amount"), max_digits=MAX_MONEY_DIGITS, decimal_places=0, null=True, blank=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("change of funds")
        base_manager_name = "objects"  # Django's internal queries refuse updates too
        verbose_name_plural = _("changes of funds")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["unit", "year", "at"], name="fundchange_unit_year_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:02d}/{self.year} {self.source}: {self.old_amount} → {self.new_amount}"
