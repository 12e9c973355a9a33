"""A province dashboard's plans sections (plan against result, funds) kept with its figures
(``reports.selectors.sections``): read back exactly as computed, a write to any table they read
shows at the next read, the labels follow the request's language."""

import datetime
import json
from decimal import Decimal

import pytest
from django.utils import translation

from communes.models import AdministrativeUnit, Level
from criteria.models import Assessment
from plans.models import FundEntry, ProvinceTarget, RegisteredTarget
from plans.selectors import (
    SectionRows,
    dashboard_sections,
    dashboard_sections_of,
    section_rows_by_province,
    section_rows_read,
)
from plans.selectors.plan_rows import PlanRows, _targets, _year_assessments
from plans.selectors.progress import plan_summary_of
from plans.tests.factories import bulk_province, make_fund, make_target
from reports.models import FiguresCacheEntry
from reports.selectors.sections import dashboard_plans

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2022, 1, 1, tzinfo=datetime.UTC)


@pytest.fixture
def province(db):
    """12 communes due in 2025 (every third recognised), two overdue from 2024, a province
    target with every kind of line, and the five sources of a real report's funds."""
    province = bulk_province(code="Q", communes=12)
    communes = list(AdministrativeUnit.objects.subtree(province).filter(level=Level.COMMUNE).order_by("code"))
    for commune in communes[:2]:
        make_target(commune, "advanced", 2024)
    ProvinceTarget.objects.create(
        province=province,
        period_from=2021,
        period_to=2025,
        communes_standard=10,
        communes_advanced=2,
        min_criteria=15,
        villages_recognised_share=Decimal("40.5"),
        basis="NQ 05/NQ-TU",
        entered_at=AT,
    )
    for source, amount in (
        ("central", 12_500_000_000),
        ("province", 8_200_000_000),
        ("district", 4_103_700_000),
        ("commune", 3_700_000_000),
        ("residents", 2_500_000_000),
    ):
        make_fund(province, 2025, 11, source, amount)
    return province


def test_the_kept_sections_read_back_as_computed(province, django_assert_num_queries):
    computed = dashboard_sections(unit=province, year=2025)
    assert computed.funds.total_to_date == Decimal(31_003_700_000) + 12 * 4 * 1_000_000
    assert len(computed.plan.due) == 12 and computed.plan.province and computed.plan.counts

    first = dashboard_plans(unit=province, year=2025)  # computed and kept
    with django_assert_num_queries(1):  # the versions with the kept rows
        kept = dashboard_plans(unit=province, year=2025)
    assert first == computed
    assert kept == computed


def test_the_rows_survive_json_exactly(province):
    rows = section_rows_read(unit=province, year=2025)
    assert SectionRows.decode(json.loads(json.dumps(rows.encode()))) == rows


def plan_rows_generic(unit) -> PlanRows:
    """A unit's targets read by subtree, as below a province (the generic reading)."""
    targets = _targets(unit, 2025)
    assessed = _year_assessments({t.unit_id for t in targets if t.target_year == 2025}, 2025)
    return PlanRows(targets=targets, assessed=assessed, periods=[], actuals={})


def _sections(province):
    return dashboard_plans(unit=province, year=2025)


def test_funds_entered_show_at_the_next_read(province):
    before = _sections(province).funds.total_to_date
    make_fund(province.children.filter(level=Level.DISTRICT).first(), 2025, 12, "enterprises", 7_000_000)
    assert _sections(province).funds.total_to_date == before + 7_000_000
    assert _sections(province) == dashboard_sections(unit=province, year=2025)


def test_a_registered_target_moved_shows_at_the_next_read(province):
    assert len(_sections(province).plan.due) == 12
    RegisteredTarget.objects.filter(pk=RegisteredTarget.objects.filter(target_year=2025).first().pk).update(
        target_year=2026
    )
    assert len(_sections(province).plan.due) == 11


def test_a_province_target_changed_shows_at_the_next_read(province):
    assert _sections(province).plan.province[0].lines[0].planned == 10
    ProvinceTarget.objects.filter(province=province).update(communes_standard=11)
    assert _sections(province).plan.province[0].lines[0].planned == 11


def test_a_commune_recognised_shows_at_the_next_read(province):
    reached = _sections(province).plan.counts
    draft = Assessment.objects.filter(unit__path__startswith=province.path, state="draft").first()
    Assessment.objects.filter(pk=draft.pk).update(
        state="recognised", decision_number="2/QĐ", decision_date=datetime.date(2025, 12, 20)
    )
    after = _sections(province).plan.counts
    standard = next(c for c in after if c.tier == "standard")
    assert standard.reached == next(c for c in reached if c.tier == "standard").reached + 1
    assert _sections(province) == dashboard_sections(unit=province, year=2025)


def test_the_labels_follow_the_language_of_each_request(province):
    with translation.override("vi"):
        vi = _sections(province)
    with translation.override("en"):
        en = _sections(province)
        assert en == dashboard_sections(unit=province, year=2025)
    assert FiguresCacheEntry.objects.count() == 1  # one entry for both languages
    assert en.funds.by_source[0].label == "Central budget"
    assert vi.funds.by_source[0].label != "Central budget"
    assert en.plan.province[0].lines[0].label != vi.plan.province[0].lines[0].label


def test_nothing_is_kept_below_a_province(province):
    district = province.children.filter(level=Level.DISTRICT).first()
    assert dashboard_plans(unit=district, year=2025) == dashboard_sections(unit=district, year=2025)
    assert not FiguresCacheEntry.objects.exists()


def test_the_country_is_its_provinces_merged_and_kept(province, django_assert_num_queries):
    other = bulk_province(code="R", communes=7)
    make_fund(other, 2025, 12, "credit", 9_000_000)
    computed = dashboard_sections(unit=None, year=2025)
    assert len(computed.plan.due) == 12 + 7 and len(computed.funds.by_unit) == 2

    assert dashboard_plans(unit=None, year=2025) == computed  # each province computed and kept
    with django_assert_num_queries(1):
        kept = dashboard_plans(unit=None, year=2025)
    assert kept == computed
    # the provinces' entries are the province dashboards' own
    with django_assert_num_queries(1):
        kept = dashboard_plans(unit=other, year=2025)
    assert kept == dashboard_sections(unit=other, year=2025)


def test_a_write_in_one_province_shows_in_the_country_and_recomputes_only_that_one(province, django_assert_num_queries):
    other = bulk_province(code="R", communes=7)
    dashboard_plans(unit=None, year=2025)
    make_fund(other, 2025, 12, "credit", 9_000_000)
    # the read, its sections (five: it has no province target), keeping them
    with django_assert_num_queries(1 + 5 + 1):
        country = dashboard_plans(unit=None, year=2025)
    assert country == dashboard_sections(unit=None, year=2025)
    assert next(u for u in country.funds.by_unit if u.code == "R").amounts[-2] == 9_000_000


def test_funds_cleared_show_at_the_next_read(province):
    _sections(province)
    FundEntry.objects.filter(unit=province).delete()
    assert _sections(province).funds.total_to_date == 12 * 4 * 1_000_000


def test_rows_kept_in_another_shape_are_never_decoded(province, monkeypatch):
    dashboard_plans(unit=province, year=2025)
    FiguresCacheEntry.objects.update(value=[["rows of an older release"]])
    monkeypatch.setattr(SectionRows, "FORMAT", SectionRows.FORMAT + 1)  # a release that changed them
    assert dashboard_plans(unit=province, year=2025) == dashboard_sections(unit=province, year=2025)


def test_the_provinces_read_together_are_each_province_read_alone(province):
    other = bulk_province(code="R", communes=7)
    make_fund(other, 2025, 12, "credit", 9_000_000)
    ProvinceTarget.objects.create(
        province=other,
        period_from=2024,
        period_to=2026,
        communes_standard=3,
        min_criteria=17,
        basis="NQ",
        entered_at=AT,
    )
    paths = [province.path, other.path]
    for every in (False, True):
        together = section_rows_by_province(paths, 2025, every=every)
        for unit in (province, other):
            alone = dashboard_sections(unit=unit, year=2025)
            assert dashboard_sections_of(unit, 2025, together[unit.path]) == alone
            # and not through the batch: the province's rows as a district's would be read
            assert alone.plan.due == plan_summary_of(unit.code, 2025, plan_rows_generic(unit)).due


def test_every_province_at_once_gives_the_country(province, django_assert_num_queries):
    bulk_province(code="R", communes=7)
    # the read, the provinces, every province's sections at once (seven), keeping them
    with django_assert_num_queries(1 + 1 + 7 + 1):
        country = dashboard_plans(unit=None, year=2025)
    assert country == dashboard_sections(unit=None, year=2025)


def test_a_withdrawn_target_leaves_the_kept_dashboards_overdue_count(province):
    """QA: a commune whose target was dropped stayed "overdue" on the dashboard for ever."""
    from communes.models import Role
    from communes.tests.factories import MembershipFactory, UserFactory
    from plans.services import registered_target_withdraw

    before = dashboard_plans(unit=province, year=2025)  # computed and kept
    assert len(before.plan.overdue) == 2 and sum(c.overdue for c in before.plan.counts) == 2
    office = UserFactory()
    MembershipFactory(user=office, unit=province, role=Role.PROVINCE_OFFICE)
    target = RegisteredTarget.objects.filter(tier="advanced").order_by("unit__code").first()
    registered_target_withdraw(unit=target.unit, tier="advanced", reason="QĐ 7", user=office, expected_version=1)

    after = dashboard_plans(unit=province, year=2025)
    assert [r.code for r in after.plan.overdue] == [r.code for r in before.plan.overdue if r.code != target.unit.code]
    assert sum(c.overdue for c in after.plan.counts) == 1
