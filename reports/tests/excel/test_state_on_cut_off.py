"""QA (valid time): the 05/2025 bulletin's sheet "Xã - tiêu chí" and the communes list of 2025
showed each dossier's state of today, not the one it had on the cut-off. A dossier's state on a
day is its decisions' by their dates and otherwise the workflow state its log had at the end of
that day (``criteria.figures.state_on``); one not yet created then had no dossier.

In the shared ``tree``, year 2025, all through the services so that the logs hold the dates:

  A: started 05/01/2025, submitted 15/03/2025, verified 01/12/2026
  B: started 05/01/2025, a draft until 01/12/2026, then submitted, verified, appraised
  C: started 05/01/2025, submitted 01/04/2025, returned 12/04/2025, appraised 01/12/2026
  D: entered after the year: started 10/01/2026, submitted 12/01/2026
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from communes.tests.factories import CommuneFactory
from criteria.figures import NO_DOSSIER
from criteria.models import AssessmentState, Tier
from criteria.services import assessment_create, assessment_set_state
from reports.selectors import communes_page
from reports.tests.excel.conftest import at, open_book, rows_of

pytestmark = pytest.mark.django_db

S = AssessmentState


@pytest.fixture
def dossiers(tree, personas, criteria_set):
    office = personas.province_office
    d = CommuneFactory(code="40202", name="Xã Yên Hòa", parent=tree.d2)
    made = {}
    for name, unit, started in (("a", tree.a, "05/01/2025"), ("b", tree.b, "05/01/2025"), ("c", tree.c, "05/01/2025")):
        made[name] = assessment_create(unit=unit, criteria_set=criteria_set, year=2025, user=office, at=at(started))
    made["d"] = assessment_create(unit=d, criteria_set=criteria_set, year=2025, user=office, at=at("10/01/2026"))
    for name, state, day in (
        ("a", S.SUBMITTED, "15/03/2025"),
        ("a", S.VERIFIED, "01/12/2026"),
        ("b", S.SUBMITTED, "01/12/2026"),
        ("b", S.VERIFIED, "01/12/2026"),
        ("b", S.APPRAISED, "01/12/2026"),
        ("c", S.SUBMITTED, "01/04/2025"),
        ("c", S.RETURNED, "12/04/2025"),
        ("c", S.SUBMITTED, "01/12/2026"),
        ("c", S.VERIFIED, "01/12/2026"),
        ("c", S.APPRAISED, "01/12/2026"),
        ("d", S.SUBMITTED, "12/01/2026"),
    ):
        assessment_set_state(assessment=made[name], state=state, user=office, at=at(day, hour=8))
    return made


@pytest.fixture
def office(client, personas):
    client.force_login(personas.province_office)
    return client


def matrix_states(client, code: str, month: str) -> dict[str, str]:
    response = client.get(f"/reports/bulletin/{code}/{month}.xlsx")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return {row[2]: row[4] for row in rows_of(open_book(content)["Xã - tiêu chí"], 5)}


def list_states(tree, year: int) -> dict[str, str]:
    page = communes_page(unit=tree.province, year=year, tier=Tier.STANDARD)
    return {row.name: row.state for row in page.rows}


def test_the_bulletin_sheet_gives_each_dossiers_state_at_the_end_of_the_cut_off(dossiers, tree, office):
    states = matrix_states(office, tree.province.code, "2025-05")
    assert states["Xã Cẩm Thạch"] == "Đã gửi"  # submitted on 15/03/2025, verified only in 2026
    assert states["Xã Đức Lĩnh"] == "Dự thảo"  # a draft until 2026
    assert states["Xã Ân Phú"] == "Trả lại để chỉnh sửa"  # returned on 12/04/2025
    assert states["Xã Yên Hòa"] == "Chưa có hồ sơ"  # created on 10/01/2026


def test_the_communes_list_of_a_past_year_gives_the_state_on_its_cut_off(dossiers, tree):
    """The 2025 list reads 31/12/2025."""
    assert list_states(tree, 2025) == {
        "Xã Cẩm Thạch": S.SUBMITTED,
        "Xã Đức Lĩnh": S.DRAFT,
        "Xã Ân Phú": S.RETURNED,
        "Xã Yên Hòa": NO_DOSSIER,
    }


def test_a_dossier_created_after_the_cut_off_had_none_then_but_its_year_still_counts_it(dossiers, tree, office):
    """On 31/12/2025 D had no dossier: the list says so, and keeps the row with its figures (the
    headline counts the assessment by its year, whenever it was entered)."""
    page = communes_page(unit=tree.province, year=2025, tier=Tier.STANDARD)
    row = next(r for r in page.rows if r.name == "Xã Yên Hòa")
    assert (row.state, row.has_data, row.criteria_total, row.state_label) == (NO_DOSSIER, True, 3, "No dossier yet")
    # reverse(): the English page (/en/…); a bare path is the Vietnamese one.
    response = office.get(reverse("reports:communes", args=[tree.province.code]), {"year": 2025, "tier": "standard"})
    assert "No dossier yet" in response.content.decode()


def test_the_current_period_reads_the_state_now(dossiers, tree, office, criteria_set, personas):
    """A year that runs reads its cut-off today: each dossier's state as it stands now."""
    year = timezone.localdate().year
    this_year = assessment_create(unit=tree.a, criteria_set=criteria_set, year=year, user=personas.province_office)
    assessment_set_state(assessment=this_year, state=S.SUBMITTED, user=personas.province_office)
    assert list_states(tree, year)["Xã Cẩm Thạch"] == S.SUBMITTED
    month = timezone.localdate().strftime("%Y-%m")
    assert matrix_states(office, tree.province.code, month)["Xã Cẩm Thạch"] == "Đã gửi"
