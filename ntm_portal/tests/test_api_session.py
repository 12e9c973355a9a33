"""The API's session authentication refuses a request without a valid CSRF token in the
caller's language (DRF's own refusal is "CSRF Failed: CSRF token missing.", always English)."""

import pytest
from django.middleware import csrf
from django.test import Client
from django.urls import reverse

from ntm_portal.api_session import (
    MSG_CSRF_NO_COOKIE,
    MSG_CSRF_ORIGIN,
    MSG_CSRF_OTHER,
    MSG_CSRF_REFERER,
    MSG_CSRF_TOKEN_INCORRECT,
    MSG_CSRF_TOKEN_MISSING,
    csrf_message,
)

BODY = {"unit": "40101", "name": "Mật ong"}


@pytest.fixture
def browser(personas):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(personas.officer_a)
    client.get(reverse("unit", args=["40101"]))  # a page of the portal sets the CSRF cookie
    assert "csrftoken" in client.cookies
    return client


def test_a_session_without_a_csrf_token_is_told_so_in_the_portals_words(browser):
    response = browser.post("/api/v1/ocop-products/", BODY, content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "CSRF check failed: the CSRF token is missing. Send it in the X-CSRFToken header, or use an API token."
    }


def test_an_incorrect_csrf_token_is_told_apart_from_a_missing_one(browser):
    response = browser.post("/api/v1/ocop-products/", BODY, content_type="application/json", HTTP_X_CSRFTOKEN="a" * 64)
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF check failed: the CSRF token is incorrect")


def test_a_foreign_origin_is_refused_as_such(browser):
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        "/api/v1/ocop-products/",
        BODY,
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 403
    assert "origin is not a trusted origin" in response.json()["detail"]


def test_a_correct_token_passes_the_check(browser):
    token = browser.cookies["csrftoken"].value
    response = browser.post("/api/v1/ocop-products/", {}, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 400  # through to the body's checks


@pytest.mark.parametrize(
    "reason, message",
    [
        (csrf.REASON_CSRF_TOKEN_MISSING, MSG_CSRF_TOKEN_MISSING),
        (csrf.REASON_NO_CSRF_COOKIE, MSG_CSRF_NO_COOKIE),
        (csrf.REASON_BAD_ORIGIN % "https://evil.example", MSG_CSRF_ORIGIN),
        (csrf.REASON_NO_REFERER, MSG_CSRF_REFERER),
        (csrf.REASON_BAD_REFERER % "https://evil.example/", MSG_CSRF_REFERER),
        (csrf.REASON_MALFORMED_REFERER, MSG_CSRF_REFERER),
        (csrf.REASON_INSECURE_REFERER, MSG_CSRF_REFERER),
        ("CSRF token from POST has incorrect length.", MSG_CSRF_TOKEN_INCORRECT),
        ("CSRF token from the 'X-Csrftoken' HTTP header incorrect.", MSG_CSRF_TOKEN_INCORRECT),
        ("something new in a later Django", MSG_CSRF_OTHER),
    ],
)
def test_each_of_djangos_csrf_reasons_has_a_translated_message(reason, message):
    assert csrf_message(reason) is message
