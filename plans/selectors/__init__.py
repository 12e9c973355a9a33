"""Reads over plans, targets and funds that the plans page, the dashboards, the API and the
bulletin share; each runs a fixed number of queries whatever the number of units
(``plans/tests/selectors/test_query_counts.py``).

Roll-up: a unit's figures include every unit below it, found by ``unit.path`` prefix. A unit
has one path, so a commune counts exactly once in its province whether it hangs under a
district (before 1 July 2025) or directly under the province (after).

``unit=None`` stands for the whole country (superusers' national dashboard).

Rules: a unit *holds* a tier at the end of year Y (today while Y runs) as
``criteria.figures`` defines it — recognised by a decision dated by then and not revoked by
then; the communes of a year are ``criteria.figures.communes_of_year_q``.
"""

from plans.selectors.common import Table, share
from plans.selectors.dashboard import (
    DashboardPlans,
    DueListing,
    SectionRows,
    country_section_rows,
    dashboard_sections,
    dashboard_sections_of,
    due_listing,
    funds_rows,
    plan_rows,
    section_rows_by_province,
    section_rows_read,
)
from plans.selectors.funds import (
    FundsGrid,
    FundsSummary,
    GridCell,
    GridRow,
    SourceAmount,
    UnitFunds,
    default_month,
    funds_chart,
    funds_grid,
    funds_summary,
)
from plans.selectors.plan_rows import communes_holding
from plans.selectors.progress import (
    DueCount,
    DueRow,
    PlanSummary,
    ProvinceProgress,
    TargetLine,
    plan_summary,
)
from plans.selectors.targets import LEVELS_BELOW, PER_PAGE, TargetRow, TargetsPage, province_targets, targets_page

__all__ = [
    "LEVELS_BELOW",
    "PER_PAGE",
    "DashboardPlans",
    "DueCount",
    "DueListing",
    "DueRow",
    "FundsGrid",
    "FundsSummary",
    "GridCell",
    "GridRow",
    "PlanSummary",
    "ProvinceProgress",
    "SectionRows",
    "SourceAmount",
    "Table",
    "TargetLine",
    "TargetRow",
    "TargetsPage",
    "UnitFunds",
    "communes_holding",
    "country_section_rows",
    "dashboard_sections",
    "dashboard_sections_of",
    "default_month",
    "due_listing",
    "funds_chart",
    "funds_grid",
    "funds_rows",
    "funds_summary",
    "plan_rows",
    "plan_summary",
    "province_targets",
    "section_rows_by_province",
    "section_rows_read",
    "share",
    "targets_page",
]
