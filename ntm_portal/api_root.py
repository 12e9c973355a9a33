"""``/api/v1/``: every top-level endpoint the READMEs document, not only the router's viewsets.

DRF's root lists the viewsets registered on the router; the plain views (progress, plan) and a
viewset's extra list action (``funds/summary/``) are added here. An endpoint that reads one unit
is listed with the user's own unit (their highest membership) and its latest year filled in
(this year, or the last year a unit that ended existed in: ``criteria.years.latest_year_of``),
so that each link answers as it is. Without a membership (an administrator, or a user not yet
placed anywhere) there is no unit to name: an endpoint that requires one (``plan/``,
``funds/summary/``: a bare GET answers 400) is left out; ``progress/`` without a unit reads the
whole country, which only an administrator may (403 for anyone else), so it is listed bare for an
administrator and left out for others. No unit stands out for an administrator (the database may
hold several provinces), so none is picked for them.

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

from communes.access import is_administrator, memberships_of
from criteria.years import latest_year_of

# key in the root → (URL name, query parameters it is listed with: "unit", "year", whether a GET
# without a unit reads the country for an administrator — otherwise it is refused)
EXTRA_ENDPOINTS: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "progress": ("progress", ("unit",), True),
    "plan": ("plan", ("unit", "year"), False),
    "funds/summary": ("fund-summary", ("unit", "year"), False),
}


class PortalRootView(APIRootView):
    def get(self, request, *args, **kwargs) -> Response:
        response = super().get(request, *args, **kwargs)
        namespace = request.resolver_match.namespace
        memberships = memberships_of(request.user)
        unit = memberships[0].unit if memberships else None
        known = {
            "unit": unit.code if unit else None,
            "year": latest_year_of(unit) if unit else None,
        }
        for key, (url_name, wanted, reads_country) in EXTRA_ENDPOINTS.items():
            if unit is None and not (reads_country and is_administrator(request.user)):
                continue  # a GET would answer 400 or 403
            url = reverse(f"{namespace}:{url_name}" if namespace else url_name, request=request)
            query = {name: known[name] for name in wanted if known[name] is not None}
            response.data[key] = f"{url}?{urlencode(query)}" if query else url
        return response


class PortalRouter(DefaultRouter):
    APIRootView = PortalRootView
