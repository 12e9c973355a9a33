"""manage.py seed_demo: a deterministic fictional province, seeded through the services.

Seeding takes seconds, so one seeded province (``--communes 8 --years 2024-2026 --seed 7``)
is built once for the module and committed; each test runs in a transaction that is rolled
back, so tests that reseed leave it as it was. The module's teardown removes it again.
"""

import datetime
import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Q
from django.test import RequestFactory, override_settings

from communes.models import AdministrativeUnit, Level, Membership, UnitSuccession, subtree_q
from criteria.models import (
    Assessment,
    AssessmentState,
    CommuneGroupAssignment,
    CommuneGroupChange,
    CriteriaSet,
    CriterionResult,
    HistoryEntry,
    Indicator,
    IndicatorValue,
    SetStatus,
    Tier,
    ValueType,
)
from criteria.models_commune_groups import GROUP_OF_CONDITION
from demo import catalog, groups, run

pytestmark = pytest.mark.django_db

ARGS = ("--communes", "8", "--years", "2024-2026", "--seed", "7")
MERGER = datetime.date(2025, 7, 1)
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _wipe_catalog() -> None:
    for criteria_set in CriteriaSet.objects.order_by("-pk"):
        criteria_set.criteria.all().delete()
        criteria_set.groups.all().delete()
        criteria_set.delete()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        had_catalog = CriteriaSet.objects.exists()
        with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            seed(*ARGS)
        yield
        with transaction.atomic():
            run.reset_demo()
            if not had_catalog:
                _wipe_catalog()


def demo_area(prefix: str = "") -> Q:
    """Filter: the demo province's units, or what belongs to them through ``prefix`` (nothing
    once the demo is gone)."""
    province = run.demo_province()
    return subtree_q(province, prefix) if province else Q(pk__in=[])


def demo_units():
    return AdministrativeUnit.objects.filter(demo_area())


def demo_assessments():
    return Assessment.objects.filter(demo_area("unit__"))


def fingerprint() -> tuple[list, list, list]:
    units = sorted((u.code, u.name, u.parent.code if u.parent else "") for u in demo_units().select_related("parent"))
    assessments = sorted(
        demo_assessments().values_list("unit__code", "criteria_set__code", "year", "state", "criteria_met")
    )
    values = sorted(
        (code, set_code, year, indicator, str(number), str(flag))
        for code, set_code, year, indicator, number, flag in IndicatorValue.objects.filter(
            demo_area("assessment__unit__")
        ).values_list(
            "assessment__unit__code",
            "assessment__criteria_set__code",
            "assessment__year",
            "indicator__code",
            "value_decimal",
            "value_bool",
        )
    )
    history = sorted(
        (str(at), kind, new_state)
        for at, kind, new_state in HistoryEntry.objects.filter(demo_area("assessment__unit__")).values_list(
            "at", "kind", "new_state"
        )
    )
    return units, assessments, values + history


# --- The tree ----------------------------------------------------------------------------------


def test_demo_province_has_districts_communes_and_villages_until_the_merger(seeded):
    province = AdministrativeUnit.objects.get(code="DEMO")
    assert province.name == "Tỉnh Minh Họa" and province.level == Level.PROVINCE and province.region == "BTB"
    districts = list(demo_units().filter(level=Level.DISTRICT))
    assert len(districts) == 4
    assert all(d.valid_to == datetime.date(2025, 6, 30) and d.parent_id == province.pk for d in districts)
    old = demo_units().filter(level=Level.COMMUNE, code__startswith="DEMO-X")
    assert old.count() == 8
    assert all(c.parent.level == Level.DISTRICT and c.valid_to == datetime.date(2025, 6, 30) for c in old)
    assert (
        len({c.name for c in demo_units().filter(level=Level.COMMUNE)})
        == demo_units().filter(level=Level.COMMUNE).count()
    )
    for commune in old.annotate(n=Count("children")):
        assert 3 <= commune.n <= 8
    assert set(demo_units().values_list("region", flat=True)) == {"BTB"}


def test_the_demo_sets_each_merged_communes_group_through_the_service_with_a_basis(seeded):
    merged = list(demo_units().filter(level=Level.COMMUNE, code__startswith="DEMO-M"))
    assignments = {a.unit_id: a for a in CommuneGroupAssignment.objects.filter(unit__in=merged)}
    assert len(assignments) == len(merged)
    for commune in merged:
        assignment = assignments[commune.pk]
        assert assignment.group == commune.commune_group == GROUP_OF_CONDITION[assignment.condition]
        assert assignment.decision_number == groups.GROUP_DECISION
        assert assignment.set_by.username == "tinh"
    changes = CommuneGroupChange.objects.filter(unit__in=merged)
    assert changes.count() == len(merged)
    assert set(changes.values_list("old_group", flat=True)) == {None}


def test_merged_communes_hang_under_the_province_with_their_lineage(seeded):
    merged = list(demo_units().filter(level=Level.COMMUNE, code__startswith="DEMO-M"))
    assert merged
    province = AdministrativeUnit.objects.get(code="DEMO")
    predecessors = set()
    for commune in merged:
        assert commune.parent_id == province.pk and commune.valid_from == MERGER
        assert commune.commune_group in (1, 2, 3)
        olds = list(commune.predecessors())
        assert 2 <= len(olds) <= 4 and len({o.parent_id for o in olds}) == 1
        predecessors |= {o.code for o in olds}
        villages = commune.children.all()
        assert villages.count() == sum(o.children.count() for o in olds)
        assert all(v.valid_from == MERGER and v.code.startswith(f"{commune.code}-") for v in villages)
    assert len(predecessors) == 8  # every old commune merged exactly once
    links = UnitSuccession.objects.filter(successor__in=merged)
    assert {(s.date, "minh họa" in s.decision) for s in links} == {(MERGER, True)}
    # Each of their villages continues one old village (QA: without the link, 2025 counted both).
    new_villages = AdministrativeUnit.objects.filter(level=Level.VILLAGE, parent__in=merged)
    village_links = UnitSuccession.objects.filter(successor__in=new_villages)
    assert village_links.count() == new_villages.count()
    assert all(link.predecessor.level == Level.VILLAGE for link in village_links.select_related("predecessor"))


def test_a_years_villages_holding_the_title_are_counted_once(seeded):
    """The province's figure is its districts' sum in 2025 (each village once, old or new)."""
    from reports.selectors import progress_summary

    province = AdministrativeUnit.objects.get(code="DEMO")
    districts = AdministrativeUnit.objects.filter(level=Level.DISTRICT, parent=province)
    held = progress_summary(unit=province, year=2025, tier=Tier.STANDARD).villages_recognised
    assert held == sum(progress_summary(unit=d, year=2025, tier=Tier.STANDARD).villages_recognised for d in districts)


# --- Catalog -----------------------------------------------------------------------------------


def test_the_province_issues_three_illustrative_sets(seeded):
    own = CriteriaSet.objects.filter(issuer__code="DEMO", status=SetStatus.PUBLISHED)
    assert set(own.values_list("code", flat=True)) == {"DEMO-THON-NTM", "DEMO-XA-NTM-NC-20", catalog.QD51_DEMO_CODE}
    for criteria_set in own:
        assert catalog.DEMO_DISCLAIMER in criteria_set.name and catalog.DEMO_DISCLAIMER in criteria_set.notes
    advanced = own.get(code="DEMO-XA-NTM-NC-20")
    assert advanced.criteria.count() == 20 and advanced.tier == Tier.ADVANCED
    assert (advanced.year_from, advanced.year_to) == (2024, 2025)


def test_the_provinces_sets_keep_the_rules_of_a_sets_header(seeded):
    """QA: the version of QĐ 51/2025 decided on 20/02/2026 came into force on the national
    15/02/2026, before the province had signed it; its header form refused to be saved."""
    for criteria_set in CriteriaSet.objects.filter(issuer__code="DEMO"):
        criteria_set.full_clean()  # the rules the set's own form applies
    version = CriteriaSet.objects.get(code=catalog.QD51_DEMO_CODE)
    assert (version.decision_date, version.effective_date) == (datetime.date(2026, 2, 20), datetime.date(2026, 3, 2))
    recognised = demo_assessments().filter(criteria_set=version, decision_date__isnull=False)
    assert not recognised.filter(decision_date__lt=version.effective_date).exists()


def test_the_province_version_of_qd51_has_a_target_for_every_figure_it_must_set(seeded):
    version = CriteriaSet.objects.get(code=catalog.QD51_DEMO_CODE)
    assert version.status == SetStatus.PUBLISHED and version.supersedes.code == catalog.QD51_CODE
    flagged = Indicator.objects.filter(criteria_set=version, target_by_province=True).exclude(
        value_type=ValueType.YES_NO
    )
    assert flagged.exists()
    assert not flagged.filter(targets__isnull=True).exists()
    assert not flagged.filter(targets__to_verify=False).exists()
    for year, tier, code in [
        (2024, Tier.ADVANCED, "DEMO-XA-NTM-NC-20"),
        (2025, Tier.STANDARD, "QD318-2022-XA-NTM"),
        (2026, Tier.STANDARD, catalog.QD51_DEMO_CODE),
    ]:
        province = AdministrativeUnit.objects.get(code="DEMO")
        found = CriteriaSet.objects.in_force(year=year, level="commune", tier=tier, province=province).first()
        assert found.code == code


# --- Assessments -------------------------------------------------------------------------------


def test_every_old_commune_is_assessed_against_the_standard_set_in_2024_and_2025(seeded):
    for year in (2024, 2025):
        assessed = demo_assessments().filter(year=year, criteria_set__code="QD318-2022-XA-NTM")
        assert set(assessed.values_list("unit__code", flat=True)) == {f"DEMO-X{i:03d}" for i in range(1, 9)}


def test_stored_criteria_met_matches_the_criterion_results(seeded):
    assessments = demo_assessments().annotate(
        counted=Count("results", filter=Q(results__met=True)), results_total=Count("results")
    )
    assert assessments.count() > 100
    for a in assessments:
        assert a.criteria_met == a.counted and a.criteria_total == a.results_total, a


def test_recognised_assessments_carry_a_decision_and_full_marks(seeded):
    recognised = demo_assessments().filter(state=AssessmentState.RECOGNISED)
    assert recognised.filter(unit__level=Level.COMMUNE).exists()
    for a in recognised:
        assert a.decision_number.endswith("/QĐ-UBND") and a.decision_date is not None
        assert a.criteria_met == a.criteria_total
    assert CriterionResult.objects.filter(assessment__in=recognised, met=False).count() == 0


def test_the_2026_assessments_use_the_province_version_of_qd51(seeded):
    communes = demo_assessments().filter(year=2026, unit__level=Level.COMMUNE)
    assert set(communes.values_list("criteria_set__code", flat=True)) == {catalog.QD51_DEMO_CODE}
    assert set(communes.values_list("unit__code", flat=True)) == set(
        demo_units().filter(code__startswith="DEMO-M", level=Level.COMMUNE).values_list("code", flat=True)
    )
    assert set(communes.values_list("state", flat=True)) <= {AssessmentState.DRAFT, AssessmentState.SUBMITTED}


def test_villages_are_assessed_every_year_and_some_are_recognised(seeded):
    villages = demo_assessments().filter(unit__level=Level.VILLAGE)
    assert set(villages.values_list("criteria_set__code", flat=True)) == {"DEMO-THON-NTM"}
    old_villages = demo_units().filter(level=Level.VILLAGE, valid_to=datetime.date(2025, 6, 30)).count()
    assert villages.filter(year=2024).count() == old_villages
    assert villages.filter(state=AssessmentState.RECOGNISED).exists()


def test_history_is_dated_in_the_assessment_year(seeded):
    for year, at in HistoryEntry.objects.filter(demo_area("assessment__unit__")).values_list("assessment__year", "at"):
        assert at.year == year


def test_last_changes_and_values_are_dated_in_the_assessment_year(seeded):
    """What the tables and the inbox show ("last change", "waiting since", "entered at") is
    the moment of the last history entry, not the moment of seeding."""
    for year, at in demo_assessments().values_list("year", "updated_at"):
        assert at.year == year
    for year, at in IndicatorValue.objects.filter(assessment__in=demo_assessments()).values_list(
        "assessment__year", "updated_at"
    ):
        assert at.year == year


def test_each_district_has_its_own_2024_assessment_one_with_the_province(seeded):
    districts = demo_assessments().filter(unit__level=Level.DISTRICT)
    assert sorted(districts.values_list("unit__code", "year", "state", "criteria_met", "criteria_total")) == [
        (f"{run.PROVINCE_CODE}-H1", 2024, AssessmentState.VERIFIED, 7, 9),
        (f"{run.PROVINCE_CODE}-H2", 2024, AssessmentState.DRAFT, 5, 9),
    ]


def test_nothing_happens_to_a_unit_after_it_ended(seeded):
    """Units that ended on 30/06/2025 are assessed, decided and revoked before then."""
    ended = demo_assessments().filter(unit__valid_to__isnull=False)
    late_history = HistoryEntry.objects.filter(
        assessment__in=ended, at__date__gt=F("assessment__unit__valid_to")
    ).count()
    assert late_history == 0
    assert not ended.filter(decision_date__gt=F("unit__valid_to")).exists()
    assert not ended.filter(revocation_date__gt=F("unit__valid_to")).exists()
    assert ended.filter(decision_date__isnull=False).exists()


# --- Users -------------------------------------------------------------------------------------


def test_demo_logins_authenticate_with_their_memberships(seeded):
    for user in run.DEMO_USERS:
        request = RequestFactory().post("/accounts/login/")  # django-axes checks lockouts per request
        logged_in = authenticate(request, username=user.username, password=run.DEMO_PASSWORD)
        assert logged_in is not None, user.username
        assert logged_in.first_name and logged_in.last_name
        if user.role is None:
            assert logged_in.is_superuser and logged_in.is_staff
        else:
            assert Membership.objects.filter(user=logged_in, unit__code=user.unit_code, role=user.role).exists()


# --- Running again -----------------------------------------------------------------------------


def test_running_twice_without_reset_is_refused_and_writes_nothing(seeded):
    before = fingerprint()
    with pytest.raises(CommandError, match="--reset"):
        seed(*ARGS)
    assert fingerprint() == before


def test_reset_with_the_same_seed_rebuilds_identical_data(seeded):
    before = fingerprint()
    users = get_user_model().objects.count()
    seed(*ARGS, "--reset")
    assert fingerprint() == before
    assert get_user_model().objects.count() == users


def test_a_different_seed_gives_different_data(seeded):
    before = fingerprint()
    seed("--communes", "8", "--years", "2024-2026", "--seed", "8", "--reset")
    after = fingerprint()
    assert after[0] != before[0] and after[2] != before[2]


def test_reset_leaves_no_demo_rows_behind(seeded):
    from criteria.models import CriteriaSetChange
    from criteria.services.set_workspace import criteria_set_clone_for, target_confirm

    # The demo province office worked on a set of its own (history, a confirmed target).
    office = get_user_model().objects.get(username="tinh")
    national = CriteriaSet.objects.filter(code=catalog.QD51_CODE).first()
    clone = criteria_set_clone_for(criteria_set=national, province=run.demo_province(), user=office)
    flagged = clone.indicators.filter(targets__to_verify=True).first()
    if flagged is not None:
        target_confirm(target=flagged.targets.filter(to_verify=True).first(), user=office)
    run.reset_demo()
    assert not CriteriaSetChange.objects.filter(criteria_set=clone.pk).exists()
    assert not demo_units().exists()
    assert not CriteriaSet.objects.filter(code__in=["DEMO-THON-NTM", catalog.QD51_DEMO_CODE]).exists()
    assert not get_user_model().objects.filter(username__in=[u.username for u in run.DEMO_USERS]).exists()
    assert CriteriaSet.objects.filter(code=catalog.QD51_CODE).exists()  # the national catalog stays


@pytest.mark.parametrize("years", ["2026-2024", "2024", "1999-2001", "2024-2040"])
def test_bad_years_are_refused_with_a_clear_message(years):
    with pytest.raises(CommandError, match="--years must look like 2021-2026"):
        seed("--years", years)


def test_if_missing_leaves_an_existing_demo_alone_and_prints_the_logins(seeded):
    before = fingerprint()
    out = seed(*ARGS, "--if-missing")
    assert "already there" in out and "xa1" in out and "ntm-demo-2026" in out
    # A login of a commune that ended with the 2025 merger is told it only reads (its office acts).
    [xa1] = [line for line in out.splitlines() if line.strip().startswith("xa1 ")]
    assert xa1.endswith("(ended 30/06/2025: reads its history only)")
    [xamoi1] = [line for line in out.splitlines() if line.strip().startswith("xamoi1 ")]
    assert "ended" not in xamoi1
    assert fingerprint() == before


# --- What offices report beside the values -------------------------------------------------------


def test_some_demo_communes_report_criteria_basically_met_never_counted_as_met(seeded):
    marked = CriterionResult.objects.filter(demo_area("assessment__unit__"), basically_met=True)
    assert marked.exists() and not marked.filter(met=True).exists()
    assert all(r.basically_met_reason and r.basically_met_by for r in marked)
    with_basic = demo_assessments().filter(criteria_basically_met__gt=0)
    assert with_basic.exists()
    assert not with_basic.filter(state="recognised", criteria_met__lt=F("criteria_total")).exists()
    marked_on_sheets = with_basic.filter(summary=False)  # summary records carry it from their report
    assert (
        HistoryEntry.objects.filter(assessment__in=marked_on_sheets, kind="basic").count() >= marked_on_sheets.count()
    )


def test_the_demo_has_not_applicable_indicators_with_their_reason(seeded):
    na = IndicatorValue.objects.filter(demo_area("assessment__unit__"), not_applicable=True)
    assert na.exists()
    assert all(v.indicator.conditional and v.note and v.value is None for v in na.select_related("indicator"))


def test_the_demo_has_summary_records_for_2016_to_2020_counted_in_the_figures(seeded):
    from reports.selectors import progress_summary

    records = demo_assessments().filter(summary=True)
    assert set(records.values_list("year", flat=True)) == {2016, 2017, 2018, 2019, 2020}
    assert not records.filter(values__isnull=False).exists()
    assert all(r.source_number and r.source_date for r in records)
    province = AdministrativeUnit.objects.get(code=run.PROVINCE_CODE)
    figures = progress_summary(unit=province, year=2019, tier="standard")
    assert figures.communes_with_data == records.filter(year=2019).count() > 0


def test_the_demo_has_ocop_products_certified_expired_and_ideas(seeded):
    from django.utils import timezone

    from ocop.models import OcopProduct
    from ocop.selectors import ocop_counts

    province = run.demo_province()
    today = timezone.localdate()
    counts = ocop_counts(province, (datetime.date(today.year, 1, 1), today))
    assert [(line.stars, line.certified) for line in counts.by_stars] == [(3, 3), (4, 2), (5, 1)]
    assert (counts.expired, counts.ideas, counts.rating) == (1, 2, 1)
    assert not OcopProduct.objects.exclude(subtree_q(province, "commune__")).exists()


def test_the_province_keeps_its_communes_on_qd_1980_for_2021_as_its_plan_says(seeded):
    from criteria.models import SetInForce

    seed("--communes", "8", "--years", "2021-2022", "--seed", "3", "--reset")
    province = run.demo_province()
    choice = SetInForce.objects.get(province=province, year=2021, tier=Tier.STANDARD)
    assert choice.criteria_set.code == catalog.QD1980_CODE and "Kế hoạch" in choice.basis
    full = demo_assessments().filter(unit__level=Level.COMMUNE, tier=Tier.STANDARD, summary=False)
    assert set(full.filter(year=2021).values_list("criteria_set__code", flat=True)) == {catalog.QD1980_CODE}
    assert catalog.QD1980_CODE not in set(full.filter(year=2022).values_list("criteria_set__code", flat=True))
    assert set(demo_assessments().filter(summary=True).values_list("year", flat=True)) == set(range(2016, 2021))
    # Criteria "cơ bản đạt" on QĐ 1980 in 2021 are expected met by the end of 2021, after the
    # set's period (the full demo's seed was refused so, and make run stopped).
    marked = CriterionResult.objects.filter(assessment__in=full.filter(year=2021), basically_met=True)
    assert {r.basically_met_by for r in marked} == {datetime.date(2021, 12, 31)}
    run.reset_demo()  # the province's choice does not hold the reset back
    assert not SetInForce.objects.filter(province__code=run.PROVINCE_CODE).exists()


def test_a_recognitions_comment_names_the_title_once(seeded):
    comments = set(
        HistoryEntry.objects.filter(assessment__in=demo_assessments(), comment__startswith="Công nhận").values_list(
            "comment", flat=True
        )
    )
    assert "Công nhận xã đạt chuẩn nông thôn mới." in comments
    assert not [c for c in comments if "đạt chuẩn xã" in c], comments  # "Công nhận đạt chuẩn xã đạt chuẩn …"
