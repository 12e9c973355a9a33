import datetime

import pytest

from communes.models import UnitSuccession
from reports.selectors import (
    NO_DATA_BUCKET,
    BucketFilter,
    Column,
    commune_overview,
    communes_page,
)
from reports.tests.factories import make_assessment

pytestmark = pytest.mark.django_db


def names(page):
    return [row.name for row in page.rows]


def test_the_communes_of_a_bucket(known):
    page = communes_page(unit=known.tree.province, year=2023, tier="standard", bucket=BucketFilter(10, 14))
    assert names(page) == ["Xã Đức Lĩnh"]
    row = page.rows[0]
    assert (row.assessment_id, row.criteria_met, row.criteria_total, row.state) == (known.b23.pk, 12, 19, "draft")
    assert row.parent_name == "Huyện Một"


def test_the_bucket_of_a_given_scale_only(known):
    bucket = BucketFilter(10, 14, total=20)
    assert names(communes_page(unit=known.tree.province, year=2023, tier="standard", bucket=bucket)) == []


def test_the_communes_without_data(known):
    page = communes_page(unit=known.tree.province, year=2023, tier="standard", bucket=NO_DATA_BUCKET)
    assert names(page) == ["Xã Yên Hòa"]
    assert page.rows[0].has_data is False


def test_search_ignores_diacritics(known):
    assert names(communes_page(unit=known.tree.province, year=2023, tier="standard", q="cam thach")) == ["Xã Cẩm Thạch"]


def test_search_finds_communes_by_the_start_of_their_code_in_the_chosen_order(known):
    page = communes_page(unit=known.tree.province, year=2023, tier="standard", q="4010", sort="-met")
    assert names(page) == ["Xã Cẩm Thạch", "Xã Đức Lĩnh"]


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("name", ["Xã Ân Phú", "Xã Cẩm Thạch", "Xã Đức Lĩnh", "Xã Yên Hòa"]),
        ("-met", ["Xã Cẩm Thạch", "Xã Đức Lĩnh", "Xã Ân Phú", "Xã Yên Hòa"]),  # no data last
        ("met", ["Xã Ân Phú", "Xã Đức Lĩnh", "Xã Cẩm Thạch", "Xã Yên Hòa"]),  # no data last
    ],
)
def test_sorting(known, sort, expected):
    assert names(communes_page(unit=known.tree.province, year=2023, tier="standard", sort=sort)) == expected


def test_pages_of_communes(known):
    page = communes_page(unit=known.tree.province, year=2023, tier="standard", page=2, per_page=3)
    assert (page.number, page.num_pages, page.count, names(page)) == (2, 2, 4, ["Xã Yên Hòa"])
    assert page.has_previous and not page.has_next


def test_the_matrix_has_a_cell_per_criterion(known):
    page = communes_page(unit=known.tree.d2, year=2023, tier="standard", with_matrix=True)
    assert page.columns[:2] == [Column(1, "Tiêu chí 1"), Column(2, "Tiêu chí 2")]
    assert len(page.columns) == 19
    an_phu, yen_hoa = page.rows
    assert an_phu.cells[:6] == ("met", "met", "met", "not_met", "met", "not_met")
    assert an_phu.cells.count("met") == 4
    assert yen_hoa.cells == ("none",) * 19
    assert an_phu.region_label == "North Central Coast"


def test_the_matrix_shows_the_commune_group_after_the_reorganisation(merger):
    page = communes_page(unit=merger.province, year=2026, tier="standard", with_matrix=True)
    assert [(r.name, r.region_label, r.criteria_met) for r in page.rows] == [
        ("Xã Hợp Nhất", "Group 2", 7),
        ("Xã Mới", "Group 3", None),
    ]
    assert [c.number for c in page.columns] == list(range(1, 11))


def test_a_commune_with_its_assessments_criteria_and_villages(known):
    overview = commune_overview(commune=known.tree.a, year=2023, tier="standard")
    assert [(a.tier, a.criteria_met, a.state) for a in overview.assessments] == [
        ("advanced", 15, "submitted"),
        ("standard", 19, "recognised"),
    ]
    assert overview.at_tier("standard").pk == known.a23.pk
    assert len(overview.criteria) == 19 and all(c.met for c in overview.criteria)
    assert [(v.name, v.assessment.state, v.assessment.criteria_met) for v in overview.villages] == [
        ("Thôn Bắc", "recognised", 5),
        ("Thôn Nam", "draft", 3),
    ]


def test_a_village_without_an_assessment_is_listed_without_one(known):
    overview = commune_overview(commune=known.tree.b, year=2023, tier="standard")
    assert [(v.name, v.assessment) for v in overview.villages] == [("Thôn Đông", None)]


def test_a_commune_formed_in_2025_shows_the_communes_it_was_formed_from_for_2025(merger):
    """QA: Xã Vĩnh Tài (formed 1 July 2025) showed for 2025 "no assessment" and its new
    villages without data, though the communes it was formed from were assessed that year and
    speak for its place in the year's figures (the communes of the year)."""
    from communes.tests.factories import VillageFactory
    from reports.selectors.communes import commune_overview, formed_from
    from reports.tests.factories import make_flat_set

    old_village = VillageFactory(code="50101-01", name="Thôn Cũ", parent=merger.o1, valid_to=datetime.date(2025, 6, 30))
    new_village = VillageFactory(
        code="50001-01", name="Thôn Mới", parent=merger.m, valid_from=datetime.date(2025, 7, 1)
    )
    UnitSuccession.objects.create(predecessor=old_village, successor=new_village, date=datetime.date(2025, 7, 1))
    make_assessment(old_village, make_flat_set(code="V-5", total=5, level="village"), 2025, 5)
    listed = formed_from(merger.m, 2025, "standard")
    assert [(u.code, brief.criteria_met if brief else None) for u, brief in listed] == [("50101", 19), ("50102", 12)]
    assert formed_from(merger.m, 2026, "standard") == []  # it speaks for itself from 2026
    assert [v.code for v in commune_overview(commune=merger.o1, year=2025, tier="standard").villages] == ["50101-01"]
    assert commune_overview(commune=merger.m, year=2025, tier="standard").villages == []  # not the year's
