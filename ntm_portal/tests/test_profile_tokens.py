"""API tokens: a user creates, replaces and revokes their own on the profile page; admins too.
Only a hash is stored; a token expires, and a password change revokes it."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import include, path
from django.utils import timezone
from rest_framework.test import APIClient

from ntm_portal.models import ApiToken
from ntm_portal.tokens import key_hash, token_issue
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
    stored = ApiToken.objects.get(user=personas.officer_a)
    assert key and key_hash(key) == stored.key_hash and key not in (stored.key_hash, stored.prefix)
    assert api_status(key) == 200
    again = browser.get(PROFILE)
    assert shown_key(again) is None
    assert key not in again.content.decode()
    assert 'value="revoke"' in again.content.decode()


def test_replacing_the_token_disables_the_old_one(browser, personas):
    old = token_issue(user=personas.officer_a)[1]
    new = shown_key(browser.post(PROFILE, {"action": "create"}, follow=True))
    assert new and new != old
    assert api_status(old) in (401, 403)
    assert api_status(new) == 200


def test_revoking_the_token_signs_scripts_out(browser, personas):
    key = token_issue(user=personas.officer_a)[1]
    response = browser.post(PROFILE, {"action": "revoke"})
    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=personas.officer_a).exists()
    assert api_status(key) in (401, 403)


def test_revoking_touches_only_the_users_own_token(browser, personas):
    other, _key = token_issue(user=personas.officer_b)
    browser.post(PROFILE, {"action": "revoke", "user": personas.officer_b.pk})
    assert ApiToken.objects.filter(pk=other.pk).exists()


def test_token_forms_need_the_csrf_token(personas):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(personas.officer_a)
    assert strict.post(PROFILE, {"action": "create"}).status_code == 403
    assert not ApiToken.objects.filter(user=personas.officer_a).exists()


def test_other_methods_are_refused(browser):
    assert browser.delete(PROFILE).status_code == 405


def test_an_administrator_creates_and_revokes_tokens_in_the_admin(personas):
    admin = get_user_model().objects.create_superuser("root", password="a-long-test-password")
    client = Client()
    client.force_login(admin)
    response = client.post("/en/admin/ntm_portal/apitoken/add/", {"user": personas.viewer.pk}, follow=True)
    assert response.status_code == 200, response.content
    key = re.search(r"The key of the new token is ([0-9a-f]{40})", response.content.decode()).group(1)
    token = ApiToken.objects.get(user=personas.viewer)
    assert token.key_hash == key_hash(key)
    assert api_status(key) == 200
    response = client.post(f"/en/admin/ntm_portal/apitoken/{token.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=personas.viewer).exists()
    assert api_status(key) == 401


def test_an_expired_token_no_longer_signs_in(personas):
    token, key = token_issue(user=personas.officer_a, days=1)
    assert api_status(key) == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timezone.timedelta(seconds=1))
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/units/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_changing_the_password_revokes_every_token(browser, personas):
    _token, key = token_issue(user=personas.officer_a)
    _other, other_key = token_issue(user=personas.officer_b)
    response = browser.post(
        "/accounts/password_change/",
        {
            "old_password": "a-long-test-password",
            "new_password1": "an-even-longer-password-2026",
            "new_password2": "an-even-longer-password-2026",
        },
    )
    assert response.status_code == 302
    assert api_status(key) == 401
    assert api_status(other_key) == 200  # someone else's token is untouched


def test_a_sign_in_does_not_revoke_tokens(client, personas):
    _token, key = token_issue(user=personas.officer_a)
    client.post("/accounts/login/", {"username": "officer_a", "password": "a-long-test-password"})
    assert api_status(key) == 200


def test_the_database_holds_no_usable_key(personas):
    _token, key = token_issue(user=personas.officer_a)
    stored = list(ApiToken.objects.values_list("key_hash", "prefix"))
    assert all(key not in value for row in stored for value in row)
