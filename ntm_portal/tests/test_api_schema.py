"""The OpenAPI schema validates with no warning, the docs are served locally, and a
property-based run over every read endpoint on a seeded database never meets a server error and
always answers as the schema says (status, content type, body)."""

import collections
import contextlib
import json

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import checks
from schemathesis.generation.modes import GenerationMode

from criteria.services import ValueEntry, assessment_create, assessment_record_values, assessment_transition
from criteria.tests.factories import make_set
from ntm_portal.tokens import token_issue

pytestmark = pytest.mark.django_db

TRUE_TO_THE_SCHEMA = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


def test_the_schema_validates_without_warnings(tmp_path):
    # --fail-on-warn turns every warning of drf-spectacular (an untyped field, a name clash) into a failure.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/assessments/{id}/values/" in (tmp_path / "schema.yaml").read_text()


def test_the_schema_is_served_as_openapi_3(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/units/",
        "/api/v1/units/{code}/",
        "/api/v1/criteria-sets/",
        "/api/v1/criteria-sets/{id}/",
        "/api/v1/assessments/",
        "/api/v1/assessments/{id}/",
        "/api/v1/assessments/{id}/values/",
        "/api/v1/assessments/{id}/actions/{action}/",
        "/api/v1/progress/",
    } <= set(schema["paths"])
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])
    action = schema["paths"]["/api/v1/assessments/{id}/actions/{action}/"]["post"]
    enum = next(p["schema"]["enum"] for p in action["parameters"] if p["name"] == "action")
    assert set(enum) == {"submit", "verify", "return", "appraise", "recognise", "record_recognition", "revoke"}


def test_the_docs_are_served_from_vendored_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


# --- Property-based run over the read endpoints -------------------------------------------


@contextlib.contextmanager
def connections_kept_open():
    """Like Django's test client: a request must not close the connection holding the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(tree, personas):
    standard = make_set()
    make_set(code="TEST-ADV", tier="advanced")
    complete = [ValueEntry("1.1", "có"), ValueEntry("2.1", "85,5"), ValueEntry("3.1", "50"), ValueEntry("3.2", "0")]
    a = assessment_create(unit=tree.a, criteria_set=standard, year=2023, user=personas.officer_a)
    assessment_record_values(assessment=a, entries=complete, user=personas.officer_a)
    assessment_transition(assessment=a, action="submit", user=personas.officer_a)
    assessment_create(unit=tree.b, criteria_set=standard, year=2023, user=personas.officer_b)
    assessment_create(unit=tree.c, criteria_set=standard, year=2024, user=personas.province_office)
    return {"id": a.pk, "code": "40101", "set_id": standard.pk}


def test_no_read_endpoint_answers_a_server_error(seeded, personas):
    app = get_wsgi_application()
    statuses: collections.Counter = collections.Counter()
    with connections_kept_open():
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app)
        headers = {"Authorization": f"Token {token_issue(user=personas.province_office)[1]}"}
        operations = [result.ok() for result in schema.include(method="GET").get_all_operations()]
        assert len(operations) >= 8
        for operation in operations:
            # Each operation with fresh rate counters: 300 requests a minute would otherwise answer
            # 429 to every later operation, and a body off the schema would pass unseen (QA: a null
            # enum of the commune group).
            cache.clear()
            real = {}
            for parameter in operation.path_parameters:
                name = parameter.name
                if name == "code":
                    real[name] = seeded["code"]
                elif name == "id":
                    real[name] = seeded["set_id"] if "criteria-sets" in operation.path else seeded["id"]
            strategies = [
                operation.as_strategy(GenerationMode.POSITIVE),
                operation.as_strategy(GenerationMode.NEGATIVE),
            ]
            if real:
                strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real))
            if operation.path.endswith("/progress/"):
                strategies.append(operation.as_strategy(GenerationMode.POSITIVE, query={"unit": "40"}))
            for strategy in strategies:

                @given(case=strategy)
                @settings(
                    max_examples=25,
                    deadline=None,
                    database=None,
                    derandomize=True,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck),
                )
                def call(case):
                    response = case.call(headers=headers)
                    statuses[response.status_code] += 1
                    assert response.status_code < 500, f"{case.operation.label}: {case.formatted_path} {case.query}"
                    # The answer is the one the schema documents: its status, content type and body.
                    case.validate_response(response, checks=TRUE_TO_THE_SCHEMA)

                call()
    print(f"\nschemathesis: {sum(statuses.values())} requests over {len(operations)} read operations: {dict(statuses)}")
    assert statuses[200] > 0 and not statuses[429]


def test_the_schema_says_a_criteria_sets_issuer_may_be_null(client):
    response = client.get("/api/schema/", {"format": "json"})
    schemas = json.loads(response.content)["components"]["schemas"]
    issuers = [s["properties"]["issuer"] for s in schemas.values() if "issuer" in s.get("properties", {})]
    assert issuers and all(issuer.get("nullable") for issuer in issuers)


def test_an_unknown_api_address_answers_the_apis_json_error_in_the_callers_language(client):
    response = client.get("/api/v1/assessments/not-a-number/", HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert response.json() == {"detail": "No such address in the API."}
    assert client.get("/api/v1/nope/", HTTP_ACCEPT_LANGUAGE="vi").json()["detail"] != "No such address in the API."
    assert client.get("/not-an-api-page/")["Content-Type"].startswith("text/html")  # the portal's own page


def test_every_operation_documents_its_errors(client):
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    listing = paths["/api/v1/assessments/"]["get"]["responses"]
    assert {"200", "400", "401", "403", "404", "429"} <= set(listing)
    assert {"401", "403", "404"} <= set(paths["/api/v1/units/{code}/"]["get"]["responses"])
