"""The REST API: ``/api/v1/…`` (see each app's ``api.py``), the OpenAPI schema and its docs.

Included by the root URLconf under ``/api/`` (outside the language prefix: the language of
messages follows ``Accept-Language``).
"""

from django.urls import include, path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from communes.api import UnitViewSet
from criteria.api import AssessmentActionView, AssessmentViewSet
from criteria.api_commune_groups import CommuneGroupView
from criteria.api_sets import CriteriaSetViewSet
from criteria.api_standing import (
    BasicallyMetView,
    ConvertSummaryView,
    SetsInForceView,
    SummaryRecordCorrectView,
    SummaryRecordView,
)
from criteria.api_values import AssessmentValuesView
from criteria.services import ACTIONS
from ntm_portal.api_fields import ID_PATTERN, IdConverter
from ntm_portal.api_root import PortalRouter
from ocop.api import register as register_ocop
from plans.api import register as register_plans
from plans.api_plan import PlanView
from reports.api import ProgressView

app_name = "api"

# Ids in paths are ``<id:…>``: an id too large for the database matches no route (a JSON 404).
register_converter(IdConverter, "id")

router = PortalRouter()  # its root lists the plain views too (ntm_portal/api_root.py)
router.register("units", UnitViewSet, basename="unit")
router.register("criteria-sets", CriteriaSetViewSet, basename="criteria-set")
router.register("assessments", AssessmentViewSet, basename="assessment")
register_plans(router)
register_ocop(router)

_ACTION_NAMES = "|".join(ACTIONS)

urlpatterns = [
    path("v1/assessments/<id:pk>/values/", AssessmentValuesView.as_view(), name="assessment-values"),
    re_path(
        rf"^v1/assessments/(?P<pk>{ID_PATTERN})/actions/(?P<action>{_ACTION_NAMES})/$",
        AssessmentActionView.as_view(),
        name="assessment-action",
    ),
    path(
        "v1/assessments/<id:pk>/criteria/<id:number>/basically-met/",
        BasicallyMetView.as_view(),
        name="assessment-basically-met",
    ),
    path("v1/progress/", ProgressView.as_view(), name="progress"),
    path("v1/plan/", PlanView.as_view(), name="plan"),
    path("v1/summary-records/", SummaryRecordView.as_view(), name="summary-records"),
    path("v1/summary-records/<id:pk>/", SummaryRecordCorrectView.as_view(), name="summary-record"),
    path("v1/assessments/<id:pk>/convert/", ConvertSummaryView.as_view(), name="assessment-convert"),
    re_path(
        r"^v1/provinces/(?P<code>[A-Za-z0-9][A-Za-z0-9._-]{0,29})/sets-in-force/$",
        SetsInForceView.as_view(),
        name="sets-in-force",
    ),
    re_path(
        r"^v1/units/(?P<code>[A-Za-z0-9][A-Za-z0-9._-]{0,29})/commune-group/$",
        CommuneGroupView.as_view(),
        name="unit-commune-group",
    ),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
