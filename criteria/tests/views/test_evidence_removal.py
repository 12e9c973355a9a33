"""A wrongly uploaded evidence file can be removed while the assessment is editable."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

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
