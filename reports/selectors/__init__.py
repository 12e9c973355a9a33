"""Every figure of the reports pages and of ``/api/v1/progress/`` comes from here.

``progress`` holds the aggregates (headline, buckets, lagging criteria, trend, drill-down);
``communes`` the paginated lists of communes (a bucket's communes, the matrix) and one
commune with its villages. Import from ``reports.selectors``.
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
    matrix_columns,
)
from reports.selectors.progress import (
    TIERS,
    BreakdownRow,
    BucketCount,
    Headline,
    LaggingCriterion,
    ProgressSummary,
    TrendPoint,
    commune_assessments,
    communes_counted,
    counted_q,
    criteria_assessed,
    latest_year,
    progress_breakdown,
    progress_summary,
    progress_trend,
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
    "counted_q",
    "criteria_assessed",
    "latest_year",
    "matrix_columns",
    "progress_breakdown",
    "progress_summary",
    "progress_trend",
]
