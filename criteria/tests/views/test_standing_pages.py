"""Pages: not applicable on the sheet, summary records flagged and converted, the set in force."""

import datetime
import re

import pytest
from django.urls import reverse

from criteria.models import Assessment, Indicator, IndicatorValue, SetInForce
from criteria.services import assessment_create, catalog_set_publish
from criteria.services.summary import assessment_record_summary
from criteria.tests.factories import make_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def conditional(tree, personas):
    s = make_set(publish=False)
    Indicator.objects.filter(criteria_set=s, code="2.1").update(conditional=True)
    catalog_set_publish(criteria_set=s)
    return assessment_create(unit=tree.a, criteria_set=s, year=2023, user=personas.officer_a)


def test_the_sheet_flags_a_conditional_indicator_and_takes_not_applicable_with_a_reason(client, personas, conditional):
    client.force_login(personas.officer_a)
    page = client.get(reverse("assessment", args=[conditional.pk])).content.decode()
    assert "if any (nếu có)" in page
    url = reverse("record_value", args=[conditional.pk, "2.1"])
    refused = client.post(url, {"value": "không áp dụng", "note": "", "version": 0})
    assert refused.status_code == 400 and "why it does not apply" in refused.content.decode()
    assert client.post(url, {"value": "không áp dụng", "note": "Không có kênh", "version": 0}).status_code == 302
    assert IndicatorValue.objects.get(assessment=conditional, indicator__code="2.1").not_applicable
    page = client.get(reverse("assessment", args=[conditional.pk])).content.decode()
    assert 'Not applicable: <span lang="vi">Không có kênh</span>' in page


def test_a_conditional_indicator_whose_name_says_it_is_not_flagged_twice(client, personas, tree):
    """QĐ 318 writes "(nếu có)" into many indicators' names: the page does not add its own
    "nếu có" badge after them ("… (nếu có) nếu có"), and still marks the others."""
    s = make_set(publish=False)
    Indicator.objects.filter(criteria_set=s, code="2.1").update(conditional=True, name="Chợ nông thôn (nếu có)")
    Indicator.objects.filter(criteria_set=s, code="1.1").update(conditional=True)
    catalog_set_publish(criteria_set=s)
    assessment = assessment_create(unit=tree.a, criteria_set=s, year=2023, user=personas.officer_a)
    client.force_login(personas.officer_a)
    page = client.get(f"/assessments/{assessment.pk}/").content.decode()
    badges = re.findall(r'id="ind-([\d.]+)".*?<p>(.*?)</p>', page, re.S)
    flagged = {code for code, heading in badges if "flag-conditional" in heading}
    assert flagged == {"1.1"}, flagged
    assert "Chợ nông thôn (nếu có)" in page
    client.force_login(personas.province_office)
    for url in (reverse("criteria_set", args=[s.pk]), reverse("criteria_set_preview", args=[s.pk])):
        shown = client.get(url).content.decode()
        assert shown.count("flag-conditional") == 1, url


@pytest.fixture
def summary(tree, personas):
    old = make_set(code="OLD", year_from=2016, year_to=2020)
    return assessment_record_summary(
        unit=tree.a,
        criteria_set=old,
        year=2019,
        met={1, 3},
        source_number="25/BC-UBND",
        source_date=datetime.date(2020, 1, 10),
        user=personas.officer_a,
    )


def test_a_summary_record_is_flagged_on_the_sheet_and_the_commune_page_and_converted(client, personas, summary):
    client.force_login(personas.officer_a)
    sheet = client.get(reverse("assessment", args=[summary.pk])).content.decode()
    assert "Summary record" in sheet and "25/BC-UBND" in sheet and "10/01/2020" in sheet
    commune = client.get(reverse("reports:dashboard", args=["40101"]), {"year": 2019}).content.decode()
    assert "summary record" in commune
    assert client.post(reverse("convert_summary", args=[summary.pk])).status_code == 302
    assert not Assessment.objects.get(pk=summary.pk).summary


def test_the_province_office_puts_a_set_in_force_on_the_province_page(client, tree, personas):
    old = make_set(code="OLD", year_from=2016, year_to=2020)
    client.force_login(personas.province_office)
    page = client.get(reverse("unit", args=["40"])).content.decode()
    assert "Criteria sets in force" in page and "Put in force" in page
    assert '<option value="" selected>— choose a set —</option>' in page and "---------" not in page
    response = client.post(
        reverse("set_in_force", args=["40"]), {"year": 2021, "criteria_set": old.pk, "basis": "KH 12/KH-UBND"}
    )
    assert response.status_code == 302
    assert SetInForce.objects.get(province=tree.province, year=2021).criteria_set == old
    client.force_login(personas.viewer)
    assert "Put in force" not in client.get(reverse("unit", args=["40"])).content.decode()
    # The address read leads to the section, not a blank 405 (QA).
    read = client.get(reverse("set_in_force", args=["40"]))
    assert read.status_code == 302 and read["Location"] == reverse("unit", args=["40"]) + "#sets-in-force"


def test_the_start_form_offers_the_set_in_force_first_and_another_with_a_reason(client, tree, personas):
    make_set(code="NEW", year_from=2021, year_to=2025)
    own = make_set(code="OWN", year_from=2021, year_to=2025, issuer=tree.province)
    client.force_login(personas.officer_a)
    page = client.get(reverse("unit", args=["40101"]), {"year": 2023}).content.decode()
    assert "the set in force" in page and "Use another set" in page
    data = {"unit": "40101", "tier": "standard", "year": 2023, "criteria_set": make_set(code="X", publish=True).pk}
    refused = client.post(reverse("assessment_start"), data, follow=True)
    assert "say why" in refused.content.decode()
    assert not Assessment.objects.filter(unit=tree.a, year=2023).exists()
    started = client.post(reverse("assessment_start"), data | {"reason": "Theo bộ quốc gia"})
    assert started.status_code == 302
    assert Assessment.objects.get(unit=tree.a, year=2023).criteria_set.code == "X"
    assert own.pk != Assessment.objects.get(unit=tree.a, year=2023).criteria_set_id  # its own was the one in force
