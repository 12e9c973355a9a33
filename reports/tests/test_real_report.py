"""A real office's end-of-2022 report, put in and read back the same everywhere.

The report (DOMAIN.md's seed document): "Duy trì 17 xã đã đạt chuẩn nông thôn mới; có 03 xã
đạt từ 15–18 tiêu chí, 50 xã đạt từ 10–14 tiêu chí, 68 xã đạt từ 5–9 tiêu chí, còn 01 xã dưới
05 tiêu chí. Có 16 xóm đã được công nhận đạt chuẩn nông thôn mới." — 139 xã, beside 2 thị trấn
and 1 phường that the programme does not count. Most of the 17 were recognised years before
2022 and some were entered into the portal only now.
"""

import datetime
import io

import pytest
from docx import Document
from rest_framework.test import APIClient

from communes.models import AdministrativeUnit, Level, Region, UnitType
from communes.tests.factories import UserFactory
from criteria.models import Assessment, AssessmentState, CriterionResult
from reports import bulletin
from reports.bulletin import Month
from reports.selectors import progress_summary
from reports.tests.excel.conftest import open_book, rows_of
from reports.tests.factories import make_flat_set

pytestmark = pytest.mark.django_db

# Criteria met by the 139 communes at the end of 2022.
STANDING = [19] * 17 + [17, 16, 15] + [12] * 50 + [7] * 68 + [3]


@pytest.fixture
def office():
    province = AdministrativeUnit(code="46", name="Tỉnh Báo Cáo", level=Level.PROVINCE, type=UnitType.TINH)
    province.region = Region.BTB
    province.save()
    district = AdministrativeUnit(
        code="461", name="Huyện Một", level=Level.DISTRICT, type=UnitType.HUYEN, parent=province
    )
    district.save()
    units = []
    for n, kind in enumerate([UnitType.XA] * 139 + [UnitType.THI_TRAN] * 2 + [UnitType.PHUONG]):
        unit = AdministrativeUnit(
            code=f"461{n:03d}", name=f"Đơn vị {n}", level=Level.COMMUNE, type=kind, parent=district, region=Region.BTB
        )
        unit.set_derived_fields()
        units.append(unit)
    AdministrativeUnit.objects.bulk_create(units)
    communes = list(AdministrativeUnit.objects.filter(level=Level.COMMUNE, type=UnitType.XA).order_by("code"))
    villages = []
    for n in range(16):
        village = AdministrativeUnit(
            code=f"461000-{n:02d}", name=f"Xóm {n}", level=Level.VILLAGE, type=UnitType.XOM, parent=communes[n]
        )
        village.set_derived_fields()
        villages.append(village)
    AdministrativeUnit.objects.bulk_create(villages)
    villages = list(AdministrativeUnit.objects.filter(level=Level.VILLAGE))

    standard = make_flat_set(code="QD1980-LIKE", total=19, year_to=2022)
    village_set = make_flat_set(code="XOM", total=5, level=Level.VILLAGE, year_to=2022)
    rows = []
    for n, (unit, met) in enumerate(zip(communes, STANDING, strict=True)):
        recognised = met == 19
        rows.append(
            Assessment(
                unit=unit,
                criteria_set=standard,
                tier=standard.tier,
                year=2022,
                state=AssessmentState.RECOGNISED if recognised else AssessmentState.DRAFT,
                criteria_met=met,
                criteria_total=19,
                # Recognised from 2015 to 2021, kept ("duy trì") in 2022.
                **(
                    {"decision_number": f"{n}/QĐ-UBND", "decision_date": datetime.date(2015 + n % 7, 12, 1)}
                    if recognised
                    else {}
                ),
            )
        )
    rows += [
        Assessment(
            unit=v,
            criteria_set=village_set,
            tier=village_set.tier,
            year=2022,
            state=AssessmentState.RECOGNISED,
            criteria_met=5,
            criteria_total=5,
            decision_number=f"X{v.pk}/QĐ",
            decision_date=datetime.date(2021, 6, 1),
        )
        for v in villages
    ]
    Assessment.objects.bulk_create(rows)
    criteria = list(standard.criteria.order_by("number"))
    CriterionResult.objects.bulk_create(
        CriterionResult(assessment=a, criterion=c, met=c.number <= a.criteria_met)
        for a in Assessment.objects.filter(criteria_set=standard)
        for c in criteria
    )
    return province


def test_the_report_comes_back_the_same_on_the_dashboard_the_api_and_the_bulletin(office):
    s = progress_summary(unit=office, year=2022, tier="standard")
    assert (s.communes_total, s.recognised["standard"], s.villages_recognised) == (139, 17, 16)
    assert [(b.label, b.count) for b in s.buckets] == [
        ("19", 17),
        ("15–18", 3),
        ("10–14", 50),
        ("5–9", 68),
        ("under 5", 1),
    ]
    assert s.apart == {"thi_tran": 2, "phuong": 1}

    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(UserFactory(username="root", is_superuser=True))
    body = api.get("/api/v1/progress/", {"unit": "46", "year": 2022}).json()
    assert (body["communes_total"], body["recognised"]["standard"], body["villages_recognised"]) == (139, 17, 16)
    assert [b["count"] for b in body["buckets"]] == [17, 3, 50, 68, 1]

    content, _cutoff = bulletin.bulletin_build(unit=office, month=Month(2022, 12), user=None)
    figures = {row[0]: row[1] for row in rows_of(open_book(content)["Tổng hợp"], 5) if isinstance(row[0], str)}
    assert figures["Tổng số xã (không tính phường, thị trấn, đặc khu)"] == 139
    assert figures["Xã đạt chuẩn NTM (giữ danh hiệu đến thời điểm báo cáo)"] == 17
    assert figures["Thôn, bản đạt chuẩn"] == 16
    assert [figures[label] for label in ("19", "15–18", "10–14", "5–9", "dưới 5")] == [17, 3, 50, 68, 1]
    assert figures["Không tính vào số xã: 01 phường, 02 thị trấn"] == 3


def test_the_bulletin_pads_the_count_of_communes_not_the_criteria_threshold(office):
    """ "còn 01 xã dưới 5 tiêu chí": a count of communes under ten takes its leading zero, the
    bucket's threshold is a number of criteria and does not ("dưới 05" read as a count)."""
    document = Document(io.BytesIO(bulletin.bulletin_docx(unit=office, month=Month(2022, 12), user=None)[0]))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "03 xã đạt từ 15–18 tiêu chí" in text
    assert "còn 01 xã dưới 5 tiêu chí." in text
    assert "dưới 05" not in text

    content, _cutoff = bulletin.bulletin_build(unit=office, month=Month(2022, 12), user=None)
    labels = [row[0] for row in rows_of(open_book(content)["Tổng hợp"], 5) if isinstance(row[0], str)]
    assert "dưới 5" in labels and not any("dưới 0" in label for label in labels)
