import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from plans.models import RegisteredTarget, RegisteredTargetChange
from plans.selectors import plan_summary
from plans.services import (
    MSG_TARGET_NO_PERMISSION,
    StaleWriteError,
    registered_target_set,
    registered_target_withdraw,
)
from plans.tests.factories import make_target

pytestmark = pytest.mark.django_db


def _set(user, unit, *, tier="standard", year=2025, basis="Kế hoạch 12/KH-UBND", version=0):
    return registered_target_set(
        unit=unit, tier=tier, target_year=year, basis=basis, user=user, expected_version=version
    )


def test_the_district_committee_registers_a_commune_target_with_its_history(tree, personas):
    target = _set(personas.district_d1, tree.a, year=2024)
    assert (target.target_year, target.version, target.set_by) == (2024, 1, personas.district_d1)

    _set(personas.district_d1, tree.a, year=2025, basis="Quyết định 5/QĐ-UBND", version=1)

    changes = list(RegisteredTargetChange.objects.filter(target=target).values_list("old_year", "new_year", "basis"))
    assert changes == [(None, 2024, "Kế hoạch 12/KH-UBND"), (2024, 2025, "Quyết định 5/QĐ-UBND")]


def test_setting_the_same_year_and_basis_again_changes_nothing(tree, personas):
    _set(personas.district_d1, tree.a)
    target = _set(personas.district_d1, tree.a, version=1)
    assert target.version == 1
    assert RegisteredTargetChange.objects.count() == 1


def test_the_province_office_sets_a_district_target_and_a_village_target(tree, personas):
    assert _set(personas.province_office, tree.d1).unit == tree.d1
    assert _set(personas.province_office, tree.a1).unit == tree.a1


def test_the_district_committee_may_set_a_village_target_but_not_its_own(tree, personas):
    assert _set(personas.district_d1, tree.a1).unit == tree.a1
    with pytest.raises(PermissionDenied, match="district steering committee"):
        _set(personas.district_d1, tree.d1)


@pytest.mark.parametrize("who", ["officer_a", "viewer", "district_d2", "outsider"])
def test_others_may_not_register_a_commune_target(tree, personas, who):
    with pytest.raises(PermissionDenied) as exc:
        _set(getattr(personas, who), tree.a)
    assert str(MSG_TARGET_NO_PERMISSION) in str(exc.value)
    assert not RegisteredTarget.objects.exists()


@pytest.mark.parametrize("year", [2009, 2036, 1900])
def test_a_target_year_outside_the_programme_is_refused_at_the_field(tree, personas, year):
    with pytest.raises(ValidationError) as exc:
        _set(personas.district_d1, tree.a, year=year)
    assert exc.value.message_dict == {"target_year": ["The target year must be between 2010 and 2035."]}


def test_a_target_needs_its_decision_or_plan(tree, personas):
    with pytest.raises(ValidationError) as exc:
        _set(personas.district_d1, tree.a, basis="   ")
    assert exc.value.message_dict == {"basis": ["Name the decision or plan this target comes from."]}


def test_a_province_has_no_registered_targets(tree, personas):
    with pytest.raises(ValidationError) as exc:
        _set(personas.province_office, tree.province)
    assert "province targets" in exc.value.message_dict["unit"][0]


def test_a_higher_tier_cannot_be_planned_before_the_lower_one(tree, personas):
    _set(personas.district_d1, tree.a, tier="standard", year=2024)
    with pytest.raises(ValidationError) as exc:
        _set(personas.district_d1, tree.a, tier="advanced", year=2023)
    assert exc.value.message_dict["target_year"] == [
        "The advanced target (2023) cannot come before the standard target (2024): each tier needs the one below."
    ]
    _set(personas.district_d1, tree.a, tier="advanced", year=2026)
    with pytest.raises(ValidationError, match="cannot come after the advanced target"):
        _set(personas.district_d1, tree.a, tier="standard", year=2027, version=1)


def test_a_stale_version_is_refused_and_nothing_changes(tree, personas):
    _set(personas.district_d1, tree.a, year=2024)
    _set(personas.province_office, tree.a, year=2025, version=1)
    with pytest.raises(StaleWriteError) as exc:
        _set(personas.district_d1, tree.a, year=2026, version=1)
    assert "changed by province_office in the meantime (now: 2025)" in exc.value.messages[0]
    assert exc.value.current.target_year == 2025
    assert RegisteredTarget.objects.get().target_year == 2025


def test_a_stale_version_saving_what_stands_now_is_saved_without_a_conflict(tree, personas):
    """Two members typed the same year and basis from the same page: the second is saved, not a
    conflict to choose between two equal targets; nothing more is recorded."""
    _set(personas.district_d1, tree.a, year=2024)
    _set(personas.province_office, tree.a, year=2025, version=1)
    again = _set(personas.district_d1, tree.a, year=2025, version=1)
    assert (again.target_year, again.version) == (2025, 2)
    assert RegisteredTargetChange.objects.count() == 2


def test_a_target_after_the_unit_ceased_to_exist_is_refused(merger):
    with pytest.raises(ValidationError) as exc:
        _set(merger.office, merger.o1, year=2026)
    assert exc.value.message_dict["target_year"] == ["Xã Cũ Một ceased to exist on 30/06/2025."]


def test_a_target_before_the_unit_existed_is_refused(merger):
    """QA: a commune formed on 1 July 2025 was registered to reach the standard in 2024."""
    with pytest.raises(ValidationError) as exc:
        _set(merger.office, merger.m, year=2024)
    assert exc.value.message_dict["target_year"] == [
        "Xã Hợp Nhất exists from 01/07/2025: the target year cannot be before 2025."
    ]
    assert not RegisteredTarget.objects.exists()
    assert _set(merger.office, merger.m, year=2025).target_year == 2025  # the year it began in is fine


@pytest.mark.parametrize(
    "fields",
    [{"target_year": 2009}, {"target_year": 2036}, {"tier": "gold"}, {"basis": ""}],
    ids=["before-programme", "after-2035", "unknown-tier", "no-basis"],
)
def test_the_database_refuses_what_the_service_would(tree, fields):
    values = {"tier": "standard", "target_year": 2025, "basis": "KH", **fields}
    with pytest.raises(IntegrityError), transaction.atomic():
        RegisteredTarget.objects.create(unit=tree.a, set_at="2022-01-01T00:00:00Z", **values)


def test_the_database_keeps_one_target_per_unit_and_tier(tree):
    make_target(tree.a, "standard", 2024)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_target(tree.a, "standard", 2025)


def test_the_history_is_append_only(tree, personas):
    _set(personas.district_d1, tree.a)
    change = RegisteredTargetChange.objects.get()
    with pytest.raises(ValidationError):
        change.save()
    with pytest.raises(ValidationError):
        RegisteredTargetChange.objects.all().delete()


def test_a_higher_tier_needs_the_tier_below_held_or_planned_first(tree, personas):
    """QA: an advanced target was saved for a commune with neither the standard title nor a
    standard target; with either, it is taken."""
    import datetime

    from criteria.models import Assessment
    from criteria.tests.factories import make_set

    with pytest.raises(ValidationError) as refused:
        _set(personas.district_d1, tree.a, tier="advanced", year=2026)
    assert refused.value.message_dict["target_year"] == [
        "The advanced target (2026) needs the standard title first: the unit does not hold it and has no standard "
        "target; register that one first."
    ]
    _set(personas.district_d1, tree.a, tier="standard", year=2025)
    assert _set(personas.district_d1, tree.a, tier="advanced", year=2026).tier == "advanced"
    standard = make_set()
    Assessment.objects.create(
        unit=tree.b,
        criteria_set=standard,
        tier="standard",
        year=2023,
        state="recognised",
        decision_number="9/QĐ-UBND",
        decision_date=datetime.date(2023, 12, 1),
    )
    assert _set(personas.district_d1, tree.b, tier="advanced", year=2026).tier == "advanced"


# --- Withdrawal --------------------------------------------------------------------------------


def _withdraw(user, unit, *, tier="standard", reason="QĐ 7/QĐ-UBND: kế hoạch điều chỉnh", version=1):
    return registered_target_withdraw(unit=unit, tier=tier, reason=reason, user=user, expected_version=version)


def test_a_withdrawn_target_is_no_longer_due_or_overdue_and_its_history_says_why(tree, personas):
    """QA: a commune whose target was dropped stayed "overdue" forever: the year could not be
    cleared, nor moved past the unit's end."""
    _set(personas.district_d1, tree.a, year=2023)
    assert [r.code for r in plan_summary(unit=tree.province, year=2025).overdue] == ["40101"]

    target = _withdraw(personas.district_d1, tree.a)

    assert target.withdrawn_at is not None and target.version == 2 and target.target_year == 2023
    summary = plan_summary(unit=tree.province, year=2025)
    assert summary.overdue == [] and summary.counts == []
    assert plan_summary(unit=tree.province, year=2023).due == []
    changes = list(RegisteredTargetChange.objects.filter(target=target).values_list("old_year", "new_year", "basis"))
    assert changes[-1] == (2023, None, "QĐ 7/QĐ-UBND: kế hoạch điều chỉnh")


def test_a_withdrawn_target_can_be_registered_again(tree, personas):
    _set(personas.district_d1, tree.a, year=2023)
    _withdraw(personas.district_d1, tree.a)
    target = _set(personas.district_d1, tree.a, year=2023, version=2)
    assert target.withdrawn_at is None and target.version == 3
    assert [r.code for r in plan_summary(unit=tree.province, year=2025).overdue] == ["40101"]
    assert RegisteredTargetChange.objects.filter(target=target).last().old_year is None


def test_withdrawing_needs_a_reason_and_a_target_in_force(tree, personas):
    _set(personas.district_d1, tree.a, year=2025)
    with pytest.raises(ValidationError) as exc:
        _withdraw(personas.district_d1, tree.a, reason="  ")
    assert exc.value.message_dict == {"reason": ["Say why the target is withdrawn (the decision or the reason)."]}
    with pytest.raises(ValidationError, match="no advanced target in force"):
        _withdraw(personas.district_d1, tree.a, tier="advanced", version=0)
    _withdraw(personas.district_d1, tree.a)
    with pytest.raises(ValidationError, match="no standard target in force"):
        _withdraw(personas.district_d1, tree.a, version=2)


@pytest.mark.parametrize("who", ["officer_a", "viewer", "district_d2", "outsider"])
def test_only_those_who_set_targets_may_withdraw_them(tree, personas, who):
    _set(personas.district_d1, tree.a)
    with pytest.raises(PermissionDenied):
        _withdraw(getattr(personas, who), tree.a)
    assert RegisteredTarget.objects.get().withdrawn_at is None


def test_a_stale_withdrawal_is_refused(tree, personas):
    _set(personas.district_d1, tree.a, year=2024)
    _set(personas.province_office, tree.a, year=2025, version=1)
    with pytest.raises(StaleWriteError) as exc:
        _withdraw(personas.district_d1, tree.a, version=1)
    assert RegisteredTarget.objects.get().withdrawn_at is None
    # QA: the refusal of a withdrawal said "Review it and save again".
    assert exc.value.messages == [
        "This target was changed by province_office in the meantime (now: 2025). "
        "Review it and withdraw it again if it still has to go."
    ]


def test_the_lower_tier_cannot_be_withdrawn_under_a_higher_target(tree, personas):
    _set(personas.district_d1, tree.a, tier="standard", year=2025)
    _set(personas.district_d1, tree.a, tier="advanced", year=2027)
    with pytest.raises(ValidationError, match="Withdraw the advanced target first"):
        _withdraw(personas.district_d1, tree.a)
    _withdraw(personas.district_d1, tree.a, tier="advanced")
    assert _withdraw(personas.district_d1, tree.a).withdrawn_at is not None
