"""When a session ends in the middle of work: where the user is sent, and staying signed in."""

import datetime
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from ntm_portal.middleware import LAST_SEEN_AT, SIGNED_IN_AT

pytestmark = pytest.mark.django_db


def _expire(client, settings):
    session = client.session
    now = int(time.time())
    session.update({SIGNED_IN_AT: now - 60, LAST_SEEN_AT: now - settings.SESSION_IDLE_TIMEOUT.total_seconds() - 5})
    session.save()


def _next(url: str) -> str:
    parts = urlsplit(url)
    assert parts.path == reverse("login")
    return parse_qs(parts.query)["next"][0]


def _save_with_htmx(client, assessment, page_url):
    return client.post(
        reverse("record_value", args=[assessment.pk, "2.1"]),
        {"value": "85", "version": 0},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=page_url,
    )


def test_an_htmx_save_after_the_session_ended_sends_the_whole_page_to_sign_in_and_back(
    client, personas, assessment, settings
):
    client.force_login(personas.officer_a)
    _expire(client, settings)
    page = f"http://testserver{reverse('assessment', args=[assessment.pk])}"
    response = _save_with_htmx(client, assessment, page + "#ind-2.1")
    assert response.status_code == 200 and b"<form" not in response.content  # nothing swapped into the row
    assert _next(response["HX-Redirect"]) == reverse("assessment", args=[assessment.pk])
    assert not assessment.values.filter(indicator__code="2.1", value_decimal=85).exists()


def test_an_htmx_request_of_a_signed_out_user_is_redirected_by_htmx(client, assessment):
    page = f"http://testserver{reverse('assessment', args=[assessment.pk])}"
    response = _save_with_htmx(client, assessment, page)
    assert _next(response["HX-Redirect"]) == reverse("assessment", args=[assessment.pk])


def test_the_page_to_return_to_must_be_on_this_site(client, assessment):
    response = _save_with_htmx(client, assessment, "https://evil.example/phish")
    assert _next(response["HX-Redirect"]) == reverse("record_value", args=[assessment.pk, "2.1"])


def test_a_plain_form_saved_after_the_session_ended_returns_to_its_page_after_sign_in(client, assessment):
    page = reverse("assessment", args=[assessment.pk])
    response = client.post(
        reverse("record_value", args=[assessment.pk, "2.1"]),
        {"value": "85", "version": 0},
        HTTP_REFERER=f"http://testserver{page}?year=2025",
    )
    assert response.status_code == 302
    assert _next(response["Location"]) == f"{page}?year=2025"


def test_a_signed_out_page_view_keeps_its_own_address_as_next(client, assessment):
    page = reverse("assessment", args=[assessment.pk])
    assert _next(client.get(page)["Location"]) == page


def test_signed_in_pages_carry_the_idle_warning_with_its_timing(client, personas, settings):
    settings.SESSION_IDLE_TIMEOUT = datetime.timedelta(minutes=30)
    client.force_login(personas.officer_a)
    html = client.get(reverse("unit", args=["40101"])).content.decode()
    assert 'id="session-warning"' in html
    assert 'data-idle-seconds="1740"' in html and 'data-warn-seconds="300"' in html  # a minute of slack
    assert reverse("session_keep_alive") in html


def test_the_sign_in_page_has_no_idle_warning(client):
    assert 'id="session-warning"' not in client.get(reverse("login")).content.decode()


def test_staying_signed_in_restarts_the_idle_time(client, personas, settings):
    client.force_login(personas.officer_a)
    session = client.session
    now = int(time.time())
    session.update({SIGNED_IN_AT: now - 600, LAST_SEEN_AT: now - 40})  # touched less than a minute ago
    session.save()
    response = client.post(reverse("session_keep_alive"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert client.session[LAST_SEEN_AT] >= now


def test_staying_signed_in_after_the_session_ended_goes_to_sign_in(client, personas, settings):
    client.force_login(personas.officer_a)
    _expire(client, settings)
    response = client.post(
        reverse("session_keep_alive"), HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/units/40101/"
    )
    assert _next(response["HX-Redirect"]) == "/units/40101/"
