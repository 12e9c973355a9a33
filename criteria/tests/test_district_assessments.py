"""A district's own assessment against a district set (x/9): started and submitted by its
steering committee, verified, appraised and recognised by the province office, recognised only
when the programme's conditions on its communes hold; readable after districts ended."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from criteria.models import Assessment, AssessmentState
from criteria.services import ValueEntry, assessment_create, assessment_record_values, assessment_transition, trusted
from criteria.tests.factories import make_set

pytestmark = pytest.mark.django_db

COMPLETE = [ValueEntry("1.1", "có"), ValueEntry("2.1", "85"), ValueEntry("3.1", "50"), ValueEntry("3.2", "0")]
DECISION_DAY = datetime.date(2024, 11, 20)


@pytest.fixture
def district_set(db):
    return make_set(code="TEST-HUYEN", level="district", year_from=2021, year_to=2025)


@pytest.fixture
def commune_sets(db):
    return {
        "standard": make_set(code="TEST-XA", year_from=2021, year_to=2025),
        "advanced": make_set(code="TEST-XA-NC", tier="advanced", year_from=2021, year_to=2025),
    }


def _filled(personas, tree, district_set):
    a = assessment_create(unit=tree.d1, criteria_set=district_set, year=2024, user=personas.district_d1)
    assessment_record_values(assessment=a, entries=COMPLETE, user=personas.district_d1)
    return a


def _holds(unit, criteria_set, day=datetime.date(2023, 12, 1)):
    """The commune holds the set's title from ``day`` (a recognition decision of that day)."""
    a = trusted.create_assessment(unit=unit, criteria_set=criteria_set, year=day.year, user=None)
    Assessment.objects.filter(pk=a.pk).update(
        state=AssessmentState.RECOGNISED, decision_number="9/QĐ-UBND", decision_date=day
    )
    return a


def _to_appraised(assessment, personas):
    for user, action in [
        (personas.district_d1, "submit"),
        (personas.province_office, "verify"),
        (personas.province_office, "appraise"),
    ]:
        assessment_transition(assessment=assessment, action=action, user=user)


def _recognise(assessment, personas):
    return assessment_transition(
        assessment=assessment,
        action="recognise",
        user=personas.province_office,
        decision_number="12/QĐ-UBND",
        decision_date=DECISION_DAY,
    )


def test_the_committee_submits_and_the_province_verifies(personas, tree, district_set):
    a = _filled(personas, tree, district_set)
    with pytest.raises(PermissionDenied):
        assessment_transition(assessment=a, action="submit", user=personas.officer_a)
    assessment_transition(assessment=a, action="submit", user=personas.district_d1)
    for action in ("verify", "return"):  # a committee never verifies or returns its own
        with pytest.raises(PermissionDenied):
            assessment_transition(assessment=a, action=action, user=personas.district_d1, comment="x")
    a = assessment_transition(assessment=a, action="verify", user=personas.province_office)
    assert a.state == AssessmentState.VERIFIED


def test_a_committee_cannot_start_another_districts_assessment(personas, tree, district_set):
    with pytest.raises(PermissionDenied):
        assessment_create(unit=tree.d1, criteria_set=district_set, year=2024, user=personas.district_d2)


def test_recognition_needs_every_rural_commune_ntm_and_a_tenth_advanced(personas, tree, district_set, commune_sets):
    a = _filled(personas, tree, district_set)
    _to_appraised(a, personas)
    _holds(tree.a, commune_sets["standard"])
    with pytest.raises(ValidationError) as refused:
        _recognise(a, personas)
    assert "1 of 2 do" in " ".join(refused.value.messages)  # Đức Lĩnh is not NTM yet
    _holds(tree.b, commune_sets["standard"])
    with pytest.raises(ValidationError) as refused:
        _recognise(a, personas)
    assert refused.value.messages == [
        "At least 10% of the district's rural communes must hold the advanced NTM title on the "
        "decision's date (QĐ 320/QĐ-TTg): 0 of 2 do."
    ]
    _holds(tree.a, commune_sets["advanced"])
    assert _recognise(a, personas).state == AssessmentState.RECOGNISED


def test_a_2016_2020_district_set_needs_no_advanced_communes(personas, tree):
    older = make_set(code="TEST-HUYEN-2016", level="district", year_from=2016, year_to=2020)
    a = assessment_create(unit=tree.d1, criteria_set=older, year=2020, user=personas.district_d1)
    assessment_record_values(assessment=a, entries=COMPLETE, user=personas.district_d1)
    _to_appraised(a, personas)
    communes_2016 = make_set(code="TEST-XA-2016", year_from=2016, year_to=2020)
    for commune in (tree.a, tree.b):
        _holds(commune, communes_2016, day=datetime.date(2020, 6, 1))
    assert _recognise(a, personas).state == AssessmentState.RECOGNISED


def test_the_district_page_offers_the_start_and_lists_its_assessment(client, personas, tree, district_set):
    client.force_login(personas.district_d1)
    page = client.get(reverse("unit", args=[tree.d1.code]), {"year": 2024}).content.decode()
    assert 'id="district-own"' in page and 'name="unit" value="401"' in page
    response = client.post(
        reverse("assessment_start"),
        {"unit": "401", "tier": "standard", "year": "2024", "criteria_set": "", "reason": ""},
    )
    started = Assessment.objects.get(unit=tree.d1, year=2024)
    assert response.url == reverse("assessment", args=[started.pk])
    page = client.get(reverse("unit", args=[tree.d1.code]), {"year": 2024}).content.decode()
    assert reverse("assessment", args=[started.pk]) in page
    assert 'name="unit" value="401"' not in page  # the standard one is taken; no set for the others


def test_the_province_page_lists_districts_assessments_and_the_queue(client, personas, tree, district_set):
    a = _filled(personas, tree, district_set)
    assessment_transition(assessment=a, action="submit", user=personas.district_d1)
    client.force_login(personas.province_office)
    page = client.get(reverse("unit", args=[tree.province.code]), {"year": 2024}).content.decode()
    section = page[page.index('id="district-assessments"') :]
    assert reverse("assessment", args=[a.pk]) in section and "3/3" in section
    queue = page[page.index("Waiting for verification (districts") : page.index("Waiting for appraisal")]
    assert reverse("assessment", args=[a.pk]) in queue


def test_a_commune_officer_cannot_open_the_districts_assessment(client, personas, tree, district_set):
    a = _filled(personas, tree, district_set)
    client.force_login(personas.officer_a)
    assert client.get(reverse("assessment", args=[a.pk])).status_code == 404


def test_an_ended_district_keeps_its_assessments_readable_and_starts_nothing_new(client, personas, tree, district_set):
    a = _filled(personas, tree, district_set)
    tree.d1.valid_to = datetime.date(2025, 6, 30)
    tree.d1.save()
    later = make_set(code="TEST-HUYEN-2026", level="district", year_from=2026, year_to=2030)
    client.force_login(personas.district_d1)
    assert client.get(reverse("assessment", args=[a.pk])).status_code == 200
    page = client.get(reverse("unit", args=[tree.d1.code]), {"year": 2026}).content.decode()
    assert 'name="unit" value="401"' not in page
    with pytest.raises(ValidationError):
        assessment_create(unit=tree.d1, criteria_set=later, year=2026, user=personas.district_d1)


def test_the_api_starts_a_district_assessment(client, personas, tree, district_set):
    client.force_login(personas.district_d1)
    response = client.post(
        "/api/v1/assessments/", {"unit": "401", "year": 2024, "tier": "standard"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["criteria_total"] == 3


def test_the_dashboard_shows_the_same_district_rows_as_the_workspace(client, personas, tree, district_set):
    a = _filled(personas, tree, district_set)
    client.force_login(personas.province_office)
    link = reverse("assessment", args=[a.pk])
    workspace = client.get(reverse("unit", args=[tree.province.code]), {"year": 2024}).content.decode()
    dashboard = client.get(
        reverse("reports:dashboard", args=[tree.province.code]), {"year": 2024, "tier": "standard"}
    ).content.decode()
    for page, anchor in ((workspace, 'id="district-assessments"'), (dashboard, 'id="districts-title"')):
        section = page[page.index(anchor) :]
        assert link in section and "3/3" in section


def test_an_advanced_district_set_a_province_loads_is_offered_and_needs_the_standard_title(
    client, personas, tree, district_set
):
    advanced = make_set(code="TEST-HUYEN-NC", level="district", tier="advanced", issuer=tree.province)
    client.force_login(personas.district_d1)
    page = client.get(reverse("unit", args=[tree.d1.code]), {"year": 2024}).content.decode()
    assert 'name="tier" value="advanced"' in page and advanced.short_name in page
    a = assessment_create(unit=tree.d1, criteria_set=advanced, year=2024, user=personas.district_d1)
    assessment_record_values(assessment=a, entries=COMPLETE, user=personas.district_d1)
    _to_appraised(a, personas)
    with pytest.raises(ValidationError) as refused:
        _recognise(a, personas)
    # At the decision's date, which decides it (QA: it showed above the form, the date unmarked).
    assert "must first hold the standard NTM title" in " ".join(refused.value.message_dict["decision_date"])
    client.force_login(personas.province_office)
    a.refresh_from_db()
    response = client.post(
        reverse("assessment_action", args=[a.pk, "recognise"]),
        {"decision_number": "5/QĐ-UBND", "decision_date": "01/12/2024", "version": a.version, "confirmed": "1"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    date_field = html[html.index('name="decision_date"') - 300 : html.index('name="decision_date"') + 300]
    assert 'aria-invalid="true"' in date_field


# --- A district's title rests on its communes' (DOMAIN.md; QA on Huyện Vũ Quang) -------------


@pytest.fixture
def recognised_district(personas, tree, district_set, commune_sets):
    """Huyện Một recognised on 20/11/2024, both its communes holding the standard title from
    01/12/2023 and Cẩm Thạch the advanced one too; the communes' assessments by tier."""
    held = {
        "a": _holds(tree.a, commune_sets["standard"]),
        "b": _holds(tree.b, commune_sets["standard"]),
        "a_advanced": _holds(tree.a, commune_sets["advanced"]),
    }
    district = _filled(personas, tree, district_set)
    _to_appraised(district, personas)
    return _recognise(district, personas), held


def _revoke(assessment, personas, day, number="60/QĐ-UBND"):
    assessment.refresh_from_db()
    return assessment_transition(
        assessment=assessment,
        action="revoke",
        user=personas.province_office,
        comment="Phúc tra",
        decision_number=number,
        decision_date=day,
    )


DISTRICT_RESTS_ON = (
    "Huyện Một was recognised as an NTM district by decision 12/QĐ-UBND of 20/11/2024, which counted "
    "Xã Đức Lĩnh holding the Standard title on that date"
)


@pytest.mark.parametrize("day", [datetime.date(2024, 11, 1), DECISION_DAY])
def test_a_communes_revocation_dated_by_the_districts_recognition_is_refused_at_its_date(
    personas, recognised_district, day
):
    """QA: Xã Quang Thọ's title revoked on 01/12/2024, before the 20/12/2024 decision recognising
    Huyện Vũ Quang, was accepted; the bulletin then counted the district with 8 of 9 communes."""
    _district, held = recognised_district
    with pytest.raises(ValidationError) as refused:
        _revoke(held["b"], personas, day)
    (message,) = refused.value.message_dict["decision_date"]
    assert message.startswith(DISTRICT_RESTS_ON)
    assert "Revoke the district's title first" not in message
    assert "Correct this revocation's date (one dated after 20/11/2024 is allowed)" in message
    held["b"].refresh_from_db()
    assert held["b"].state == AssessmentState.RECOGNISED


def test_a_communes_revocation_after_the_districts_recognition_is_the_periodic_re_check(personas, recognised_district):
    _district, held = recognised_district
    revoked = _revoke(held["b"], personas, DECISION_DAY + datetime.timedelta(days=1))
    assert revoked.state == AssessmentState.REVOKED


@pytest.mark.parametrize(("commune", "tier"), [("b", "Standard"), ("a_advanced", "Advanced")])
def test_a_district_title_revoked_later_still_rested_on_the_commune_until_then(
    personas, recognised_district, commune, tier
):
    """QA (Huyện Vũ Quang): the district recognised on 20/11/2024, its title revoked on
    01/12/2024; a commune's title revoked from 01/11/2024 was then accepted, and the bulletin of
    11/2024 listed the district recognised with 1 of its 2 communes holding the title. The
    district held its title from 20/11 to 01/12/2024, resting on the commune's: refused, and the
    message says to correct the date (revoking the district's title changes nothing)."""
    district, held = recognised_district
    _revoke(district, personas, datetime.date(2024, 12, 1), number="61/QĐ-UBND")
    with pytest.raises(ValidationError) as refused:
        _revoke(held[commune], personas, datetime.date(2024, 11, 1))
    (message,) = refused.value.message_dict["decision_date"]
    assert "Huyện Một was recognised as an NTM district by decision 12/QĐ-UBND of 20/11/2024" in message
    assert f"holding the {tier} title on that date" in message
    assert "even if the district's title was revoked later" in message
    assert "Revoke the district's title first" not in message
    assert "Correct this revocation's date (one dated after 20/11/2024 is allowed)" in message
    held[commune].refresh_from_db()
    assert held[commune].state == AssessmentState.RECOGNISED
    # After the district's recognition, the periodic re-check stands as before.
    assert _revoke(held[commune], personas, datetime.date(2024, 11, 21)).state == AssessmentState.REVOKED


def test_a_commune_re_recognised_after_the_revocation_keeps_the_district_standing(
    personas, tree, recognised_district, commune_sets
):
    """The title the district counted was given after the revoked one: revoking the older stands."""
    _district, held = recognised_district
    later = trusted.create_assessment(unit=tree.b, criteria_set=commune_sets["standard"], year=2024, user=None)
    Assessment.objects.filter(pk=later.pk).update(
        state=AssessmentState.RECOGNISED, decision_number="40/QĐ-UBND", decision_date=datetime.date(2024, 10, 1)
    )
    assert _revoke(held["b"], personas, datetime.date(2024, 9, 1)).state == AssessmentState.REVOKED


def test_a_communes_advanced_revocation_the_districts_tenth_counted_is_refused(personas, recognised_district):
    _district, held = recognised_district
    with pytest.raises(ValidationError) as refused:
        _revoke(held["a_advanced"], personas, datetime.date(2024, 11, 1))
    (message,) = refused.value.message_dict["decision_date"]
    assert "which counted Xã Cẩm Thạch holding the Advanced title on that date" in message


def test_the_sheet_refuses_such_a_revocation_at_its_date_before_any_confirmation(client, personas, recognised_district):
    _district, held = recognised_district
    held["b"].refresh_from_db()
    client.force_login(personas.province_office)
    response = client.post(
        reverse("assessment_action", args=[held["b"].pk, "revoke"]),
        {"comment": "Phúc tra", "decision_number": "60/QĐ-UBND", "decision_date": "01/11/2024"},
    )
    html = response.content.decode()
    assert response.status_code == 400 and "Yes, revoke" not in html
    date_field = html[html.index('id="dd-revoke"') : html.index("</form>", html.index('id="dd-revoke"'))]
    assert 'class="error"' in date_field and DISTRICT_RESTS_ON in date_field


def test_the_api_refuses_such_a_revocation_at_its_date(client, personas, recognised_district):
    _district, held = recognised_district
    held["b"].refresh_from_db()
    client.force_login(personas.province_office)
    response = client.post(
        f"/api/v1/assessments/{held['b'].pk}/actions/revoke/",
        {
            "comment": "Phúc tra",
            "decision_number": "60/QĐ-UBND",
            "decision_date": "2024-11-01",
            "version": held["b"].version,
        },
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400, response.content
    (message,) = response.json()["errors"]["decision_date"]
    assert message.startswith(DISTRICT_RESTS_ON)


def test_a_district_is_not_recognised_after_a_communes_revocation_on_the_page_or_the_api(
    client, personas, tree, district_set, commune_sets
):
    """The other way round: the commune's revocation recorded first, the district's decision after it."""
    held = _holds(tree.b, commune_sets["standard"])
    _holds(tree.a, commune_sets["standard"])
    _holds(tree.a, commune_sets["advanced"])
    _revoke(held, personas, datetime.date(2024, 11, 1))
    district = _filled(personas, tree, district_set)
    _to_appraised(district, personas)
    district.refresh_from_db()
    client.force_login(personas.province_office)
    page = client.post(
        reverse("assessment_action", args=[district.pk, "recognise"]),
        {"decision_number": "12/QĐ-UBND", "decision_date": "20/11/2024", "version": district.version},
    )
    assert page.status_code == 400
    assert "1 of 2 do" in page.content.decode()
    api = client.post(
        f"/api/v1/assessments/{district.pk}/actions/recognise/",
        {"decision_number": "12/QĐ-UBND", "decision_date": "2024-11-20", "version": district.version},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert api.status_code == 400
    assert "1 of 2 do" in " ".join(api.json()["errors"]["decision_date"])
    district.refresh_from_db()
    assert district.state == AssessmentState.APPRAISED
