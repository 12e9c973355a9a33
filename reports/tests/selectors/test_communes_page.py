import pytest

from reports.selectors import (
    NO_DATA_BUCKET,
    BucketFilter,
    Column,
    commune_overview,
    communes_page,
)

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
