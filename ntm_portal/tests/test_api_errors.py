"""Every answer under /api/ is JSON in the API's error shape, in the caller's language, whatever
the path: an address no route matches, an id no database column could hold, a NUL byte."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

ABOVE_BIGINT = str(2**63)  # one more than the largest id a BigAutoField holds
TOO_LONG = "99999999999999999999"

NOT_ROUTED = [
    "/api/v1/nope/",
    f"/api/v1/assessments/{TOO_LONG}/",
    "/api/v1/units/DEMO-%00/",
    "/api/v1/units/DEMO-%00/commune-group/",
    f"/api/v1/ocop-products/{ABOVE_BIGINT}/",
]
# Routes whose id is a path converter: an id above 2**63 must not reach a query.
TOO_LARGE_IDS = [
    ("post", f"/api/v1/assessments/{ABOVE_BIGINT}/values/"),
    ("get", f"/api/v1/assessments/{ABOVE_BIGINT}/values/"),
    ("post", f"/api/v1/assessments/{ABOVE_BIGINT}/actions/submit/"),
    ("post", f"/api/v1/assessments/{ABOVE_BIGINT}/criteria/1/basically-met/"),
    ("post", f"/api/v1/assessments/1/criteria/{ABOVE_BIGINT}/basically-met/"),
    ("post", f"/api/v1/assessments/{ABOVE_BIGINT}/convert/"),
]


@pytest.fixture(params=[True, False], ids=["debug", "production"])
def debug(request, settings):
    """``make run`` serves with DEBUG on, where Django answers an unmatched address with its
    technical HTML page before any handler; production uses ``handler404``."""
    settings.DEBUG = request.param
    return request.param


@pytest.mark.parametrize("path", NOT_ROUTED)
def test_an_address_no_route_matches_answers_the_apis_json_404_in_the_callers_language(client, personas, debug, path):
    client.force_login(personas.officer_a)
    english = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert (english.status_code, english["Content-Type"]) == (404, "application/json")
    assert english.json() == {"detail": "No such address in the API."}
    vietnamese = client.post(path, HTTP_ACCEPT_LANGUAGE="vi")
    assert (vietnamese.status_code, vietnamese["Content-Type"]) == (404, "application/json")
    assert vietnamese.json()["detail"] not in ("", "No such address in the API.")


def test_an_unknown_api_address_answers_json_to_an_anonymous_caller_too(client, db, debug):
    response = client.get("/api/v1/nope/", HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response.json()) == (404, {"detail": "No such address in the API."})


def test_a_portal_page_that_does_not_exist_is_still_the_portals_html_page(client, db, debug):
    assert client.get("/not-an-api-page/")["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(("method", "path"), TOO_LARGE_IDS)
def test_an_id_above_the_databases_range_is_a_json_404_that_never_reaches_the_database(
    client, personas, debug, method, path
):
    client.force_login(personas.province_office)
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(path, HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    # No route takes such an id, as for the router's own ``/assessments/<id>/``.
    assert response.json() == {"detail": "No such address in the API."}
    assert not [q["sql"] for q in queries if ABOVE_BIGINT in q["sql"]]


def test_a_services_errors_for_the_whole_request_answer_under_the_apis_own_key():
    """A recognition refused for unmet criteria (the form as a whole) and at its date: Django's
    "__all__" is the API's "non_field_errors", as every other error for the whole request."""
    from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

    from ntm_portal.api_errors import _from_django

    refused = ValidationError({NON_FIELD_ERRORS: ["Not every criterion is met."], "decision_date": ["Too early."]})
    assert _from_django(refused).detail == {
        "non_field_errors": ["Not every criterion is met."],
        "decision_date": ["Too early."],
    }


@pytest.mark.parametrize(
    "path", ["/api/v1/funds/", "/api/v1/ocop-products/", "/api/v1/province-targets/", "/api/v1/registered-targets/"]
)
@pytest.mark.parametrize("language", ["en", "vi"])
def test_a_body_of_json_null_is_refused_in_the_callers_language(client, personas, path, language):
    """QA: DRF's own "No data provided" (never passed through gettext) answered a Vietnamese caller."""
    from django.utils import translation

    from ntm_portal.api_errors import MSG_NO_DATA

    client.force_login(personas.province_office)
    response = client.post(path, "null", content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    with translation.override(language):
        expected = str(MSG_NO_DATA)
    assert response.json() == {"detail": expected, "errors": {"non_field_errors": [expected]}}
    if language == "en":
        assert expected == "No data was sent: a JSON object is expected."
