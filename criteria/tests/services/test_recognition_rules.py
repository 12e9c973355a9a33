"""The programme's recognition rules, enforced by the services (page, API and import alike)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from criteria.figures import holds_title
from criteria.models import (
    Assessment,
    AssessmentState,
    CriteriaSet,
    Criterion,
    CriterionGroup,
    Derived,
    Indicator,
    IndicatorValue,
    SetStatus,
    Target,
)
from criteria.services import (
    ValueEntry,
    assessment_create,
    assessment_record_values,
    assessment_transition,
    catalog_set_publish,
)
from criteria.tests.factories import make_set

pytestmark = pytest.mark.django_db

COMPLETE = [ValueEntry("1.1", "có"), ValueEntry("2.1", "85"), ValueEntry("3.1", "50"), ValueEntry("3.2", "0")]


def _through_appraisal(assessment, personas, officer=None):
    for user, action in [
        (officer or personas.officer_a, "submit"),
        (personas.district_d1, "verify"),
        (personas.province_office, "appraise"),
    ]:
        assessment_transition(assessment=assessment, action=action, user=user)


def _recognise(assessment, personas, day: datetime.date, number: str = "1/QĐ-UBND"):
    return assessment_transition(
        assessment=assessment,
        action="recognise",
        user=personas.province_office,
        decision_number=number,
        decision_date=day,
    )


def _appraised(personas, unit, criteria_set, year, entries=COMPLETE, officer=None):
    officer = officer or personas.officer_a
    a = assessment_create(unit=unit, criteria_set=criteria_set, year=year, user=officer)
    assessment_record_values(assessment=a, entries=entries, user=officer)
    _through_appraisal(a, personas, officer)
    return a


def test_a_commune_short_of_a_criterion_is_not_recognised_and_the_refusal_names_it(personas, tree):
    a = _appraised(personas, tree.a, make_set(), 2023, [*COMPLETE[:1], ValueEntry("2.1", "50"), *COMPLETE[2:]])
    with pytest.raises(ValidationError, match=r"not met: 2\. Thủy lợi"):
        _recognise(a, personas, datetime.date(2023, 12, 20))
    a.refresh_from_db()
    assert (a.state, a.criteria_met, a.criteria_total) == (AssessmentState.APPRAISED, 2, 3)
    assert not holds_title(tree.a, "standard", datetime.date(2023, 12, 31))


def test_a_commune_meeting_every_criterion_is_recognised_and_holds_the_title_from_the_decision_date(personas, tree):
    a = _appraised(personas, tree.a, make_set(), 2023)
    _recognise(a, personas, datetime.date(2023, 12, 20))
    assert not holds_title(tree.a, "standard", datetime.date(2023, 12, 19))
    assert holds_title(tree.a, "standard", datetime.date(2023, 12, 20))
    assert holds_title(tree.a, "standard", datetime.date(2025, 6, 1))  # kept in later years


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (datetime.date(2022, 12, 31), "cannot be dated before 2023"),
        (datetime.date(2999, 1, 1), "cannot be in the future"),
        (datetime.date(1, 1, 1), "cannot be dated before 2023"),
    ],
)
def test_a_recognition_decision_must_be_dated_plausibly(personas, tree, day, message):
    a = _appraised(personas, tree.a, make_set(), 2023)
    with pytest.raises(ValidationError, match=message):
        _recognise(a, personas, day)


def test_a_unit_that_ceased_to_exist_is_not_recognised_by_a_later_decision(personas, tree):
    a = _appraised(personas, tree.a, make_set(), 2023)
    # Ended since: its officer took no step after 30/06/2023 (communes.access.working_memberships).
    tree.a.valid_to = datetime.date(2023, 6, 30)
    tree.a.save()
    with pytest.raises(ValidationError, match="ceased to exist on 30/06/2023"):
        _recognise(a, personas, datetime.date(2023, 7, 1))
    _recognise(a, personas, datetime.date(2023, 6, 30))
    assert holds_title(tree.a, "standard", datetime.date(2023, 6, 30))


def test_advanced_needs_the_standard_title_held_on_the_decision_date(personas, tree):
    standard = _appraised(personas, tree.a, make_set(), 2023)
    _recognise(standard, personas, datetime.date(2023, 12, 20))
    advanced = _appraised(personas, tree.a, make_set(code="ADV", tier="advanced"), 2023)
    with pytest.raises(ValidationError, match="hold the standard NTM title"):
        _recognise(advanced, personas, datetime.date(2023, 12, 10))  # before the standard decision
    _recognise(advanced, personas, datetime.date(2023, 12, 28))
    assert holds_title(tree.a, "advanced", datetime.date(2023, 12, 31))


def test_a_revoked_standard_title_stops_an_advanced_recognition(personas, tree):
    standard = _appraised(personas, tree.a, make_set(), 2023)
    _recognise(standard, personas, datetime.date(2023, 3, 1))
    assessment_transition(
        assessment=standard,
        action="revoke",
        user=personas.province_office,
        comment="Phúc tra",
        decision_number="7/QĐ-UBND",
        decision_date=datetime.date(2023, 9, 1),
    )
    advanced = _appraised(personas, tree.a, make_set(code="ADV", tier="advanced"), 2023)
    with pytest.raises(ValidationError, match="hold the standard NTM title"):
        _recognise(advanced, personas, datetime.date(2023, 12, 1))
    assert holds_title(tree.a, "standard", datetime.date(2023, 8, 31))
    assert not holds_title(tree.a, "standard", datetime.date(2023, 9, 1))


def test_revoking_needs_the_revocation_decision(personas, tree):
    a = _appraised(personas, tree.a, make_set(), 2023)
    _recognise(a, personas, datetime.date(2023, 12, 20))
    with pytest.raises(ValidationError, match="revocation decision's number and date"):
        assessment_transition(assessment=a, action="revoke", user=personas.province_office, comment="Phúc tra")
    with pytest.raises(ValidationError, match="before the recognition decision"):
        assessment_transition(
            assessment=a,
            action="revoke",
            user=personas.province_office,
            comment="Phúc tra",
            decision_number="7/QĐ",
            decision_date=datetime.date(2023, 12, 1),
        )


def _revoke(assessment, personas, day: datetime.date, number: str = "7/QĐ-UBND"):
    return assessment_transition(
        assessment=assessment,
        action="revoke",
        user=personas.province_office,
        comment="Phúc tra",
        decision_number=number,
        decision_date=day,
    )


def test_a_revocation_is_a_decision_of_its_own(personas, tree):
    """QA: a revocation was accepted with the recognition's own number (and date)."""
    a = _appraised(personas, tree.a, make_set(), 2023)
    _recognise(a, personas, datetime.date(2023, 12, 20), number="15/QĐ-UBND")
    with pytest.raises(ValidationError, match="15/QĐ-UBND is the recognition decision") as refused:
        _revoke(a, personas, datetime.date(2023, 12, 20), number=" 15/qđ-ubnd")
    assert list(refused.value.message_dict) == ["decision_number"]
    _revoke(a, personas, datetime.date(2023, 12, 22), number="16/QĐ-UBND")


def test_the_standard_title_is_not_revoked_while_the_advanced_title_it_carries_stands(personas, tree):
    """QA: revoking the standard title left the advanced title counted (the tier ladder)."""
    standard = _appraised(personas, tree.a, make_set(), 2023)
    _recognise(standard, personas, datetime.date(2023, 6, 1))
    advanced = _appraised(personas, tree.a, make_set(code="ADV", tier="advanced"), 2023)
    _recognise(advanced, personas, datetime.date(2023, 11, 1), number="2/QĐ-UBND")
    with pytest.raises(ValidationError, match="holds the Advanced title by decision 2/QĐ-UBND of 01/11/2023"):
        _revoke(standard, personas, datetime.date(2023, 12, 1))
    assert holds_title(tree.a, "standard", datetime.date(2023, 12, 31))
    _revoke(advanced, personas, datetime.date(2023, 12, 1), number="8/QĐ-UBND")
    _revoke(standard, personas, datetime.date(2023, 12, 1))
    assert not holds_title(tree.a, "standard", datetime.date(2023, 12, 31))


def test_a_recognition_is_not_dated_before_its_set_is_in_force(personas, tree):
    """QA: a 2026 commune was recognised on 01/01/2026 against a set in force from 15/02/2026."""
    criteria_set = make_set(code="QD51", year_from=2026, year_to=2030)
    CriteriaSet.objects.filter(pk=criteria_set.pk).update(effective_date=datetime.date(2026, 2, 15))
    criteria_set.refresh_from_db()
    a = _appraised(personas, tree.a, criteria_set, 2026)
    with pytest.raises(ValidationError, match="in force from 15/02/2026"):
        _recognise(a, personas, datetime.date(2026, 1, 1))


def test_the_history_keeps_the_decision_that_recognised_and_revoked(personas, tree, client):
    """QA: the history said "Appraised → Recognised" and nothing of the decision."""
    from django.urls import reverse

    a = _appraised(personas, tree.a, make_set(), 2023)
    _recognise(a, personas, datetime.date(2023, 12, 20), number="15/QĐ-UBND")
    _revoke(a, personas, datetime.date(2024, 3, 1))
    client.force_login(personas.province_office)
    html = client.get(reverse("assessment_history", args=[a.pk])).content.decode()
    assert "Decision 15/QĐ-UBND of 20/12/2023" in html and "Decision 7/QĐ-UBND of 01/03/2024" in html


# --- QĐ 319: the model tier's derived conditions ------------------------------------------------


def _flat_set(code: str, tier: str, rows: list[tuple]) -> CriteriaSet:
    """A published set with one criterion per row: (number, indicator code, type, comparison, targets, derived)."""
    s = CriteriaSet.objects.create(
        code=code,
        name=code,
        short_name=code,
        decision_number="1/QĐ",
        decision_date=datetime.date(2021, 1, 1),
        level="commune",
        tier=tier,
        year_from=2021,
        year_to=2025,
        status=SetStatus.DRAFT,
    )
    group = CriterionGroup.objects.create(criteria_set=s, code="A", name="A")
    for number, indicator_code, value_type, comparison, targets, derived in rows:
        criterion = Criterion.objects.create(criteria_set=s, group=group, number=number, name=f"Tiêu chí {number}")
        indicator = Indicator.objects.create(
            criteria_set=s,
            criterion=criterion,
            code=indicator_code,
            name=indicator_code,
            value_type=value_type,
            comparison=comparison,
            derived=derived,
        )
        for value, year in targets:
            Target.objects.create(indicator=indicator, value=Decimal(value), year=year)
    catalog_set_publish(criteria_set=s)
    s.refresh_from_db()
    return s


@pytest.fixture
def ladder(personas, tree):
    """Commune A: standard and advanced recognised for 2023; a model set like QĐ 319's first two
    conditions; the advanced income threshold is 40 from 2021 and 50 from 2025."""
    income = ("10.1", "number", "gte")
    standard = _flat_set("STD", "standard", [(10, *income, [("30", None)], "")])
    advanced = _flat_set("ADV", "advanced", [(10, *income, [("40", None), ("50", 2025)], "")])
    model = _flat_set(
        "KM",
        "model",
        [
            (1, "1.1", "yes_no", "met", [], Derived.HOLDS_ADVANCED),
            (2, "2.1", "number", "gte", [("110", None)], Derived.INCOME_VS_ADVANCED),
        ],
    )
    for criteria_set, day in ((standard, datetime.date(2023, 6, 1)), (advanced, datetime.date(2023, 11, 1))):
        a = _appraised(personas, tree.a, criteria_set, 2023, [ValueEntry("10.1", "60")])
        _recognise(a, personas, day)
    standard_2024 = assessment_create(unit=tree.a, criteria_set=standard, year=2024, user=personas.officer_a)
    assessment_record_values(assessment=standard_2024, entries=[ValueEntry("10.1", "50")], user=personas.officer_a)
    return {"standard": standard, "advanced": advanced, "model": model, "standard_2024": standard_2024}


def _values(assessment) -> dict:
    return {v.indicator.code: v.value for v in IndicatorValue.objects.filter(assessment=assessment)}


def test_the_model_conditions_are_worked_out_never_typed(personas, tree, ladder):
    model = assessment_create(unit=tree.a, criteria_set=ladder["model"], year=2024, user=personas.officer_a)
    assert _values(model) == {"1.1": True, "2.1": Decimal("125")}  # 50 of a threshold of 40
    with pytest.raises(ValidationError, match="Worked out by the portal"):
        assessment_record_values(assessment=model, entries=[ValueEntry("1.1", "có")], user=personas.officer_a)


def test_a_commune_never_recognised_advanced_does_not_meet_the_first_model_condition(personas, tree):
    model = _flat_set("KM", "model", [(1, "1.1", "yes_no", "met", [], Derived.HOLDS_ADVANCED)])
    a = assessment_create(unit=tree.a, criteria_set=model, year=2024, user=personas.officer_a)
    assert _values(a) == {"1.1": False}
    a.refresh_from_db()
    assert a.criteria_met == 0


def test_a_change_of_income_reaches_the_model_assessment_of_the_year(personas, tree, ladder):
    model = assessment_create(unit=tree.a, criteria_set=ladder["model"], year=2024, user=personas.officer_a)
    assessment_record_values(
        assessment=ladder["standard_2024"], entries=[ValueEntry("10.1", "42")], user=personas.officer_a
    )
    assert _values(model)["2.1"] == Decimal("105")
    model.refresh_from_db()
    assert model.criteria_met == 1


def test_the_income_condition_is_judged_at_the_time_of_the_model_recognition(personas, tree, ladder):
    model = _appraised(personas, tree.a, ladder["model"], 2024, [])
    with pytest.raises(ValidationError, match=r"not met: 2\. Tiêu chí 2"):
        _recognise(model, personas, datetime.date(2025, 3, 1))  # the 2025 threshold (50): 100%
    assert _values(model)["2.1"] == Decimal("125")  # a refused recognition writes nothing
    _recognise(model, personas, datetime.date(2024, 12, 15))  # the 2024 threshold (40): 125%
    assert holds_title(tree.a, "model", datetime.date(2024, 12, 31))


def test_the_model_conditions_of_many_communes_are_worked_out_in_a_fixed_number_of_queries(personas, tree, ladder):
    """A province's import changes the income of many communes: their model assessments are
    worked out together, each as it would be alone."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from criteria.services.derived import refresh_dependants_of

    models = {}
    for unit, officer, income in ((tree.a, personas.officer_a, None), (tree.b, personas.officer_b, "44")):
        if income is not None:
            standard = assessment_create(unit=unit, criteria_set=ladder["standard"], year=2024, user=officer)
            assessment_record_values(assessment=standard, entries=[ValueEntry("10.1", income)], user=officer)
        models[unit.code] = assessment_create(unit=unit, criteria_set=ladder["model"], year=2024, user=officer)
    # A holds the advanced title, B never did; A's income 50 and B's 44 of a threshold of 40.
    assert _values(models["40101"]) == {"1.1": True, "2.1": Decimal("125")}
    assert _values(models["40102"]) == {"1.1": False, "2.1": Decimal("110")}
    IndicatorValue.objects.filter(assessment__in=models.values()).update(value_decimal=None, value_bool=None)
    with CaptureQueriesContext(connection) as both:
        refresh_dependants_of(units=[tree.a.pk, tree.b.pk], year=2024)
    assert _values(models["40101"]) == {"1.1": True, "2.1": Decimal("125")}
    assert _values(models["40102"]) == {"1.1": False, "2.1": Decimal("110")}
    IndicatorValue.objects.filter(assessment__in=models.values()).update(value_decimal=None, value_bool=None)
    with CaptureQueriesContext(connection) as one:
        refresh_dependants_of(units=[tree.a.pk], year=2024)
    assert len(both.captured_queries) == len(one.captured_queries)


def test_a_merged_duplicate_s_income_counts_for_nothing(personas, tree, ladder):
    standard = assessment_create(unit=tree.b, criteria_set=ladder["standard"], year=2024, user=personas.officer_b)
    other = _flat_set("STD2", "standard", [(10, "10.1", "number", "gte", [("30", None)], "")])
    duplicate = Assessment.everything.create(
        unit=tree.b, criteria_set=other, year=2024, tier="standard", merged_into=standard
    )
    IndicatorValue.objects.create(
        assessment=duplicate, indicator=other.indicators.get(code="10.1"), value_decimal=Decimal("99")
    )
    model = assessment_create(unit=tree.b, criteria_set=ladder["model"], year=2024, user=personas.officer_b)
    assert _values(model)["2.1"] is None  # B's own standard assessment has no income yet


# --- The ladder both ways, whatever the order the decisions are entered in ------------------


def _standard_then_advanced(personas, tree, standard_day, advanced_day=None):
    standard = _appraised(personas, tree.a, make_set(), 2023)
    _recognise(standard, personas, standard_day)
    advanced = _appraised(personas, tree.a, make_set(code="ADV", tier="advanced"), 2023)
    if advanced_day is not None:
        _recognise(advanced, personas, advanced_day, number="2/QĐ-UBND")
    return standard, advanced


def test_an_advanced_title_is_not_backdated_before_the_revocation_of_the_standard_title_it_needs(personas, tree):
    """QA: standard recognised 20/06, revoked 28/06; an advanced recognition dated 25/06 was
    accepted and stood on alone from 28/06 (lists "holds the title", bulletins counted it)."""
    standard, advanced = _standard_then_advanced(personas, tree, datetime.date(2023, 6, 20))
    _revoke(standard, personas, datetime.date(2023, 6, 28), number="9/QĐ-UBND")
    with pytest.raises(ValidationError, match="revoked by decision 9/QĐ-UBND of 28/06/2023") as refused:
        _recognise(advanced, personas, datetime.date(2023, 6, 25), number="2/QĐ-UBND")
    assert "do not backdate" in str(refused.value)
    assert list(refused.value.message_dict) == ["decision_date"]
    assert not holds_title(tree.a, "advanced", datetime.date(2023, 6, 25))


def test_an_advanced_title_already_revoked_before_the_standard_one_may_be_recorded(personas, tree):
    """The history entered out of order: advanced recognised and revoked (an earlier year's
    dossier), then standard revoked; an advanced decision taken away by that revocation stands
    nowhere without its base."""
    standard, advanced = _standard_then_advanced(personas, tree, datetime.date(2023, 3, 1), datetime.date(2023, 4, 1))
    _revoke(advanced, personas, datetime.date(2023, 6, 1), number="8/QĐ-UBND")
    _revoke(standard, personas, datetime.date(2023, 6, 28), number="9/QĐ-UBND")
    again = _appraised(personas, tree.a, advanced.criteria_set, 2022)
    _recognise(again, personas, datetime.date(2023, 5, 1), number="3/QĐ-UBND")  # revoked by 8/QĐ on 01/06
    assert not holds_title(tree.a, "advanced", datetime.date(2023, 6, 2))


def test_the_standard_title_is_not_revoked_with_a_date_before_an_advanced_title_still_standing(personas, tree):
    """QA: standard 11/12/2022, advanced 29/05/2023; a standard revocation dated 20/06/2023 was
    refused but one dated 01/05/2023 accepted, leaving advanced standing without its base."""
    standard, advanced = _standard_then_advanced(
        personas, tree, datetime.date(2023, 1, 11), advanced_day=datetime.date(2023, 5, 29)
    )
    for day in (datetime.date(2023, 6, 20), datetime.date(2023, 5, 1)):
        with pytest.raises(ValidationError, match="holds the Advanced title by decision 2/QĐ-UBND of 29/05/2023"):
            _revoke(standard, personas, day)
    assert holds_title(tree.a, "standard", datetime.date(2023, 5, 2))
    _revoke(advanced, personas, datetime.date(2023, 6, 20), number="8/QĐ-UBND")
    with pytest.raises(ValidationError, match="do not date this revocation before that one"):
        _revoke(standard, personas, datetime.date(2023, 5, 1))  # advanced stood 29/05–20/06 without it
    _revoke(standard, personas, datetime.date(2023, 6, 20))
    assert not holds_title(tree.a, "standard", datetime.date(2023, 6, 20))


def test_a_recognition_number_another_commune_holds_with_another_date_is_refused(personas, tree):
    """QA: " 121 / qđ-ubnd " of 10/06 was accepted while Xã Đức Lĩnh held 121/QĐ-UBND of 08/06."""
    standard = make_set()
    other = _appraised(personas, tree.b, standard, 2023, officer=personas.officer_b)
    _recognise(other, personas, datetime.date(2023, 6, 8), number="121/QĐ-UBND")
    a = _appraised(personas, tree.a, standard, 2023)
    with pytest.raises(ValidationError, match="121/QĐ-UBND is already recorded for Xã Đức Lĩnh dated 08/06/2023"):
        _recognise(a, personas, datetime.date(2023, 6, 10), number=" 121 / qđ-ubnd ")
    a.refresh_from_db()
    assert a.state == AssessmentState.APPRAISED
    # One decision recognising both communes: same number, same date. Typed as typed.
    assert _recognise(a, personas, datetime.date(2023, 6, 8), number="121/QĐ-UBND ").decision_number == "121/QĐ-UBND"


def test_a_revocation_number_another_commune_holds_with_another_date_is_refused(personas, tree):
    standard = make_set()
    other = _appraised(personas, tree.b, standard, 2023, officer=personas.officer_b)
    _recognise(other, personas, datetime.date(2023, 6, 8), number="121/QĐ-UBND")
    a = _appraised(personas, tree.a, standard, 2023)
    _recognise(a, personas, datetime.date(2023, 6, 8), number="121/QĐ-UBND")
    _revoke(other, personas, datetime.date(2023, 9, 1), number="30/QĐ-UBND")
    with pytest.raises(ValidationError, match="30/QĐ-UBND is already recorded for Xã Đức Lĩnh dated 01/09/2023") as e:
        _revoke(a, personas, datetime.date(2023, 9, 5), number="30/QĐ-UBND")
    assert list(e.value.message_dict) == ["decision_number", "decision_date"]
    _revoke(a, personas, datetime.date(2023, 9, 1), number="30/QĐ-UBND")


def test_the_same_number_in_another_province_is_another_decision(personas, tree):
    """Each province numbers its own decisions: 121/QĐ-UBND of another province's commune, with
    another date, is not this one."""
    from communes.tests.factories import CommuneFactory, ProvinceFactory

    standard = make_set()
    elsewhere = CommuneFactory(code="42101", name="Xã Nơi Khác", parent=ProvinceFactory(code="42", name="Tỉnh Khác"))
    Assessment.objects.create(
        unit=elsewhere,
        criteria_set=standard,
        tier=standard.tier,
        year=2023,
        state=AssessmentState.RECOGNISED,
        decision_number="121/QĐ-UBND",
        decision_date=datetime.date(2023, 6, 8),
    )
    a = _appraised(personas, tree.a, standard, 2023)
    assert _recognise(a, personas, datetime.date(2023, 6, 10), number="121/QĐ-UBND").state == AssessmentState.RECOGNISED


# --- A village's ladder: standard → model (villages have no advanced tier) -------------------


def _village_standard_then_model(personas, tree, standard_day):
    standard = _appraised(personas, tree.a1, make_set(code="THON", level="village"), 2023)
    _recognise(standard, personas, standard_day, number="11/QĐ-UBND")
    return standard, _appraised(personas, tree.a1, make_set(code="THON-KM", level="village", tier="model"), 2023)


def test_a_model_village_needs_the_standard_village_title_not_an_advanced_one(personas, tree):
    """QA: Bản Khe Lìu, holding the standard village title, was refused the model title: "must
    first hold the advanced NTM title" — a tier no province issues for villages."""
    _standard, model = _village_standard_then_model(personas, tree, datetime.date(2023, 6, 1))
    with pytest.raises(ValidationError, match="hold the standard NTM title"):
        _recognise(model, personas, datetime.date(2023, 5, 20), number="200/QĐ-UBND")  # before the standard title
    _recognise(model, personas, datetime.date(2023, 11, 20), number="200/QĐ-UBND")
    assert holds_title(tree.a1, "model", datetime.date(2023, 12, 31))


def test_the_standard_village_title_is_not_revoked_while_the_model_title_it_carries_stands(personas, tree):
    standard, model = _village_standard_then_model(personas, tree, datetime.date(2023, 6, 1))
    _recognise(model, personas, datetime.date(2023, 11, 20), number="200/QĐ-UBND")
    with pytest.raises(ValidationError, match="holds the Model title by decision 200/QĐ-UBND of 20/11/2023"):
        _revoke(standard, personas, datetime.date(2023, 12, 1))
    assert holds_title(tree.a1, "standard", datetime.date(2023, 12, 31))


def test_a_model_village_title_is_not_backdated_before_the_revocation_of_its_standard_title(personas, tree):
    standard, model = _village_standard_then_model(personas, tree, datetime.date(2023, 6, 1))
    _revoke(standard, personas, datetime.date(2023, 9, 1), number="12/QĐ-UBND")
    with pytest.raises(ValidationError, match="revoked by decision 12/QĐ-UBND of 01/09/2023"):
        _recognise(model, personas, datetime.date(2023, 8, 1), number="200/QĐ-UBND")
