"""Every figure of the reports pages and of ``/api/v1/progress/`` comes from here.

``progress`` holds the aggregates (headline, buckets, lagging criteria); ``trend`` the trend,
the drill-down and a dashboard's overview; ``shapes`` what they return; ``communes`` the
paginated lists of communes (a bucket's communes, the matrix) and one commune with its
villages. Import from ``reports.selectors``.
"""

from reports.selectors.communes import (
    NO_DATA,
    NO_DATA_BUCKET,
    PER_PAGE,
    SORTS,
    AssessmentBrief,
    BucketFilter,
    Column,
    CommuneOverview,
    CommunePage,
    CommuneRow,
    CriterionStatus,
    VillageRow,
    commune_overview,
    communes_page,
    formed_from,
    matrix_columns,
)
from reports.selectors.progress import (
    TIERS,
    commune_assessments,
    communes_counted,
    criteria_assessed,
    first_data_year,
    latest_year,
    progress_summary,
    window_of,
)
from reports.selectors.shapes import (
    BreakdownRow,
    BucketCount,
    Headline,
    LaggingCriterion,
    ProgressSummary,
    TrendPoint,
)
from reports.selectors.trend import (
    has_mapped_units,
    mapped_dates,
    mapped_into,
    progress_breakdown,
    progress_overview,
    progress_trend,
    units_heading,
)

__all__ = [
    "NO_DATA",
    "NO_DATA_BUCKET",
    "PER_PAGE",
    "SORTS",
    "TIERS",
    "AssessmentBrief",
    "BreakdownRow",
    "BucketCount",
    "BucketFilter",
    "Column",
    "CommuneOverview",
    "CommunePage",
    "CommuneRow",
    "CriterionStatus",
    "Headline",
    "LaggingCriterion",
    "ProgressSummary",
    "TrendPoint",
    "VillageRow",
    "commune_assessments",
    "commune_overview",
    "communes_counted",
    "communes_page",
    "criteria_assessed",
    "first_data_year",
    "formed_from",
    "has_mapped_units",
    "latest_year",
    "mapped_dates",
    "mapped_into",
    "matrix_columns",
    "progress_breakdown",
    "progress_overview",
    "progress_summary",
    "progress_trend",
    "units_heading",
    "window_of",
]
