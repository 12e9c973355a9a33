"""Indicators the portal works out instead of anyone typing them (``Indicator.derived``).

QĐ 319 (model commune, 2021–2025) sets two conditions that the portal already knows the
answer to, so they are derived and a typed value is refused:

* ``holds_advanced`` — "already recognised as an advanced NTM commune and maintaining it": the
  commune holds the advanced title (``criteria.figures``) on the day that counts — the
  recognition decision's date when recognising, else the end of the assessment year (today
  while it runs).
* ``income_vs_advanced`` — "income at least 10% above the advanced commune's threshold, at the
  time of the recognition": the income per person of the assessment year (indicator 10.1 of
  the commune's advanced assessment of that year, else its standard one) as a percentage of
  the advanced threshold that applies to the commune in the year of the decision (of the
  assessment year before a decision).

The values are written through ``assessment_record_values`` (history, results, logs) with a
note that says where they came from.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext as _

from criteria.figures import title_holders, year_cutoff
from criteria.models import Assessment, CriteriaSet, Derived, Indicator, IndicatorValue, Tier
from criteria.services.in_force import criteria_set_in_force
from criteria.services.recording import INCOME_INDICATOR_CODE, ValueEntry
from criteria.structure import set_structure
from criteria.targets import target_for
from ntm_portal.numbers import vn_number

_HUNDREDTH = Decimal("0.01")


class _Facts:
    """What the derived indicators of a batch of assessments read, in a fixed number of queries
    however many assessments: each commune's income per person of each year (and the
    assessment it is from), the communes holding the advanced title on each day that counts,
    the advanced set in force per province and year, and each commune's advanced assessments
    (for a year after the set's years)."""

    def __init__(self, assessments: list[Assessment], days: dict[int, datetime.date]) -> None:
        units = {a.unit_id for a in assessments}
        self._days = days
        self._incomes: dict[tuple[int, int], tuple[Decimal, str, str]] = {}
        needs = {i.derived for a in assessments for i in set_structure(a.criteria_set).indicators if i.derived}
        if Derived.INCOME_VS_ADVANCED in needs:
            # Only the assessments that speak for their commune (``Assessment.objects``): a
            # merged duplicate of the same year keeps its values but counts for nothing.
            sources = Assessment.objects.filter(
                unit__in=units, year__in={a.year for a in assessments}, tier__in=[Tier.ADVANCED, Tier.STANDARD]
            )
            for unit_id, year, tier, income, source in IndicatorValue.objects.filter(
                assessment__in=sources,
                indicator__code=INCOME_INDICATOR_CODE,
                value_decimal__isnull=False,
            ).values_list(
                "assessment__unit_id",
                "assessment__year",
                "assessment__tier",
                "value_decimal",
                "assessment__criteria_set__short_name",
            ):
                kept = self._incomes.get((unit_id, year))
                if kept is None or (kept[1] != Tier.ADVANCED and tier == Tier.ADVANCED):
                    self._incomes[(unit_id, year)] = (income, tier, source)
        self._holding: set[tuple[int, datetime.date]] = set()
        if Derived.HOLDS_ADVANCED in needs:
            for day in set(days.values()):
                self._holding.update((unit_id, day) for unit_id in title_holders(units, Tier.ADVANCED, day))
        self._in_force: dict[tuple[str, str, int], CriteriaSet | None] = {}
        self._advanced: dict[int, list[Assessment]] | None = None
        self._units = units

    def day(self, assessment: Assessment) -> datetime.date:
        return self._days[assessment.pk]

    def income_of_year(self, assessment: Assessment) -> tuple[Decimal | None, str]:
        """The commune's income per person in the assessment's year (of its advanced
        assessment of the year, else its standard one), and that assessment's set's name."""
        income, _tier, source = self._incomes.get((assessment.unit_id, assessment.year), (None, "", ""))
        return income, source

    def holds_advanced(self, assessment: Assessment, day: datetime.date) -> bool:
        return (assessment.unit_id, day) in self._holding

    def advanced_threshold(self, assessment: Assessment, year: int) -> Decimal | None:
        """The advanced-commune income threshold that applies to the commune in ``year``."""
        unit = assessment.unit
        key = (unit.province_code, unit.level, year)
        if key not in self._in_force:
            self._in_force[key] = criteria_set_in_force(unit=unit, year=year, tier=Tier.ADVANCED)
        advanced_set = self._in_force[key]
        if advanced_set is None:  # after the set's years: the set the commune was last assessed against
            if self._advanced is None:
                self._advanced = {}
                for a in (
                    Assessment.objects.filter(unit__in=self._units, tier=Tier.ADVANCED)
                    .select_related("criteria_set")
                    .order_by("-year")
                ):
                    self._advanced.setdefault(a.unit_id, []).append(a)
            last = next((a for a in self._advanced.get(unit.pk, []) if a.year <= year), None)
            advanced_set = last.criteria_set if last is not None else None
        if advanced_set is None:
            return None
        indicator = next(
            (i for i in set_structure(advanced_set).indicators if i.code == INCOME_INDICATOR_CODE),
            None,
        )
        if indicator is None:
            return None
        rule = target_for(indicator, unit=unit, year=year, criteria_set=advanced_set)
        return rule.value if rule is not None and isinstance(rule.value, Decimal) else None


def _derived_value(indicator: Indicator, assessment: Assessment, facts: _Facts) -> tuple[object, str]:
    """The value and the note that explains it."""
    day = facts.day(assessment)
    if indicator.derived == Derived.HOLDS_ADVANCED:
        held = facts.holds_advanced(assessment, day)
        note = (
            _("Holds the advanced title on %(day)s (recognition decisions).")
            if held
            else _("Does not hold the advanced title on %(day)s (recognition decisions).")
        )
        return held, note % {"day": f"{day:%d/%m/%Y}"}
    income, source = facts.income_of_year(assessment)
    threshold = facts.advanced_threshold(assessment, day.year)
    if income is None:
        return None, _("No income per person (indicator %(code)s) is entered for %(year)s.") % {
            "code": INCOME_INDICATOR_CODE,
            "year": assessment.year,
        }
    if not threshold:
        return None, _("No advanced-commune income threshold applies in %(year)s.") % {"year": day.year}
    ratio = (income * 100 / threshold).quantize(_HUNDREDTH, ROUND_DOWN)  # never overstated
    return ratio, _(
        "Income %(year)s: %(income)s million đồng per person (%(source)s); advanced threshold %(threshold_year)s: "
        "%(threshold)s."
    ) % {
        "year": assessment.year,
        "income": vn_number(income),
        "source": source,
        "threshold_year": day.year,
        "threshold": vn_number(threshold),
    }


def _derived_batches(
    assessments: list[Assessment], on: datetime.date | None = None
) -> list[tuple[Assessment, list[ValueEntry]]]:
    """Each assessment with its derived indicators worked out as of ``on`` (default: the end of
    its year, today while the year runs), each with the note that explains it; those without
    derived indicators left out."""
    days = {a.pk: on or year_cutoff(a.year) for a in assessments}
    facts = _Facts(assessments, days)
    batches = []
    for assessment in assessments:
        entries = [
            ValueEntry(code=indicator.code, raw=value, note=note)
            for indicator in set_structure(assessment.criteria_set).indicators
            if indicator.derived
            for value, note in [_derived_value(indicator, assessment, facts)]
        ]
        if entries:
            batches.append((assessment, entries))
    return batches


def assessment_refresh_derived(*, assessment: Assessment, on: datetime.date | None = None, user=None) -> None:
    """Work out the assessment's derived indicators as of ``on`` (default: the end of its year,
    today while the year runs) and record any that changed."""
    batches = _derived_batches([assessment], on)
    if batches:
        from criteria.services import trusted  # trusted builds on the services that call this module

        trusted.record_values_batch(batches=batches, user=user, derived=True)


def refresh_dependants(*, unit, year: int | None = None) -> None:
    """Refresh the derived values of the unit's open assessments that depend on others (after a
    recognition, a revocation, or a change of income)."""
    refresh_dependants_of(units=[unit.pk], year=year)


def refresh_dependants_of(*, units: list[int], year: int | None = None) -> None:
    """``refresh_dependants`` for many units (ids) at once: one query finds the open
    assessments with derived indicators, and their values are recorded as one batch."""
    dependants = Assessment.objects.filter(
        unit__in=units, criteria_set__indicators__derived__gt="", state__in=["draft", "returned"]
    ).distinct()
    if year is not None:
        dependants = dependants.filter(year=year)
    batches = _derived_batches(list(dependants.select_related("unit", "criteria_set").order_by("pk")))
    if batches:
        from criteria.services import trusted  # trusted builds on the services that call this module

        trusted.record_values_batch(batches=batches, user=None, derived=True)
