"""The plans sections of a dashboard (plan against result, funds), a province's kept with its
figures.

``plans.selectors`` reads them (``section_rows_read``: plain rows) and builds them
(``dashboard_sections_of``); for a province the rows are kept per province like the figures
(``cache.per_province``). The triggers of ``reports`` 0007 bump a province's version in every
transaction that writes its registered targets, province targets or funds, as those of 0005 do
for assessments, results and units, so what the rows depend on is all versioned: the
targets, the units and their titles, the assessments, the funds. What else they depend on is
in the key: the year, the last month counted and the day titles are read on (both move with
today while the year runs). Built again from the rows at each request, the labels follow the
language of the request.
"""

from __future__ import annotations

from communes.models import AdministrativeUnit, Level
from criteria.figures import year_cutoff
from plans.selectors import DashboardPlans, SectionRows, dashboard_sections_of, default_month, section_rows_read
from reports.selectors.cache import per_province


def dashboard_plans(*, unit: AdministrativeUnit | None, year: int) -> DashboardPlans:
    """``plans.selectors.dashboard_sections`` for a dashboard: one query for a province whose
    rows are kept (the statement reading the versions with them), the sections' own queries
    and one keeping them when not; below a province and for the country, computed."""
    if unit is None or unit.level != Level.PROVINCE:
        return dashboard_sections_of(unit, year, section_rows_read(unit=unit, year=year))
    params = (year, default_month(year), year_cutoff(year).isoformat())
    kept = per_province(
        "plans_sections", unit, params, lambda _prefixes: {unit.path: section_rows_read(unit=unit, year=year).encode()}
    )
    return dashboard_sections_of(unit, year, SectionRows.decode(kept[unit.path]))
