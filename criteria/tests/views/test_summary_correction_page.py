"""The page correcting a summary record: /assessments/<id>/summary-record/correct/, linked from its sheet."""

import datetime
import html as html_lib
import re

import pytest
from django.urls import reverse

from criteria.models import AssessmentState, CriterionResult, HistoryEntry
from criteria.services import assessment_set_state
from criteria.tests.factories import typed_summary_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(tree, personas):
    """Commune A's 2021 standing as typed from the report: criteria 1 and 3 met, 2 basically met."""
    return typed_summary_record(tree.a, personas.officer_a)


def _url(a):
    return reverse("summary_record_correct", args=[a.pk])


def _body(a, **over):
    body = {
        "criterion_1": "met",
        "criterion_2": "basic",
        "criterion_3": "met",
        "source_number": "25/BC-UBND",
        "source_date": "15/03/2022",
        "version": a.version,
    }
    return body | over


def _text(response) -> str:
    return html_lib.unescape(response.content.decode())


def test_the_sheet_of_a_draft_summary_record_links_its_correction_for_those_who_may_write(client, personas, record):
    client.force_login(personas.officer_a)
    sheet = _text(client.get(reverse("assessment", args=[record.pk])))
    assert f'href="{_url(record)}"' in sheet and "Correct the summary record" in sheet
    client.force_login(personas.viewer)
    assert _url(record) not in _text(client.get(reverse("assessment", args=[record.pk])))


def test_the_form_is_filled_in_with_what_is_stored(client, personas, record):
    client.force_login(personas.officer_a)
    page = _text(client.get(_url(record)))
    assert 'name="source_number" value="25/BC-UBDN"' in page and 'value="15/03/2022"' in page
    checked = dict(re.findall(r'name="(criterion_\d)" value="(\w*)"[^>]*checked', page))
    assert checked == {"criterion_1": "met", "criterion_2": "basic", "criterion_3": "met"}
    assert f'name="version" value="{record.version}"' in page
    assert "The set, the year and the tier cannot be corrected" in page


def test_an_officer_corrects_the_number_and_a_mark_and_the_sheet_shows_the_history(client, personas, record):
    client.force_login(personas.officer_a)
    response = client.post(_url(record), _body(record, criterion_3="", comment="Tiêu chí 3 chưa đạt"))
    assert response.status_code == 302 and response.url == reverse("assessment", args=[record.pk])
    record.refresh_from_db()
    assert (record.source_number, record.criteria_met, record.criteria_basically_met) == ("25/BC-UBND", 1, 1)
    assert record.criteria_met == CriterionResult.objects.filter(assessment=record, met=True).count()
    sheet = _text(client.get(response.url))
    assert "Summary record corrected: 1/3 criteria met, as reported in 25/BC-UBND." in sheet
    assert "Report's number corrected" in sheet and "25/BC-UBDN → 25/BC-UBND" in sheet
    assert "Reported criterion corrected · criterion 3" in sheet and "Met → Not met" in sheet
    assert "Tiêu chí 3 chưa đạt" in sheet


def test_errors_show_at_their_fields_in_vietnamese_and_nothing_is_written(client, personas, record, vi):
    client.force_login(personas.officer_a)
    response = client.post(_url(record), _body(record, source_date="31/12/2020", count=5))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"source_date", "count"}
    assert "không thể có ngày trước năm 2021" in errors["source_date"][0]
    page = _text(response)
    assert 'value="25/BC-UBND"' in page  # what was typed stays
    record.refresh_from_db()
    assert record.source_number == "25/BC-UBDN"


def test_a_stale_form_answers_409_keeps_what_was_typed_and_shows_what_is_stored(client, personas, record):
    client.force_login(personas.officer_a)
    old = record.version
    assert client.post(_url(record), _body(record, criterion_1="")).status_code == 302  # someone else, meanwhile
    response = client.post(_url(record), _body(record, version=old, source_number="25/BC-UBND-X"))
    assert response.status_code == 409
    page = _text(response)
    assert "changed by officer_a in the meantime" in page
    assert 'value="25/BC-UBND-X"' in page  # typed, kept
    assert "Stored now: 25/BC-UBND" in page and "Stored now: Not met" in page
    record.refresh_from_db()
    assert record.source_number == "25/BC-UBND"
    # Re-based on the stored record: saving again applies what was typed.
    rebased = re.search(r'name="version" value="(\d+)"', page).group(1)
    assert rebased == str(record.version) != str(old)
    again = _body(record, version=rebased, source_number="25/BC-UBND-X")
    assert client.post(_url(record), again).status_code == 302
    record.refresh_from_db()
    assert (record.source_number, record.criteria_met) == ("25/BC-UBND-X", 2)


def test_a_form_sent_after_the_record_was_recognised_answers_409_and_is_frozen(client, personas, record):
    client.force_login(personas.officer_a)
    old = record.version
    assessment_set_state(
        assessment=record,
        state=AssessmentState.RECOGNISED,
        user=personas.province_office,
        decision_number="30/QĐ-UBND",
        decision_date=datetime.date(2022, 2, 1),
    )
    response = client.post(_url(record), _body(record, version=old))
    assert response.status_code == 409
    page = _text(response)
    assert "closed by its decision" in page and "Save the correction" not in page
    assert 'value="25/BC-UBND"' in page


@pytest.mark.parametrize("state", [AssessmentState.SUBMITTED, AssessmentState.RECOGNISED])
def test_a_frozen_record_says_why_and_offers_no_form(client, personas, record, state):
    decision = {"decision_number": "30/QĐ-UBND", "decision_date": datetime.date(2022, 2, 1)}
    a = assessment_set_state(
        assessment=record, state=state, user=personas.province_office, **(decision if state == "recognised" else {})
    )
    client.force_login(personas.officer_a)
    page = _text(client.get(_url(a)))
    assert 'id="summary-frozen"' in page and "Save the correction" not in page
    if state == "submitted":
        assert "The district steering committee or the province office checking it can return it" in page
    assert _url(a) not in _text(client.get(reverse("assessment", args=[a.pk])))
    refused = client.post(_url(a), _body(a))
    assert refused.status_code == 400
    assert _text(refused).count("This summary record is") == 1  # said once, above the form
    a.refresh_from_db()
    assert a.source_number == "25/BC-UBDN"


def test_another_commune_s_officer_gets_404_and_a_viewer_403(client, personas, record):
    client.force_login(personas.officer_b)
    assert client.get(_url(record)).status_code == 404
    assert client.post(_url(record), _body(record)).status_code == 404
    client.force_login(personas.viewer)
    assert client.get(_url(record)).status_code == 403
    assert client.post(_url(record), _body(record)).status_code == 403
    record.refresh_from_db()
    assert record.source_number == "25/BC-UBDN"
    assert not HistoryEntry.objects.filter(assessment=record, kind__startswith="sum_").exists()


def test_a_full_assessment_has_no_such_page(client, personas, assessment):
    client.force_login(personas.officer_a)
    assert client.get(_url(assessment)).status_code == 404


def test_bad_input_is_a_form_error_never_a_500(client, personas, record):
    client.force_login(personas.officer_a)
    for body in (
        {"criterion_1": "both", "version": "x", "source_date": "abc"},
        _body(record, source_number="x" * 61, count=-1),
        {},
    ):
        assert client.post(_url(record), body).status_code == 400
