"""Pages: the province's commune groups and a commune's group with its basis and history."""

import datetime

import lxml.html
import pytest
from django.urls import reverse
from django.utils import translation

from criteria.models import CommuneGroupChange, GroupCondition
from criteria.services.commune_groups import commune_group_set

pytestmark = pytest.mark.django_db

FORM = {
    "group": "3",
    "condition": GroupCondition.MINORITY_MOUNTAIN_II,
    "decision_number": "120/QĐ-UBND",
    "decision_date": "20/01/2026",
    "note": "Rà soát vùng DTTS và miền núi",
    "version": "0",
}


def page(code):
    return reverse("commune_group", args=[code])


def set_group(tree, personas, unit=None):
    return commune_group_set(
        unit=unit or tree.a,
        group=3,
        condition=GroupCondition.MINORITY_MOUNTAIN_III,
        decision_number="120/QĐ-UBND",
        decision_date=datetime.date(2026, 1, 20),
        user=personas.province_office,
    )


def test_the_province_office_sets_a_group_on_the_commune_page(client, tree, personas):
    client.force_login(personas.province_office)
    response = client.post(page(tree.a.code), FORM)
    assert response.status_code == 302
    tree.a.refresh_from_db()
    assert tree.a.commune_group == 3
    html = client.get(page(tree.a.code)).content.decode()
    assert "Group 3: ethnic-minority and mountain area, zone II" in html
    assert "decided by 120/QĐ-UBND of 20/01/2026" in html
    assert "Rà soát vùng DTTS và miền núi" in html  # the history row


def test_a_commune_officer_reads_the_group_and_its_history_without_a_form(client, tree, personas):
    set_group(tree, personas)
    client.force_login(personas.officer_a)
    response = client.get(page(tree.a.code))
    html = response.content.decode()
    assert response.status_code == 200
    assert "zone III" in html and 'name="decision_number"' not in html
    assert client.post(page(tree.a.code), FORM).status_code == 403
    assert CommuneGroupChange.objects.count() == 1


def test_errors_show_at_their_fields_in_vietnamese(client, tree, personas, vi):
    client.force_login(personas.province_office)
    response = client.post(page(tree.a.code), {**FORM, "group": "2", "decision_number": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["decision_number"] == ["Trường này là bắt buộc."]
    response = client.post(page(tree.a.code), {**FORM, "group": "2"})
    assert response.status_code == 400
    assert response.context["form"].errors["condition"] == ["Điều kiện này thuộc nhóm 3, không phải nhóm 2."]
    assert "Điều kiện này thuộc nhóm 3, không phải nhóm 2." in response.content.decode()


def test_a_stale_form_is_refused_and_shows_what_is_stored(client, tree, personas):
    set_group(tree, personas)
    client.force_login(personas.province_office)
    response = client.post(page(tree.a.code), {**FORM, "group": "1", "condition": GroupCondition.URBANISING})
    assert response.status_code == 409
    [error] = response.context["form"].non_field_errors()
    assert "changed this commune's group in the meantime (now group 3)" in error


def test_a_stale_form_names_who_set_the_group_family_name_first(client, tree, personas):
    office = personas.province_office
    office.last_name, office.first_name = "Nguyễn Thị", "Lan"
    office.save()
    set_group(tree, personas)
    client.force_login(office)
    response = client.post(page(tree.a.code), {**FORM, "group": "1", "condition": GroupCondition.URBANISING})
    [error] = response.context["form"].non_field_errors()
    assert error.startswith("Nguyễn Thị Lan changed")


def test_a_commune_outside_the_scope_is_not_found(client, tree, personas):
    client.force_login(personas.officer_b)
    assert client.get(page(tree.a.code)).status_code == 404
    assert client.get(page(tree.d1.code)).status_code == 404


def test_the_province_list_shows_groups_and_bases_and_searches(client, tree, personas):
    set_group(tree, personas, unit=tree.b)
    client.force_login(personas.province_office)
    url = reverse("province_commune_groups", args=[tree.province.code])
    html = client.get(url).content.decode()
    assert "Xã Cẩm Thạch" in html and "Xã Đức Lĩnh" in html and "Xã Ân Phú" in html
    assert "zone III" in html and "decided by 120/QĐ-UBND of 20/01/2026" in html
    assert page(tree.b.code) in html and "Set the group" in html
    # Who set it, under "Set by" (QA: the column showed only a date).
    from communes.people import full_name

    assert full_name(personas.province_office) in html.split("Xã Đức Lĩnh")[1].split("</tr>")[0]
    found = client.get(url, {"q": "duc linh"})
    assert [row.commune.code for row in found.context["page"].object_list] == [tree.b.code]


def test_the_province_list_is_paginated(client, tree, personas, settings):
    from criteria.services import commune_groups

    client.force_login(personas.viewer)
    original = commune_groups.PAGE_SIZE
    commune_groups.PAGE_SIZE = 2
    try:
        response = client.get(reverse("province_commune_groups", args=[tree.province.code]), {"page": "2"})
    finally:
        commune_groups.PAGE_SIZE = original
    assert [row.commune.code for row in response.context["page"].object_list] == [tree.b.code]
    assert "Set the group" not in response.content.decode()


def test_the_province_list_is_only_for_a_province(client, tree, personas):
    client.force_login(personas.province_office)
    assert client.get(reverse("province_commune_groups", args=[tree.d1.code])).status_code == 404
    client.force_login(personas.officer_a)
    assert client.get(reverse("province_commune_groups", args=[tree.province.code])).status_code == 404


def test_the_sheet_header_shows_the_group_and_its_basis_for_a_set_by_group(client, tree, personas):
    from criteria.models import CriteriaSet, TargetBasis
    from criteria.services import assessment_create
    from criteria.tests.factories import make_set

    s = make_set(year_from=2026, year_to=2030)
    CriteriaSet.objects.filter(pk=s.pk).update(target_basis=TargetBasis.GROUP)
    s.refresh_from_db()
    a = assessment_create(unit=tree.a, criteria_set=s, year=2026, user=personas.officer_a)
    client.force_login(personas.officer_a)
    html = client.get(reverse("assessment", args=[a.pk])).content.decode()
    assert "No commune group set" in html
    set_group(tree, personas)
    html = client.get(reverse("assessment", args=[a.pk])).content.decode()
    header = html[html.index('id="sheet-commune-group"') :][:800]
    # The condition names the group; the group is not said again before it (QA: "Group 3: … — Group 3: …").
    assert "<strong>Group 3: ethnic-minority and mountain area, zone III</strong>" in header
    assert header[: header.index("</p>")].count("Group 3") == 1
    assert "zone III" in header and "decided by 120/QĐ-UBND of 20/01/2026" in header
    assert page(tree.a.code) in header


def test_the_sheet_of_a_set_by_region_has_no_group_line(client, assessment, personas):
    client.force_login(personas.officer_a)
    assert 'id="sheet-commune-group"' not in client.get(reverse("assessment", args=[assessment.pk])).content.decode()


def test_the_commune_and_province_pages_link_to_the_groups(client, tree, personas):
    set_group(tree, personas)
    client.force_login(personas.province_office)
    province_page = client.get(reverse("unit", args=[tree.province.code])).content.decode()
    assert reverse("province_commune_groups", args=[tree.province.code]) in province_page
    client.force_login(personas.officer_a)
    commune_page = client.get(reverse("unit", args=[tree.a.code])).content.decode()
    assert page(tree.a.code) in commune_page and "Group 3: ethnic-minority and mountain areas" in commune_page


def test_a_commune_that_ended_before_2026_shows_no_group_line(client, tree, personas):
    tree.a.valid_to = datetime.date(2025, 6, 30)
    tree.a.save()
    client.force_login(personas.officer_a)
    commune_page = client.get(reverse("unit", args=[tree.a.code]), {"year": 2024}).content.decode()
    assert page(tree.a.code) not in commune_page


def test_a_commune_outside_2026_2030_has_no_form_but_says_why(client, tree, personas):
    # The API's can_set and the service's refusal: one rule (QA: can_set true, then refused).
    tree.a.valid_to = datetime.date(2025, 6, 30)
    tree.a.save()
    client.force_login(personas.province_office)
    response = client.get(page(tree.a.code))
    html = response.content.decode()
    assert response.status_code == 200 and 'name="decision_number"' not in html
    assert "does not exist during 2026–2030" in html.split('id="no-commune-group"')[1].split("</p>")[0]
    assert client.post(page(tree.a.code), FORM).status_code == 400
    assert not CommuneGroupChange.objects.exists()
    assert 'id="no-commune-group"' not in client.get(page(tree.b.code)).content.decode()


@pytest.mark.parametrize(("language", "group"), [("en", "Group 3"), ("vi", "Nhóm 3")])
def test_the_group_is_named_once_with_the_condition_it_meets(client, tree, personas, language, group):
    """QA: "Group 2: other communes — Group 2: meets neither…": the condition names its group."""
    set_group(tree, personas)
    client.force_login(personas.province_office)
    with translation.override(language):
        pages = [
            (page(tree.a.code), "//*[@id='commune-group']"),
            (reverse("province_commune_groups", args=["40"]), "//tbody/tr[th//a[contains(., 'Cẩm Thạch')]]/td[1]"),
        ]
        for url, where in pages:
            (basis,) = lxml.html.fromstring(client.get(url).content.decode()).xpath(where)
            text = " ".join(basis.text_content().split())
            assert text.count(group) == 1, (url, text)
            assert "zone III" in text or "khu vực III" in text


def test_the_english_group_pages_mark_the_vietnamese_names(client, tree, personas):
    set_group(tree, personas)
    client.force_login(personas.province_office)
    for url in (page(tree.a.code), reverse("province_commune_groups", args=["40"])):
        doc = lxml.html.fromstring(client.get(url).content.decode())
        assert "Xã Cẩm Thạch" in doc.xpath("//main//*[@lang='vi']/text()"), url
