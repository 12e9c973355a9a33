"""``<html lang>`` follows the language the page is written in, on every top-level page: screen
readers pick their voice from it, browsers their hyphenation and spell-checking.

QA: it came from the ``LANGUAGE_CODE`` context variable, which only a request context has, with
"vi" as its fallback; the server error and "form expired" (CSRF) pages are rendered without one,
so in English they still declared themselves Vietnamese."""

import re

import pytest
from django.test import Client, RequestFactory
from django.utils import translation
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def html_lang(response) -> str:
    found = re.search(r"<html\b[^>]*\blang=\"([^\"]*)\"", response.content.decode())
    assert found, "the page has no <html lang>"
    return found.group(1)


@pytest.mark.parametrize(("prefix", "language"), [("", "vi"), ("/en", "en")])
def test_the_sign_in_and_not_found_pages_declare_their_language(client, prefix, language):
    assert html_lang(client.get(f"{prefix}/accounts/login/")) == language
    assert html_lang(client.get(f"{prefix}/no-such-page/")) == language


@pytest.mark.parametrize(("prefix", "language"), [("", "vi"), ("/en", "en")])
def test_a_signed_in_page_and_a_refused_one_declare_their_language(client, personas, assessment, prefix, language):
    client.force_login(personas.officer_a)
    assert html_lang(client.get(f"{prefix}/assessments/{assessment.pk}/")) == language
    client.force_login(personas.officer_b)  # another commune: not found, or not allowed
    assert html_lang(client.get(f"{prefix}/assessments/{assessment.pk}/")) == language


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_server_error_page_declares_its_language(language):
    with translation.override(language):
        response = server_error(RequestFactory().get("/"))
    assert html_lang(response) == language


@pytest.mark.parametrize(("prefix", "language"), [("", "vi"), ("/en", "en")])
def test_the_form_expired_page_declares_its_language(personas, prefix, language):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.officer_a)
    response = client.post(f"{prefix}/accounts/logout/")
    assert response.status_code == 403
    assert html_lang(response) == language
