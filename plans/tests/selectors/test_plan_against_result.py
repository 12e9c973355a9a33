"""Plan against result: who was due, where they stand, and province targets against actual."""

from decimal import Decimal

import pytest
from django.http import QueryDict

from communes.tests.factories import VillageFactory
from plans.models import ProvinceTarget
from plans.selectors import dashboard_sections, due_listing, plan_rows, plan_summary
from plans.tests.factories import make_assessment, make_set, make_target

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans(tree):
    """Due in 2025: A standard (recognised 2025), B standard (12/19, submitted), C standard (no
    assessment), village A1 standard (recognised 2023), A advanced (recognised 2024, revoked in
    2025). Earlier: C advanced due 2023 and never reached (overdue); B model due 2024 (overdue)."""
    standard = make_set(code="S")
    advanced = make_set(code="A", tier="advanced")
    village = make_set(code="V", level="village")
    for unit, tier in ((tree.a, "standard"), (tree.b, "standard"), (tree.c, "standard"), (tree.a1, "standard")):
        make_target(unit, tier, 2025)
    make_target(tree.a, "advanced", 2025)
    make_target(tree.c, "advanced", 2023)
    make_target(tree.b, "model", 2024)
    make_assessment(tree.a, standard, 2025, 19, "recognised")
    make_assessment(tree.b, standard, 2025, 12, "submitted")
    make_assessment(tree.c, standard, 2024, 8)
    make_assessment(tree.a1, village, 2023, 5, "recognised", total=5)
    make_assessment(tree.a1, village, 2025, 4, "draft", total=5)  # a later draft does not undo it
    make_assessment(tree.a, advanced, 2024, 19, "recognised")
    make_assessment(tree.a, advanced, 2025, 17, "revoked")
    return tree


def test_each_unit_due_shows_where_it_stands(plans):
    summary = plan_summary(unit=plans.province, year=2025)
    rows = {(r.code, r.tier): (r.status, r.state, r.criteria_met) for r in summary.due}
    assert rows == {
        ("40101", "standard"): ("reached", "recognised", 19),
        ("40102", "standard"): ("in_progress", "submitted", 12),
        ("40201", "standard"): ("no_assessment", None, None),
        ("40101", "advanced"): ("in_progress", "revoked", 17),
        ("40101-01", "standard"): ("reached", "draft", 4),
    }


def test_a_revocation_takes_the_title_whichever_recognition_gave_it(plans):
    """A was recognised advanced for 2024 and for 2025; the 2025 recognition's revocation (20/12/2025)
    leaves A without the advanced title at the end of 2025, though the 2024 one was never revoked."""
    row = next(r for r in plan_summary(unit=plans.province, year=2025).due if (r.code, r.tier) == ("40101", "advanced"))
    assert not row.reached
    assert next(
        r for r in plan_summary(unit=plans.province, year=2024).counts if (r.level, r.tier) == ("commune", "advanced")
    )


def test_counts_per_level_and_tier_with_the_overdue(plans):
    counts = {(c.level, c.tier): c[2:] for c in plan_summary(unit=plans.province, year=2025).counts}
    # (due, reached, in progress, no assessment, overdue)
    assert counts == {
        ("commune", "standard"): (3, 1, 1, 1, 0),
        ("commune", "advanced"): (1, 0, 1, 0, 1),
        ("commune", "model"): (0, 0, 0, 0, 1),
        ("village", "standard"): (1, 1, 0, 0, 0),
    }


def test_the_units_overdue_are_listed_with_where_they_stand_in_the_year(plans):
    """QA: overdue targets were counted but listed nowhere; the list is what the count counts."""
    make_assessment(plans.b, make_set(code="M", tier="model"), 2025, 9, "draft")
    summary = plan_summary(unit=plans.province, year=2025)
    rows = {(r.code, r.tier): (r.target_year, r.overdue, r.status, r.state, r.criteria_met) for r in summary.overdue}
    assert rows == {
        ("40201", "advanced"): (2023, True, "no_assessment", None, None),
        ("40102", "model"): (2024, True, "in_progress", "draft", 9),
    }
    assert not any(r.overdue for r in summary.due)
    counted = {(c.level, c.tier): c.overdue for c in summary.counts if c.overdue}
    listed = {}
    for r in summary.overdue:
        listed[(r.level, r.tier)] = listed.get((r.level, r.tier), 0) + 1
    assert counted == listed


def test_the_bulletin_lists_the_units_overdue(plans):
    *_tables, overdue = plan_rows(plans.province, 2025)
    assert overdue.title == "Units overdue from earlier years, at the end of 2025"
    assert ("40201", "Xã Ân Phú", "Commune", "Huyện Hai", "Advanced", 2023) in [row[:6] for row in overdue.rows]
    assert [row[7] for row in overdue.rows] == ["No assessment this year", "No assessment this year"]


def test_the_dashboard_lists_the_units_due_then_those_overdue(plans):
    listing = due_listing(dashboard_sections(unit=plans.province, year=2025), QueryDict())
    listed = [(r.code, r.tier, r.overdue) for r in listing.page.object_list]
    assert listed[-2:] == [("40201", "advanced", True), ("40102", "model", True)]
    assert not any(overdue for *_row, overdue in listed[:-2])
    found = due_listing(dashboard_sections(unit=plans.province, year=2025), QueryDict("due_q=an+phu"))
    assert {(r.code, r.tier) for r in found.page.object_list} == {("40201", "standard"), ("40201", "advanced")}


def test_the_api_lists_the_units_due_and_overdue_as_the_dashboard_does(plans, personas):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(personas.viewer)
    body = client.get("/api/v1/plan/", {"unit": plans.province.code, "year": 2025}).json()
    listing = due_listing(dashboard_sections(unit=plans.province, year=2025), QueryDict())
    assert [(r["code"], r["tier"], r["target_year"], r["overdue"]) for r in body["due"] + body["overdue"]] == [
        (r.code, r.tier, r.target_year, r.overdue) for r in listing.page.object_list
    ]
    assert len(body["overdue"]) == 2


def test_a_district_sees_only_its_units(plans):
    summary = plan_summary(unit=plans.d1, year=2025)
    assert {r.code for r in summary.due} == {"40101", "40102", "40101-01"}
    assert summary.province == []
    counts = {(c.level, c.tier): c.overdue for c in summary.counts}
    assert counts[("commune", "model")] == 1 and ("commune", "advanced") in counts


def test_an_overdue_target_reached_later_is_no_longer_overdue(plans):
    make_assessment(plans.c, make_set(code="A2", tier="advanced"), 2025, 19, "recognised")
    counts = {(c.level, c.tier): c.overdue for c in plan_summary(unit=plans.province, year=2025).counts}
    assert counts[("commune", "advanced")] == 0


def test_a_unit_that_ended_is_not_overdue_in_a_later_year(plans):
    """QA: a commune merged away on 30 June 2025 with an unreached 2023 target was counted
    overdue in 2026 (and listed nowhere): its place is another unit's now."""
    import datetime

    plans.c.valid_to = datetime.date(2025, 6, 30)
    plans.c.save(update_fields=["valid_to"])
    counts = {(c.level, c.tier): c.overdue for c in plan_summary(unit=plans.province, year=2025).counts}
    assert counts[("commune", "advanced")] == 1  # it existed in 2025
    counts = {(c.level, c.tier): c.overdue for c in plan_summary(unit=plans.province, year=2026).counts}
    # A's advanced (due 2025, revoked) and B's standard and model: not C's, which ended.
    assert counts == {("commune", "standard"): 1, ("commune", "advanced"): 1, ("commune", "model"): 1}


def test_province_targets_against_actual_with_the_share_reached(plans):
    VillageFactory(code="40201-01", name="Thôn Tây", parent=plans.c)  # four villages, one holds the standard
    ProvinceTarget.objects.create(
        province=plans.province,
        period_from=2021,
        period_to=2025,
        communes_standard=2,
        communes_advanced=1,
        communes_model=0,
        min_criteria=15,
        villages_recognised_share=Decimal(50),
        basis="NQ 05",
        entered_at="2022-01-01T00:00:00Z",
    )
    ProvinceTarget.objects.create(
        province=plans.province,
        period_from=2026,
        period_to=2030,
        communes_standard=3,
        basis="NQ 06",
        entered_at="2026-01-01T00:00:00Z",
    )
    (progress,) = plan_summary(unit=plans.province, year=2025).province
    lines = {line.key: (line.planned, line.actual, line.share_reached, line.met) for line in progress.lines}
    # (planned, actual, share reached, met)
    assert lines == {
        "communes_standard": (2, 1, Decimal("50.0"), False),
        "communes_advanced": (1, 0, Decimal("0.0"), False),  # A's recognition was revoked in 2025
        "min_criteria": (0, 1, None, False),  # B has 12
        "villages_share": (Decimal(50), Decimal("25.0"), Decimal("50.0"), False),
    }
    (earlier,) = plan_summary(unit=plans.province, year=2024).province
    assert {line.key: line.actual for line in earlier.lines}["communes_advanced"] == 1


def test_a_commune_meeting_every_criterion_of_its_set_is_never_under_a_larger_threshold(scales):
    """QA: a target "none under 15" stored for 2026 (the 10-criteria set) counted all the
    communes under 15, A too, meeting 10/10 and holding the title: under N is
    ``met < least(N, its set's criteria)``."""
    ProvinceTarget.objects.create(
        province=scales.tree.province,
        period_from=2026,
        period_to=2026,
        min_criteria=15,
        basis="NQ 1",
        entered_at="2026-01-01T00:00:00Z",
    )
    (progress,) = plan_summary(unit=scales.tree.province, year=2026).province
    (line,) = progress.lines
    assert (line.key, line.actual, line.met) == ("min_criteria", 2, False)  # B 7/10 and C 4/10
    (table, *_rest) = plan_rows(scales.tree.province, 2026)  # the bulletin's Kế hoạch sheet
    assert [row[2] for row in table.rows] == [2]


def test_a_tier_left_at_zero_is_no_target_anywhere(plans):
    """QA: a model tier left at 0 read "Model 0 | 0 | — | Met" on the dashboard and "Yes" in
    the Excel annex: 0 is no target, as an empty minimum of criteria."""
    from plans.selectors import plan_rows

    ProvinceTarget.objects.create(
        province=plans.province,
        period_from=2025,
        period_to=2025,
        communes_standard=2,
        basis="KH 9",
        entered_at="2025-01-01T00:00:00Z",
    )
    (progress,) = plan_summary(unit=plans.province, year=2025).province
    assert [line.key for line in progress.lines] == ["communes_standard"]
    (table, *_rest) = plan_rows(plans.province, 2025)
    assert table.title == "Province targets for 2025 (KH 9) at the end of 2025"  # not "2025–2025"
    assert [row[0] for row in table.rows] == ["Communes recognised: Standard"]


def test_the_share_of_villages_counts_the_villages_the_dashboard_counts(plans):
    """QA: the plan's share of villages counted the villages existing at the year's end, the
    dashboard the villages of the year (assessed in it, or existing at its end unless one
    they were formed from was): a village merged on 1 July 2025 that kept its title counted on
    the dashboard, its successor in the plan."""
    import datetime

    from communes.models import UnitSuccession
    from reports.selectors import progress_summary

    ended = VillageFactory(code="40201-02", name="Thôn Cũ", parent=plans.c, valid_to=datetime.date(2025, 6, 30))
    later = VillageFactory(code="40201-03", name="Thôn Mới", parent=plans.c, valid_from=datetime.date(2025, 7, 1))
    UnitSuccession.objects.create(predecessor=ended, successor=later, date=datetime.date(2025, 7, 1))
    village = make_set(code="V2", level="village")
    make_assessment(ended, village, 2024, 5, "recognised", total=5)
    make_assessment(ended, village, 2025, 5, "draft", total=5)
    ProvinceTarget.objects.create(
        province=plans.province,
        period_from=2021,
        period_to=2025,
        communes_standard=2,
        villages_recognised_share=Decimal(50),
        basis="NQ 05",
        entered_at="2022-01-01T00:00:00Z",
    )
    (progress,) = plan_summary(unit=plans.province, year=2025).province
    line = next(line for line in progress.lines if line.key == "villages_share")
    held = progress_summary(unit=plans.province, year=2025, tier="standard").villages_recognised
    assert held == 2  # A1 (2023) and the ended village (2024), not its successor
    assert line.actual == Decimal("50.0")  # 2 of the year's 4 villages; the successor instead: 1 of 4


def test_plan_rows_give_the_bulletin_plain_tables(plans):
    ProvinceTarget.objects.create(
        province=plans.province,
        period_from=2021,
        period_to=2025,
        communes_standard=2,
        basis="NQ 05",
        entered_at="2022-01-01T00:00:00Z",
    )
    targets, counts, due, _overdue = plan_rows(plans.province, 2025)
    assert targets.title == "Province targets 2021–2025 (NQ 05) at the end of 2025"
    assert targets.rows[0] == ("Communes recognised: Standard", 2, 1, Decimal("50.0"), "Not yet")
    assert counts.headers[0:3] == ("Level", "Tier", "Due")
    assert counts.rows[0] == ("Commune", "Standard", 3, 1, 1, 1, 0)
    assert due.headers[-3:] == ("Where it stands", "Criteria met", "Criteria in the set")
    assert (
        "40102",
        "Xã Đức Lĩnh",
        "Commune",
        "Huyện Một",
        "Standard",
        2025,
        "KH 1/KH-UBND",
        "Submitted",
        12,
        19,
    ) in due.rows
    assert (
        "40201",
        "Xã Ân Phú",
        "Commune",
        "Huyện Hai",
        "Standard",
        2025,
        "KH 1/KH-UBND",
        "No assessment this year",
        None,
        None,
    ) in due.rows


def test_the_country_sees_every_unit_due(plans, merger):
    make_target(merger.m, "standard", 2025)
    summary = plan_summary(unit=None, year=2025)
    assert {r.code for r in summary.due} >= {"40101", "40102", "40201", "40101-01", "50001"}
    assert summary.province == []


def test_the_country_s_bulletin_says_which_province_each_unit_due_is_in_as_its_page_does(plans):
    *_tables, due, _overdue = plan_rows(None, 2025)
    belongs = {row[0]: row[3] for row in due.rows}
    assert belongs["40102"] == "Huyện Một, Tỉnh Nghệ Thử" and belongs["40201"] == "Huyện Hai, Tỉnh Nghệ Thử"
    listed = due_listing(dashboard_sections(unit=None, year=2025), QueryDict())
    assert {code: belongs[code] for code in listed.belongs_to} == listed.belongs_to
