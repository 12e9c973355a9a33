"""Rows for ``ntm_portal/tests/test_authorization_matrix.py``: the OCOP pages and API against every
persona, as ``name: (method, url(objects), expected answers, data(objects) or None)``, in the
matrix's persona order (anonymous, officer_a, officer_b, district_a, district_other, province,
viewer). Commune A (40101) is in district D1 (401) of province P (40).
"""

from __future__ import annotations

from django.urls import reverse

from communes.models import AdministrativeUnit
from ocop.models import OcopProduct
from ocop.tests.factories import make_product


def _product(o) -> OcopProduct:
    return OcopProduct.objects.first() or make_product(AdministrativeUnit.objects.get(code="40101"))


OCOP_ROWS = {
    "ocop:list": ("GET", lambda o: reverse("ocop:list"), (302, 200, 200, 200, 200, 200, 200), None),
    # Anyone who may write a commune enters products; a viewer reads only.
    "ocop:create": ("GET", lambda o: reverse("ocop:create"), (302, 200, 200, 200, 200, 200, 403), None),
    "ocop:edit": (
        "GET",
        lambda o: reverse("ocop:edit", args=[_product(o).pk]),
        (302, 200, 404, 200, 404, 200, 403),
        None,
    ),
    "ocop:delete": (
        "GET",
        lambda o: reverse("ocop:delete", args=[_product(o).pk]),
        (302, 200, 404, 200, 404, 200, 403),
        None,
    ),
    "api:ocop-product-list": ("GET", lambda o: "/api/v1/ocop-products/", (401, 200, 200, 200, 200, 200, 200), None),
    "api:ocop-product-detail": (
        "GET",
        lambda o: f"/api/v1/ocop-products/{_product(o).pk}/",
        (401, 200, 404, 200, 404, 200, 200),
        None,
    ),
    "reports:ocop_export": (
        "GET",
        lambda o: reverse("reports:ocop_export", args=["401"]),
        (302, 404, 404, 200, 404, 200, 200),
        None,
    ),
    "api:ocop-product-summary": (
        "GET",
        lambda o: "/api/v1/ocop-products/summary/?unit=401",
        (401, 404, 404, 200, 404, 200, 200),
        None,
    ),
}
