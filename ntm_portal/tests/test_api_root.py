"""``/api/v1/`` lists every top-level endpoint the READMEs document that a GET reads, and each
link answers a GET."""

import datetime
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from communes.models import Role
from communes.tests.factories import MembershipFactory, UserFactory

# The top-level endpoints the READMEs document (README.md's API paragraph, criteria/, plans/,
# reports/ and ocop/ READMEs). QA: the root listed the router's viewsets only.
DOCUMENTED = {
    "units",
    "criteria-sets",
    "assessments",
    "progress",
    "plan",
    "registered-targets",
    "province-targets",
    "funds",
    "funds/summary",
    "ocop-products",
}
# Documented only below a unit's code, with no list of their own.
ONLY_BELOW_A_CODE = {"provinces"}
# Documented, create only (POST): a GET answers 405, so the root offers no link to them; the
# OpenAPI schema describes them.
CREATE_ONLY = {"summary-records"}


@pytest.fixture
def root(client, personas):
    client.force_login(personas.province_office)
    response = client.get("/api/v1/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def test_the_root_lists_every_documented_endpoint(root):
    assert set(root) >= DOCUMENTED


def test_every_api_path_a_readme_names_is_in_the_root(root):
    readmes = Path(settings.BASE_DIR).glob("*/README.md")
    text = "\n".join(p.read_text() for p in [Path(settings.BASE_DIR) / "README.md", *readmes])
    named = {m.split("/")[0] for m in re.findall(r"/api/v1/((?:[a-z][a-z-]*/)+)", text)}
    named |= {"funds/summary"} if "/api/v1/funds/summary/" in text else set()
    assert named - ONLY_BELOW_A_CODE - CREATE_ONLY <= set(root)


def test_the_root_offers_no_link_a_get_cannot_follow(client, root):
    """QA: the root listed ``summary-records``, which answers a GET with 405 (POST only)."""
    assert not CREATE_ONLY & set(root)
    for key in CREATE_ONLY:
        assert client.get(f"/api/v1/{key}/", HTTP_ACCEPT="application/json").status_code == 405
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "post" in schema["paths"]["/api/v1/summary-records/"]


def test_every_link_of_the_root_answers_a_province_user(client, root, tree, criteria_set):
    for key, url in root.items():
        parts = urlsplit(url)
        path = f"{parts.path}?{parts.query}" if parts.query else parts.path
        response = client.get(path, HTTP_ACCEPT="application/json")
        assert response.status_code == 200, f"{key}: {url} → {response.status_code} {response.content[:300]}"


def test_a_unit_endpoint_is_listed_with_the_users_own_unit(root):
    year = timezone.localdate().year
    assert root["plan"].endswith(f"/api/v1/plan/?unit=40&year={year}")
    assert root["funds/summary"].endswith(f"/api/v1/funds/summary/?unit=40&year={year}")


def test_the_links_of_a_unit_that_ended_read_its_last_year(client, tree):
    """QA: a district that ended last year was listed with this year's plan and funds."""
    last = timezone.localdate().year - 1
    tree.d1.valid_to = datetime.date(last, 6, 30)
    tree.d1.save()
    committee = UserFactory(username="committee_d1")
    MembershipFactory(user=committee, unit=tree.d1, role=Role.DISTRICT_COMMITTEE)
    client.force_login(committee)
    root = client.get("/api/v1/", HTTP_ACCEPT="application/json").json()
    assert root["plan"].endswith(f"/api/v1/plan/?unit=401&year={last}")
    assert root["funds/summary"].endswith(f"/api/v1/funds/summary/?unit=401&year={last}")


@pytest.mark.parametrize(
    "persona",
    ["officer_a", "district_d1", "province_office", "viewer", "outsider", "superuser"],
)
def test_every_link_of_the_root_answers_every_role(client, personas, tree, criteria_set, persona):
    """QA: signed in as an administrator (no membership), the root listed ``plan/?year=…`` and
    ``funds/summary/?year=…`` without a unit: both answered 400 ("unit" required). A user with no
    unit is offered neither; ``progress/`` bare (the country) only to an administrator."""
    user = UserFactory(username="root", is_staff=True, is_superuser=True) if persona == "superuser" else None
    client.force_login(user or getattr(personas, persona))
    root = client.get("/api/v1/", HTTP_ACCEPT="application/json").json()
    assert {"units", "criteria-sets", "assessments"} <= set(root)
    has_unit = persona not in {"outsider", "superuser"}
    assert ({"plan", "funds/summary"} <= set(root)) == has_unit
    assert ("progress" in root) == (persona != "outsider")
    for key, url in root.items():
        parts = urlsplit(url)
        path = f"{parts.path}?{parts.query}" if parts.query else parts.path
        response = client.get(path, HTTP_ACCEPT="application/json")
        assert response.status_code == 200, f"{key}: {url} → {response.status_code} {response.content[:300]}"
