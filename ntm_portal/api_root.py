"""``/api/v1/``: every top-level endpoint the READMEs document, not only the router's viewsets.

DRF's root lists the viewsets registered on the router; the plain views (progress, plan) and a
viewset's extra list action (``funds/summary/``) are added here. An endpoint that reads one unit
is listed with the user's own unit (their highest membership) and its latest year filled in
(this year, or the last year a unit that ended existed in: ``criteria.years.latest_year_of``),
so that each link answers as it is; without a membership (an administrator) it is listed bare.

Every entry is a link a GET follows (the browsable API shows each as one). A create-only
endpoint, ``summary-records/`` (POST), answers a GET with 405, so it is not listed: the OpenAPI
schema (``/api/schema/``, ``/api/docs/``) describes it, with its methods, as it does every
endpoint.
"""

from __future__ import annotations

from urllib.parse import urlencode

from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.routers import APIRootView, DefaultRouter

from communes.access import memberships_of
from criteria.years import latest_year_begun, latest_year_of

# key in the root → (URL name, query parameters it is listed with: "unit", "year")
EXTRA_ENDPOINTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "progress": ("progress", ("unit",)),
    "plan": ("plan", ("unit", "year")),
    "funds/summary": ("fund-summary", ("unit", "year")),
}


class PortalRootView(APIRootView):
    def get(self, request, *args, **kwargs) -> Response:
        response = super().get(request, *args, **kwargs)
        namespace = request.resolver_match.namespace
        memberships = memberships_of(request.user)
        unit = memberships[0].unit if memberships else None
        known = {
            "unit": unit.code if unit else None,
            "year": latest_year_of(unit) if unit else latest_year_begun(),
        }
        for key, (url_name, wanted) in EXTRA_ENDPOINTS.items():
            url = reverse(f"{namespace}:{url_name}" if namespace else url_name, request=request)
            query = {name: known[name] for name in wanted if known[name] is not None}
            response.data[key] = f"{url}?{urlencode(query)}" if query else url
        return response


class PortalRouter(DefaultRouter):
    APIRootView = PortalRootView
