"""The plans sections of a dashboard (plan against result, funds), a province's and the
country's kept with the figures.

``plans.selectors`` reads them as plain rows (``section_rows_read``; many provinces at once,
``section_rows_by_province``) and builds them (``dashboard_sections_of``). For a province and
the country the rows are kept per province like the figures (``cache.per_province``), the
country's being its provinces' merged (``plans.selectors.country_section_rows``, held equal to
the country read at once). The triggers of ``reports`` 0007 bump a province's version in every
transaction that writes its registered targets, province targets or funds, as those of 0005
do for assessments, results and units, so all the rows depend on is versioned: the targets,
the units and their titles, the assessments, the funds. The rest is in the key: the year, the
last month counted and the day titles are read on (both move with today while the year runs),
and the rows' shape (``SectionRows.FORMAT``: rows kept by an older release are never decoded).
Built again from the rows at each request, the labels follow the request's language.
"""

from __future__ import annotations

from communes.models import AdministrativeUnit, Level
from criteria.figures import year_cutoff
from plans.selectors import (
    DashboardPlans,
    SectionRows,
    country_section_rows,
    dashboard_sections_of,
    default_month,
    section_rows_by_province,
    section_rows_read,
)
from reports.selectors.cache import per_province


def dashboard_plans(*, unit: AdministrativeUnit | None, year: int) -> DashboardPlans:
    """``plans.selectors.dashboard_sections`` for a dashboard. A province's rows and the
    country's (its provinces' rows merged: ``country_section_rows``) are kept per province:
    one query when all are kept (the statement reading the versions with them); else the
    provinces not kept are read together (seven queries at most, and one listing the
    provinces when none is kept) and kept (one more). Below a province, computed."""
    if unit is not None and unit.level != Level.PROVINCE:
        return dashboard_sections_of(unit, year, section_rows_read(unit=unit, year=year))
    upto = default_month(year)
    params = (SectionRows.FORMAT, year, upto, year_cutoff(year).isoformat())

    def compute(prefixes: list[str] | None) -> dict[str, list]:
        if unit is not None:
            return {unit.path: section_rows_read(unit=unit, year=year).encode()}
        every = prefixes is None
        if every:
            prefixes = list(AdministrativeUnit.objects.filter(level=Level.PROVINCE).values_list("path", flat=True))
        rows = section_rows_by_province(prefixes, year, every=every)
        return {path: part.encode() for path, part in rows.items()}

    kept = per_province("plans_sections", unit, params, compute)
    if unit is not None:
        return dashboard_sections_of(unit, year, SectionRows.decode(kept[unit.path]))
    parts = {path: SectionRows.decode(value) for path, value in kept.items() if value}
    return dashboard_sections_of(None, year, country_section_rows(parts, upto))
