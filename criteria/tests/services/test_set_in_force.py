"""The set in force: a province chooses which published set its units are assessed against."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from criteria.models import Assessment, HistoryEntry, HistoryKind
from criteria.services import assessment_start
from criteria.services.in_force import criteria_set_in_force, other_set_refusal, set_in_force_choose
from criteria.services.summary import assessment_record_summary
from criteria.tests.factories import make_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def sets(tree):
    return {
        "old": make_set(code="OLD-2016", year_from=2016, year_to=2020),
        "new": make_set(code="NEW-2021", year_from=2021, year_to=2025),
        "own": make_set(code="PROVINCE-OWN", year_from=2021, year_to=2025, issuer=tree.province),
        "other": make_set(code="OTHER-PROVINCE", year_from=2021, year_to=2025, issuer=tree.d1),
    }


def test_without_a_choice_the_province_s_own_set_covering_the_year_applies(tree, sets):
    assert criteria_set_in_force(unit=tree.a, year=2022, tier="standard") == sets["own"]


def test_the_province_puts_the_2016_2020_set_in_force_for_2021_and_starting_uses_it(tree, sets, personas):
    set_in_force_choose(
        province=tree.province,
        year=2021,
        criteria_set=sets["old"],
        basis="KH 12/KH-UBND 15/01/2021",
        user=personas.province_office,
    )
    assert criteria_set_in_force(unit=tree.a, year=2021, tier="standard") == sets["old"]
    started = assessment_start(unit=tree.a, year=2021, tier="standard", user=personas.officer_a)
    assert started.created and started.assessment.criteria_set == sets["old"]  # outside its years, as decided


def test_another_set_than_the_one_in_force_needs_a_reason_kept_in_the_history(tree, sets, personas):
    with pytest.raises(ValidationError) as exc:
        assessment_start(unit=tree.a, year=2022, tier="standard", user=personas.officer_a, criteria_set=sets["new"])
    assert "say why" in exc.value.message_dict["reason"][0]
    started = assessment_start(
        unit=tree.a,
        year=2022,
        tier="standard",
        user=personas.officer_a,
        criteria_set=sets["new"],
        reason="Xã đăng ký đánh giá theo bộ tiêu chí quốc gia",
    )
    assert started.assessment.criteria_set == sets["new"]
    created = HistoryEntry.objects.get(assessment=started.assessment, kind=HistoryKind.CREATED)
    assert created.comment == "Xã đăng ký đánh giá theo bộ tiêu chí quốc gia"


def test_a_set_outside_its_years_without_the_province_s_choice_is_refused(tree, sets, personas):
    with pytest.raises(ValidationError, match="applies to the years 2016–2020, not 2021"):
        assessment_start(
            unit=tree.a, year=2021, tier="standard", user=personas.officer_a, criteria_set=sets["old"], reason="cũ"
        )


@pytest.mark.parametrize("who", ["officer_a", "district_d1", "viewer"])
def test_only_the_province_office_chooses(tree, sets, personas, who):
    with pytest.raises(PermissionDenied):
        set_in_force_choose(
            province=tree.province, year=2021, criteria_set=sets["old"], basis="x", user=getattr(personas, who)
        )


def test_a_choice_needs_a_basis_and_a_set_of_the_state_or_the_province(tree, sets, personas):
    with pytest.raises(ValidationError) as exc:
        set_in_force_choose(
            province=tree.province, year=2022, criteria_set=sets["other"], basis=" ", user=personas.province_office
        )
    assert set(exc.value.message_dict) == {"criteria_set", "basis"}


# --- One rule for every way in: "another set than the one in force needs a reason" ----------


def test_the_rule_answers_nothing_for_the_set_in_force_and_a_refusal_on_reason_for_another(tree, sets):
    assert other_set_refusal(unit=tree.a, year=2022, criteria_set=sets["own"], reason="") is None
    refusal = other_set_refusal(unit=tree.a, year=2022, criteria_set=sets["new"], reason="  ")
    assert "The set in force for 2022 is" in refusal.message_dict["reason"][0]
    assert other_set_refusal(unit=tree.a, year=2022, criteria_set=sets["new"], reason="KH 12") is None


def test_a_summary_record_against_another_set_needs_a_reason_kept_in_the_history(tree, sets, personas):
    report = {"met": {1}, "source_number": "25/BC-UBND", "source_date": datetime.date(2023, 3, 15)}
    with pytest.raises(ValidationError) as exc:
        assessment_record_summary(unit=tree.a, criteria_set=sets["new"], year=2022, user=personas.officer_a, **report)
    assert "say why" in exc.value.message_dict["reason"][0]
    assert not Assessment.objects.filter(unit=tree.a).exists()  # nothing half-applied
    a = assessment_record_summary(
        unit=tree.a, criteria_set=sets["new"], year=2022, user=personas.officer_a, reason="Theo BC của huyện", **report
    )
    created = HistoryEntry.objects.get(assessment=a, kind=HistoryKind.CREATED)
    assert created.comment == "Summary record from 25/BC-UBND. Theo BC của huyện"


def test_a_summary_record_against_the_set_the_province_put_in_force_needs_no_reason(tree, sets, personas):
    set_in_force_choose(
        province=tree.province, year=2021, criteria_set=sets["old"], basis="KH 12", user=personas.province_office
    )
    a = assessment_record_summary(
        unit=tree.a,
        criteria_set=sets["old"],
        year=2021,
        met={1, 2},
        source_number="45/KH-UBND",
        source_date=datetime.date(2022, 2, 10),
        user=personas.officer_a,
    )
    assert (a.summary, a.criteria_met, a.criteria_set) == (True, 2, sets["old"])


def test_a_chosen_set_retired_since_gives_way_to_the_default(tree, sets, personas):
    set_in_force_choose(
        province=tree.province,
        year=2021,
        criteria_set=sets["old"],
        basis="KH 12/KH-UBND",
        user=personas.province_office,
    )
    sets["old"].status = "retired"
    sets["old"].save(update_fields=["status"])
    assert criteria_set_in_force(unit=tree.a, year=2021, tier="standard") == sets["own"]


def _next_version(sets, personas, tree, *, effective: datetime.date, change: bool = True):
    """The province's amendment of its own set: a clone of the same code, published."""
    from criteria.models import Target
    from criteria.services.set_workspace import criteria_set_clone_for, criteria_set_publish_checked

    office = personas.province_office
    v2 = criteria_set_clone_for(criteria_set=sets["own"], province=tree.province, user=office)
    type(v2).objects.filter(pk=v2.pk).update(effective_date=effective)
    v2.refresh_from_db()
    if change:
        Target.objects.filter(indicator__criteria_set=v2, indicator__code="2.1", region="").update(value=85)
    return criteria_set_publish_checked(criteria_set=v2, user=office, accept_unconfirmed=1)


def test_a_published_amendment_replaces_the_version_it_was_cloned_from_from_its_effective_date(tree, sets, personas):
    """QA: v1, v2, v3 of the province's set all read "published" and all were offered."""
    from criteria.forms import SetInForceForm
    from criteria.services.in_force import other_sets

    v1 = sets["own"]
    set_in_force_choose(
        province=tree.province, year=2024, criteria_set=v1, basis="KH 1/KH-UBND", user=personas.province_office
    )
    earlier = assessment_start(unit=tree.b, year=2024, tier="standard", user=personas.officer_b).assessment
    v2 = _next_version(sets, personas, tree, effective=datetime.date(2024, 3, 1))
    assert v2.supersedes == v1 and v1.replaced_by() == v2
    # Before the amendment's year the first version may still be used; from it on, the amendment.
    assert v1 in other_sets(tree.a, 2023, "standard", v2)
    assert criteria_set_in_force(unit=tree.a, year=2024, tier="standard") == v2  # the earlier choice of v1 too
    assert v1 not in other_sets(tree.a, 2024, "standard", v2)
    assert v1 not in SetInForceForm(province=tree.province).fields["criteria_set"].queryset
    with pytest.raises(ValidationError) as refused:
        assessment_start(
            unit=tree.a, year=2024, tier="standard", user=personas.officer_a, criteria_set=v1, reason="Theo bản cũ"
        )
    assert "is replaced by" in refused.value.messages[0]
    with pytest.raises(ValidationError) as refused:
        set_in_force_choose(
            province=tree.province, year=2025, criteria_set=v1, basis="KH 2/KH-UBND", user=personas.province_office
        )
    assert "is replaced by" in refused.value.message_dict["criteria_set"][0]
    earlier.refresh_from_db()
    assert earlier.criteria_set == v1  # an assessment already made keeps its set


def test_an_amendment_that_drops_years_leaves_them_to_the_version_before(tree, sets, personas):
    """QA: v2 covered 2024 only where v1 covered 2021–2025: for 2025 the communes fell back, without
    a word, to the State's set."""
    v1 = sets["own"]
    from criteria.models import CriteriaSet

    CriteriaSet.objects.filter(pk=v1.pk).update(year_from=2021, year_to=2025)
    v2 = criteria_set_clone_for_years(sets, personas, tree, year_to=2024)
    assert criteria_set_in_force(unit=tree.a, year=2024, tier="standard") == v2
    assert criteria_set_in_force(unit=tree.a, year=2025, tier="standard") == v1


def criteria_set_clone_for_years(sets, personas, tree, *, year_to: int):
    from criteria.models import Target
    from criteria.services.set_workspace import criteria_set_clone_for, criteria_set_publish_checked

    office = personas.province_office
    v2 = criteria_set_clone_for(criteria_set=sets["own"], province=tree.province, user=office)
    type(v2).objects.filter(pk=v2.pk).update(effective_date=datetime.date(2024, 1, 1), year_to=year_to)
    v2.refresh_from_db()
    Target.objects.filter(indicator__criteria_set=v2, indicator__code="2.1", region="").update(value=85)
    return criteria_set_publish_checked(criteria_set=v2, user=office, accept_unconfirmed=1)


def test_an_amendment_identical_to_the_version_it_replaces_is_refused(tree, sets, personas):
    """QA: v2 was an unchanged copy of v1 under the same decision, published beside it."""
    with pytest.raises(ValidationError) as refused:
        _next_version(sets, personas, tree, effective=datetime.date(2024, 3, 1), change=False)
    assert "same groups, criteria, indicators and targets as PROVINCE-OWN v1" in refused.value.messages[0]
    assert criteria_set_in_force(unit=tree.a, year=2024, tier="standard") == sets["own"]


@pytest.fixture
def v2_from_2025(tree, sets, personas):
    """QA: the province's v2 (12/2024/QĐ-UBND of 20/12/2024, effective 01/01/2025) of its set of
    2021–2025."""
    from criteria.tests.factories import publish_next_version

    return publish_next_version(
        sets["own"],
        user=personas.province_office,
        decision_number="12/2024/QĐ-UBND",
        decision_date=datetime.date(2024, 12, 20),
        effective_date=datetime.date(2025, 1, 1),
    )


def test_a_later_version_is_the_default_only_from_the_year_it_takes_effect(tree, sets, personas, v2_from_2025):
    """QA: v2, effective 01/01/2025, was offered as the set in force for 2023 and 2024 (v1 only as
    "another set"), and 2023's assessments were started on it — then recognising them was refused
    because v2 was not in force before 2025."""
    from criteria.services.in_force import other_sets

    v1, v2 = sets["own"], v2_from_2025
    defaults = {
        year: criteria_set_in_force(unit=tree.a, year=year, tier="standard") for year in (2021, 2023, 2024, 2025)
    }
    assert defaults == {2021: v1, 2023: v1, 2024: v1, 2025: v2}
    # Before its year v2 may still be chosen as another set, with a reason; from it, v1 no longer.
    assert v2 in other_sets(tree.a, 2024, "standard", v1)
    assert v1 not in other_sets(tree.a, 2025, "standard", v2)
    started = assessment_start(unit=tree.a, year=2023, tier="standard", user=personas.officer_a)
    assert started.assessment.criteria_set == v1
    with pytest.raises(ValidationError) as refused:
        assessment_start(unit=tree.b, year=2024, tier="standard", user=personas.officer_b, criteria_set=v2)
    assert "The set in force for 2024 is Thử PROVINCE-OWN (1/QĐ-TEST)" in refused.value.message_dict["reason"][0]


def test_the_2023_summary_record_on_the_default_set_takes_its_2023_recognition(tree, sets, personas, v2_from_2025):
    """QA: the record went onto v2, and the recognition decision of 20/12/2023 was refused: "the set
    is in force from 01/01/2025"."""
    from criteria.services import assessment_transition

    office = personas.province_office
    in_force = criteria_set_in_force(unit=tree.a, year=2023, tier="standard")
    a = assessment_record_summary(
        unit=tree.a,
        criteria_set=in_force,
        year=2023,
        met={1, 2, 3},
        basically_met=set(),
        source_number="25/BC-UBND",
        source_date=datetime.date(2024, 1, 15),
        user=personas.officer_a,
    )
    decision = {"decision_number": "318/QĐ-UBND", "decision_date": datetime.date(2023, 12, 20)}
    a = assessment_transition(assessment=a, action="record_recognition", user=office, **decision)
    assert (a.criteria_set, a.state, a.decision_number) == (sets["own"], "recognised", "318/QĐ-UBND")


def test_the_api_starts_the_assessment_of_a_year_before_the_later_version_on_the_version_then_in_force(
    tree, sets, personas, v2_from_2025
):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(personas.officer_a)
    body = {"unit": tree.a.code, "year": 2023, "tier": "standard"}
    created = api.post("/api/v1/assessments/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["criteria_set"]["id"] == sets["own"].pk
    later = api.post("/api/v1/assessments/", {"unit": tree.a.code, "year": 2025, "tier": "standard"}, format="json")
    assert later.json()["criteria_set"]["id"] == v2_from_2025.pk
