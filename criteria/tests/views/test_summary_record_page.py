"""The page for a summary record of the past: /units/<code>/summary-records/new/."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from criteria.models import Assessment, CriterionResult, HistoryEntry, HistoryKind
from criteria.services.in_force import set_in_force_choose
from criteria.tests.factories import make_set

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def sets(tree):
    return {
        "old": make_set(code="OLD-2016", year_from=2016, year_to=2020),
        "new": make_set(code="NEW-2021", year_from=2021, year_to=2025),
    }


def _url(code="40101"):
    return reverse("summary_record_new", args=[code])


def _post(sets, **over):
    body = {
        "year": 2019,
        "tier": "standard",
        "criteria_set": sets["old"].pk,
        "criterion_1": "met",
        "criterion_2": "basic",
        "criterion_3": "met",
        "count": 2,
        "source_number": "25/BC-UBND",
        "source_date": "15/01/2020",
    }
    return body | over


def test_the_page_offers_the_set_in_force_first_with_its_criteria(client, personas, sets):
    client.force_login(personas.officer_a)
    page = client.get(_url(), {"year": 2019})
    assert page.status_code == 200
    html = page.content.decode()
    assert "the set in force" in html and "OLD-2016" not in html  # offered by name, decision and years
    assert f'<option value="{sets["old"].pk}" selected>' in html
    assert 'name="criterion_3"' in html and "3. Thu nhập" in html


def test_an_officer_records_a_past_year_and_lands_on_the_flagged_sheet(client, personas, sets, tree):
    client.force_login(personas.officer_a)
    response = client.post(_url(), _post(sets) | {"source_file": SimpleUploadedFile("bao-cao.pdf", PDF)})
    a = Assessment.objects.get(unit=tree.a, year=2019)
    assert response.status_code == 302 and response.url == reverse("assessment", args=[a.pk])
    assert (a.summary, a.criteria_met, a.criteria_basically_met, a.source_number) == (True, 2, 1, "25/BC-UBND")
    assert a.source_date == datetime.date(2020, 1, 15)
    basic = CriterionResult.objects.get(assessment=a, criterion__number=2)
    assert basic.basically_met and not basic.met
    sheet = client.get(response.url).content.decode()
    assert "Summary record" in sheet and reverse("summary_source", args=[a.pk]) in sheet
    download = client.get(reverse("summary_source", args=[a.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert 'filename="nguon-40101-2019.pdf"' in download["Content-Disposition"]


def test_an_officer_of_another_commune_reaches_neither_the_page_nor_the_document(client, personas, sets, tree):
    client.force_login(personas.officer_b)
    assert client.get(_url()).status_code == 404
    assert client.post(_url(), _post(sets)).status_code == 404
    assert not Assessment.objects.filter(unit=tree.a).exists()


def test_errors_show_at_their_fields_in_vietnamese_and_nothing_is_written(client, personas, sets, tree, vi):
    client.force_login(personas.officer_a)
    body = _post(sets, source_number="", source_date="31/12/2018", count=3)
    response = client.post(_url(), body)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["source_number"] == ["Trường này là bắt buộc."]
    refused = client.post(_url(), _post(sets, source_date="31/12/2018", count=3))
    errors = refused.context["form"].errors
    assert "không thể có ngày trước năm 2019" in errors["source_date"][0]
    assert set(errors) == {"source_date", "count"}
    assert not Assessment.objects.filter(unit=tree.a).exists()


def test_another_set_than_the_one_in_force_needs_a_reason_at_the_reason_field(client, personas, sets, tree):
    own = make_set(code="PROVINCE-OWN", year_from=2021, year_to=2025, issuer=tree.province)
    client.force_login(personas.officer_a)
    body = _post(sets, year=2022, criteria_set=sets["new"].pk, source_date="10/01/2023")
    page = client.get(_url(), {"year": 2022}).content.decode()
    assert f'<option value="{own.pk}" selected>' in page and f'<option value="{sets["new"].pk}">' in page
    refused = client.post(_url(), body)
    assert refused.status_code == 400 and "say why" in refused.context["form"].errors["reason"][0]
    assert not Assessment.objects.filter(unit=tree.a).exists()
    assert client.post(_url(), body | {"reason": "Theo bộ quốc gia"}).status_code == 302
    a = Assessment.objects.get(unit=tree.a, year=2022)
    assert a.criteria_set == sets["new"]
    assert "Theo bộ quốc gia" in HistoryEntry.objects.get(assessment=a, kind=HistoryKind.CREATED).comment


def test_the_set_the_province_put_in_force_for_a_transitional_year_is_offered_first(client, personas, sets):
    set_in_force_choose(
        province=personas.province_office.memberships.first().unit,
        year=2021,
        criteria_set=sets["old"],
        basis="KH 12/KH-UBND",
        user=personas.province_office,
    )
    client.force_login(personas.officer_a)
    page = client.get(_url(), {"year": 2021}).content.decode()
    assert f'<option value="{sets["old"].pk}" selected>' in page
    body = _post(sets, year=2021, source_date="10/02/2022")
    assert client.post(_url(), body).status_code == 302


def test_a_renamed_file_is_refused_at_the_file_field(client, personas, sets, tree):
    client.force_login(personas.officer_a)
    body = _post(sets) | {"source_file": SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00")}
    response = client.post(_url(), body)
    assert response.status_code == 400
    assert "does not match its extension" in response.context["form"].errors["source_file"][0]
    assert not Assessment.objects.filter(unit=tree.a).exists()


def test_a_year_already_recorded_is_refused_with_a_link_to_it(client, personas, sets, tree):
    client.force_login(personas.officer_a)
    assert client.post(_url(), _post(sets)).status_code == 302
    again = client.post(_url(), _post(sets))
    assert again.status_code == 400
    existing = Assessment.objects.get(unit=tree.a, year=2019)
    html = again.content.decode()
    assert "one per unit, tier and year" in html and reverse("assessment", args=[existing.pk]) in html
    before = client.get(_url(), {"year": 2019}).content.decode()  # said before the form is filled in
    assert "already has its assessment of 2019" in before and reverse("assessment", args=[existing.pk]) in before
    assert "already has its assessment" not in client.get(_url(), {"year": 2018}).content.decode()


def test_bad_input_is_a_form_error_never_a_500(client, personas, sets):
    client.force_login(personas.officer_a)
    for body in (
        {"year": "abc", "tier": "bogus", "criteria_set": "x"},
        _post(sets, criterion_1="both", year=3000),
        _post(sets, criteria_set=999999, source_number="x" * 61),
    ):
        assert client.post(_url(), body).status_code == 400
    assert client.get(_url(), {"year": "abc", "tier": "bogus", "criteria_set": "x"}).status_code == 200


def test_the_commune_page_links_to_it_for_those_who_may_write(client, personas, sets):
    client.force_login(personas.officer_a)
    assert _url() in client.get(reverse("unit", args=["40101"])).content.decode()
    client.force_login(personas.viewer)
    assert _url() not in client.get(reverse("unit", args=["40101"])).content.decode()


def test_the_page_costs_the_same_whatever_the_number_of_sets_and_criteria(
    client, personas, sets, tree, django_assert_max_num_queries
):
    client.force_login(personas.officer_a)
    client.get(_url(), {"year": 2019})  # sessions, memberships: warmed
    # The breadcrumbs' units above the commune are decided without reading what it was formed from.
    with django_assert_max_num_queries(14) as few:
        client.get(_url(), {"year": 2019})
    for n in range(4):
        make_set(code=f"MORE-{n}", year_from=2016, year_to=2020)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(_url(), {"year": 2019}).status_code == 200


def test_a_summary_records_sheet_offers_no_value_inputs_and_says_once_to_convert(client, personas, sets, tree):
    client.force_login(personas.officer_a)
    client.post(_url(), _post(sets))
    a = Assessment.objects.get(unit=tree.a, year=2019)
    sheet = client.get(reverse("assessment", args=[a.pk])).content.decode()
    assert 'name="value"' not in sheet and 'name="note"' not in sheet
    note = "This is a summary record of a past report: convert it into a full assessment before entering values"
    assert sheet.count(note) == 1
    assert reverse("convert_summary", args=[a.pk]) in sheet
    assert reverse("assessment_action", args=[a.pk, "submit"]) not in sheet
    client.post(reverse("convert_summary", args=[a.pk]))
    sheet = client.get(reverse("assessment", args=[a.pk])).content.decode()
    assert 'name="value"' in sheet and note not in sheet
    assert reverse("assessment_action", args=[a.pk, "submit"]) in sheet


def test_a_reader_who_may_not_convert_sees_neither_note_nor_button(client, personas, sets, tree):
    client.force_login(personas.officer_a)
    client.post(_url(), _post(sets))
    a = Assessment.objects.get(unit=tree.a, year=2019)
    client.force_login(personas.viewer)
    sheet = client.get(reverse("assessment", args=[a.pk])).content.decode()
    assert "Summary record" in sheet
    assert "convert it into a full assessment" not in sheet
    assert reverse("convert_summary", args=[a.pk]) not in sheet


def test_the_province_office_records_a_past_reports_recognition_on_the_sheet(client, personas, sets, tree):
    client.force_login(personas.officer_a)
    client.post(_url(), _post(sets, criterion_2="met", count=3))
    a = Assessment.objects.get(unit=tree.a, year=2019)
    action = reverse("assessment_action", args=[a.pk, "record_recognition"])
    assert action not in client.get(reverse("assessment", args=[a.pk])).content.decode()
    client.force_login(personas.province_office)
    sheet = client.get(reverse("assessment", args=[a.pk])).content.decode()
    assert action in sheet and "Record the report&#x27;s recognition decision" in sheet
    asked = client.post(
        action, {"decision_number": "2850/QĐ-UBND", "decision_date": "20/10/2019", "version": a.version}
    )
    html = asked.content.decode()
    assert "Decision 2850/QĐ-UBND of 20/10/2019 is recorded" in html
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', html))
    client.post(action, hidden)
    a.refresh_from_db()
    assert (a.state, a.decision_number, a.decision_date) == ("recognised", "2850/QĐ-UBND", datetime.date(2019, 10, 20))


def test_a_set_of_another_year_or_tier_says_to_list_the_sets_again(client, personas, sets):
    """QA: the tier changed without "Show the criteria": Django's generic "Select a valid choice"."""
    client.force_login(personas.officer_a)
    response = client.post(_url(), _post(sets, year=2022))  # the 2016–2020 set, for 2022
    assert response.status_code == 400
    assert "This set is not one for the year and tier chosen: press “Show the criteria” to list theirs." in (
        response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")
    )


def _old_in_force_for_2021(personas, sets):
    set_in_force_choose(
        province=personas.province_office.memberships.first().unit,
        year=2021,
        criteria_set=sets["old"],
        basis="KH 12/KH-UBND",
        user=personas.province_office,
    )


def test_a_set_left_as_offered_follows_the_year_to_the_set_in_force(client, personas, sets, tree):
    """QA: the year typed 2021 and "Show the criteria" pressed; the help named the 2016–2020 set
    in force, the dropdown stayed on 2021–2025, and saving asked why another set was used."""
    _old_in_force_for_2021(personas, sets)
    client.force_login(personas.officer_a)
    shown = client.get(_url(), {"year": 2022}).content.decode()
    assert f'name="set_offered" id="id_set_offered" value="{sets["new"].pk}"' in shown
    again = client.get(_url(), {"year": 2021, "criteria_set": sets["new"].pk, "set_offered": sets["new"].pk})
    html = again.content.decode()
    assert f'<option value="{sets["old"].pk}" selected>' in html
    assert f'value="{sets["old"].pk}"' in html.split('name="set_offered"')[1].split(">")[0]
    body = _post(sets, year=2021, source_date="10/02/2022", set_offered=sets["old"].pk)
    assert client.post(_url(), body).status_code == 302
    assert Assessment.objects.get(unit=tree.a, year=2021).criteria_set == sets["old"]


def test_a_set_the_user_chose_is_kept_when_the_year_changes_and_needs_its_reason(client, personas, sets, tree):
    _old_in_force_for_2021(personas, sets)
    client.force_login(personas.officer_a)
    # Shown for 2021 with the old set offered, the new set chosen by hand, then the page listed again.
    kept = client.get(_url(), {"year": 2021, "criteria_set": sets["new"].pk, "set_offered": sets["old"].pk})
    assert f'<option value="{sets["new"].pk}" selected>' in kept.content.decode()
    body = _post(sets, year=2021, criteria_set=sets["new"].pk, source_date="10/02/2022", set_offered=sets["old"].pk)
    refused = client.post(_url(), body)
    assert refused.status_code == 400 and "say why" in refused.context["form"].errors["reason"][0]
    assert client.post(_url(), body | {"reason": "Theo bộ mới"}).status_code == 302
    assert Assessment.objects.get(unit=tree.a, year=2021).criteria_set == sets["new"]


def test_a_chosen_set_the_new_year_does_not_offer_is_said_never_swapped_silently(client, personas, sets):
    _old_in_force_for_2021(personas, sets)
    client.force_login(personas.officer_a)
    page = client.get(_url(), {"year": 2019, "criteria_set": sets["new"].pk, "set_offered": sets["old"].pk})
    html = page.content.decode()
    assert f'<option value="{sets["old"].pk}" selected>' in html
    assert f"The set you chose, {sets['new'].label}, is not one for standard assessments of 2019" in html


def test_saving_after_the_year_changed_lists_the_followed_sets_criteria_first(client, personas, sets, tree):
    """The year typed and "Save" pressed at once: the marks were given against the old set's list."""
    _old_in_force_for_2021(personas, sets)
    client.force_login(personas.officer_a)
    body = _post(sets, year=2021, criteria_set=sets["new"].pk, source_date="10/02/2022", set_offered=sets["new"].pk)
    response = client.post(_url(), body)
    assert response.status_code == 400
    assert "the criteria of" in response.context["form"].errors["criteria_set"][0]
    html = response.content.decode()
    assert f'<option value="{sets["old"].pk}" selected>' in html
    assert (
        re.search(r'name="criterion_1" value="met"[^>]*checked', html)
        and not Assessment.objects.filter(unit=tree.a).exists()
    )


def test_an_advanced_recognition_without_the_standard_title_is_refused_at_the_date_before_any_confirmation(
    client, personas, sets, tree
):
    """QA: an advanced summary record 20/20 of a commune holding no standard title: the page first
    asked "from the decision's date … holds the title", and refused only after "Yes"."""
    advanced = make_set(code="ADV-2021", year_from=2021, year_to=2025, tier="advanced")
    client.force_login(personas.officer_a)
    marks = {"criterion_1": "met", "criterion_2": "met", "criterion_3": "met", "count": 3}
    body = _post(sets, year=2022, tier="advanced", criteria_set=advanced.pk, source_date="10/01/2023") | marks
    assert client.post(_url(), body).status_code == 302
    a = Assessment.objects.get(unit=tree.a, year=2022, tier="advanced")
    assert (a.criteria_met, a.criteria_total) == (3, 3)
    client.force_login(personas.province_office)
    action = reverse("assessment_action", args=[a.pk, "record_recognition"])
    asked = client.post(action, {"decision_number": "7/QĐ-UBND", "decision_date": "20/10/2023", "version": a.version})
    html = asked.content.decode()
    assert asked.status_code == 400 and "Yes, recognise" not in html
    assert "must first hold the standard NTM title" in html
    date_field = html[html.index('name="decision_date"') - 300 : html.index('name="decision_date"') + 300]
    assert 'aria-invalid="true"' in date_field and 'value="20/10/2023"' in date_field
    a.refresh_from_db()
    assert a.state == "draft"


def test_a_year_after_the_commune_ended_is_refused_at_the_year_field_with_its_end_date(client, personas, tree):
    """QA: a commune that ended on 30/06/2025 took a 2026 summary record up to the whole form's
    refusal, without its dates and not at the year."""
    s = make_set(code="S-2030", year_from=2021, year_to=2030)
    tree.a.valid_to = datetime.date(2025, 6, 30)
    tree.a.save()
    client.force_login(personas.province_office)
    body = _post({"old": s}, year=2026, source_date="10/03/2026", count=2)
    response = client.post(_url(), body)
    assert response.status_code == 400
    message = "Xã Cẩm Thạch existed only until 30/06/2025: no standing of 2026 can be recorded for it."
    assert response.context["form"].errors["year"] == [message]
    html = response.content.decode()
    year_error = html.split('id="id_year_error"')[1].split("</div>")[0]
    assert message in year_error
    assert not response.context["form"].non_field_errors()
    assert not Assessment.objects.filter(unit=tree.a).exists()


def test_the_form_opens_on_the_last_year_the_commune_existed_in(client, personas, sets, tree):
    """Last year by default, or an ended commune's last year (it opened on a year refused for it)."""
    tree.a.valid_to = datetime.date(2023, 6, 30)
    tree.a.save()
    client.force_login(personas.province_office)
    page = client.get(_url())
    assert page.status_code == 200
    assert page.context["form"].initial["year"] == 2023
