"""API tokens: a user creates, replaces and revokes their own on the profile page; admins too."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import include, path
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ntm_portal.urls import urlpatterns as root_urlpatterns

# Until the root URLconf includes ntm_portal.account_urls, mount it here for these tests.
urlpatterns = [path("accounts/", include("ntm_portal.account_urls")), *root_urlpatterns]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

PROFILE = "/accounts/profile/"


def shown_key(response) -> str | None:
    match = re.search(r'id="new-api-token"[^>]*value="([0-9a-f]{40})"', response.content.decode())
    return match.group(1) if match else None


def api_status(key: str) -> int:
    return APIClient().get("/api/v1/units/", HTTP_AUTHORIZATION=f"Token {key}").status_code


@pytest.fixture
def browser(personas):
    client = Client()
    client.force_login(personas.officer_a)
    return client


def test_the_profile_page_needs_a_signed_in_user(client):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_profile_shows_where_the_user_works_and_offers_a_token(browser):
    response = browser.get(PROFILE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Xã Cẩm Thạch" in html
    assert 'name="action" value="create"' in html
    assert 'value="revoke"' not in html
    assert "csrfmiddlewaretoken" in html
    assert "no-store" in response["Cache-Control"]


def test_a_new_token_is_shown_once_and_signs_scripts_in(browser, personas):
    response = browser.post(PROFILE, {"action": "create"}, follow=True)
    key = shown_key(response)
    assert key == Token.objects.get(user=personas.officer_a).key
    assert api_status(key) == 200
    again = browser.get(PROFILE)
    assert shown_key(again) is None
    assert key not in again.content.decode()
    assert 'value="revoke"' in again.content.decode()


def test_replacing_the_token_disables_the_old_one(browser, personas):
    old = Token.objects.create(user=personas.officer_a).key
    new = shown_key(browser.post(PROFILE, {"action": "create"}, follow=True))
    assert new and new != old
    assert api_status(old) in (401, 403)
    assert api_status(new) == 200


def test_revoking_the_token_signs_scripts_out(browser, personas):
    key = Token.objects.create(user=personas.officer_a).key
    response = browser.post(PROFILE, {"action": "revoke"})
    assert response.status_code == 302
    assert not Token.objects.filter(user=personas.officer_a).exists()
    assert api_status(key) in (401, 403)


def test_revoking_touches_only_the_users_own_token(browser, personas):
    other = Token.objects.create(user=personas.officer_b)
    browser.post(PROFILE, {"action": "revoke", "user": personas.officer_b.pk})
    assert Token.objects.filter(pk=other.pk).exists()


def test_token_forms_need_the_csrf_token(personas):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(personas.officer_a)
    assert strict.post(PROFILE, {"action": "create"}).status_code == 403
    assert not Token.objects.filter(user=personas.officer_a).exists()


def test_other_methods_are_refused(browser):
    assert browser.delete(PROFILE).status_code == 405


def test_an_administrator_creates_and_revokes_tokens_in_the_admin(personas):
    admin = get_user_model().objects.create_superuser("root", password="a-long-test-password")
    client = Client()
    client.force_login(admin)
    response = client.post("/admin/authtoken/tokenproxy/add/", {"user": personas.viewer.pk})
    assert response.status_code == 302, response.content
    token = Token.objects.get(user=personas.viewer)
    assert api_status(token.key) == 200
    response = client.post(f"/admin/authtoken/tokenproxy/{personas.viewer.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Token.objects.filter(user=personas.viewer).exists()
