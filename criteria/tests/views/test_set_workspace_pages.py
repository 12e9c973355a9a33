"""The criteria-set workspace pages, as the province office and others use them."""

import datetime

import pytest
from django.urls import reverse

from communes.models import Role
from communes.tests.factories import MembershipFactory, ProvinceFactory, UserFactory
from criteria.models import CriteriaSet, CriteriaSetChange, SetStatus, Target
from criteria.services.set_workspace import criteria_set_clone_for
from criteria.tests.factories import give_own_header, make_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def national():
    return make_set(code="NATIONAL", year_from=2021, year_to=2030)


@pytest.fixture
def draft(tree, personas, national):
    clone = criteria_set_clone_for(criteria_set=national, province=tree.province, user=personas.province_office)
    return give_own_header(clone)


@pytest.fixture
def other():
    province = ProvinceFactory(code="42", name="Tỉnh Khác")
    office = UserFactory(username="office_42")
    MembershipFactory(user=office, unit=province, role=Role.PROVINCE_OFFICE)
    return province, office


def test_the_list_shows_national_and_own_sets_not_another_province_s(client, tree, personas, national, draft, other):
    foreign = make_set(code="FOREIGN", issuer=other[0], publish=False)
    client.force_login(personas.province_office)
    html = client.get(reverse("criteria_sets")).content.decode()
    assert reverse("criteria_set", args=[national.pk]) in html
    assert reverse("criteria_set", args=[draft.pk]) in html
    assert reverse("criteria_set", args=[foreign.pk]) not in html
    assert "Commune · Standard" in html


def test_another_province_s_office_cannot_see_or_change_the_set(client, draft, other):
    client.force_login(other[1])
    assert client.get(reverse("criteria_set", args=[draft.pk])).status_code == 404
    assert client.post(reverse("criteria_set_publish", args=[draft.pk])).status_code == 404
    assert client.get(reverse("criteria_sets") + "?province=40").status_code == 404
    draft.refresh_from_db()
    assert draft.status == SetStatus.DRAFT


def _national_draft():
    """A national set still a draft (staff only): no one else reads it."""
    return CriteriaSet.objects.create(
        code="NAT-DRAFT",
        name="Nháp",
        short_name="Nháp",
        decision_number="1",
        decision_date="2021-01-01",
        level="commune",
        tier="standard",
        year_from=2021,
        year_to=2025,
    )


def test_a_national_set_offers_no_publish_or_retire_and_refuses_them(client, personas, national):
    national_draft = _national_draft()
    client.force_login(personas.province_office)
    html = client.get(reverse("criteria_set", args=[national.pk])).content.decode()
    assert reverse("criteria_set_retire", args=[national.pk]) not in html
    assert reverse("criteria_set_publish", args=[national.pk]) not in html
    assert client.post(reverse("criteria_set_retire", args=[national.pk]), {"reason": "x"}).status_code == 403
    # A national draft is the administrators' work in progress: not shown to a province.
    assert client.get(reverse("criteria_set", args=[national_draft.pk])).status_code == 404
    assert client.post(reverse("criteria_set_publish", args=[national_draft.pk])).status_code == 404
    national.refresh_from_db()
    assert national.status == SetStatus.PUBLISHED


def test_an_administrator_publishes_a_national_draft(client, national):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("admin", password="a-long-test-password")
    draft = CriteriaSet.objects.get(pk=national.pk)
    client.force_login(admin)
    response = client.post(reverse("criteria_set_clone", args=[draft.pk]), {"province": ""})
    clone = CriteriaSet.objects.get(code="NATIONAL", version=2)
    assert clone.issuer is None and response["Location"] == reverse("criteria_set", args=[clone.pk])
    Target.objects.filter(indicator__criteria_set=clone, indicator__code="2.1", region="").update(value=85)
    client.post(reverse("criteria_set_publish", args=[clone.pk]), {"unconfirmed_count": 1, "accept_unconfirmed": "on"})
    clone.refresh_from_db()
    assert clone.status == SetStatus.PUBLISHED


def test_a_commune_officer_of_the_province_reads_its_published_set_not_its_draft(client, personas, draft):
    client.force_login(personas.officer_a)
    assert client.get(reverse("criteria_set", args=[draft.pk])).status_code == 404
    client.force_login(personas.province_office)
    client.post(reverse("criteria_set_publish", args=[draft.pk]), {"unconfirmed_count": 1, "accept_unconfirmed": "on"})
    client.force_login(personas.officer_a)
    assert client.get(reverse("criteria_set", args=[draft.pk])).status_code == 200


def test_cloning_from_the_page_makes_a_province_draft(client, tree, personas, national):
    client.force_login(personas.province_office)
    html = client.get(reverse("criteria_set", args=[national.pk])).content.decode()
    assert "Clone into a draft of Tỉnh Nghệ Thử" in html
    response = client.post(reverse("criteria_set_clone", args=[national.pk]), {"province": "40"})
    clone = CriteriaSet.objects.get(code="40-NATIONAL")
    assert response["Location"] == reverse("criteria_set", args=[clone.pk])
    assert clone.issuer == tree.province and clone.status == SetStatus.DRAFT


def test_publish_lists_unconfirmed_targets_and_needs_them_confirmed_or_accepted(client, personas, draft):
    pending = Target.objects.get(indicator__criteria_set=draft, to_verify=True)
    client.force_login(personas.province_office)
    html = client.get(reverse("criteria_set", args=[draft.pk])).content.decode()
    assert "1 target is not yet confirmed" in html and "Publish with this 1 target unconfirmed" in html
    url = reverse("criteria_set_publish", args=[draft.pk])
    response = client.post(url, {"unconfirmed_count": 1}, follow=True)
    assert "1 target is not yet confirmed" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == SetStatus.DRAFT
    client.post(reverse("criteria_set_target_confirm", args=[draft.pk, pending.pk]))
    pending.refresh_from_db()
    assert pending.confirmed_by == personas.province_office
    html = client.get(reverse("criteria_set", args=[draft.pk])).content.decode()
    assert "confirmed by province_office" in html
    client.post(url, {"unconfirmed_count": 0})
    draft.refresh_from_db()
    assert draft.status == SetStatus.PUBLISHED


def test_publishing_with_the_box_ticked_records_who_accepted(client, personas, draft):
    client.force_login(personas.province_office)
    client.post(reverse("criteria_set_publish", args=[draft.pk]), {"unconfirmed_count": 1, "accept_unconfirmed": "on"})
    draft.refresh_from_db()
    assert draft.status == SetStatus.PUBLISHED
    entry = CriteriaSetChange.objects.get(criteria_set=draft, kind="published")
    assert entry.user == personas.province_office and "1 targets unconfirmed: 3.1" in entry.comment
    html = client.get(reverse("criteria_set", args=[draft.pk])).content.decode()
    assert "This criteria set is published and cannot be changed" in html
    assert reverse("criteria_set_retire", args=[draft.pk]) in html
    # A second click on the button of the page read before: told so on the set's page, no publish form.
    again = client.post(
        reverse("criteria_set_publish", args=[draft.pk]),
        {"unconfirmed_count": 1, "accept_unconfirmed": "on"},
        follow=True,
    )
    page = again.content.decode()
    assert "Only a draft set can be changed; this one is published." in page and 'id="publish"' not in page


def test_a_viewer_reads_the_set_without_any_action(client, personas, draft):
    client.force_login(personas.viewer)
    html = client.get(reverse("criteria_set", args=[draft.pk])).content.decode()
    assert reverse("criteria_set_publish", args=[draft.pk]) not in html
    assert "Confirm against the decision" not in html


def test_retiring_from_the_page_needs_a_reason(client, personas, draft):
    Target.objects.filter(indicator__criteria_set=draft).update(to_verify=False)
    client.force_login(personas.province_office)
    client.post(reverse("criteria_set_publish", args=[draft.pk]))
    response = client.post(reverse("criteria_set_retire", args=[draft.pk]), {"reason": ""}, follow=True)
    assert "Say why the set is retired" in response.content.decode()
    client.post(reverse("criteria_set_retire", args=[draft.pk]), {"reason": "QĐ 9/QĐ-UBND"})
    draft.refresh_from_db()
    assert draft.status == SetStatus.RETIRED


def test_the_province_page_links_the_workspace(client, personas):
    client.force_login(personas.province_office)
    html = client.get(reverse("unit", args=["40"])).content.decode()
    assert reverse("criteria_sets") + "?province=40" in html


def test_the_workspace_speaks_vietnamese(client, personas, draft, vi):
    client.force_login(personas.province_office)
    html = client.get(reverse("criteria_set", args=[draft.pk])).content.decode()
    assert "Ban hành với 1 mức đạt chưa đối chiếu này" in html
    assert "Xác nhận đã đối chiếu quyết định" in html
    response = client.post(reverse("criteria_set_publish", args=[draft.pk]), {"unconfirmed_count": 1}, follow=True)
    assert "1 mức đạt chưa được đối chiếu với văn bản quyết định" in response.content.decode()


def test_the_set_page_reads_a_fixed_number_of_queries(client, personas, draft):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from criteria.models import Indicator

    client.force_login(personas.province_office)
    url = reverse("criteria_set", args=[draft.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    criterion = draft.criteria.get(number=2)
    for n in range(5):
        indicator = Indicator.objects.create(
            criteria_set=draft,
            criterion=criterion,
            code=f"2.{n + 5}",
            name="Thêm",
            value_type="count",
            comparison="lte",
        )
        Target.objects.create(indicator=indicator, value=n, to_verify=True)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_an_administrator_sees_one_clone_button_on_a_national_set(client, tree, national):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("admin", password="a-long-test-password")
    client.force_login(admin)
    html = client.get(reverse("criteria_set", args=[national.pk])).content.decode()
    assert "Clone into a national draft" in html and "Clone into a draft of" not in html


def test_a_clone_code_too_long_is_refused_with_a_message(client, personas, national):
    client.force_login(personas.province_office)
    url = reverse("criteria_set_clone", args=[national.pk])
    response = client.post(url, {"province": "40", "code": "X" * 41}, follow=True)
    assert "at most 40 characters" in response.content.decode()
    assert not CriteriaSet.objects.filter(issuer__code="40").exists()


def test_a_clone_code_with_spaces_is_refused_with_a_message(client, personas, national):
    client.force_login(personas.province_office)
    url = reverse("criteria_set_clone", args=[national.pk])
    response = client.post(url, {"province": "40", "code": "DEMO THON KM"}, follow=True)
    assert "Use letters, digits, dot, dash or underscore." in response.content.decode()
    assert not CriteriaSet.objects.filter(issuer__code="40").exists()


def test_a_clone_the_set_rules_refuse_is_refused_with_the_rule_not_an_error_page(client, personas, national):
    """A set whose own dates break the header's rule (in force before its decision, as a catalog
    file could have it): its copy keeps them and is refused, saying why, and nothing is created."""
    CriteriaSet.objects.filter(pk=national.pk).update(effective_date=datetime.date(2020, 12, 1))
    client.force_login(personas.province_office)
    url = reverse("criteria_set_clone", args=[national.pk])
    response = client.post(url, {"province": "40"}, follow=True)
    assert response.status_code == 200
    assert "A criteria set comes into force on or after its decision date (01/01/2021)." in response.content.decode()
    assert not CriteriaSet.objects.filter(issuer__code="40").exists()


def test_publishing_a_set_with_a_criterion_without_indicator_says_which_at_the_publish_step(client, personas, draft):
    from criteria.models import Criterion

    Criterion.objects.create(criteria_set=draft, group=draft.groups.get(), number=20, name="Tiêu chí riêng")
    client.force_login(personas.province_office)
    url = reverse("criteria_set_publish", args=[draft.pk])
    response = client.post(url, {"unconfirmed_count": 1, "accept_unconfirmed": "on"})
    assert response.status_code == 400
    html = response.content.decode()
    section = html[html.index('id="publish"') : html.index("</section>", html.index('id="publish"'))]
    assert '<li class="error">Criterion 20 (Tiêu chí riêng) has no required indicator' in section
    draft.refresh_from_db()
    assert draft.status == SetStatus.DRAFT


def test_a_clone_keeping_the_national_decision_is_refused_at_the_publish_step(client, tree, personas, national):
    client.force_login(personas.province_office)
    client.post(reverse("criteria_set_clone", args=[national.pk]), {"province": "40"})
    clone = CriteriaSet.objects.get(code="40-NATIONAL")
    url = reverse("criteria_set_publish", args=[clone.pk])
    response = client.post(url, {"unconfirmed_count": 1, "accept_unconfirmed": "on"})
    html = response.content.decode()
    assert (
        response.status_code == 400
        and "The decision 1/QĐ-TEST is the legal basis of NATIONAL v1, the set this one was cloned from" in html
    )
    clone.refresh_from_db()
    assert clone.status == SetStatus.DRAFT


def _page_set_ids(client, query="") -> set[int]:
    import re

    response = client.get(reverse("criteria_sets") + query)
    assert response.status_code == 200
    return {int(pk) for pk in re.findall(r'href="(?:/en)?/criteria-sets/(\d+)/"', response.content.decode())}


def _api_sets(client) -> list[dict]:
    return client.get("/api/v1/criteria-sets/", {"page_size": 1000}).json()["results"]


@pytest.mark.parametrize(
    "persona", ["officer_a", "officer_b", "district_d1", "district_d2", "province_office", "viewer", "outsider"]
)
def test_the_list_page_shows_the_sets_the_api_lists_to_each_user(client, tree, personas, national, draft, persona):
    """QA: the menu's "Criteria sets" answered 403 to commune and district users, who read the
    same sets through a set's page and the API."""

    other = ProvinceFactory(code="42", name="Tỉnh Khác")
    make_set(code="OTHER-PUBLISHED", issuer=other)
    own = make_set(code="OWN-PUBLISHED", tier="advanced", issuer=tree.province)
    _national_draft()
    client.force_login(getattr(personas, persona))
    shown = _page_set_ids(client)
    assert shown == {row["id"] for row in _api_sets(client)}
    assert national.pk in shown
    assert (own.pk in shown) == (persona != "outsider")


def test_an_administrator_s_list_of_a_province_is_the_api_s_national_and_province_sets(client, tree, national, draft):
    from django.contrib.auth import get_user_model

    make_set(code="OTHER-PUBLISHED", issuer=ProvinceFactory(code="42", name="Tỉnh Khác"))
    client.force_login(get_user_model().objects.create_superuser("admin", password="a-long-test-password"))
    rows = _api_sets(client)
    assert _page_set_ids(client, "?province=40") == {r["id"] for r in rows if r["issuer"] in (None, "40")}
    assert _page_set_ids(client) == {r["id"] for r in rows if r["issuer"] is None}


def test_a_commune_officer_reads_the_list_without_the_province_office_s_actions(client, personas, national):
    client.force_login(personas.officer_a)
    response = client.get(reverse("criteria_sets"))
    html = response.content.decode()
    assert response.status_code == 200 and "Criteria sets: Tỉnh Nghệ Thử" in html
    assert reverse("criteria_set_new") not in html
    assert reverse("unit", args=["40"]) not in html  # the province page is not theirs to read
    assert client.get(reverse("criteria_set_new")).status_code == 403


def test_the_sets_history_names_who_changed_it_as_other_histories_do(client, personas, draft):
    office = personas.province_office
    office.last_name, office.first_name = "Nguyễn Thị", "Lan"
    office.save()
    client.force_login(office)
    page = client.get(reverse("criteria_set", args=[draft.pk])).content.decode()
    assert CriteriaSetChange.objects.filter(criteria_set=draft, user=office).exists()
    assert "<td>Nguyễn Thị Lan</td>" in page  # family name first (communes.people.full_name)
    assert "<td>province_office</td>" not in page


def test_a_version_replaced_by_a_published_amendment_says_so_in_the_list_and_on_its_page(client, tree, personas):
    """QA: v1, v2 and v3 of the province's set all read just "published"."""
    import datetime

    from criteria.services.set_workspace import criteria_set_publish_checked

    office = personas.province_office
    v1 = make_set(code="OWN", year_from=2026, year_to=2030, issuer=tree.province)
    v2 = criteria_set_clone_for(criteria_set=v1, province=tree.province, user=office)
    CriteriaSet.objects.filter(pk=v2.pk).update(effective_date=datetime.date(2027, 1, 1))
    Target.objects.filter(indicator__criteria_set=v2, indicator__code="2.1", region="").update(value=85)
    criteria_set_publish_checked(criteria_set=v2, user=office, accept_unconfirmed=1)
    client.force_login(office)
    assert "Replaced by v2 from 2027" in client.get(reverse("criteria_sets")).content.decode()
    assert "Replaced by v2 from 2027" in client.get(reverse("criteria_set", args=[v1.pk])).content.decode()
    assert "Replaced by" not in client.get(reverse("criteria_set", args=[v2.pk])).content.decode()


def test_publishing_shows_every_problem_at_once_each_with_a_link_to_its_row(client, tree, personas, national):
    """QA: a draft with several problems showed one per press of "Publish"."""
    from criteria.models import Criterion

    client.force_login(personas.province_office)
    client.post(reverse("criteria_set_clone", args=[national.pk]), {"province": "40"})
    clone = CriteriaSet.objects.get(code="40-NATIONAL")  # still the State's decision and names
    criterion = Criterion.objects.create(criteria_set=clone, group=clone.groups.get(), number=20, name="Tiêu chí riêng")
    income = clone.indicators.get(code="3.1")
    Target.objects.filter(indicator=income).delete()
    response = client.post(reverse("criteria_set_publish", args=[clone.pk]), {"unconfirmed_count": 0})
    assert response.status_code == 400
    html = response.content.decode()
    section = html[html.index('id="publish"') : html.index("</section>", html.index('id="publish"'))]
    page = reverse("criteria_set", args=[clone.pk])
    header = f'<a href="{reverse("criteria_set_edit", args=[clone.pk])}">Edit the header and decision</a>'
    assert section.count('<li class="error">') == 5
    assert "The decision 1/QĐ-TEST is the legal basis of NATIONAL v1" in section
    assert "“Bộ tiêu chí thử” is already the name of NATIONAL v1" in section and section.count(header) == 3
    assert "Criterion 20 (Tiêu chí riêng) has no required indicator" in section
    assert f'<a href="{page}#criterion-{criterion.pk}">Criterion 20</a>' in section
    assert "Indicator 3.1 (Thu nhập) is required but has no target value" in section
    assert f'<a href="{page}#indicator-{income.pk}">Indicator 3.1</a>' in section
    # The rows the links lead to carry those ids on the set's page.
    shown = client.get(page).content.decode()
    assert f'id="criterion-{criterion.pk}"' in shown and f'id="indicator-{income.pk}"' in shown
    clone.refresh_from_db()
    assert clone.status == SetStatus.DRAFT


def test_an_indicator_s_type_names_its_unit_beside_it_not_after_the_sign(client, personas, national):
    """QA: "Percentage · ≥ %" read as a target whose number was missing."""
    client.force_login(personas.province_office)
    html = client.get(reverse("criteria_set", args=[national.pk])).content.decode()
    assert "(%) · ≥" in html and "(triệu đồng) · ≥" in html
    assert "≥ %" not in html
