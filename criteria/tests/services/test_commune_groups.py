"""commune_group_set: the province office sets a commune's 2026–2030 group with its basis."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from criteria.models import CommuneGroupAssignment, CommuneGroupChange, GroupCondition, Target
from criteria.services.commune_groups import (
    MSG_CONDITION_OF_OTHER_GROUP,
    MSG_DECISION_REQUIRED,
    MSG_NOT_A_COMMUNE,
    commune_group_history,
    commune_group_of,
    commune_group_set,
    province_commune_groups,
)
from criteria.targets import target_for
from criteria.tests.factories import make_set
from ntm_portal.errors import StaleWriteError

pytestmark = pytest.mark.django_db

DECIDED = datetime.date(2026, 1, 20)


def set_group(unit, user, group=3, condition=GroupCondition.MINORITY_MOUNTAIN_III, **kwargs):
    kwargs.setdefault("decision_number", "120/QĐ-UBND")
    kwargs.setdefault("decision_date", DECIDED)
    return commune_group_set(unit=unit, group=group, condition=condition, user=user, **kwargs)


def test_the_province_office_sets_a_group_with_its_basis_and_history(tree, personas):
    assignment = set_group(tree.a, personas.province_office, note="Theo rà soát vùng DTTS")
    tree.a.refresh_from_db()
    assert tree.a.commune_group == 3
    assert (assignment.condition, assignment.decision_number, assignment.decision_date) == (
        GroupCondition.MINORITY_MOUNTAIN_III,
        "120/QĐ-UBND",
        DECIDED,
    )
    assert assignment.version == 1 and assignment.set_by == personas.province_office
    [change] = commune_group_history(tree.a)
    assert (change.old_group, change.new_group, change.new_condition, change.user) == (
        None,
        3,
        GroupCondition.MINORITY_MOUNTAIN_III,
        personas.province_office,
    )
    assert change.note == "Theo rà soát vùng DTTS"


def test_a_change_keeps_the_old_group_and_condition_in_the_history(tree, personas):
    set_group(tree.a, personas.province_office)
    set_group(tree.a, personas.province_office, group=2, condition=GroupCondition.OTHER, decision_number="7/QĐ-UBND")
    newest, first = commune_group_history(tree.a)
    assert (newest.old_group, newest.new_group) == (3, 2)
    assert (newest.old_condition, newest.new_condition) == (GroupCondition.MINORITY_MOUNTAIN_III, GroupCondition.OTHER)
    assert newest.decision_number == "7/QĐ-UBND" and first.decision_number == "120/QĐ-UBND"
    assert commune_group_of(tree.a).version == 2


def test_the_same_basis_again_changes_nothing(tree, personas):
    set_group(tree.a, personas.province_office)
    set_group(tree.a, personas.province_office)
    assert len(commune_group_history(tree.a)) == 1


def test_a_commune_officer_reads_but_does_not_set_the_group(tree, personas):
    for user in (personas.officer_a, personas.district_d1, personas.viewer, personas.outsider):
        with pytest.raises(PermissionDenied):
            set_group(tree.a, user)
    assert not CommuneGroupAssignment.objects.exists()


def test_a_condition_of_another_group_is_refused_at_the_condition(tree, personas):
    with pytest.raises(ValidationError) as error:
        set_group(tree.a, personas.province_office, group=2, condition=GroupCondition.MINORITY_MOUNTAIN_II)
    assert error.value.message_dict["condition"] == [str(MSG_CONDITION_OF_OTHER_GROUP) % {"group": 3, "chosen": 2}]


def test_the_deciding_document_is_required(tree, personas):
    with pytest.raises(ValidationError) as error:
        set_group(tree.a, personas.province_office, decision_number="  ", decision_date=None)
    assert error.value.message_dict["decision_number"] == [str(MSG_DECISION_REQUIRED)]
    assert "decision_date" in error.value.message_dict


def test_only_a_commune_has_a_group(tree, personas):
    with pytest.raises(ValidationError) as error:
        set_group(tree.d1, personas.province_office)
    assert error.value.messages == [str(MSG_NOT_A_COMMUNE)]


def test_a_change_based_on_an_old_version_is_refused(tree, personas):
    set_group(tree.a, personas.province_office)
    with pytest.raises(StaleWriteError) as error:
        set_group(tree.a, personas.province_office, group=1, condition=GroupCondition.URBANISING, expected_version=0)
    assert error.value.current.group == 3
    tree.a.refresh_from_db()
    assert tree.a.commune_group == 3


def test_the_history_is_append_only(tree, personas):
    set_group(tree.a, personas.province_office)
    change = CommuneGroupChange.objects.get()
    with pytest.raises(ValidationError):
        change.delete()
    with pytest.raises(ValidationError):
        CommuneGroupChange.objects.update(note="rewritten")
    change.note = "rewritten"
    with pytest.raises(ValidationError):
        change.save()


def test_targets_resolve_by_the_group_the_office_set(tree, personas):
    s = make_set(publish=False)
    income = s.indicators.get(code="3.1")
    Target.objects.create(indicator=income, value=Decimal(30), commune_group=3)
    Target.objects.create(indicator=income, value=Decimal(50), commune_group=1)
    assert target_for(income, unit=tree.a, year=2023, criteria_set=s).value == Decimal(40)
    set_group(tree.a, personas.province_office)
    assert target_for(income, unit=tree.a, year=2023, criteria_set=s).value == Decimal(30)
    set_group(tree.a, personas.province_office, group=1, condition=GroupCondition.AGRICULTURE_UNDER_10)
    assert target_for(income, unit=tree.a, year=2023, criteria_set=s).value == Decimal(50)


def test_the_province_list_shows_each_commune_with_its_group_in_few_queries(tree, personas, django_assert_num_queries):
    set_group(tree.b, personas.province_office)
    with django_assert_num_queries(2):
        page = province_commune_groups(tree.province)
        rows = list(page.object_list)
    assert [(r.commune.code, r.assignment.group if r.assignment else None) for r in rows] == [
        ("40201", None),
        ("40101", None),
        ("40102", 3),
    ]
    assert [r.commune.code for r in province_commune_groups(tree.province, query="duc linh").object_list] == ["40102"]


def test_a_bare_group_from_before_shows_as_the_old_group(tree, personas):
    type(tree.a).objects.filter(pk=tree.a.pk).update(commune_group=2)
    tree.a.refresh_from_db()
    set_group(tree.a, personas.province_office)
    [change] = commune_group_history(tree.a)
    assert (change.old_group, change.old_condition, change.new_group) == (2, "", 3)


def test_a_new_group_works_the_communes_outcomes_and_results_out_again(tree, personas):
    """QA: after the office moved a commune from group 2 to group 1, its sheet showed group 1's
    targets beside group 2's outcomes ("≥ 90 triệu — nhóm xã 1 · Đạt 85,3") and the lists kept
    the old count of criteria met."""
    from criteria.models import Assessment, CriterionResult, IndicatorValue
    from criteria.services import ValueEntry, assessment_create, assessment_record_values
    from criteria.services.catalog import catalog_set_publish

    s = make_set(year_from=2026, year_to=2030, publish=False)
    income = s.indicators.get(code="3.1")
    Target.objects.filter(indicator=income, year__isnull=False).delete()  # the factory's 2024 target
    Target.objects.create(indicator=income, value=Decimal(50), commune_group=1)
    Target.objects.create(indicator=income, value=Decimal(40), commune_group=2)
    catalog_set_publish(criteria_set=s)
    set_group(tree.a, personas.province_office, group=2, condition=GroupCondition.OTHER)
    assessment = assessment_create(unit=tree.a, criteria_set=s, year=2026, user=personas.officer_a)
    entries = [ValueEntry("3.1", "45"), ValueEntry("3.2", "0")]  # criterion 3 met in group 2
    assessment_record_values(assessment=assessment, entries=entries, user=personas.officer_a)
    value = IndicatorValue.objects.get(assessment=assessment, indicator=income)
    result = CriterionResult.objects.get(assessment=assessment, criterion=income.criterion)
    met_before = Assessment.objects.get(pk=assessment.pk).criteria_met
    assert (value.outcome, result.met) == ("met", True)

    set_group(tree.a, personas.province_office, group=1, condition=GroupCondition.AGRICULTURE_UNDER_10)
    value.refresh_from_db()
    result.refresh_from_db()
    assert (value.outcome, result.met) == ("not_met", False)
    assert Assessment.objects.get(pk=assessment.pk).criteria_met == met_before - 1
    # The sheet's history says why its outcomes moved, and who decided (QA: no trace on the sheet).
    from criteria.models import HistoryEntry, HistoryKind

    entry = HistoryEntry.objects.get(assessment=assessment, kind=HistoryKind.TARGETS)
    assert entry.user == personas.province_office
    assert entry.comment == (
        "The commune's group changed from 2 to 1 (120/QĐ-UBND of 20/01/2026): its targets, and the outcomes "
        "against them, follow."
    )


def test_a_commune_that_ended_before_2026_gets_no_group(tree, personas):
    """QA: a commune merged away on 30 June 2025 was given a 2026–2030 group."""
    from criteria.services.commune_groups import MSG_NOT_IN_PERIOD

    tree.a.valid_to = datetime.date(2025, 6, 30)
    tree.a.save(update_fields=["valid_to"])
    with pytest.raises(ValidationError) as refused:
        set_group(tree.a, personas.province_office)
    assert refused.value.messages == [str(MSG_NOT_IN_PERIOD % {"unit": tree.a.name})]
    assert not CommuneGroupAssignment.objects.exists() and not CommuneGroupChange.objects.exists()


def test_a_group_cannot_change_under_a_standing_recognition(tree, personas):
    """QA: moving a recognised commune (10/10 under group 2) to group 1 worked its recognised
    sheet out again: "Đã công nhận · 3/10 tiêu chí đạt"."""
    from criteria.models import Assessment, AssessmentState
    from criteria.services.catalog import catalog_set_publish
    from criteria.services.commune_groups import MSG_DECIDED_UNDER_GROUP

    s = make_set(year_from=2026, year_to=2030, publish=False)
    income = s.indicators.get(code="3.1")
    Target.objects.create(indicator=income, value=Decimal(50), commune_group=1)
    catalog_set_publish(criteria_set=s)
    set_group(tree.a, personas.province_office, group=2, condition=GroupCondition.OTHER)
    recognised = Assessment.objects.create(
        unit=tree.a,
        criteria_set=s,
        year=2026,
        tier=s.tier,
        state=AssessmentState.RECOGNISED,
        decision_number="45/QĐ-UBND",
        decision_date=datetime.date(2026, 3, 1),
    )
    with pytest.raises(ValidationError) as refused:
        set_group(tree.a, personas.province_office, group=1, condition=GroupCondition.AGRICULTURE_UNDER_10)
    params = {"unit": tree.a.name, "year": 2026, "group": 2, "decision": "45/QĐ-UBND", "date": "01/03/2026"}
    assert refused.value.message_dict == {"group": [str(MSG_DECIDED_UNDER_GROUP % params)]}
    assert commune_group_of(tree.a).group == 2 and CommuneGroupChange.objects.count() == 1
    # Revoked, the decision no longer stands: the group may change.
    Assessment.objects.filter(pk=recognised.pk).update(
        state=AssessmentState.REVOKED, revocation_number="9/QĐ-UBND", revocation_date=datetime.date(2026, 6, 1)
    )
    set_group(tree.a, personas.province_office, group=1, condition=GroupCondition.AGRICULTURE_UNDER_10)
    assert commune_group_of(tree.a).group == 1
