"""The bulletin's plan against result read "as recorded": the targets, province targets and
decisions the portal held at the month's cut-off, not today's (QA: a recorded bulletin's
section 4 counted targets registered and a recognition entered after the month)."""

import datetime
import io

import pytest
from docx import Document

from criteria.models import AssessmentState
from criteria.services import ValueEntry, assessment_record_values, assessment_set_state
from reports import bulletin
from reports.bulletin import Month
from reports.tests.excel.conftest import at, open_book, rows_of

plans = pytest.importorskip("plans.services")

pytestmark = pytest.mark.django_db

FEBRUARY = Month(2024, 2)
RECORDED, VALID = bulletin.Reading.RECORDED, bulletin.Reading.VALID


def register(unit, year: int, day: str, office, tier: str = "standard"):
    plans.registered_target_set(
        unit=unit, tier=tier, target_year=year, basis="KH 5/KH-UBND", user=office, expected_version=None, at=at(day)
    )


def plan_sheet(unit, reading) -> list[tuple]:
    content, _ = bulletin.bulletin_build(unit=unit, month=FEBRUARY, user=None, reading=reading)
    book = open_book(content)
    return list(book["Kế hoạch"].iter_rows(values_only=True)) if "Kế hoạch" in book.sheetnames else []


def listed(unit, reading) -> set[str]:
    """The units the plan sheet lists as due or overdue (their codes)."""
    return {row[0] for row in plan_sheet(unit, reading) if row and isinstance(row[0], str) and row[0].startswith("40")}


def plan_section(unit, reading) -> str:
    """The Word bulletin's plan section, from its heading to the signature."""
    content, _ = bulletin.bulletin_docx(unit=unit, month=FEBRUARY, user=None, reading=reading)
    document = Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    start = next(i for i, text in enumerate(texts) if text.startswith("Mục tiêu năm"))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(texts[start:] + cells)


def test_a_target_registered_after_the_cutoff_is_left_out_as_recorded(past, tree, personas):
    office = personas.province_office
    register(tree.a, 2024, "03/01/2024", office)
    register(tree.b, 2024, "05/03/2024", office)  # after February
    assert listed(tree.province, VALID) == {"40101", "40102"}
    assert listed(tree.province, RECORDED) == {"40101"}
    assert "Xã Đức Lĩnh" in plan_section(tree.province, VALID)
    recorded = plan_section(tree.province, RECORDED)
    assert "Xã Cẩm Thạch" in recorded and "Xã Đức Lĩnh" not in recorded
    assert "đến hạn 01" in recorded


def test_a_target_withdrawn_or_moved_after_the_cutoff_stands_as_it_was(past, tree, personas):
    office = personas.province_office
    register(tree.b, 2024, "03/01/2024", office)
    register(tree.c, 2024, "03/01/2024", office)
    plans.registered_target_withdraw(
        unit=tree.b,
        tier="standard",
        reason="Kế hoạch thay thế",
        user=office,
        expected_version=None,
        at=at("10/03/2024"),
    )
    register(tree.c, 2026, "10/03/2024", office)  # put back to a later year
    assert listed(tree.province, VALID) == set()
    assert listed(tree.province, RECORDED) == {"40102", "40201"}
    rows = {row[0]: row for row in plan_sheet(tree.province, RECORDED) if row and row[0] in ("40102", "40201")}
    assert rows["40201"][5] == 2024  # the target year it had at the cut-off
    assert "Xã Ân Phú" in plan_section(tree.province, RECORDED)


def test_a_decision_entered_after_the_cutoff_is_not_reached_as_recorded(past, tree, personas):
    office = personas.province_office
    register(tree.b, 2024, "03/01/2024", office)
    b = past["b"]
    assessment_record_values(
        assessment=b,
        entries=[ValueEntry("1.1", "có"), ValueEntry("2.1", "90"), ValueEntry("3.1", "50"), ValueEntry("3.2", "0")],
        user=office,
        at=at("20/02/2024"),
    )
    for state, day in (
        (AssessmentState.SUBMITTED, "21/02/2024"),
        (AssessmentState.VERIFIED, "22/02/2024"),
        (AssessmentState.APPRAISED, "23/02/2024"),
    ):
        assessment_set_state(assessment=b, state=state, user=office, at=at(day))
    # Decided on 26/02, entered in the portal on 08/03: after the February bulletin's moment.
    assessment_set_state(
        assessment=b,
        state=AssessmentState.RECOGNISED,
        user=office,
        decision_number="30/QĐ-UBND",
        decision_date=datetime.date(2024, 2, 26),
        at=at("08/03/2024"),
    )

    def row_of_b(reading):
        return next(row for row in plan_sheet(tree.province, reading) if row and row[0] == "40102")

    assert row_of_b(VALID)[7] == "Đã đạt"
    assert row_of_b(RECORDED)[7] == "Tỉnh đã thẩm định"  # the state the portal held at the cut-off
    assert "đã đạt 01" in plan_section(tree.province, VALID)
    recorded = plan_section(tree.province, RECORDED)
    assert "đến hạn 01" in recorded and "đã đạt" not in recorded


def test_a_province_targets_actual_is_the_headline_of_the_same_reading(past, tree, personas):
    office = personas.province_office
    plans.province_target_save(
        province=tree.province,
        data=plans.ProvinceTargetInput(period_from=2021, period_to=2025, communes_standard=3, basis="NQ 1/NQ-TU"),
        user=office,
        at=at("03/01/2024"),
    )
    b = past["b"]
    assessment_record_values(
        assessment=b,
        entries=[ValueEntry("1.1", "có"), ValueEntry("2.1", "90"), ValueEntry("3.1", "50"), ValueEntry("3.2", "0")],
        user=office,
        at=at("20/02/2024"),
    )
    for state in (AssessmentState.SUBMITTED, AssessmentState.VERIFIED, AssessmentState.APPRAISED):
        assessment_set_state(assessment=b, state=state, user=office, at=at("21/02/2024"))
    assessment_set_state(
        assessment=b,
        state=AssessmentState.RECOGNISED,
        user=office,
        decision_number="30/QĐ-UBND",
        decision_date=datetime.date(2024, 2, 26),
        at=at("08/03/2024"),  # entered after February
    )

    def headline_and_actual(reading):
        content, _ = bulletin.bulletin_build(unit=tree.province, month=FEBRUARY, user=None, reading=reading)
        book = open_book(content)
        summary = {row[0]: row[1:] for row in rows_of(book["Tổng hợp"], 5) if isinstance(row[0], str)}
        plan = {row[0]: row[1:] for row in book["Kế hoạch"].iter_rows(values_only=True) if row and row[0]}
        held = summary["Xã đạt chuẩn NTM (giữ danh hiệu đến thời điểm báo cáo)"][0]
        return held, plan["Xã được công nhận: Đạt chuẩn"][1]

    assert headline_and_actual(VALID) == (2, 2)  # A, and B by its decision's date
    assert headline_and_actual(RECORDED) == (1, 1)  # A: B's decision was not in the portal yet


def test_province_targets_stand_as_entered_by_the_cutoff(past, tree, personas):
    office = personas.province_office
    target = plans.province_target_save(
        province=tree.province,
        data=plans.ProvinceTargetInput(period_from=2021, period_to=2025, communes_standard=2, basis="NQ 1/NQ-TU"),
        user=office,
        at=at("03/01/2024"),
    )
    plans.province_target_save(
        province=tree.province,
        data=plans.ProvinceTargetInput(period_from=2021, period_to=2025, communes_standard=3, basis="NQ 2/NQ-TU"),
        user=office,
        target=target,
        at=at("10/03/2024"),
    )
    plans.province_target_save(
        province=tree.province,
        data=plans.ProvinceTargetInput(period_from=2024, period_to=2024, communes_standard=1, basis="KH 9/KH-UBND"),
        user=office,
        at=at("10/03/2024"),
    )

    def targets_of(reading) -> tuple[list[str], list]:
        """The province targets' titles and the standard tier's planned figure."""
        sheet = [row for row in plan_sheet(tree.province, reading) if row and row[0]]
        titles = [str(row[0]) for row in sheet if str(row[0]).startswith("Chỉ tiêu của tỉnh")]
        return titles, [row[1] for row in sheet if str(row[0]) == "Xã được công nhận: Đạt chuẩn"]

    valid_titles, valid_planned = targets_of(VALID)
    assert len(valid_titles) == 2 and any("NQ 2/NQ-TU" in t for t in valid_titles)
    assert sorted(valid_planned) == [1, 3]
    recorded_titles, recorded_planned = targets_of(RECORDED)
    assert len(recorded_titles) == 1 and "NQ 1/NQ-TU" in recorded_titles[0]
    assert recorded_planned == [2]
    assert "kế hoạch 2, thực hiện 1" in plan_section(tree.province, RECORDED)
