""" "Cơ bản đạt" on the sheet, the commune page, the dashboard and the lists."""

import pytest
from django.urls import reverse

from criteria.models import CriterionResult
from criteria.services import ValueEntry, assessment_create, assessment_record_values
from criteria.tests.factories import make_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(tree, personas):
    a = assessment_create(unit=tree.a, criteria_set=make_set(), year=2023, user=personas.officer_a)
    assessment_record_values(
        assessment=a,
        entries=[ValueEntry("1.1", "có"), ValueEntry("2.1", "50"), ValueEntry("3.1", "50"), ValueEntry("3.2", "0")],
        user=personas.officer_a,
    )
    return a


def mark(client, a, number=2, **data):
    data = {"basically_met": "1", "reason": "Kênh N2 đang thi công", "expected_by": "30/11/2023", **data}
    return client.post(reverse("criterion_basically_met", args=[a.pk, number]), data)


def test_the_officer_marks_a_criterion_and_the_sheet_shows_both_counts_and_the_history(client, personas, assessment):
    client.force_login(personas.officer_a)
    response = mark(client, assessment)
    assert response.status_code == 302 and response["Location"].endswith("#criterion-2")
    page = client.get(reverse("assessment", args=[assessment.pk])).content.decode()
    assert "2/3" in page and "met and basically met 3/3" in page
    assert "badge-basically_met" in page and "expected to be met by 30/11/2023" in page
    assert "basically met, expected by 30/11/2023" in page  # the history row
    assert "Kênh N2 đang thi công" in page


def test_the_sheet_speaks_vietnamese(client, personas, assessment, vi):
    client.force_login(personas.officer_a)
    mark(client, assessment)
    page = client.get(reverse("assessment", args=[assessment.pk])).content.decode()
    assert "đạt và cơ bản đạt 3/3" in page and "Cơ bản đạt" in page


def test_a_bad_date_is_refused_at_the_criterion_keeping_what_was_typed(client, personas, assessment):
    client.force_login(personas.officer_a)
    response = mark(client, assessment, expected_by="31/02/2023")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter a valid date" in page and "31/02/2023" in page and "Kênh N2 đang thi công" in page
    assert not CriterionResult.objects.filter(assessment=assessment, basically_met=True).exists()


def test_a_missing_reason_is_refused_with_its_message(client, personas, assessment):
    client.force_login(personas.officer_a)
    response = mark(client, assessment, reason="")
    assert response.status_code == 400 and "Say why" in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("officer_b", 404), ("viewer", 403)])
def test_others_cannot_mark(client, personas, assessment, who, status):
    client.force_login(getattr(personas, who))
    assert mark(client, assessment).status_code == status
    assert not CriterionResult.objects.filter(assessment=assessment, basically_met=True).exists()


def test_the_commune_page_and_the_dashboard_show_basically_met_beside_never_as_met(client, personas, assessment):
    client.force_login(personas.officer_a)
    mark(client, assessment)
    commune = client.get(reverse("reports:dashboard", args=["40101"]), {"year": 2023}).content.decode()
    assert "cell-basically_met" in commune and "3 / 3" in commune
    client.force_login(personas.province_office)
    response = client.get(reverse("reports:dashboard", args=["40"]), {"year": 2023})
    summary = response.context["summary"]
    assert (summary.average_criteria_met, summary.average_met_or_basically_met) == (2, 3)
    assert summary.recognised["standard"] == 0
    (by_met,) = [b for b in summary.buckets if b.count]
    (by_met_and_basic,) = [b for b in summary.buckets_with_basically_met if b.count]
    assert by_met.high < 3 and by_met_and_basic.low <= 3 <= by_met_and_basic.high  # the bucket stays that of 2
    page = response.content.decode()
    assert "By criteria met and basically met" in page and "Average met and basically met" in page


NOTE = "Under “Criteria met”, the figure in brackets counts the criteria met and basically met"
BRACKET = '(<span class="visually-hidden">met and basically met: </span>{})'


def test_the_bracket_beside_the_criteria_met_is_explained_on_every_list_showing_it(client, personas, assessment):
    """The communes list and the matrix show "2 / 3 (3)", a workspace's list "2/3 (3/3)": the
    bracket is said in words under the table (a touch screen shows no title), only where one is shown."""
    lists = [
        (reverse("reports:communes", args=["40"]), BRACKET.format("3")),
        (reverse("reports:matrix", args=["40"]), BRACKET.format("3")),
        (reverse("unit", args=["401"]), BRACKET.format("3/3")),
    ]
    client.force_login(personas.province_office)
    for url, _bracket in lists:
        assert NOTE not in client.get(url, {"year": 2023}).content.decode(), url  # no bracket, no key
    client.force_login(personas.officer_a)
    mark(client, assessment)
    client.force_login(personas.province_office)
    for url, bracket in lists:
        page = client.get(url, {"year": 2023}).content.decode()
        assert bracket in page, url
        assert page.count(NOTE) == 1, url


def test_the_expected_date_hints_its_format_as_every_date_field_does(client, personas, assessment, vi):
    client.force_login(personas.officer_a)
    page = client.get(reverse("assessment", args=[assessment.pk])).content.decode()
    assert '<label for="bm-by-2">Dự kiến đạt trước ngày</label>' in page
    assert 'aria-describedby="bm-by-2_helptext criterion-2-title"' in page
    assert '<p class="help" id="bm-by-2_helptext">ngày/tháng/năm</p>' in page
    assert "dd/mm/yyyy" not in page
