"""The sheet in English: numbers written and read the Vietnamese way, as on every page."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from criteria.services import ValueEntry, assessment_record_values

pytestmark = pytest.mark.django_db


def _sheet(client, assessment, user, language="en") -> str:
    client.force_login(user)
    with translation.override(language):
        url = reverse("assessment", args=[assessment.pk])
    return client.get(url).content.decode()


def _row(html: str, code: str) -> str:
    start = html.index(f">{code}</span>", html.index('<span class="code"'))
    return html[start : html.index("</article>", start)]


def test_an_english_sheet_shows_a_value_as_it_reads_it_back(client, assessment, personas):
    """QA: English pages wrote "45,200" in the field, which the sheet refuses when saved again."""
    assessment_record_values(assessment=assessment, entries=[ValueEntry("2.1", "85,5")], user=personas.officer_a)
    html = _sheet(client, assessment, personas.officer_a)
    assert 'value="85,5"' in html


def test_an_english_sheet_writes_a_saved_value_as_its_field_holds_it(client, assessment, personas):
    """QA: "89.1 %" beside a field holding "89,1", and "1.25 triệu đồng" for a typed "1,250"."""
    entries = [ValueEntry("2.1", "89,1"), ValueEntry("3.1", "1,250")]
    assessment_record_values(assessment=assessment, entries=entries, user=personas.officer_a)
    html = _sheet(client, assessment, personas.officer_a)
    irrigation, income = _row(html, "2.1"), _row(html, "3.1")
    assert "89,1 %" in irrigation and 'value="89,1"' in irrigation and "89.1" not in irrigation
    assert "1,25 triệu đồng" in income and 'value="1,25"' in income
    assert "≥ 80 %" in irrigation and "≥ 45 triệu đồng" in income  # the targets too


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_sheet_says_how_to_type_a_number(client, assessment, personas, language):
    """A typed "1,250" is one and a quarter (the Vietnamese reading): the sheet says so beforehand."""
    html = _sheet(client, assessment, personas.officer_a, language)
    said = re.search(r'<p class="help" id="value-hint">(.*?)</p>', html, re.S)
    assert said and "31.003.700.000" in said[1] and "6,5" in said[1]
    if language == "en":  # the Vietnamese words are the catalogue's
        assert "thousands with dots, decimals with a comma" in said[1]
    for field in re.findall(r'<input type="text" id="v-[^>]*>', html):  # every value field points at it
        assert re.search(r'aria-describedby="[^"]*\bvalue-hint\b', field), field


def test_a_read_only_sheet_has_no_typing_hint(client, assessment, personas):
    html = _sheet(client, assessment, personas.viewer)
    assert 'id="value-hint"' not in html
