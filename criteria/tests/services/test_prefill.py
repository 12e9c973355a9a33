"""Pre-filling a new assessment from the unit's previous one, across sets (QA: a province's
own clone of QĐ 318 started for 2024 after a 2023 assessment on QĐ 318 was silently left
empty, and counted 0/20 in the year's figures)."""

import datetime

import pytest
from django.urls import reverse

from criteria.models import (
    Assessment,
    CriteriaSet,
    Criterion,
    CriterionGroup,
    CriterionResult,
    HistoryEntry,
    HistoryKind,
    Indicator,
    IndicatorValue,
    SetStatus,
)
from criteria.services import (
    ValueEntry,
    assessment_create,
    assessment_recompute,
    assessment_record_values,
    assessment_start,
    catalog_load_dir,
    catalog_set_publish,
)
from criteria.services.set_workspace import criteria_set_clone_for, criteria_set_publish_checked, unconfirmed_targets
from criteria.tests.factories import give_own_header, make_set

pytestmark = pytest.mark.django_db

VALUES = [ValueEntry("1.1", "có"), ValueEntry("2.1", "90"), ValueEntry("3.1", "50"), ValueEntry("3.2", "0")]


def _with_values(unit, criteria_set, year, user, entries=VALUES):
    a = assessment_create(unit=unit, criteria_set=criteria_set, year=year, user=user)
    assessment_record_values(assessment=a, entries=entries, user=user)
    return a


def _province_clone(national, tree, personas):
    """The province's own set: a clone of ``national`` with a criterion of its own (4)."""
    draft = give_own_header(
        criteria_set_clone_for(criteria_set=national, province=tree.province, user=personas.province_office)
    )
    group = CriterionGroup.objects.get(criteria_set=draft)
    c4 = Criterion.objects.create(criteria_set=draft, group=group, number=4, name="Chuyển đổi số")
    Indicator.objects.create(
        criteria_set=draft, criterion=c4, code="4.1", name="Có mô hình số", value_type="yes_no", comparison="met"
    )
    return criteria_set_publish_checked(
        criteria_set=draft, user=personas.province_office, accept_unconfirmed=len(unconfirmed_targets(draft))
    )


def _figures(assessment):
    assessment.refresh_from_db()
    results = {
        r.criterion_id: (r.met, r.basically_met)
        for r in CriterionResult.objects.filter(assessment=assessment).order_by("criterion_id")
    }
    outcomes = dict(IndicatorValue.objects.filter(assessment=assessment).values_list("indicator__code", "outcome"))
    return assessment.criteria_met, assessment.criteria_total, assessment.criteria_basically_met, results, outcomes


def test_prefill_copies_across_the_province_s_clone_of_the_national_set(tree, personas):
    national = make_set(code="NATIONAL", year_from=2021, year_to=2030)
    previous = _with_values(tree.a, national, 2023, personas.officer_a)
    own = _province_clone(national, tree, personas)

    started = assessment_start(unit=tree.a, year=2024, tier="standard", user=personas.officer_a, prefill=True)

    new = started.assessment
    assert new.criteria_set == own  # the province's own set is in force
    copied = dict(IndicatorValue.objects.filter(assessment=new).values_list("indicator__code", "value_decimal"))
    assert set(copied) == {"1.1", "2.1", "3.1", "3.2"} and copied["2.1"] == 90
    assert (started.prefill.source, started.prefill.copied, started.prefill.total) == (previous, 4, 6)
    assert started.prefill.message == (
        "Pre-filled 4/6 indicators from the 2023 assessment (Thử (1/QĐ-TEST)); 2 indicators need new values."
    )
    # Each copied value's history names the assessment it came from.
    comments = set(
        HistoryEntry.objects.filter(assessment=new, kind=HistoryKind.VALUE).values_list("comment", flat=True)
    )
    assert comments == {"Pre-filled from 2023 (assessment against Thử (1/QĐ-TEST))"}
    # Recomputed like any entry, in the same transaction: 3 of the clone's 4 criteria met
    # (4, the province's own, is still to enter), exactly what a recomputation finds.
    stored = _figures(new)
    assert stored[:3] == (3, 4, 0)
    assessment_recompute(assessment=new)
    assert _figures(new) == stored


def test_across_unrelated_sets_a_code_whose_type_or_wording_changed_is_not_copied(tree, personas):
    old = make_set(code="OLD", year_from=2021, year_to=2023)
    _with_values(tree.a, old, 2023, personas.officer_a)
    new_set = make_set(code="NEW", year_from=2024, year_to=2030, publish=False)
    # 2.1 is now an area in hectares (another value type and unit); 3.2 counts another thing.
    Indicator.objects.filter(criteria_set=new_set, code="2.1").update(value_type="number", unit="ha")
    Indicator.objects.filter(criteria_set=new_set, code="3.2").update(name="Số hộ nghèo")
    catalog_set_publish(criteria_set=new_set)

    started = assessment_start(unit=tree.a, year=2024, tier="standard", user=personas.officer_a, prefill=True)

    assert started.assessment.criteria_set.code == "NEW"
    codes = set(IndicatorValue.objects.filter(assessment=started.assessment).values_list("indicator__code", flat=True))
    assert codes == {"1.1", "3.1"}
    assert started.prefill.message == (
        "Pre-filled 2/5 indicators from the 2023 assessment (Thử (1/QĐ-TEST)); 3 indicators need new values."
    )


def test_qd51_does_not_take_qd318_values_of_codes_it_reuses_for_other_facts(tree, personas):
    """QĐ 51/2025 replaces QĐ 318 (``supersedes``) and reuses codes: 4.2 was the households
    using electricity, it is now the trained workers with a certificate (percent both)."""
    sets = {r.criteria_set.code: r.criteria_set for r in catalog_load_dir()}
    qd318, qd51 = sets["QD318-2022-XA-NTM"], sets["QD51-2025-XA-NTM"]
    assert qd51.supersedes == qd318
    entries = [ValueEntry("1.1", "có"), ValueEntry("2.1", "95"), ValueEntry("4.2", "99"), ValueEntry("5.1", "100")]
    _with_values(tree.a, qd318, 2025, personas.officer_a, entries)

    started = assessment_start(unit=tree.a, year=2026, tier="standard", user=personas.officer_a, prefill=True)

    assert started.assessment.criteria_set == qd51
    copied = dict(
        IndicatorValue.objects.filter(assessment=started.assessment).values_list("indicator__code", "value_decimal")
    )
    assert copied == {"2.1": 95}  # the same wording, a percent into a percent
    assert (started.prefill.copied, started.prefill.total) == (1, 47)
    stored = _figures(started.assessment)
    assessment_recompute(assessment=started.assessment)
    assert _figures(started.assessment) == stored


def test_prefill_takes_the_latest_earlier_assessment_of_the_tier(tree, personas):
    s = make_set(code="S", year_from=2021, year_to=2030)
    _with_values(tree.a, s, 2022, personas.officer_a, [ValueEntry("1.1", "không")])
    _with_values(tree.a, s, 2023, personas.officer_a)  # no 2024: 2023 is the latest before 2025
    advanced = make_set(code="ADV", year_from=2021, year_to=2030, tier="advanced")
    _with_values(tree.a, advanced, 2024, personas.officer_a, [ValueEntry("1.1", "không")])

    started = assessment_start(unit=tree.a, year=2025, tier="standard", user=personas.officer_a, prefill=True)

    assert started.prefill.source.year == 2023
    value = IndicatorValue.objects.get(assessment=started.assessment, indicator__code="1.1")
    assert value.value_bool is True


def test_a_value_the_new_set_refuses_is_left_to_enter_and_the_others_are_copied(tree, personas):
    old = make_set(code="OLD", year_from=2021, year_to=2023)
    _with_values(tree.a, old, 2023, personas.officer_a, [ValueEntry("1.1", "có"), ValueEntry("3.1", "1900")])
    new_set = make_set(code="NEW", year_from=2024, year_to=2030, publish=False)
    # The new set's target makes 1900 implausible (more than fifty times it).
    from criteria.models import Target

    Target.objects.filter(indicator__criteria_set=new_set, indicator__code="3.1").update(value=30)
    catalog_set_publish(criteria_set=new_set)

    started = assessment_start(unit=tree.a, year=2024, tier="standard", user=personas.officer_a, prefill=True)

    codes = set(IndicatorValue.objects.filter(assessment=started.assessment).values_list("indicator__code", flat=True))
    assert codes == {"1.1"} and started.prefill.copied == 1


def test_the_message_says_why_nothing_was_pre_filled(tree, personas):
    s = make_set(code="S", year_from=2021, year_to=2030)
    started = assessment_start(unit=tree.b, year=2024, tier="standard", user=personas.officer_b, prefill=True)
    assert started.prefill.message == (
        "Nothing was pre-filled from an earlier year: Xã Đức Lĩnh has no standard assessment before 2024."
    )

    assessment_create(unit=tree.a, criteria_set=s, year=2022, user=personas.officer_a)
    started = assessment_start(unit=tree.a, year=2023, tier="standard", user=personas.officer_a, prefill=True)
    assert started.prefill.message == (
        "Nothing was pre-filled from an earlier year: the 2022 assessment (Thử (1/QĐ-TEST)) has no values entered."
    )

    Assessment.objects.filter(unit=tree.a, year=2023).update(
        summary=True, source_number="12/BC-UBND", source_date=datetime.date(2024, 1, 5)
    )
    started = assessment_start(unit=tree.a, year=2024, tier="standard", user=personas.officer_a, prefill=True)
    assert started.prefill.message == (
        "Nothing was pre-filled from an earlier year: the 2023 assessment (Thử (1/QĐ-TEST)) is a summary record "
        "of a past report, without indicator values."
    )

    other = make_set(code="OTHER", year_from=2026, year_to=2030, publish=False)
    Indicator.objects.filter(criteria_set=other).update(name="Khác")
    catalog_set_publish(criteria_set=other)
    officer_c = _officer_of(tree.c)
    _with_values(tree.c, s, 2025, officer_c)
    started = assessment_start(unit=tree.c, year=2026, tier="standard", user=officer_c, prefill=True)
    assert started.assessment.criteria_set == other
    assert started.prefill.message == (
        "Nothing was pre-filled from an earlier year: none of the 4 values of the 2025 assessment (Thử (1/QĐ-TEST)) "
        "is for an indicator of Thử (1/QĐ-TEST) with the same code, value type, unit and wording."
    )
    assert not IndicatorValue.objects.filter(assessment=started.assessment).exists()


def _officer_of(unit):
    from communes.models import Role
    from communes.tests.factories import MembershipFactory, UserFactory

    user = UserFactory(username=f"officer_{unit.code}")
    MembershipFactory(user=user, unit=unit, role=Role.COMMUNE_OFFICER)
    return user


def test_the_start_page_tells_what_was_pre_filled(client, tree, personas):
    national = make_set(code="NATIONAL", year_from=2021, year_to=2030)
    _with_values(tree.a, national, 2023, personas.officer_a)
    _province_clone(national, tree, personas)
    client.force_login(personas.officer_a)
    response = client.post(
        reverse("assessment_start"), {"unit": "40101", "tier": "standard", "year": 2024, "prefill": "1"}, follow=True
    )
    page = response.content.decode()
    assert "Pre-filled 4/6 indicators from the 2023 assessment (Thử (1/QĐ-TEST)); 2 indicators need new values." in page
    client.force_login(personas.officer_b)
    page = client.post(
        reverse("assessment_start"), {"unit": "40102", "tier": "standard", "year": 2024, "prefill": "1"}, follow=True
    ).content.decode()
    assert "message-warning" in page
    assert "Nothing was pre-filled from an earlier year: Xã Đức Lĩnh has no standard assessment before 2024." in page


def test_the_api_answers_what_was_pre_filled(client, tree, personas):
    national = make_set(code="NATIONAL", year_from=2021, year_to=2030)
    previous = _with_values(tree.a, national, 2023, personas.officer_a)
    _province_clone(national, tree, personas)
    client.force_login(personas.officer_a)
    response = client.post(
        "/api/v1/assessments/",
        {"unit": "40101", "year": 2024, "tier": "standard", "prefill": True},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",  # the API speaks the caller's language (Vietnamese by default)
    )
    assert response.status_code == 201
    body = response.json()
    assert body["criteria_met"] == 3
    assert body["prefill"] == {
        "copied": 4,
        "total": 6,
        "from_assessment": previous.pk,
        "from_year": 2023,
        "message": "Pre-filled 4/6 indicators from the 2023 assessment (Thử (1/QĐ-TEST)); 2 indicators need new values.",
    }
    assert CriteriaSet.objects.filter(status=SetStatus.PUBLISHED).count() == 2
