"""Rate limits, body caps, deep JSON, private caching and cookie flags."""

import json
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from ntm_portal.api_parsers import json_depth_exceeds
from ntm_portal.tests.test_settings import ROOT
from ntm_portal.tokens import token_issue

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user)[1]}")
    return client


def test_api_requests_beyond_the_users_rate_answer_429(personas, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "user": "5/minute"}
    client = _api(personas.viewer)
    answers = [client.get("/api/v1/units/").status_code for _ in range(7)]
    assert answers == [200] * 5 + [429] * 2
    # Another user has a budget of their own.
    assert _api(personas.officer_a).get("/api/v1/units/").status_code == 200


def test_api_writes_have_a_lower_rate_of_their_own(personas, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "write": "2/minute"}
    client = _api(personas.officer_a)
    body = {"unit": "40101", "year": 2025, "entries": []}
    answers = [client.post("/api/v1/funds/", body, format="json").status_code for _ in range(3)]
    assert answers[:2] != [429, 429] and answers[2] == 429
    assert client.get("/api/v1/units/").status_code == 200  # reads still pass


def test_bulletin_jobs_beyond_the_rate_are_refused_with_a_message(client, personas, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "job_start": "2/hour"}
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client.force_login(personas.viewer)
    url = reverse("reports:bulletin_generate", args=["40", "2025-01"])
    answers = [client.post(url) for _ in range(3)]
    assert [a.status_code for a in answers] == [302, 302, 429]
    assert "too often" in answers[2].content.decode()


def test_evidence_uploads_beyond_the_rate_are_refused(client, personas, assessment, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "evidence_upload": "1/hour"}
    client.force_login(personas.officer_a)
    url = reverse("upload_evidence", args=[assessment.pk, "1.1"])
    first = client.post(url, {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 a")})
    second = client.post(url, {"file": SimpleUploadedFile("b.pdf", b"%PDF-1.4 b")})
    assert first.status_code == 302 and second.status_code == 429


def test_import_uploads_beyond_the_rate_are_refused(client, personas, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "import_upload": "1/hour"}
    client.force_login(personas.district_d1)
    url = reverse("reports:import", args=["401"])
    assert client.post(url, {}).status_code == 400  # counted, refused by the form
    page = client.get(url)  # where the office came from
    refused = client.post(url, {}, HTTP_REFERER=f"http://testserver{url}")
    assert refused.status_code == 429 and page.status_code == 200
    # A page of the portal, not a bare line of text (QA), with the way back.
    html = refused.content.decode()
    assert "Too many attempts" in html and f'href="http://testserver{url}"' in html
    assert refused["Retry-After"] == "3600"


def test_a_body_declared_larger_than_the_cap_is_refused_unread(client, personas, assessment, settings):
    client.force_login(personas.officer_a)
    url = reverse("upload_evidence", args=[assessment.pk, "1.1"])
    response = client.post(url, {}, CONTENT_LENGTH=str(300 * 1024 * 1024))
    assert response.status_code == 413
    assert f"larger than {settings.MAX_REQUEST_BODY_MB} MB" in response.content.decode()
    api = _api(personas.officer_a).post("/api/v1/funds/", {}, format="json", CONTENT_LENGTH=str(10**9))
    assert api.status_code == 413 and "detail" in api.json()


@pytest.mark.parametrize("path", ["/api/v1/funds/", "/api/v1/assessments/{pk}/values/"])
def test_json_over_the_data_cap_is_refused_with_the_api_s_json_error(personas, assessment, path, settings):
    """Under the body cap but over Django's data cap: it answered Django's HTML 400 page (QA)."""
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < settings.MAX_REQUEST_BODY_MB * 1024 * 1024
    body = json.dumps({"note": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE})
    response = _api(personas.officer_a).post(path.format(pk=assessment.pk), body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": "The request's data is larger than 5 MB: send it in smaller parts."}


@pytest.mark.parametrize("path", ["/api/v1/funds/", "/api/v1/assessments/{pk}/values/"])
def test_deeply_nested_json_is_refused_with_a_message(personas, assessment, path):
    body = "[" * 100_000 + "]" * 100_000
    url = path.format(pk=assessment.pk)
    response = _api(personas.officer_a).post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert "nested more than 20 levels" in response.json()["detail"]


def test_the_depth_check_ignores_brackets_inside_strings():
    assert not json_depth_exceeds(json.dumps({"note": "[" * 500}).encode())
    assert json_depth_exceeds(b'{"a":' * 21 + b"1" + b"}" * 21)
    assert not json_depth_exceeds(b'{"a":' * 20 + b"1" + b"}" * 20)


def test_answers_to_signed_in_users_are_never_stored(client, personas):
    client.force_login(personas.officer_a)
    page = client.get(reverse("unit", args=["40101"]))
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    api = _api(personas.officer_a).get("/api/v1/units/")
    assert "no-store" in api["Cache-Control"] and "private" in api["Cache-Control"]


def test_the_language_cookie_is_secure_samesite_and_httponly_in_production():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_SAMESITE, s.LANGUAGE_COOKIE_HTTPONLY, "
        "s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SAMESITE]))"
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
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [True, "Lax", True, "Lax", "Lax"]


def test_the_language_cookie_carries_samesite(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.cookies["django_language"]["samesite"] == "Lax"


def test_drf_messages_speak_vietnamese_when_the_client_asks(personas, settings):
    anonymous = APIClient(HTTP_ACCEPT_LANGUAGE="vi").get("/api/v1/units/")
    assert anonymous.status_code in (401, 403)
    assert anonymous.json()["detail"] == "Chưa cung cấp thông tin xác thực."
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "user": "1/minute"}
    client = _api(personas.viewer)
    client.get("/api/v1/units/")
    throttled = client.get("/api/v1/units/", HTTP_ACCEPT_LANGUAGE="vi")
    assert throttled.status_code == 429
    assert throttled.json()["detail"] == "Quá nhiều yêu cầu; vui lòng thử lại sau 60 giây."
    english = APIClient(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/units/")
    assert english.json()["detail"] == "Authentication credentials were not provided."


def test_a_forged_forwarded_address_does_not_escape_the_anonymous_rate(db, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "anon": "1/minute"}
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    answers = [
        client.get("/api/schema/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}", REMOTE_ADDR="203.0.113.9").status_code
        for n in range(3)
    ]
    assert answers == [200, 429, 429]
