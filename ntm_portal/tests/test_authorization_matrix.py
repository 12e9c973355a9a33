"""Every URL in the URLconf against every persona, with the expected answer from a table; and
the API's lists hold only what each persona may read.

A URL pattern added without a row in ``MATRIX`` fails ``test_every_url_has_a_row``: a new
page or endpoint must say who may use it. The Django admin (its own permission system,
staff only) is left out.

Answers: 200 ok; 302 a redirect (to sign-in for anonymous users, else the view's own
redirect after a successful or refused action); 401/403 refused; 404 outside the persona's
area (its existence is not revealed); 405 wrong method; 409 conflict; 400 rejected input.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from communes.models import AdministrativeUnit, Membership
from criteria.models import Assessment, CriteriaSet, Evidence, Target
from criteria.services import assessment_create, catalog_set_clone, evidence_attach
from criteria.services.summary import assessment_record_summary
from ocop.tests.authorization_rows import OCOP_ROWS
from plans.models import FundEntry, ProvinceTarget, RegisteredTarget
from plans.tests.factories import make_fund, make_target
from reports.tests.excel.authorization_rows import EXCEL_ROWS

PERSONAS = ("anonymous", "officer_a", "officer_b", "district_a", "district_other", "province", "viewer")
PDF = b"%PDF-1.4\n%%EOF\n"


@dataclass(frozen=True)
class Row:
    method: str
    url: object  # a callable (objects) -> str
    expect: tuple[int, ...]  # one answer per persona, in PERSONAS order
    data: object = None  # a callable (objects) -> dict for POST bodies


def _all(code: int, anonymous: int) -> tuple[int, ...]:
    return (anonymous, *(code,) * (len(PERSONAS) - 1))


# Scope of commune A (40101), in district D1 (401), in province P (40):
#            anonymous officer_a officer_b district_a district_other province viewer
A_READ = (302, 200, 404, 200, 404, 200, 200)
D1_READ = (302, 404, 404, 200, 404, 200, 200)
API_A_READ = (401, 200, 404, 200, 404, 200, 200)
API_D1_READ = (401, 404, 404, 200, 404, 200, 200)
SIGNED_IN = _all(200, 302)
API_SIGNED_IN = _all(200, 401)
SUPERUSER_ONLY = _all(403, 302)

# Province P's own sets: read by its office and viewer, changed by its office only.
P_READ = (302, 404, 404, 404, 404, 200, 200)
P_WRITE = (302, 404, 404, 404, 404, 302, 403)
P_EDIT = (302, 404, 404, 404, 404, 200, 403)


def _province_draft(o) -> CriteriaSet:
    """A draft of province P (a clone of the national set of the assessment)."""
    found = CriteriaSet.objects.filter(issuer__code="40", status="draft").first()
    return found or catalog_set_clone(
        criteria_set=o.assessment.criteria_set, issuer=o.assessment.unit.parent.parent, code="40-TEST"
    )


def _draft_target(o) -> Target:
    return Target.objects.filter(indicator__criteria_set=_province_draft(o), to_verify=True).first()


MATRIX: dict[str, Row] = {
    # Pages
    "home": Row("GET", lambda o: reverse("home"), _all(302, 302)),
    "unit": Row("GET", lambda o: reverse("unit", args=["40101"]), A_READ),
    "assessment": Row("GET", lambda o: reverse("assessment", args=[o.assessment.pk]), A_READ),
    "assessment_history": Row("GET", lambda o: reverse("assessment_history", args=[o.assessment.pk]), A_READ),
    "assessment_start": Row(
        "POST",
        lambda o: reverse("assessment_start"),
        (302, 302, 404, 302, 404, 302, 403),
        data=lambda o: {"unit": "40101", "tier": "standard", "year": 2026},
    ),
    "record_value": Row(
        "POST",
        lambda o: reverse("record_value", args=[o.assessment.pk, "2.1"]),
        (302, 302, 404, 302, 404, 302, 403),
        data=lambda o: {"value": "85", "version": 0},
    ),
    "upload_evidence": Row(
        "POST",
        lambda o: reverse("upload_evidence", args=[o.assessment.pk, "2.1"]),
        (302, 302, 404, 302, 404, 302, 403),
        data=lambda o: {"file": SimpleUploadedFile("bien-ban.pdf", PDF)},
    ),
    "assessment_action": Row(
        "POST",
        lambda o: reverse("assessment_action", args=[o.assessment.pk, "verify"]),
        # Verify a draft: only the district may verify, and not a draft (the sheet again, saying why).
        (302, 403, 404, 400, 404, 403, 403),
    ),
    "criterion_basically_met": Row(
        "POST",
        lambda o: reverse("criterion_basically_met", args=[o.assessment.pk, 2]),
        (302, 302, 404, 302, 404, 302, 403),
        data=lambda o: {"basically_met": "0"},
    ),
    # Not a summary record: a message, then back (for those who may write it).
    "convert_summary": Row(
        "POST", lambda o: reverse("convert_summary", args=[o.assessment.pk]), (302, 302, 404, 302, 404, 302, 403)
    ),
    # Recording a past year: those who may write the commune; a viewer reads it but may not record.
    "summary_record_new": Row(
        "GET", lambda o: reverse("summary_record_new", args=["40101"]), (302, 200, 404, 200, 404, 200, 403)
    ),
    "summary_source": Row("GET", lambda o: reverse("summary_source", args=[_summary(o).pk]), A_READ),
    # Correcting a summary record: those who may write the commune; a viewer reads it but may not correct.
    "summary_record_correct": Row(
        "GET", lambda o: reverse("summary_record_correct", args=[_summary(o).pk]), (302, 200, 404, 200, 404, 200, 403)
    ),
    # The province office's choice; a viewer of the province reads the page but may not choose.
    "set_in_force": Row(
        "POST",
        lambda o: reverse("set_in_force", args=["40"]),
        (302, 404, 404, 404, 404, 302, 403),
        data=lambda o: {"year": 2024, "criteria_set": o.assessment.criteria_set_id, "basis": "KH 1/KH-UBND"},
    ),
    # Commune groups (2026–2030): the province's list for those who read the province; a
    # commune's group is set by the province office only (the others who read it get 403).
    "province_commune_groups": Row(
        "GET", lambda o: reverse("province_commune_groups", args=["40"]), (302, 404, 404, 404, 404, 200, 200)
    ),
    "commune_group": Row(
        "POST",
        lambda o: reverse("commune_group", args=["40101"]),
        (302, 403, 404, 403, 404, 302, 403),
        data=lambda o: {
            "group": "2",
            "condition": "g2_other",
            "decision_number": "120/QĐ-UBND",
            "decision_date": "20/01/2026",
            "version": "",
        },
    ),
    # The criteria-set workspace: a province's sets are unknown outside the province (404), read
    # by its viewer, changed by its office; national sets are read-only for everyone but the
    # administrators (a refused publish or confirm of a draft comes back as a message: 302). The
    # list is every signed-in user's: the sets each may read (as the API lists them).
    "criteria_sets": Row("GET", lambda o: reverse("criteria_sets"), SIGNED_IN),
    "criteria_set_new": Row("GET", lambda o: reverse("criteria_set_new"), (302, 403, 403, 403, 403, 200, 403)),
    "criteria_set": Row("GET", lambda o: reverse("criteria_set", args=[_province_draft(o).pk]), P_READ),
    # Only a province office clones a set: anyone else is refused before the form is read.
    "criteria_set_clone": Row(
        "POST",
        lambda o: reverse("criteria_set_clone", args=[o.assessment.criteria_set_id]),
        (302, 403, 403, 403, 403, 302, 403),
        data=lambda o: {"province": "40"},
    ),
    # The draft has unconfirmed targets and the box is not ticked: its office gets the page with
    # the refusal in the publish section (400).
    "criteria_set_publish": Row(
        "POST", lambda o: reverse("criteria_set_publish", args=[_province_draft(o).pk]), (*P_WRITE[:5], 400, 403)
    ),
    "criteria_set_retire": Row(
        "POST",
        lambda o: reverse("criteria_set_retire", args=[o.assessment.criteria_set_id]),
        _all(403, 302),
        data=lambda o: {"reason": "QĐ mới"},
    ),
    "criteria_set_target_confirm": Row(
        "POST",
        lambda o: reverse("criteria_set_target_confirm", args=[_province_draft(o).pk, _draft_target(o).pk]),
        P_WRITE,
    ),
    "criteria_set_preview": Row(
        "GET", lambda o: reverse("criteria_set_preview", args=[_province_draft(o).pk]) + "?region=BTB", P_READ
    ),
    # Editing a draft: only its province's office (a viewer reads the set but may not edit it).
    "criteria_set_edit": Row("GET", lambda o: reverse("criteria_set_edit", args=[_province_draft(o).pk]), P_EDIT),
    "criteria_set_row_new": Row(
        "GET", lambda o: reverse("criteria_set_row_new", args=[_province_draft(o).pk, "groups"]), P_EDIT
    ),
    "criteria_set_row": Row(
        "POST",
        lambda o: reverse("criteria_set_row", args=[_province_draft(o).pk, "targets", _draft_target(o).pk]),
        P_WRITE,
        data=lambda o: {"indicator": _draft_target(o).indicator_id, "value_text": "46", "year": 2024},
    ),
    # No decision attached: 404 for those who may read the set.
    "criteria_set_decision": Row(
        "GET",
        lambda o: reverse("criteria_set_decision", args=[_province_draft(o).pk]),
        (302, 404, 404, 404, 404, 404, 404),
    ),
    "evidence": Row("GET", lambda o: reverse("evidence", args=[o.evidence.pk]), A_READ),
    # Removing a file: anyone who may write the commune (the district and province too).
    "evidence_remove": Row(
        "POST", lambda o: reverse("evidence_remove", args=[o.evidence.pk]), (302, 302, 404, 302, 404, 302, 403)
    ),
    # Accounts
    "login": Row("GET", lambda o: reverse("login"), _all(200, 200)),
    "logout": Row("POST", lambda o: reverse("logout"), _all(302, 302)),
    "password_change": Row("GET", lambda o: reverse("password_change"), SIGNED_IN),
    "password_change_done": Row("GET", lambda o: reverse("password_change_done"), SIGNED_IN),
    "profile": Row("GET", lambda o: reverse("profile"), SIGNED_IN),
    "session_keep_alive": Row("POST", lambda o: reverse("session_keep_alive"), _all(302, 302)),
    "set_language": Row("POST", lambda o: reverse("set_language"), _all(302, 302), data=lambda o: {"language": "en"}),
    # Dashboards
    "reports:dashboard": Row("GET", lambda o: reverse("reports:dashboard", args=["401"]), D1_READ),
    "reports:communes": Row("GET", lambda o: reverse("reports:communes", args=["401"]), D1_READ),
    "reports:matrix": Row("GET", lambda o: reverse("reports:matrix", args=["401"]), D1_READ),
    "reports:national": Row("GET", lambda o: reverse("reports:national"), SUPERUSER_ONLY),
    "reports:national_communes": Row("GET", lambda o: reverse("reports:national_communes"), SUPERUSER_ONLY),
    "reports:national_matrix": Row("GET", lambda o: reverse("reports:national_matrix"), SUPERUSER_ONLY),
    # API
    "api:api-root": Row("GET", lambda o: reverse("api:api-root"), API_SIGNED_IN),
    # The schema and its docs describe the endpoints, not data: public, like any API reference.
    "api:schema": Row("GET", lambda o: reverse("api:schema"), _all(200, 200)),
    "api:docs": Row("GET", lambda o: reverse("api:docs"), _all(200, 200)),
    "api:unit-list": Row("GET", lambda o: reverse("api:unit-list"), API_SIGNED_IN),
    "api:unit-detail": Row("GET", lambda o: reverse("api:unit-detail", args=["40101"]), API_A_READ),
    "api:criteria-set-list": Row("GET", lambda o: reverse("api:criteria-set-list"), API_SIGNED_IN),
    "api:criteria-set-detail": Row(
        "GET", lambda o: reverse("api:criteria-set-detail", args=[o.assessment.criteria_set_id]), API_SIGNED_IN
    ),
    "api:assessment-list": Row("GET", lambda o: reverse("api:assessment-list"), API_SIGNED_IN),
    "api:assessment-detail": Row("GET", lambda o: reverse("api:assessment-detail", args=[o.assessment.pk]), API_A_READ),
    "api:assessment-values": Row("GET", lambda o: reverse("api:assessment-values", args=[o.assessment.pk]), API_A_READ),
    "api:assessment-action": Row(
        "POST",
        lambda o: reverse("api:assessment-action", args=[o.assessment.pk, "verify"]),
        (401, 403, 404, 400, 404, 403, 403),
    ),
    "api:assessment-basically-met": Row(
        "POST",
        lambda o: reverse("api:assessment-basically-met", args=[o.assessment.pk, 2]),
        (401, 200, 404, 200, 404, 200, 403),
        data=lambda o: {"basically_met": False},
    ),
    "api:plan": Row("GET", lambda o: reverse("api:plan") + "?unit=401&year=2025", API_D1_READ),
    "api:sets-in-force": Row(
        "GET", lambda o: reverse("api:sets-in-force", args=["40"]), (401, 404, 404, 404, 404, 200, 200)
    ),
    # A year the set does not cover: refused (400) for those who may write the commune.
    "api:summary-records": Row(
        "POST",
        lambda o: reverse("api:summary-records"),
        (401, 400, 404, 400, 404, 400, 403),
        data=lambda o: {
            "unit": "40101",
            "criteria_set": o.assessment.criteria_set_id,
            "year": 2010,
            "met": [1],
            "source_number": "1/BC",
            "source_date": "2011-01-01",
        },
    ),
    # Based on a version the record never had: a conflict (409) for those who may write it.
    "api:summary-record": Row(
        "PATCH",
        lambda o: reverse("api:summary-record", args=[_summary(o).pk]),
        (401, 409, 404, 409, 404, 409, 403),
        data=lambda o: {"version": 999, "source_number": "2/BC-UBND"},
    ),
    # Not a summary record: refused (400) for those who may write it.
    "api:assessment-convert": Row(
        "POST",
        lambda o: reverse("api:assessment-convert", args=[o.assessment.pk]),
        (401, 400, 404, 400, 404, 400, 403),
    ),
    "api:unit-commune-group": Row("GET", lambda o: reverse("api:unit-commune-group", args=["40101"]), API_A_READ),
    "api:progress": Row("GET", lambda o: reverse("api:progress") + "?unit=401&year=2025", API_D1_READ),
}


API_P_READ = (401, 404, 404, 404, 404, 200, 200)


def _summary(o) -> Assessment:
    """Commune A's 2024 summary record, with its source document."""
    return Assessment.objects.filter(summary=True).first() or assessment_record_summary(
        unit=o.assessment.unit,
        criteria_set=o.assessment.criteria_set,
        year=2024,
        met={1},
        source_number="1/BC-UBND",
        source_date=datetime.date(2025, 1, 10),
        source_file=SimpleUploadedFile("bao-cao.pdf", PDF),
        user=o.officer_a,
    )


def _target(o) -> RegisteredTarget:
    return RegisteredTarget.objects.first() or make_target(o.assessment.unit, "standard", 2026)


def _province_target(o) -> ProvinceTarget:
    return ProvinceTarget.objects.first() or ProvinceTarget.objects.create(
        province=o.assessment.unit.parent.parent,
        period_from=2021,
        period_to=2025,
        basis="NQ",
        entered_at=datetime.datetime(2022, 1, 1, tzinfo=datetime.UTC),
    )


def _fund(o) -> FundEntry:
    return FundEntry.objects.first() or make_fund(o.assessment.unit, 2025, 3, "central", 1000)


PLANS_ROWS: dict[str, Row] = {
    "plans:home": Row("GET", lambda o: reverse("plans:home"), _all(302, 302)),
    "plans:unit": Row("GET", lambda o: reverse("plans:unit", args=["40101"]), A_READ),
    "plans:set_target": Row(
        "POST",
        lambda o: reverse("plans:set_target", args=["40101"]),
        # Only the district committee and the province office register a commune's target.
        (302, 403, 404, 302, 404, 302, 403),
        data=lambda o: {"unit": "40101", "tier": "standard", "version": 0, "target_year": 2026, "basis": "KH"},
    ),
    "plans:withdraw_target": Row(
        "POST",
        lambda o: reverse("plans:withdraw_target", args=["40101"]),
        # As for registering one: the district committee and the province office.
        (302, 403, 404, 302, 404, 302, 403),
        data=lambda o: {"unit": "40101", "tier": "standard", "version": _target(o).version, "reason": "QĐ 7"},
    ),
    "plans:save_province_target": Row(
        "POST",
        lambda o: reverse("plans:save_province_target", args=["40"]),
        (302, 404, 404, 404, 404, 302, 403),
        data=lambda o: {
            "period_from": 2021,
            "period_to": 2025,
            "communes_standard": 3,  # the tree's three communes at most
            "communes_advanced": 1,
            "communes_model": 0,
            "basis": "NQ",
        },
    ),
    "plans:save_funds": Row(
        "POST",
        lambda o: reverse("plans:save_funds", args=["40101"]),
        (302, 302, 404, 302, 404, 302, 403),
        data=lambda o: {"year": 2025, "a-3-central": "1.000"},
    ),
    "api:registered-target-list": Row("GET", lambda o: "/api/v1/registered-targets/", API_SIGNED_IN),
    "api:registered-target-detail": Row("GET", lambda o: f"/api/v1/registered-targets/{_target(o).pk}/", API_A_READ),
    "api:province-target-list": Row("GET", lambda o: "/api/v1/province-targets/", API_SIGNED_IN),
    "api:province-target-detail": Row(
        "GET", lambda o: f"/api/v1/province-targets/{_province_target(o).pk}/", API_P_READ
    ),
    "api:fund-list": Row("GET", lambda o: "/api/v1/funds/", API_SIGNED_IN),
    "api:fund-detail": Row("GET", lambda o: f"/api/v1/funds/{_fund(o).pk}/", API_A_READ),
    "api:fund-summary": Row("GET", lambda o: "/api/v1/funds/summary/?unit=401&year=2025", API_D1_READ),
}

MATRIX.update(PLANS_ROWS)
# The bulletin, export and import pages keep their rows beside their tests, in the same shape.
MATRIX.update({name: Row(*spec) for name, spec in EXCEL_ROWS.items()})
MATRIX.update({name: Row(*spec) for name, spec in OCOP_ROWS.items()})


def _names(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = ":".join(n for n in (namespace, pattern.namespace) if n) or None
            yield from _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_has_a_row():
    names = set(_names(get_resolver().url_patterns))
    missing = sorted(names - set(MATRIX))
    assert not missing, f"URL patterns without a row in the authorization matrix: {missing}"
    assert not sorted(set(MATRIX) - names), "rows for URLs that no longer exist"


@pytest.fixture
def objects(personas, assessment, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    personas.district_a, personas.district_other = personas.district_d1, personas.district_d2
    personas.province = personas.province_office
    personas.evidence = evidence_attach(
        assessment=assessment, code="1.1", upload=SimpleUploadedFile("a.pdf", PDF), user=personas.officer_a
    )
    personas.assessment = assessment
    return personas


def _send(client, method: str, url: str, data: dict):
    if method == "PATCH":  # the API's partial updates take JSON
        return client.patch(url, json.dumps(data), content_type="application/json")
    return client.post(url, data) if method == "POST" else client.get(url)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_persona_gets_the_expected_answer(client, objects, name, persona):
    row = MATRIX[name]
    if persona != "anonymous":
        client.force_login(getattr(objects, persona))
    url = row.url(objects)
    data = row.data(objects) if row.data else {}
    with override_settings(MEDIA_ROOT=objects.evidence.file.storage.location):
        response = _send(client, row.method, url, data)
    expected = row.expect[PERSONAS.index(persona)]
    assert response.status_code == expected, f"{name} as {persona}: {response.status_code}, expected {expected}"
    if persona == "anonymous" and expected == 302 and name not in {"home", "logout", "set_language"}:
        assert "/accounts/login/" in response["Location"]


def test_refused_writes_change_nothing(client, objects):
    for persona in ("officer_b", "district_other", "viewer"):
        client.force_login(getattr(objects, persona))
        client.post(reverse("record_value", args=[objects.assessment.pk, "2.1"]), {"value": "85", "version": 0})
        client.post(
            reverse("upload_evidence", args=[objects.assessment.pk, "2.1"]),
            {"file": SimpleUploadedFile("x.pdf", PDF)},
        )
    assert not objects.assessment.values.filter(indicator__code="2.1").exists()
    assert Evidence.objects.count() == 1


REFUSING = ("officer_b", "district_other", "viewer")
# The unit or set these write to is named in their body: an empty one names nothing to refuse.
NAMED_IN_THE_BODY = {"api:summary-records", "assessment_start", "criteria_set_clone"}


@pytest.mark.parametrize("persona", REFUSING)
@pytest.mark.parametrize(
    "name", sorted(n for n, row in MATRIX.items() if row.method in ("POST", "PATCH") and n not in NAMED_IN_THE_BODY)
)
def test_a_refused_write_is_refused_before_its_input_is_read(client, objects, name, persona):
    """Posting nothing, a persona refused the write gets the same 403 or 404 as with a good body:
    never a 400 listing the fields it may not fill in."""
    expected = MATRIX[name].expect[PERSONAS.index(persona)]
    if expected not in (403, 404):
        return
    client.force_login(getattr(objects, persona))
    response = _send(client, MATRIX[name].method, MATRIX[name].url(objects), {})
    assert response.status_code == expected, f"{name} as {persona}: {response.status_code}, expected {expected}"


# Creates whose unit (or province) is named in the body: (method, url), for a persona who may make
# that kind of change for no unit at all.
CREATES_NAMING_THEIR_UNIT = {
    "api:ocop-product-list": lambda o: "/api/v1/ocop-products/",
    "api:summary-records": lambda o: reverse("api:summary-records"),
    "api:assessment-list": lambda o: reverse("api:assessment-list"),
    "assessment_start": lambda o: reverse("assessment_start"),
    "criteria_set_clone": lambda o: reverse("criteria_set_clone", args=[o.assessment.criteria_set_id]),
    "api:registered-target-list": lambda o: "/api/v1/registered-targets/",
    "api:province-target-list": lambda o: "/api/v1/province-targets/",
    "api:funds": lambda o: "/api/v1/funds/",
}


@pytest.mark.parametrize("name", sorted(CREATES_NAMING_THEIR_UNIT))
def test_a_user_who_may_write_nowhere_is_refused_a_create_before_its_body_is_read(client, objects, name):
    client.force_login(objects.viewer)
    url = CREATES_NAMING_THEIR_UNIT[name](objects)
    for body in ({}, {"unit": "40101", "code": "x" * 41}):
        response = client.post(url, body, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 403, f"{name} with {body}: {response.status_code}"
    if url.startswith("/api/"):
        assert response.json() == {"detail": "Your account may read data but not make this change for any unit."}


@pytest.mark.parametrize("name", ["api:ocop-product-list", "api:summary-records", "api:assessment-list", "api:funds"])
def test_a_user_who_may_write_somewhere_still_gets_the_fields_errors(client, objects, name):
    client.force_login(objects.officer_b)
    response = client.post(CREATES_NAMING_THEIR_UNIT[name](objects), {}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "This field is required." in str(response.json()["errors"])


TEMPLATE_SYNTAX = ("{#", "{%", "{{")


@pytest.mark.parametrize("persona", ["officer_a", "province"])
@pytest.mark.parametrize("name", sorted(n for n, row in MATRIX.items() if row.method == "GET"))
def test_no_page_shows_template_syntax(client, objects, name, persona):
    """A comment or tag the template engine did not read (a multi-line ``{# #}``) shows as text."""
    client.force_login(getattr(objects, persona))
    with override_settings(MEDIA_ROOT=objects.evidence.file.storage.location):
        response = client.get(MATRIX[name].url(objects), follow=True)
    if not response.get("Content-Type", "").startswith("text/html"):
        return
    html = response.content.decode()
    found = [mark for mark in TEMPLATE_SYNTAX if mark in html]
    assert not found, f"{name} as {persona} shows {found} near: {html[html.find(found[0]) - 80 :][:200]}"


def test_no_template_has_a_comment_spanning_lines():
    """``{# #}`` ends at the line's end; a longer comment needs ``{% comment %}``."""
    from django.conf import settings

    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    offenders = [
        str(path)
        for root in roots
        for path in root.rglob("*.html")
        for line in path.read_text(encoding="utf-8").splitlines()
        if "{#" in line and "#}" not in line.split("{#", 1)[1]
    ]
    assert not offenders, offenders


# The lists of the API hold only what the persona may read: every item's unit (or the unit
# itself) lies in the area of one of its memberships. Read from the rows, not from the access
# helpers, so that a list that forgets to narrow its queryset fails here.
API_LISTS = ("/api/v1/units/", "/api/v1/assessments/", "/api/v1/registered-targets/", "/api/v1/funds/")


def _codes_in(body) -> set[str]:
    """The unit codes of a list answer's items (``unit`` objects or codes; a unit's own code)."""
    items = body["results"] if isinstance(body, dict) and "results" in body else body
    codes = set()
    for item in items:
        unit = item.get("unit", item)
        codes.add(unit["code"] if isinstance(unit, dict) else unit)
    return codes


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_api_lists_hold_only_the_personas_area(client, objects, tree, persona):
    for unit in (tree.b, tree.c):
        assessment_create(unit=unit, criteria_set=objects.assessment.criteria_set, year=2023, user=objects.province)
    for unit in (tree.a, tree.b, tree.c, tree.d1, tree.d2):
        make_target(unit, "standard", 2025)
        make_fund(unit, 2025, 1, "central", 1_000_000)
    user = getattr(objects, persona)
    areas = [m.unit.path for m in Membership.objects.filter(user=user).select_related("unit")]
    client.force_login(user)
    seen = set()
    for url in API_LISTS:
        response = client.get(url, {"page_size": 1000})
        assert response.status_code == 200, url
        codes = _codes_in(response.json())
        seen |= codes
        paths = dict(AdministrativeUnit.objects.filter(code__in=codes).values_list("code", "path"))
        outside = sorted(c for c in codes if not any(paths[c].startswith(area) for area in areas))
        assert not outside, f"{url} as {persona} lists {outside}"
    assert seen  # each persona sees something of its own area
