"""``/api/v1/`` lists every top-level endpoint the READMEs document, and each link answers."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

# The top-level endpoints the READMEs document (README.md's API paragraph, criteria/, plans/,
# reports/ and ocop/ READMEs). QA: the root listed the router's viewsets only.
DOCUMENTED = {
    "units",
    "criteria-sets",
    "assessments",
    "summary-records",
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
    assert named - ONLY_BELOW_A_CODE <= set(root)


def test_every_link_of_the_root_answers_a_province_user(client, root, tree, criteria_set):
    for key, url in root.items():
        parts = urlsplit(url)
        path = f"{parts.path}?{parts.query}" if parts.query else parts.path
        response = client.get(path, HTTP_ACCEPT="application/json")
        if response.status_code == 405:  # a create-only endpoint: its description answers
            assert "POST" in response["Allow"], key
            response = client.options(path, HTTP_ACCEPT="application/json")
        assert response.status_code == 200, f"{key}: {url} → {response.status_code} {response.content[:300]}"


def test_a_unit_endpoint_is_listed_with_the_users_own_unit(root):
    assert root["plan"].endswith("/api/v1/plan/?unit=40")
    assert "/api/v1/funds/summary/?unit=40&year=" in root["funds/summary"]
