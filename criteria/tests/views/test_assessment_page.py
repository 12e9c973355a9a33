import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from criteria.models import AssessmentState, Evidence, HistoryEntry, Indicator, IndicatorValue
from criteria.services import (
    assessment_create,
    assessment_transition,
    catalog_load_dir,
    catalog_set_publish,
    indicator_value_record,
)
from criteria.tests.factories import make_set

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def save(client, assessment, code, value, version, note="", **extra):
    return client.post(
        reverse("record_value", args=[assessment.pk, code]), {"value": value, "note": note, "version": version}, **extra
    )


def stored(assessment, code):
    return IndicatorValue.objects.filter(assessment=assessment, indicator__code=code).first()


def test_the_page_groups_criteria_and_shows_targets_with_their_reason(client, personas, assessment):
    client.force_login(personas.officer_a)
    page = client.get(reverse("assessment", args=[assessment.pk])).content.decode()
    assert "Nhóm I" in page
    assert 'id="criterion-2"' in page
    assert "≥ 80 %" in page and "national target" in page
    assert "≥ 45 triệu đồng" in page and "from 2024" in page and "to verify" in page
    assert 'inputmode="decimal"' in page


def test_saving_one_value_with_htmx_updates_row_criterion_and_count(client, personas, assessment, vi):
    client.force_login(personas.officer_a)
    response = save(client, assessment, "2.1", "85,5", 0, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert 'id="ind-2.1"' in page and "85,5" in page
    assert 'id="criterion-2-head" hx-swap-oob="true"' in page
    assert 'id="sheet-summary" class="sheet-summary" hx-swap-oob="true"' in page
    assert "2/3" in page
    assert stored(assessment, "2.1").value_decimal == 85.5


def test_a_value_is_shown_back_as_the_number_it_was_read_as(client, personas, assessment, vi):
    client.force_login(personas.officer_a)
    page = save(client, assessment, "3.1", "1.500", 0, **HTMX).content.decode()
    assert 'value="1.500"' in page and stored(assessment, "3.1").value_decimal == 1500
    page = save(client, assessment, "3.1", "45,5", 1, **HTMX).content.decode()
    assert 'value="45,5"' in page


def test_without_javascript_saving_redirects_back_to_the_indicator(client, personas, assessment):
    client.force_login(personas.officer_a)
    response = save(client, assessment, "3.1", "1.003", 0)
    assert response.status_code == 302
    assert response["Location"].endswith("#ind-3.1")
    assert stored(assessment, "3.1").value_decimal == 1003


@pytest.mark.parametrize("extra, status", [(HTMX, 200), ({}, 400)])
def test_a_bad_value_gets_a_message_at_the_field_and_is_not_saved(client, personas, assessment, extra, status, vi):
    client.force_login(personas.officer_a)
    response = save(client, assessment, "2.1", "120", 0, **extra)
    page = response.content.decode()
    assert response.status_code == status
    assert "2.1: tỷ lệ phần trăm phải từ 0 đến 100." in page
    assert 'aria-invalid="true"' in page and 'value="120"' in page
    assert stored(assessment, "2.1") is None


def test_when_someone_saved_first_both_values_are_shown_and_nothing_is_overwritten(client, personas, assessment):
    client.force_login(personas.district_d1)
    save(client, assessment, "2.1", "70", 0, **HTMX)
    client.force_login(personas.officer_a)
    response = save(client, assessment, "2.1", "90", 0, **HTMX)
    page = response.content.decode()
    assert "was changed by district_d1 in the meantime" in page
    assert "Your value" in page and "<strong>90</strong>" in page and "<strong>70</strong>" in page
    assert 'name="version" value="1"' in page and "Keep my value" in page
    assert stored(assessment, "2.1").value_decimal == 70
    save(client, assessment, "2.1", "90", 1, **HTMX)  # "keep my value" resubmits with the version seen
    assert stored(assessment, "2.1").value_decimal == 90


def test_a_stale_save_writes_the_saved_value_as_the_page_does_in_vietnamese(client, personas, assessment, vi):
    # QA: "(hiện là: 1234.5)" for a value saved as "1234,5", beside "<strong>1.234,5</strong>".
    client.force_login(personas.district_d1)
    save(client, assessment, "2.2", "1234,5", 0, **HTMX)
    client.force_login(personas.officer_a)
    page = save(client, assessment, "2.2", "1", 0, **HTMX).content.decode()
    assert "(hiện là: 1.234,5)" in page and "<strong>1.234,5</strong>" in page


def test_a_stale_save_writes_the_saved_value_the_vietnamese_way_in_english_too(client, personas, assessment):
    client.force_login(personas.district_d1)
    save(client, assessment, "2.2", "1234,5", 0, **HTMX)
    client.force_login(personas.officer_a)
    page = save(client, assessment, "2.2", "1", 0, **HTMX).content.decode()
    assert "(now: 1.234,5)" in page and "<strong>1.234,5</strong>" in page


def test_a_stale_save_over_a_value_marked_not_applicable_names_it(client, personas, tree):
    """The conflict box's saved value read "—" for a conditional indicator marked "không áp dụng"
    while its message said "Not applicable"."""
    criteria_set = make_set(publish=False)
    Indicator.objects.filter(criteria_set=criteria_set, code="2.1").update(conditional=True)
    catalog_set_publish(criteria_set=criteria_set)
    assessment = assessment_create(unit=tree.a, criteria_set=criteria_set, year=2023, user=personas.officer_a)
    client.force_login(personas.district_d1)
    save(client, assessment, "2.1", "không áp dụng", 0, note="Không có kênh", **HTMX)
    assert stored(assessment, "2.1").not_applicable
    client.force_login(personas.officer_a)
    page = save(client, assessment, "2.1", "90", 0, **HTMX).content.decode()
    assert "Saved value: <strong>Not applicable</strong>" in page


def test_a_submitted_assessment_is_locked_for_the_officer(client, personas, assessment):
    for code, value in [("2.1", "85"), ("3.1", "50"), ("3.2", "0")]:
        save(client.__class__(), assessment, code, value, 0)  # anonymous: refused
    client.force_login(personas.officer_a)
    for code, value in [("2.1", "85"), ("3.1", "50"), ("3.2", "0")]:
        save(client, assessment, code, value, 0)
    assessment_transition(assessment=assessment, action="submit", user=personas.officer_a)
    page = client.get(reverse("assessment", args=[assessment.pk])).content.decode()
    assert "locked while it is being checked" in page
    assert 'name="value"' not in page
    response = save(client, assessment, "2.1", "10", 1, follow=True)
    assert "can no longer be edited" in response.content.decode()
    assert stored(assessment, "2.1").value_decimal == 85


def test_a_value_typed_while_the_assessment_was_locked_stays_on_screen(client, personas, assessment):
    """The sheet was read as a draft and submitted since (another tab, a colleague): the read-only
    row swapped in says why and still shows what was typed, never dropping it."""
    client.force_login(personas.officer_a)
    for code, value in [("2.1", "85"), ("3.1", "50"), ("3.2", "0")]:
        save(client, assessment, code, value, 0)
    assessment_transition(assessment=assessment, action="submit", user=personas.officer_a)
    response = client.post(
        reverse("record_value", args=[assessment.pk, "2.1"]),
        {"value": "91,5", "note": "theo biên bản 12/3", "version": 1},
        **HTMX,
    )
    row = response.content.decode()
    assert "can no longer be edited" in row and 'name="value"' not in row
    assert 'What you typed, not saved: <strong>91,5</strong> · Note: <span lang="vi">theo biên bản 12/3</span>' in row
    assert stored(assessment, "2.1").value_decimal == 85


@pytest.mark.parametrize("who, status", [("officer_b", 404), ("district_d2", 404), ("viewer", 403), ("outsider", 404)])
def test_others_cannot_save(client, personas, assessment, who, status):
    client.force_login(getattr(personas, who))
    assert save(client, assessment, "2.1", "85", 0).status_code == status
    assert stored(assessment, "2.1") is None


@pytest.mark.parametrize(
    "who, status", [("officer_b", 404), ("district_d2", 404), ("viewer", 200), ("district_d1", 200)]
)
def test_who_may_read_the_page(client, personas, assessment, who, status):
    client.force_login(getattr(personas, who))
    assert client.get(reverse("assessment", args=[assessment.pk])).status_code == status


def test_evidence_is_stored_under_a_generated_name_and_downloadable_only_in_scope(
    client, personas, assessment, tmp_path
):
    with override_settings(MEDIA_ROOT=tmp_path):
        client.force_login(personas.officer_a)
        upload = SimpleUploadedFile("biên bản họp.pdf", PDF, content_type="application/pdf")
        response = client.post(reverse("upload_evidence", args=[assessment.pk, "1.1"]), {"file": upload}, **HTMX)
        assert response.status_code == 200 and "biên bản họp.pdf" in response.content.decode()
        evidence = Evidence.objects.get()
        assert evidence.file.name.startswith(f"evidence/{assessment.pk}/") and evidence.file.name.endswith(".pdf")
        assert "biên" not in evidence.file.name
        assert HistoryEntry.objects.filter(assessment=assessment, kind="evidence").exists()
        client.force_login(personas.district_d1)
        response = client.get(reverse("evidence", args=[evidence.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert "attachment" in response["Content-Disposition"]
        client.force_login(personas.officer_b)
        assert client.get(reverse("evidence", args=[evidence.pk])).status_code == 404


def _text_in_a_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "hello")
    return buffer.getvalue()


A_TEXT_IN_A_ZIP = _text_in_a_zip()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("virus.exe", b"MZ\x90\x00", "Only PDF, JPEG, PNG and office documents"),
        ("renamed.pdf", b"MZ\x90\x00not a pdf", "does not match its extension (.pdf)"),
        ("a.docx", A_TEXT_IN_A_ZIP, "does not match its extension (.docx)"),
        # QA: a 0-byte file read "Choose a file to attach" although one was chosen.
        ("empty.pdf", b"", "The file is empty."),
    ],
)
def test_evidence_of_the_wrong_type_is_refused(client, personas, assessment, tmp_path, name, content, message):
    with override_settings(MEDIA_ROOT=tmp_path):
        client.force_login(personas.officer_a)
        upload = SimpleUploadedFile(name, content)
        response = client.post(reverse("upload_evidence", args=[assessment.pk, "1.1"]), {"file": upload}, follow=True)
        assert message in response.content.decode()
        assert not Evidence.objects.exists()
        assert not any(tmp_path.rglob("*.*"))


def test_evidence_over_the_stated_size_is_refused(client, personas, assessment, tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path, EVIDENCE_MAX_MB=1):
        client.force_login(personas.officer_a)
        page = client.get(reverse("assessment", args=[assessment.pk])).content.decode()
        assert "at most 1 MB" in page
        upload = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))
        response = client.post(reverse("upload_evidence", args=[assessment.pk, "1.1"]), {"file": upload}, **HTMX)
        assert "The file is larger than 1 MB." in response.content.decode()
        assert not Evidence.objects.exists()


def test_the_workflow_through_the_pages_with_history(client, personas, assessment):
    client.force_login(personas.officer_a)
    response = client.post(reverse("assessment_action", args=[assessment.pk, "submit"]), {}, follow=True)
    assert "missing: 2.1, 3.1, 3.2" in response.content.decode()
    for code, value in [("2.1", "85"), ("3.1", "50"), ("3.2", "0")]:
        save(client, assessment, code, value, 0)
    assessment.refresh_from_db()
    client.post(
        reverse("assessment_action", args=[assessment.pk, "submit"]), {"version": assessment.version, "confirmed": "1"}
    )
    client.force_login(personas.district_d1)
    response = client.post(reverse("assessment_action", args=[assessment.pk, "return"]), {"comment": ""}, follow=True)
    assert "Say why, in a comment." in response.content.decode()
    client.post(reverse("assessment_action", args=[assessment.pk, "verify"]), {"comment": "Đạt"})
    client.force_login(personas.province_office)
    client.post(reverse("assessment_action", args=[assessment.pk, "appraise"]), {})
    response = client.post(
        reverse("assessment_action", args=[assessment.pk, "recognise"]),
        {"decision_number": "45/QĐ-UBND", "decision_date": "20/12/2025", "confirmed": "1"},
        follow=True,
    )
    page = response.content.decode()
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.RECOGNISED and str(assessment.decision_date) == "2025-12-20"
    assert "Recognised by decision 45/QĐ-UBND" in page
    assert "Verified → Appraised by the province" in page
    assert "Submitted → Verified" in page and "Đạt" in page
    assert "— → 85" in page  # the value history, old → new


def test_an_officer_sees_only_the_actions_of_their_role(client, personas, assessment):
    client.force_login(personas.officer_a)
    page = client.get(reverse("assessment", args=[assessment.pk])).content.decode()
    assert "actions/submit/" in page and "actions/verify/" not in page
    response = client.post(reverse("assessment_action", args=[assessment.pk, "verify"]), {})
    assert response.status_code == 403


def test_the_page_query_count_does_not_grow_with_the_number_of_indicators(
    client, personas, tree, assessment, django_assert_num_queries
):
    client.force_login(personas.officer_a)
    url = reverse("assessment", args=[assessment.pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    sets = {r.criteria_set.code: r.criteria_set for r in catalog_load_dir()}
    big = assessment_create(unit=tree.a, criteria_set=sets["QD318-2022-XA-NTM"], year=2023, user=personas.officer_a)
    assert big.criteria_set.indicators.count() > 50
    indicator_value_record(assessment=big, code="1.1", raw="có", user=personas.officer_a, expected_version=0)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(reverse("assessment", args=[big.pk]))


def _many_changes(assessment, user, n):
    """n saves of 2.1 (10, 11, …), each a history entry."""
    for i in range(n):
        indicator_value_record(assessment=assessment, code="2.1", raw=str(10 + i), user=user, expected_version=i)


def test_the_sheet_shows_the_newest_history_and_links_to_the_whole_of_it(client, personas, assessment):
    _many_changes(assessment, personas.officer_a, 25)
    client.force_login(personas.officer_a)
    page = client.get(reverse("assessment", args=[assessment.pk])).content.decode()
    history_url = reverse("assessment_history", args=[assessment.pk])
    assert history_url in page
    assert "10 → 11" not in page and "33 → 34" in page  # the first changes are on the history page only
    whole = client.get(history_url).content.decode()
    assert "— → 10" in whole and "10 → 11" in whole and "33 → 34" in whole


def test_the_history_page_is_paginated(client, personas, assessment):
    _many_changes(assessment, personas.officer_a, 55)
    client.force_login(personas.officer_a)
    url = reverse("assessment_history", args=[assessment.pk])
    first, second = client.get(url).content.decode(), client.get(url + "?page=2").content.decode()
    assert "63 → 64" in first and "— → 10" not in first
    assert "— → 10" in second and "63 → 64" not in second


def test_a_return_older_than_the_newest_history_still_heads_the_sheet(client, personas, assessment):
    for code, raw in [("2.1", "85"), ("3.1", "50"), ("3.2", "0")]:
        indicator_value_record(assessment=assessment, code=code, raw=raw, user=personas.officer_a, expected_version=0)
    assessment_transition(assessment=assessment, action="submit", user=personas.officer_a)
    assessment_transition(assessment=assessment, action="return", user=personas.district_d1, comment="Thiếu minh chứng")
    for i in range(25):  # 2.1 already has version 1
        indicator_value_record(
            assessment=assessment, code="2.1", raw=str(10 + i), user=personas.officer_a, expected_version=i + 1
        )
    client.force_login(personas.officer_a)
    page = client.get(reverse("assessment", args=[assessment.pk])).content.decode()
    assert "Thiếu minh chứng" in page and "10 → 11" not in page


def test_the_page_query_count_does_not_grow_with_the_history(client, personas, assessment, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(personas.officer_a)
    url = reverse("assessment", args=[assessment.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as short:
        client.get(url)
    _many_changes(assessment, personas.officer_a, 30)
    with django_assert_num_queries(len(short.captured_queries)):
        client.get(url)


def test_another_communes_officer_cannot_read_the_history(client, personas, assessment):
    client.force_login(personas.officer_b)
    assert client.get(reverse("assessment_history", args=[assessment.pk])).status_code == 404


def test_a_criterion_without_indicator_of_a_set_published_before_the_rule_shows_as_not_met(client, tree, personas):
    """Sets published before publishing refused them may hold a criterion no unit can meet:
    the sheet shows it, not met, and says why (it was missing from the page)."""
    from criteria.models import Criterion, SetStatus
    from criteria.tests.factories import make_set

    s = make_set(code="OLD-20", publish=False)
    Criterion.objects.create(criteria_set=s, group=s.groups.get(), number=20, name="Tiêu chí riêng")
    s.status, s.published_at = SetStatus.PUBLISHED, s.created_at
    s.save()
    a = assessment_create(unit=tree.a, criteria_set=s, year=2023, user=personas.officer_a)
    assert (a.criteria_met, a.criteria_total) == (0, 4)
    client.force_login(personas.officer_a)
    page = client.get(reverse("assessment", args=[a.pk])).content.decode()
    section = page[page.index('id="criterion-20"') :]
    assert '20. <span lang="vi">Tiêu chí riêng</span>' in section and "Not met" in section
    assert "This criterion has no indicator in this set, so it cannot be met." in section
    assert 'id="index-20"' in page


def test_a_decided_assessment_says_it_is_closed_not_being_checked(client, personas, assessment):
    """QA: a recognised sheet said it was "locked while it is being checked" and could be
    changed if returned, which a recognised assessment never is."""
    from criteria.models import Assessment, AssessmentState

    Assessment.objects.filter(pk=assessment.pk).update(
        state=AssessmentState.RECOGNISED, decision_number="1/QĐ", decision_date="2025-12-01"
    )
    client.force_login(personas.officer_a)
    page = client.get(reverse("assessment", args=[assessment.pk])).content.decode()
    assert "closed by its decision" in page and "being checked" not in page


def test_an_indicator_the_portal_works_out_has_no_field_to_type_in(client, personas, tree):
    """QA: the model sheet offered a field and a Save button for 1.1 and 2.1, whose saving is
    always refused ("worked out by the portal… cannot be typed")."""
    from criteria.models import Derived, Indicator
    from criteria.services import assessment_create
    from criteria.services.catalog import catalog_set_publish
    from criteria.tests.factories import make_set

    s = make_set(code="KM", publish=False)
    Indicator.objects.filter(criteria_set=s, code="1.1").update(derived=Derived.HOLDS_ADVANCED)
    catalog_set_publish(criteria_set=s)
    a = assessment_create(unit=tree.a, criteria_set=s, year=2025, user=personas.officer_a)
    client.force_login(personas.officer_a)
    page = client.get(reverse("assessment", args=[a.pk])).content.decode()
    derived = page.split('id="ind-1.1"')[1].split("</article>")[0]
    assert 'name="value"' not in derived and "Worked out by the portal" in derived
    typed = page.split('id="ind-2.1"')[1].split("</article>")[0]
    assert 'name="value"' in typed
