"""A wrongly uploaded evidence file can be removed while the assessment is editable; an upload
or a removal refused (the assessment locked meanwhile, no file chosen) says why in its row."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from criteria.models import Evidence, HistoryEntry
from criteria.services import ValueEntry, assessment_record_values, assessment_transition, evidence_attach

pytestmark = pytest.mark.django_db(transaction=True)  # the file is deleted on commit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def evidence(personas, assessment, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return evidence_attach(
        assessment=assessment, code="1.1", upload=SimpleUploadedFile("nham-file.pdf", PDF), user=personas.officer_a
    )


def test_removing_evidence_updates_the_row_deletes_the_file_and_keeps_the_name_in_history(
    client, personas, assessment, evidence
):
    path = evidence.file.path
    client.force_login(personas.officer_a)
    response = client.post(reverse("evidence_remove", args=[evidence.pk]), **HTMX)
    row = response.content.decode()
    assert response.status_code == 200 and 'id="ind-1.1"' in row
    assert "nham-file.pdf" not in row
    assert not Evidence.objects.exists()
    assert not os.path.exists(path)
    removal = HistoryEntry.objects.filter(kind="evidence", old_value="nham-file.pdf", new_value="").get()
    assert removal.user == personas.officer_a
    page = client.get(reverse("assessment", args=[assessment.pk])).content.decode()
    assert "Evidence removed" in page and "nham-file.pdf" in page  # the history row


def test_evidence_cannot_be_removed_once_submitted(client, personas, assessment, evidence):
    assessment_record_values(
        assessment=assessment,
        entries=[ValueEntry("2.1", "85"), ValueEntry("3.1", "50"), ValueEntry("3.2", "0")],
        user=personas.officer_a,
    )
    assessment_transition(assessment=assessment, action="submit", user=personas.officer_a)
    client.force_login(personas.officer_a)
    page = client.get(reverse("assessment", args=[assessment.pk])).content.decode()
    assert reverse("evidence_remove", args=[evidence.pk]) not in page
    response = client.post(reverse("evidence_remove", args=[evidence.pk]), follow=True)
    assert "locked" in response.content.decode()
    assert Evidence.objects.filter(pk=evidence.pk).exists()


@pytest.mark.parametrize(("who", "status"), [("officer_b", 404), ("viewer", 403)])
def test_others_cannot_remove_evidence(client, personas, evidence, who, status):
    client.force_login(getattr(personas, who))
    assert client.post(reverse("evidence_remove", args=[evidence.pk])).status_code == status
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def _submit(assessment, user):
    assessment_record_values(
        assessment=assessment,
        entries=[ValueEntry("2.1", "85"), ValueEntry("3.1", "50"), ValueEntry("3.2", "0")],
        user=user,
    )
    assessment_transition(assessment=assessment, action="submit", user=user)


def test_an_upload_to_an_assessment_locked_meanwhile_says_so_in_the_row(
    client, personas, assessment, settings, tmp_path
):
    """The officer's page was read while the assessment was a draft; it was submitted since. The
    row swapped in is read-only and says why the file was not attached."""
    settings.MEDIA_ROOT = tmp_path
    _submit(assessment, personas.officer_a)
    client.force_login(personas.officer_a)
    upload = SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")
    with translation.override("en"):
        response = client.post(reverse("upload_evidence", args=[assessment.pk, "1.1"]), {"file": upload}, **HTMX)
    row = response.content.decode()
    assert 'id="ind-1.1"' in row and 'role="alert"' in row and "can no longer be edited" in row
    assert not Evidence.objects.exists()


def test_a_removal_from_an_assessment_locked_meanwhile_says_so_in_the_row(client, personas, assessment, evidence):
    _submit(assessment, personas.officer_a)
    client.force_login(personas.officer_a)
    with translation.override("en"):
        row = client.post(reverse("evidence_remove", args=[evidence.pk]), **HTMX).content.decode()
    assert 'role="alert"' in row and "can no longer be edited" in row
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_an_upload_without_a_file_says_so_in_the_row(client, personas, assessment):
    client.force_login(personas.officer_a)
    with translation.override("en"):
        response = client.post(reverse("upload_evidence", args=[assessment.pk, "1.1"]), {}, **HTMX)
    row = response.content.decode()
    assert response.status_code == 200 and row.lstrip().startswith("<") and 'id="ind-1.1"' in row
    assert "Choose a file to attach." in row


def test_an_empty_file_is_refused_as_empty_in_the_row(client, personas, assessment):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(personas.officer_a)
    upload = SimpleUploadedFile("bien-ban.pdf", b"")
    with translation.override("en"):
        response = client.post(reverse("upload_evidence", args=[assessment.pk, "1.1"]), {"file": upload}, **HTMX)
    row = response.content.decode()
    assert "The file is empty." in row and "Choose a file" not in row
