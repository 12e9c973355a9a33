"""Inputs the independent probe sent: an unknown indicator, an over-long note or file name."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from criteria.models import Evidence, IndicatorValue
from ntm_portal.tokens import token_issue

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
def test_saving_an_indicator_the_set_does_not_have_is_not_found(client, personas, assessment, headers):
    client.force_login(personas.officer_a)
    url = reverse("record_value", args=[assessment.pk, "99.9"])
    response = client.post(url, {"value": "1", "note": "", "version": "0"}, **headers)
    assert response.status_code == 404
    upload = reverse("upload_evidence", args=[assessment.pk, "99.9"])
    assert client.post(upload, {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")}, **headers).status_code == 404


def test_a_note_over_the_limit_is_refused_alike_on_the_page_and_in_the_api(client, personas, assessment):
    long_note = "n" * 2001
    client.force_login(personas.officer_a)
    url = reverse("record_value", args=[assessment.pk, "2.1"])
    page = client.post(url, {"value": "80", "note": long_note, "version": "0"}, **HTMX)
    assert page.status_code == 200  # the row again, with the reason at it
    assert "Ensure this value has at most 2000 characters (it has 2001)." in page.content.decode()
    assert long_note in page.content.decode()  # what was typed is kept
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=personas.officer_a)[1]}")
    body = {"values": [{"code": "2.1", "value": "80", "note": long_note, "version": 0}]}
    answer = api.post(f"/api/v1/assessments/{assessment.pk}/values/", body, format="json")
    assert answer.status_code == 400
    assert answer.json()["errors"]["values.0.note"] == ["Ensure this field has no more than 2000 characters."]
    assert not IndicatorValue.objects.filter(assessment=assessment, indicator__code="2.1").exists()
    # At the limit both accept it.
    body["values"][0]["note"] = "n" * 2000
    assert api.post(f"/api/v1/assessments/{assessment.pk}/values/", body, format="json").status_code == 200


@pytest.mark.parametrize(
    "name",
    ["ả" * 150 + "." + "ả" * 90, "b" * 240 + ".pdf"],
    ids=["a long multibyte extension", "a long name"],
)
def test_a_long_evidence_file_name_is_refused_with_a_vietnamese_message(
    client, personas, assessment, settings, tmp_path, name, vi
):
    settings.MEDIA_ROOT = tmp_path
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # through a temporary file, as a large upload is
    client.force_login(personas.officer_a)
    url = reverse("upload_evidence", args=[assessment.pk, "1.1"])
    response = client.post(url, {"file": SimpleUploadedFile(name, b"%PDF-1.4 a")}, **HTMX)
    assert response.status_code == 200
    assert "Tên tệp dài hơn 200 ký tự; hãy đổi tên tệp rồi đính kèm lại." in response.content.decode()
    assert not Evidence.objects.exists()
