"""The sheet in English: its value fields show numbers as they are read back."""

import pytest
from django.urls import reverse
from django.utils import translation

from criteria.services import ValueEntry, assessment_record_values

pytestmark = pytest.mark.django_db


def test_an_english_sheet_shows_a_value_as_it_reads_it_back(client, assessment, personas):
    """QA: English pages wrote "45,200" in the field, which the sheet refuses when saved again."""
    assessment_record_values(assessment=assessment, entries=[ValueEntry("2.1", "85,5")], user=personas.officer_a)
    client.force_login(personas.officer_a)
    with translation.override("en"):
        url = reverse("assessment", args=[assessment.pk])
    html = client.get(url).content.decode()
    assert 'value="85,5"' in html
