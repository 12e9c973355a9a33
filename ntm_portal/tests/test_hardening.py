import json
import re
import subprocess
import sys
import time

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from ntm_portal.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from ntm_portal.tests.test_settings import ROOT

pytestmark = pytest.mark.django_db


def attempt(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_repeated_failures_lock_that_username_from_that_address_only(client, personas):
    for _ in range(4):
        assert attempt(client, "officer_a", "wrong").status_code == 200
    assert attempt(client, "officer_a", "wrong").status_code == 429  # the fifth failure locks
    locked = attempt(client, "officer_a", "a-long-test-password")
    assert locked.status_code == 429
    assert "blocked for 15 minutes" in locked.content.decode()
    # The real officer at another address, and another user at the same address, still get in.
    assert attempt(client, "officer_a", "a-long-test-password", ip="10.0.0.2").status_code == 302
    client.logout()
    assert attempt(client, "officer_b", "a-long-test-password").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, personas):
    for _ in range(5):
        attempt(client, "officer_a", "wrong")
    assert attempt(client, "officer_a", "a-long-test-password").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timezone.timedelta(minutes=16))
    assert attempt(client, "officer_a", "a-long-test-password").status_code == 302


@pytest.mark.parametrize(
    "password, message", [("short", "too short"), ("password123", "too common"), ("1234567890123", "entirely numeric")]
)
def test_weak_passwords_are_refused(client, personas, password, message):
    client.force_login(personas.officer_a)
    response = client.post(
        reverse("password_change"),
        {"old_password": "a-long-test-password", "new_password1": password, "new_password2": password},
    )
    assert message in response.content.decode()


def _session(client, **values):
    session = client.session
    session.update(values)
    session.save()


def test_an_idle_session_ends(client, personas, settings):
    client.force_login(personas.officer_a)
    now = int(time.time())
    _session(client, **{SIGNED_IN_AT: now - 60, LAST_SEEN_AT: now - settings.SESSION_IDLE_TIMEOUT.total_seconds() - 5})
    response = client.get(reverse("unit", args=["40101"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(reverse("home")).status_code == 302  # signed out for good


def test_a_session_ends_at_its_absolute_lifetime_even_when_active(client, personas, settings):
    client.force_login(personas.officer_a)
    now = int(time.time())
    _session(client, **{SIGNED_IN_AT: now - settings.SESSION_MAX_AGE.total_seconds() - 5, LAST_SEEN_AT: now})
    response = client.get(reverse("unit", args=["40101"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_active_session_continues(client, personas):
    client.force_login(personas.officer_a)
    now = int(time.time())
    _session(client, **{SIGNED_IN_AT: now - 3600, LAST_SEEN_AT: now - 120})
    assert client.get(reverse("unit", args=["40101"])).status_code == 200
    assert client.session[LAST_SEEN_AT] >= now


def test_pages_send_a_content_security_policy_without_inline_scripts(client, personas, assessment):
    client.force_login(personas.officer_a)
    for url in [reverse("unit", args=["40101"]), reverse("assessment", args=[assessment.pk]), reverse("login")]:
        response = client.get(url)
        policy = response.headers["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]*)", policy).group(1)
        assert script_src.strip() == "'self'"
        assert "frame-ancestors 'none'" in policy
        assert response.headers["X-Frame-Options"] == "DENY"
        page = response.content.decode()
        inline = [
            tag for tag in re.findall(r"<script[^>]*>", page) if "src=" not in tag and "application/json" not in tag
        ]
        assert inline == []
        assert not re.search(r"\son[a-z]+=", page), "inline event handlers are scripts too"


def test_production_settings_use_secure_cookies_and_hsts():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_INCLUDE_SUBDOMAINS]))"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "ntm_portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": "k" * 60,
        "ALLOWED_HOSTS": "x.vn",
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [True, True, 31_536_000, True, True]
