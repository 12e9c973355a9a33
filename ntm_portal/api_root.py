"""``/api/v1/``: every top-level endpoint the READMEs document, not only the router's viewsets.

DRF's root lists the viewsets registered on the router; the plain views (progress, plan,
summary records) and a viewset's extra list action (``funds/summary/``) are added here. An
endpoint that reads one unit is listed with the user's own unit (their highest membership) and
the current year filled in, so that each link answers as it is; without a membership (an
administrator) it is listed bare.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.utils import timezone
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.routers import APIRootView, DefaultRouter

from communes.access import memberships_of

# key in the root → (URL name, query parameters it is listed with: "unit", "year")
EXTRA_ENDPOINTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "progress": ("progress", ("unit",)),
    "plan": ("plan", ("unit",)),
    "funds/summary": ("fund-summary", ("unit", "year")),
    "summary-records": ("summary-records", ()),  # create only (POST): OPTIONS describes it
}


class PortalRootView(APIRootView):
    def get(self, request, *args, **kwargs) -> Response:
        response = super().get(request, *args, **kwargs)
        namespace = request.resolver_match.namespace
        memberships = memberships_of(request.user)
        known = {
            "unit": memberships[0].unit.code if memberships else None,
            "year": timezone.localdate().year,
        }
        for key, (url_name, wanted) in EXTRA_ENDPOINTS.items():
            url = reverse(f"{namespace}:{url_name}" if namespace else url_name, request=request)
            query = {name: known[name] for name in wanted if known[name] is not None}
            response.data[key] = f"{url}?{urlencode(query)}" if query else url
        return response


class PortalRouter(DefaultRouter):
    APIRootView = PortalRootView
