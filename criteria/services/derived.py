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

from criteria.figures import holds_title, year_cutoff
from criteria.models import Assessment, Derived, Indicator, IndicatorValue, Tier
from criteria.services.in_force import criteria_set_in_force
from criteria.services.recording import INCOME_INDICATOR_CODE, ValueEntry
from criteria.structure import set_structure
from criteria.targets import target_for
from ntm_portal.numbers import vn_number

_HUNDREDTH = Decimal("0.01")


def _income_of_year(assessment: Assessment) -> tuple[Decimal | None, Assessment | None]:
    """The commune's income per person in the assessment's year, and the assessment it is from."""
    sources = {
        a.tier: a
        for a in Assessment.objects.filter(
            unit=assessment.unit, year=assessment.year, tier__in=[Tier.ADVANCED, Tier.STANDARD]
        ).select_related("criteria_set")
    }
    for tier in (Tier.ADVANCED, Tier.STANDARD):
        source = sources.get(tier)
        if source is None:
            continue
        stored = IndicatorValue.objects.filter(
            assessment=source, indicator__code=INCOME_INDICATOR_CODE, value_decimal__isnull=False
        ).first()
        if stored is not None:
            return stored.value_decimal, source
    return None, None


def _advanced_threshold(assessment: Assessment, year: int) -> Decimal | None:
    """The advanced-commune income threshold that applies to the commune in ``year``."""
    advanced_set = criteria_set_in_force(unit=assessment.unit, year=year, tier=Tier.ADVANCED)
    if advanced_set is None:  # after the set's years: the set the commune was last assessed against
        last = (
            Assessment.objects.filter(unit=assessment.unit, tier=Tier.ADVANCED, year__lte=year)
            .select_related("criteria_set")
            .order_by("-year")
            .first()
        )
        advanced_set = last.criteria_set if last is not None else None
    if advanced_set is None:
        return None
    indicator = next(
        (i for i in set_structure(advanced_set).indicators if i.code == INCOME_INDICATOR_CODE),
        None,
    )
    if indicator is None:
        return None
    rule = target_for(indicator, unit=assessment.unit, year=year, criteria_set=advanced_set)
    return rule.value if rule is not None and isinstance(rule.value, Decimal) else None


def _derived_value(indicator: Indicator, assessment: Assessment, day: datetime.date) -> tuple[object, str]:
    """The value and the note that explains it."""
    if indicator.derived == Derived.HOLDS_ADVANCED:
        held = holds_title(assessment.unit, Tier.ADVANCED, day)
        note = (
            _("Holds the advanced title on %(day)s (recognition decisions).")
            if held
            else _("Does not hold the advanced title on %(day)s (recognition decisions).")
        )
        return held, note % {"day": f"{day:%d/%m/%Y}"}
    income, source = _income_of_year(assessment)
    threshold = _advanced_threshold(assessment, day.year)
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
        "source": source.criteria_set.short_name,
        "threshold_year": day.year,
        "threshold": vn_number(threshold),
    }


def _derived_entries(assessment: Assessment, on: datetime.date | None) -> list[ValueEntry]:
    """The assessment's derived indicators worked out as of ``on`` (default: the end of its
    year, today while the year runs), each with the note that explains it."""
    day = on or year_cutoff(assessment.year)
    entries = []
    for indicator in set_structure(assessment.criteria_set).indicators:
        if indicator.derived:
            value, note = _derived_value(indicator, assessment, day)
            entries.append(ValueEntry(code=indicator.code, raw=value, note=note))
    return entries


def assessment_refresh_derived(*, assessment: Assessment, on: datetime.date | None = None, user=None) -> None:
    """Work out the assessment's derived indicators as of ``on`` (default: the end of its year,
    today while the year runs) and record any that changed."""
    entries = _derived_entries(assessment, on)
    if entries:
        from criteria.services import trusted  # trusted builds on the services that call this module

        trusted.record_values_batch(batches=[(assessment, entries)], user=user, derived=True)


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
    batches = [(d, _derived_entries(d, None)) for d in dependants.select_related("unit", "criteria_set").order_by("pk")]
    batches = [(assessment, entries) for assessment, entries in batches if entries]
    if batches:
        from criteria.services import trusted  # trusted builds on the services that call this module

        trusted.record_values_batch(batches=batches, user=None, derived=True)
