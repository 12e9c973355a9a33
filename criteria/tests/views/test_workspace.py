import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communes.models import UnitType
from communes.tests.factories import CommuneFactory, VillageFactory
from criteria.models import Assessment, Indicator, IndicatorValue, Tier
from criteria.services import ValueEntry, assessment_create, assessment_record_values, catalog_set_publish
from criteria.tests.factories import make_set

pytestmark = pytest.mark.django_db


def test_the_workspace_lists_the_commune_and_its_villages_assessments(client, personas, tree, assessment, criteria_set):
    village_set = make_set(code="VILLAGE", level="village", year_from=2021, year_to=2030)
    assessment_create(unit=tree.a1, criteria_set=village_set, year=2025, user=personas.officer_a)
    client.force_login(personas.officer_a)
    response = client.get(reverse("unit", args=["40101"]), {"year": 2025})
    page = response.content.decode()
    assert response.status_code == 200
    assert "1/3" in page  # the commune: criterion 1 met out of 3
    assert "Thôn Bắc" in page and "0/3 criteria" in page
    assert "Draft" in page


def test_start_picks_the_set_in_force_and_can_prefill_last_year(client, personas, tree, assessment):
    client.force_login(personas.officer_a)
    response = client.post(
        reverse("assessment_start"), {"unit": "40101", "tier": "standard", "year": 2026, "prefill": "1"}, follow=True
    )
    new = Assessment.objects.get(unit=tree.a, year=2026)
    assert response.redirect_chain[-1][0] == reverse("assessment", args=[new.pk])
    assert new.criteria_set == assessment.criteria_set
    assert IndicatorValue.objects.get(assessment=new, indicator__code="1.1").value_bool is True
    assert new.criteria_met == 1
    page = response.content.decode()
    assert "Pre-filled from 2025" in page  # the history
    assert "Pre-filled 1/5 indicators from the 2025 assessment (Thử (1/QĐ-TEST)); 4 indicators need new values." in page


def test_start_says_clearly_when_no_set_applies(client, personas, tree):
    client.force_login(personas.officer_a)
    response = client.post(reverse("assessment_start"), {"unit": "40101", "tier": "model", "year": 2025}, follow=True)
    assert "No published model criteria set applies to a commune in 2025." in response.content.decode()
    assert not Assessment.objects.exists()


def test_the_start_button_names_the_year_it_starts(client, personas, tree, criteria_set):
    """QA: on the page of 2025, seen in 2026, the button read "Start this year's … assessment"
    and started 2025."""
    client.force_login(personas.officer_a)
    page = client.get(reverse("unit", args=["40101"]), {"year": 2025}).content.decode()
    assert "Start the standard assessment for 2025" in page and "this year" not in page


def test_the_page_offers_only_sets_in_force(client, personas, tree, criteria_set):
    client.force_login(personas.officer_a)
    page = client.get(reverse("unit", args=["40101"]), {"year": 2025}).content.decode()
    assert "Start the standard assessment for 2025" in page
    assert "No advanced criteria set applies in 2025." in page


def test_officers_cannot_start_for_another_commune_and_viewers_get_no_button(client, personas, tree, criteria_set):
    client.force_login(personas.officer_b)
    response = client.post(reverse("assessment_start"), {"unit": "40101", "tier": "standard", "year": 2025})
    assert response.status_code == 404
    client.force_login(personas.viewer)
    page = client.get(reverse("unit", args=["40101"]), {"year": 2025}).content.decode()
    assert "Start the " not in page
    assert (
        client.post(reverse("assessment_start"), {"unit": "40101", "tier": "standard", "year": 2025}).status_code == 403
    )
    assert not Assessment.objects.exists()


def test_another_commune_workspace_is_not_found(client, personas):
    client.force_login(personas.officer_a)
    assert client.get(reverse("unit", args=["40102"])).status_code == 404
    assert client.get(reverse("unit", args=["401"])).status_code == 404


def test_a_commune_merged_away_defaults_to_its_last_year_and_offers_no_start_later(
    client, personas, tree, criteria_set
):
    tree.a.valid_to = datetime.date(2025, 6, 30)
    tree.a.save()
    client.force_login(personas.officer_a)
    page = client.get(reverse("unit", args=["40101"])).content.decode()
    assert "year 2025" in page
    page = client.get(reverse("unit", args=["40101"]), {"year": 2026}).content.decode()
    assert "Xã Cẩm Thạch did not exist in 2026." in page and "It existed until 30/06/2025." in page
    assert "Start the " not in page


def test_a_nonsense_year_falls_back_to_the_current_year(client, personas, tree):
    client.force_login(personas.officer_a)
    response = client.get(reverse("unit", args=["40101"]), {"year": "năm ngoái"})
    assert response.status_code == 200
    assert f"year {datetime.date.today().year}" in response.content.decode()


def test_prefill_copies_across_sets_only_the_indicators_that_are_the_same(client, personas, tree, assessment):
    other = make_set(code="OTHER", year_from=2026, year_to=2030, tier=Tier.STANDARD, publish=False)
    # The same code, another value type and unit: not the same indicator.
    Indicator.objects.filter(criteria_set=other, code="2.1").update(value_type="number", unit="ha")
    catalog_set_publish(criteria_set=other)
    assessment_record_values(assessment=assessment, entries=[ValueEntry("2.1", "90")], user=personas.officer_a)
    client.force_login(personas.officer_a)
    client.post(reverse("assessment_start"), {"unit": "40101", "tier": "standard", "year": 2026, "prefill": "1"})
    new = Assessment.objects.get(unit=tree.a, year=2026)
    # Both sets cover 2026: the later one (OTHER, from 2026) is in force; 1.1 is the same indicator, 2.1 is not.
    assert new.criteria_set == other
    assert list(IndicatorValue.objects.filter(assessment=new).values_list("indicator__code", flat=True)) == ["1.1"]


def test_the_workspace_costs_the_same_queries_with_2_villages_or_12(client, personas, tree, criteria_set):
    village_set = make_set(code="VILLAGE", level="village", year_from=2021, year_to=2030)
    # One village with its assessment of the year, one to start: the twelve have both kinds too.
    assessment_create(unit=tree.a1, criteria_set=village_set, year=2024, user=personas.officer_a)
    client.force_login(personas.officer_a)
    url = reverse("unit", args=[tree.a.code]) + "?year=2024"
    client.get(url)  # warm the per-process caches
    with CaptureQueriesContext(connection) as two:
        assert client.get(url).status_code == 200
    for n in range(3, 13):
        village = VillageFactory(code=f"40101-{n:02d}", name=f"Thôn {n}", parent=tree.a)
        if n % 2:  # half of them with their assessment of the year
            assessment_create(unit=village, criteria_set=village_set, year=2024, user=personas.officer_a)
    with CaptureQueriesContext(connection) as twelve:
        page = client.get(url)
    assert page.content.decode().count("Thôn ") >= 12
    assert page.content.decode().count("0/3") >= 6  # the villages' standings are on the page
    assert len(twelve.captured_queries) == len(two.captured_queries)


def test_a_ward_is_offered_no_assessment_to_start(client, personas, tree, criteria_set):
    """Wards, townships and special zones are listed apart: no NTM commune set assesses them
    (``communes.filters.assessable_q``), so their page offers none to start."""
    ward = CommuneFactory(code="40103", name="Phường Thử", type=UnitType.PHUONG, parent=tree.d1)
    client.force_login(personas.province_office)
    page = client.get(reverse("unit", args=[ward.code]), {"year": 2025}).content.decode()
    assert "Phường Thử" in page and "Start the " not in page
    page = client.get(reverse("unit", args=[tree.a.code]), {"year": 2025}).content.decode()
    assert "Start the standard assessment for 2025" in page


def test_a_village_is_offered_the_model_tier_where_its_province_issued_a_model_village_set(
    client, personas, tree, criteria_set
):
    """Villages climb standard → model (no advanced tier): the model start is offered once a model
    village set applies, never an advanced one; without that set no line says it is missing."""
    make_set(code="THON", level="village", year_from=2021, year_to=2030)
    client.force_login(personas.officer_a)
    url = reverse("unit", args=[tree.a.code])
    page = client.get(url, {"year": 2025}).content.decode()
    assert page.count("Start the standard assessment for 2025") == 3  # the commune and its two villages
    assert page.count("No model criteria set applies in 2025") == 1  # the commune's line only
    make_set(code="THON-KM", level="village", tier="model", year_from=2021, year_to=2030)
    page = client.get(url, {"year": 2025}).content.decode()
    assert page.count("Start the model assessment for 2025") == 2
    assert page.count("Start the advanced assessment for 2025") == 0
    assert page.count("No advanced criteria set applies in 2025") == 1  # the commune's line only


def test_a_wards_tdp_is_offered_no_village_assessment_to_start(client, personas, tree, criteria_set):
    """QA: a ward's page offered "Start the standard assessment" for each of its tổ dân phố."""
    make_set(code="THON", level="village", year_from=2021, year_to=2030)
    ward = CommuneFactory(code="40103", name="Phường Thử", type=UnitType.PHUONG, parent=tree.d1)
    VillageFactory(code="40103-01", name="Tổ dân phố 1", type=UnitType.TO_DAN_PHO, parent=ward)
    client.force_login(personas.province_office)
    page = client.get(reverse("unit", args=[ward.code]), {"year": 2025}).content.decode()
    assert "Tổ dân phố 1" in page and "Start the " not in page
    page = client.get(reverse("unit", args=[tree.a.code]), {"year": 2025}).content.decode()
    assert page.count("Start the standard assessment for 2025") == 3  # the commune and its villages


def test_a_commune_formed_from_one_assessed_that_year_is_offered_no_start_at_that_tier(
    client, personas, tree, criteria_set
):
    """Commune A, assessed at the standard tier for 2025, became part of Xã Hợp Nhất on 1 July
    2025: the new commune's 2025 page offers the other tiers, not the standard one that starting
    would refuse (``assessed_territory``)."""
    from communes.models import UnitSuccession

    tree.a.valid_to = datetime.date(2025, 6, 30)
    tree.a.save(update_fields=["valid_to"])
    new = CommuneFactory(code="40100", name="Xã Hợp Nhất", parent=tree.d1, valid_from=datetime.date(2025, 7, 1))
    UnitSuccession.objects.create(predecessor=tree.a, successor=new, date=datetime.date(2025, 7, 1))
    # Its dossier, started for it by the province office (its own officer reads it only, today).
    assessment_create(unit=tree.a, criteria_set=criteria_set, year=2025, user=personas.province_office)
    make_set(code="ADV", tier="advanced", year_from=2021, year_to=2030)
    client.force_login(personas.province_office)
    page = client.get(reverse("unit", args=[new.code]), {"year": 2025}).content.decode()
    assert "Start the standard assessment for 2025" not in page
    assert "Start the advanced assessment for 2025" in page
    page = client.get(reverse("unit", args=[new.code]), {"year": 2026}).content.decode()
    assert "Start the standard assessment for 2026" in page


def test_the_province_page_names_the_year_without_recognition_decisions(client, personas, tree, criteria_set):
    client.force_login(personas.province_office)
    html = client.get(reverse("unit", args=[tree.province.code]) + "?year=2024").content.decode()
    assert "No recognition decisions in 2024 yet." in html and "this year" not in html


def test_the_province_lists_each_recognition_decision_of_the_year_once(client, personas, tree, criteria_set):
    """QA: the province's page listed a decision once per later assessment carrying it (a title
    kept is confirmed by each year's assessment with the same decision)."""
    for year in (2023, 2024, 2025):
        Assessment.objects.create(
            unit=tree.a,
            criteria_set=criteria_set,
            tier=Tier.STANDARD,
            year=year,
            state="recognised",
            decision_number="205/QĐ-UBND",
            decision_date=datetime.date(2023, 12, 22),
        )
    client.force_login(personas.province_office)
    html = client.get(reverse("unit", args=[tree.province.code]) + "?year=2023").content.decode()
    assert html.count("205/QĐ-UBND") == 1


def test_a_commune_officer_reaches_the_commune_progress_dashboard_from_the_workspace(client, personas, tree):
    client.force_login(personas.officer_a)
    response = client.get(reverse("home"), follow=True)  # one membership: straight to the commune
    page = response.content.decode()
    dashboard = reverse("reports:dashboard", args=["40101"])
    assert f'href="{dashboard}?year=' in page and "Progress dashboard" in page
    assert client.get(dashboard).status_code == 200


def test_a_village_page_links_no_dashboard(client, personas, tree):
    client.force_login(personas.officer_a)
    page = client.get(reverse("unit", args=["40101-01"])).content.decode()
    assert "Progress dashboard" not in page


def test_the_start_form_names_each_set_with_its_version(client, personas, tree, criteria_set):
    """QA: the set in force read "… (25/2026/QĐ-UBND) · the set in force" without "v3", and v1 read the same."""
    from criteria.models import CriteriaSet, Target
    from criteria.services import catalog_set_clone, catalog_set_publish

    v1 = make_set(code="OWN", year_from=2021, year_to=2025, issuer=tree.province)
    v2 = catalog_set_clone(criteria_set=v1)
    CriteriaSet.objects.filter(pk=v2.pk).update(effective_date=datetime.date(2025, 1, 1))
    Target.objects.filter(indicator__criteria_set=v2, indicator__code="2.1", region="").update(value=85)
    catalog_set_publish(criteria_set=v2)
    client.force_login(personas.officer_a)
    # 2024: v1 is still the set in force (v2 replaces it from 2025), v2 another set.
    response = client.get(reverse("unit", args=["40101"]), {"year": 2024})
    page = response.content.decode()
    assert "Thử OWN v1 (1/QĐ-TEST) · the set in force" in page
    assert f'<option value="{v2.pk}">Thử OWN v2 (1/QĐ-TEST)</option>' in page


def test_the_start_form_offers_a_later_version_only_as_another_set_before_the_year_it_takes_effect(
    client, personas, tree
):
    """QA: the commune page of 2024 offered "Bắt đầu đánh giá … v2 · bộ đang áp dụng" for a v2
    effective 01/01/2025, and v1 only under "Use another set (give a reason)"."""
    from criteria.tests.factories import publish_next_version

    v1 = make_set(code="OWN", year_from=2021, year_to=2025, issuer=tree.province)
    v2 = publish_next_version(
        v1,
        user=personas.province_office,
        decision_number="12/2024/QĐ-UBND",
        decision_date=datetime.date(2024, 12, 20),
        effective_date=datetime.date(2025, 1, 1),
    )
    client.force_login(personas.officer_a)
    page = client.get(reverse("unit", args=["40101"]), {"year": 2024}).content.decode()
    assert "Thử OWN v1 (1/QĐ-TEST) · the set in force" in page
    assert f'<option value="{v2.pk}">Thử OWN v2 (12/2024/QĐ-UBND)</option>' in page
    page = client.get(reverse("unit", args=["40101"]), {"year": 2025}).content.decode()
    assert "Thử OWN v2 (12/2024/QĐ-UBND) · the set in force" in page
