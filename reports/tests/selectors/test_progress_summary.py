"""progress_summary against figures computed by hand on the ``known`` and ``merger`` datasets."""

from decimal import Decimal

import pytest

from criteria.models import CriterionResult
from criteria.services import ValueEntry, assessment_create, assessment_record_values, assessment_set_state
from criteria.tests.factories import make_set
from reports.selectors import BucketCount, LaggingCriterion, communes_counted, progress_breakdown, progress_summary
from reports.tests.factories import make_assessment, make_flat_set

pytestmark = pytest.mark.django_db

NONE_RECOGNISED = {"standard": 0, "advanced": 0, "model": 0}


def test_province_headline_counts_communes_with_and_without_data(known):
    s = progress_summary(unit=known.tree.province, year=2023, tier="standard")
    assert (s.unit_code, s.year, s.tier) == ("40", 2023, "standard")
    # A, B, C assessed; E exists without data; F was abolished in 2022.
    assert (s.communes_total, s.communes_with_data, s.communes_without_data) == (4, 3, 1)
    assert s.recognised == {"standard": 1, "advanced": 0, "model": 0}
    assert s.recognised_share == {"standard": Decimal("25.0"), "advanced": Decimal("0.0"), "model": Decimal("0.0")}
    assert s.average_criteria_met == Decimal(35) / 3  # (19 + 12 + 4) / 3, exact: each place rounds it once
    assert s.villages_recognised == 2  # A1 (2023) and B1 (2022): both hold the title at the end of 2023
    assert (s.districts_total, s.districts_recognised) == (2, 1)
    assert s.districts_new == 1  # 401, recognised in 2023 (DOMAIN: newly recognised in a period)


def test_province_buckets_on_the_19_criteria_scale(known):
    s = progress_summary(unit=known.tree.province, year=2023, tier="standard")
    assert s.buckets == [
        BucketCount("19", 19, 19, 1, 19),
        BucketCount("15–18", 15, 18, 0, 19),
        BucketCount("10–14", 10, 14, 1, 19),
        BucketCount("5–9", 5, 9, 0, 19),
        BucketCount("under 5", 0, 4, 1, 19),
    ]
    assert sum(b.count for b in s.buckets) == s.communes_with_data


def test_lagging_criteria_count_communes_not_met_most_first(known):
    s = progress_summary(unit=known.tree.province, year=2023, tier="standard")
    not_met = {c.number: c.not_met for c in s.lagging}
    # B misses 13–19; C meets 1, 2, 3 and 5 only.
    assert not_met == {n: 2 if n >= 13 else 1 if n == 4 or n >= 6 else 0 for n in range(1, 20)}
    assert [c.number for c in s.lagging] == [*range(13, 20), 4, *range(6, 13), 1, 2, 3, 5]
    assert s.lagging[0] == LaggingCriterion(13, "Tiêu chí 13", 2, 0, 3)


def test_previous_year_is_the_same_headline_a_year_earlier(known):
    previous = progress_summary(unit=known.tree.province, year=2023, tier="standard").previous_year
    assert previous.year == 2022
    # F ended on 30/06/2022 with no 2022 assessment: not a commune of 2022.
    assert (previous.communes_total, previous.communes_with_data) == (4, 2)
    assert previous.recognised == NONE_RECOGNISED
    assert previous.average_criteria_met == Decimal("13.50")
    assert previous.villages_recognised == 1  # B1
    assert (previous.districts_total, previous.districts_recognised) == (2, 0)


def test_no_previous_year_without_any_data(known):
    assert progress_summary(unit=known.tree.province, year=2022, tier="standard").previous_year is None


def test_advanced_tier_has_its_own_average_and_buckets(known):
    s = progress_summary(unit=known.tree.province, year=2023, tier="advanced")
    assert (s.communes_total, s.communes_with_data) == (4, 1)
    assert s.average_criteria_met == Decimal("15.00")
    assert [b.count for b in s.buckets] == [0, 1, 0, 0, 0]
    assert s.villages_recognised == 0 and s.districts_recognised == 0
    assert s.recognised == {"standard": 1, "advanced": 0, "model": 0}  # every tier, whatever the page's


def test_district_level_has_no_district_figures(known):
    d1 = progress_summary(unit=known.tree.d1, year=2023, tier="standard")
    assert (d1.communes_total, d1.communes_with_data, d1.average_criteria_met) == (2, 2, Decimal("15.50"))
    assert (d1.districts_total, d1.districts_recognised, d1.districts_new) == (None, None, None)
    d2 = progress_summary(unit=known.tree.d2, year=2023, tier="standard")
    assert (d2.communes_total, d2.communes_with_data, d2.average_criteria_met) == (2, 1, Decimal("4.00"))
    assert d2.recognised_share["standard"] == Decimal("0.0")


def test_national_level_is_unit_none(known):
    s = progress_summary(unit=None, year=2023, tier="standard")
    assert s.unit_code is None
    assert (s.communes_total, s.communes_with_data, s.recognised["standard"]) == (4, 3, 1)
    assert (s.districts_total, s.districts_recognised, s.districts_new) == (2, 1, 1)


def test_a_year_without_data_has_no_average_and_no_buckets(known):
    s = progress_summary(unit=known.tree.province, year=2019, tier="standard")
    assert (s.communes_total, s.communes_with_data) == (5, 0)  # every commune existing then, F included
    assert (s.average_criteria_met, s.buckets, s.lagging) == (None, [], [])


def test_an_empty_unit_has_no_shares(db):
    from communes.tests.factories import ProvinceFactory

    s = progress_summary(unit=ProvinceFactory(), year=2023, tier="standard")
    assert s.communes_total == 0
    assert s.recognised_share == {"standard": None, "advanced": None, "model": None}
    assert s.districts_total is None


def test_a_year_mixing_set_sizes_buckets_each_assessment_on_its_own_scale(known):
    twenty = make_flat_set(code="R-20", total=20)
    make_assessment(known.e, twenty, 2023, 16)
    s = progress_summary(unit=known.tree.province, year=2023, tier="standard")
    assert [(b.label, b.count) for b in s.buckets] == [
        ("19 / 19", 1),
        ("15–18 / 19", 0),
        ("10–14 / 19", 1),
        ("5–9 / 19", 0),
        ("under 5 / 19", 1),
        ("20 / 20", 0),
        ("16–19 / 20", 1),  # 16 of 20 is on the 20 scale, not in 15–18
        ("11–15 / 20", 0),
        ("5–10 / 20", 0),
        ("under 5 / 20", 0),
    ]


def test_a_criterion_only_some_sets_have_is_a_share_of_the_communes_on_those_sets(known):
    """A province's own set adds criterion 20: a commune assessed on the national 19 has no
    figure for it, so its share is of the communes on the 20 (4 of 6, not 4 of 7)."""
    from reports.exports import _lagging_sheet

    make_assessment(known.e, make_flat_set(code="R-20", total=20), 2023, 16)
    s = progress_summary(unit=known.tree.province, year=2023, tier="standard")
    lines = {c.number: c for c in s.lagging}
    assert (lines[20].not_met, lines[20].assessed) == (1, 1)
    assert (lines[17].not_met, lines[17].assessed) == (3, 4)
    assert s.communes_with_data == 4
    shares = {row[0]: row[2] for row in _lagging_sheet(s, []).tables[0].rows}
    assert shares["20. Tiêu chí 20"] == 1 and shares["17. Tiêu chí 17"] == 0.75


# --- The 2025 reorganisation --------------------------------------------------------------------


def codes(queryset):
    return sorted(queryset.values_list("code", flat=True))


def test_communes_of_a_year_follow_the_reorganisation(merger):
    unit = merger.province
    assert codes(communes_counted(unit=unit, year=2024)) == ["50101", "50102", "50103"]
    # 2025 was assessed on the old communes: they count, M (formed from two of them) does not;
    # N counts because O3, which it continues, has no 2025 assessment.
    assert codes(communes_counted(unit=unit, year=2025)) == ["50002", "50101", "50102"]
    assert codes(communes_counted(unit=unit, year=2026)) == ["50001", "50002"]


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_the_summary_counts_the_communes_of_the_year_by_the_one_rule(merger, year):
    # progress_summary and progress_breakdown write communes_of_year_q in SQL: they must agree
    # with it at every level
    units = [None, merger.province, *merger.province.children.all()]
    for unit in units:
        expected = communes_counted(unit=unit, year=year).count()
        assert progress_summary(unit=unit, year=year, tier="standard").communes_total == expected, unit
        breakdown = progress_breakdown(unit=unit, year=year, tier="standard")
        assert sum(row.communes_total for row in breakdown) == expected, unit


def test_summary_after_the_reorganisation_uses_the_10_criteria_scale(merger):
    s = progress_summary(unit=merger.province, year=2026, tier="standard")
    assert (s.communes_total, s.communes_with_data, s.average_criteria_met) == (2, 1, Decimal("7.00"))
    assert [(b.label, b.low, b.high, b.count) for b in s.buckets] == [
        ("10", 10, 10, 0),
        ("8–9", 8, 9, 0),
        ("5–7", 5, 7, 1),
        ("3–4", 3, 4, 0),
        ("under 3", 0, 2, 0),
    ]
    assert (s.districts_total, s.districts_recognised) == (None, None)  # no district any more
    previous = s.previous_year
    assert (previous.year, previous.communes_total, previous.recognised["standard"]) == (2025, 3, 1)
    assert previous.recognised_share["standard"] == Decimal("33.3")
    assert previous.districts_total == 1
    assert (s.scale, previous.scale) == (10, 19)
    assert s.averages_before(previous) == (None, None)  # 7 of 10 against 15,5 of 19: no change shown
    same = progress_summary(unit=merger.province, year=2025, tier="standard")
    assert same.averages_before(same.previous_year)[0] == Decimal("14.50")


def test_summary_of_2025_counts_the_district_that_existed_until_june(merger):
    s = progress_summary(unit=merger.province, year=2025, tier="standard")
    assert (s.communes_total, s.communes_with_data, s.average_criteria_met) == (3, 2, Decimal("15.50"))
    assert (s.districts_total, s.districts_recognised) == (1, 0)


# --- Through the real services ------------------------------------------------------------------


def test_an_assessment_recorded_through_the_services_is_counted(personas, tree):
    s = make_set()  # 3 criteria: buckets 3 · 2 · 1 · under 1
    assessment = assessment_create(unit=tree.a, criteria_set=s, year=2023, user=personas.officer_a)
    assessment_record_values(
        assessment=assessment,
        entries=[ValueEntry("1.1", "có"), ValueEntry("2.1", "85"), ValueEntry("3.1", "30"), ValueEntry("3.2", "0")],
        user=personas.officer_a,
    )
    assessment_set_state(assessment=assessment, state="submitted", user=personas.officer_a)
    summary = progress_summary(unit=tree.province, year=2023, tier="standard")
    assert summary.average_criteria_met == Decimal("2.00")
    assert [(b.label, b.count) for b in summary.buckets] == [("3", 0), ("2", 1), ("1", 0), ("under 1", 0)]
    assert [(c.number, c.not_met) for c in summary.lagging] == [(3, 1), (1, 0), (2, 0)]
    assert CriterionResult.objects.filter(assessment=assessment, met=True).count() == 2


def test_a_code_with_an_underscore_is_not_a_wildcard(known):
    from communes.tests.factories import ProvinceFactory

    # "4_" as a LIKE pattern would also match province 40's path
    other = ProvinceFactory(code="4_", name="Tỉnh Gạch Dưới")
    assert progress_summary(unit=other, year=2023, tier="standard").communes_total == 0
    assert progress_breakdown(unit=other, year=2023, tier="standard") == []
    assert progress_summary(unit=known.tree.province, year=2023, tier="standard").communes_total > 0
