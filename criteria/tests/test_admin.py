import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from communes.tests.factories import UserFactory
from criteria.models import (
    MSG_CRITERION_HAS_INDICATORS,
    MSG_GROUP_OF_ANOTHER_SET,
    MSG_SET_NOT_DRAFT,
    CriteriaSet,
    SetStatus,
)
from criteria.services import assessment_create, indicator_value_record
from criteria.tests.factories import make_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_a_published_set_is_read_only_in_the_admin(admin_client):
    s = make_set()
    page = admin_client.get(reverse("admin:criteria_criteriaset_change", args=[s.pk])).content.decode()
    assert 'name="_save"' not in page
    criterion = s.criteria.first()
    page = admin_client.get(reverse("admin:criteria_criterion_change", args=[criterion.pk])).content.decode()
    assert 'name="_save"' not in page


def test_a_draft_set_is_editable(admin_client):
    s = make_set(publish=False)
    page = admin_client.get(reverse("admin:criteria_criteriaset_change", args=[s.pk])).content.decode()
    assert 'name="_save"' in page


def test_clone_action_creates_an_editable_draft(admin_client):
    s = make_set()
    response = admin_client.post(
        reverse("admin:criteria_criteriaset_changelist"),
        {"action": "clone_as_new_version", "_selected_action": [s.pk]},
        follow=True,
    )
    assert response.status_code == 200
    clone = CriteriaSet.objects.get(code=s.code, version=2)
    assert clone.status == SetStatus.DRAFT
    assert "Created draft TEST-SET v2" in response.content.decode()


def test_the_to_verify_flag_is_shown_on_indicators(admin_client):
    make_set()
    page = admin_client.get(reverse("admin:criteria_indicator_changelist")).content.decode()
    assert "45 (2024) ⚠ to verify" in page


def test_assessment_admin_shows_values_results_and_history(admin_client, personas, tree):
    a = assessment_create(unit=tree.a, criteria_set=make_set(), year=2023, user=personas.officer_a)
    indicator_value_record(assessment=a, code="2.1", raw="85", user=personas.officer_a, expected_version=0)
    page = admin_client.get(reverse("admin:criteria_assessment_change", args=[a.pk])).content.decode()
    assert "officer_a" in page and "85" in page
    assert (
        admin_client.get(reverse("admin:criteria_assessment_changelist"), {"q": "cam thach"}).context["cl"].result_count
        == 1
    )


def test_the_assessment_admin_changes_nothing_a_title_or_a_count_rests_on(admin_client, personas, tree):
    """QA: the admin's assessment form left the revocation, the criteria basically met and the
    report's file editable: a superuser revoked a title (and moved the figures) with no history.
    The assessment is viewed there, never saved."""
    a = assessment_create(unit=tree.a, criteria_set=make_set(), year=2023, user=personas.officer_a)
    url = reverse("admin:criteria_assessment_change", args=[a.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="revocation_number"' not in page and 'name="criteria_basically_met"' not in page
    response = admin_client.post(
        url, {"revocation_number": "99/QĐ-admin", "revocation_date": "2026-10-01", "criteria_basically_met": 3}
    )
    assert response.status_code == 403
    a.refresh_from_db()
    assert (a.revocation_number, a.revocation_date, a.criteria_basically_met) == ("", None, 0)


def test_assessment_admin_searches_by_the_units_code_and_folded_name(admin_client, personas, tree):
    from communes.tests.factories import CommuneFactory

    demo = CommuneFactory(code="DEMO-X001", name="Xã Thử Nghiệm", parent=tree.d1)
    mine = assessment_create(unit=demo, criteria_set=make_set(), year=2023, user=personas.province_office)
    url = reverse("admin:criteria_assessment_changelist")
    for q in ("DEMO-X001", "demo-x001", "DEMO-X", "thu nghiem", "THỬ"):
        assert list(admin_client.get(url, {"q": q}).context["cl"].result_list) == [mine], q


def _criterion_post(criterion, **overrides) -> dict:
    """The criterion change form as the admin page posts it, with no indicator rows."""
    data = {
        "criteria_set": criterion.criteria_set_id,
        "group": criterion.group_id,
        "number": criterion.number,
        "name": criterion.name,
        "indicators-TOTAL_FORMS": "0",
        "indicators-INITIAL_FORMS": "0",
        "indicators-MIN_NUM_FORMS": "0",
        "indicators-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def _new_indicator_row(code: str) -> dict:
    return {
        "indicators-TOTAL_FORMS": "1",
        "indicators-0-code": code,
        "indicators-0-name": "Chỉ tiêu mới",
        "indicators-0-value_type": "percent",
        "indicators-0-unit": "%",
        "indicators-0-comparison": "gte",
        "indicators-0-required": "on",
    }


def test_an_indicator_added_inline_on_a_criterion_takes_the_criterions_set(admin_client):
    s = make_set(publish=False)
    criterion = s.criteria.get(number=1)
    url = reverse("admin:criteria_criterion_change", args=[criterion.pk])
    response = admin_client.post(url, _criterion_post(criterion, **_new_indicator_row("1.2")))
    assert response.status_code == 302
    added = criterion.indicators.get(code="1.2")
    assert added.criteria_set == s


def test_an_inline_indicator_with_a_code_taken_in_the_set_is_a_form_error(admin_client):
    s = make_set(publish=False)
    criterion = s.criteria.get(number=1)
    url = reverse("admin:criteria_criterion_change", args=[criterion.pk])
    response = admin_client.post(url, _criterion_post(criterion, **_new_indicator_row("2.1")))
    assert response.status_code == 200
    assert "This code is already used by another indicator of the set." in response.content.decode()


def test_moving_a_draft_criterion_to_a_published_set_is_a_form_error(admin_client):
    published = make_set(code="PUBLISHED")
    draft = make_set(code="DRAFT", publish=False)
    criterion = draft.criteria.get(number=1)
    url = reverse("admin:criteria_criterion_change", args=[criterion.pk])
    group = published.groups.first()
    # Number 9 is free in the published set: only the set's status can refuse the move.
    response = admin_client.post(url, _criterion_post(criterion, criteria_set=published.pk, group=group.pk, number=9))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    criterion.refresh_from_db()
    assert criterion.criteria_set == draft


def test_a_criterion_cannot_be_cleaned_into_a_published_set():
    published = make_set(code="PUBLISHED")
    criterion = make_set(code="DRAFT", publish=False).criteria.get(number=1)
    criterion.criteria_set = published
    criterion.group = published.groups.first()
    criterion.number = 9
    with pytest.raises(ValidationError) as error:
        criterion.full_clean()
    assert error.value.message_dict["criteria_set"] == [str(MSG_SET_NOT_DRAFT)]


def test_the_group_dropdown_lists_only_the_criterions_set(admin_client):
    make_set(code="OTHER", publish=False)
    s = make_set(publish=False)
    criterion = s.criteria.get(number=1)
    page = admin_client.get(reverse("admin:criteria_criterion_change", args=[criterion.pk]))
    groups = page.context["adminform"].form.fields["group"].queryset
    assert list(groups) == list(s.groups.all())


def test_the_group_dropdown_of_the_sets_criteria_lists_only_that_set(admin_client):
    make_set(code="OTHER", publish=False)
    s = make_set(publish=False)
    page = admin_client.get(reverse("admin:criteria_criteriaset_change", args=[s.pk]))
    formset = next(f for f in page.context["inline_admin_formsets"] if f.formset.prefix == "criteria")
    assert list(formset.formset.forms[0].fields["group"].queryset) == list(s.groups.all())


def test_a_group_of_another_set_is_refused(admin_client):
    other = make_set(code="OTHER", publish=False)
    s = make_set(publish=False)
    criterion = s.criteria.get(number=1)
    url = reverse("admin:criteria_criterion_change", args=[criterion.pk])
    response = admin_client.post(url, _criterion_post(criterion, group=other.groups.first().pk))
    assert response.status_code == 200
    criterion.refresh_from_db()
    assert criterion.group.criteria_set == s


def test_a_criterion_with_a_group_of_another_set_does_not_clean():
    other = make_set(code="OTHER", publish=False)
    criterion = make_set(publish=False).criteria.get(number=1)
    criterion.group = other.groups.first()
    with pytest.raises(ValidationError) as error:
        criterion.full_clean()
    assert error.value.message_dict["group"] == [str(MSG_GROUP_OF_ANOTHER_SET)]


def test_a_criterion_with_indicators_does_not_move_to_another_draft_set():
    other = make_set(code="OTHER", publish=False)
    criterion = make_set(publish=False).criteria.get(number=2)
    criterion.criteria_set = other
    criterion.group = other.groups.first()
    criterion.number = 9
    with pytest.raises(ValidationError) as error:
        criterion.full_clean()
    assert error.value.message_dict["criteria_set"] == [str(MSG_CRITERION_HAS_INDICATORS)]


def test_the_add_criterion_page_names_the_set_of_each_group(admin_client):
    make_set(code="OTHER", publish=False)
    make_set(code="PUBLISHED")
    page = admin_client.get(reverse("admin:criteria_criterion_add"))
    assert page.status_code == 200
    labels = [label for _pk, label in page.context["adminform"].form.fields["group"].choices][1:]
    assert labels == ["I. Nhóm I — Thử (1/QĐ-TEST)"]


def test_two_new_inline_indicators_with_one_code_are_a_form_error(admin_client):
    s = make_set(publish=False)
    criterion = s.criteria.get(number=1)
    rows = _new_indicator_row("1.5")
    rows.update({k.replace("-0-", "-1-"): v for k, v in rows.items() if "-0-" in k})
    rows["indicators-TOTAL_FORMS"] = "2"
    url = reverse("admin:criteria_criterion_change", args=[criterion.pk])
    response = admin_client.post(url, _criterion_post(criterion, **rows))
    assert response.status_code == 200
    assert "This code is already used by another indicator of the set." in response.content.decode()
    assert not criterion.indicators.filter(code="1.5").exists()


def test_a_staff_member_who_is_no_administrator_cannot_clone_a_national_set(client):
    """The clone action asks the workspace's rule: national drafts are administrators' work."""
    from django.contrib.auth.models import Permission

    staff = UserFactory(username="staff", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="criteria"))
    client.force_login(staff)
    s = make_set()
    response = client.post(
        reverse("admin:criteria_criteriaset_changelist"),
        {"action": "clone_as_new_version", "_selected_action": [s.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert not CriteriaSet.objects.filter(code=s.code, version=2).exists()
    assert 'class="error"' in response.content.decode()


def test_the_assessment_admins_history_reads_in_vietnam_time_with_values_as_the_sheet_writes_them(
    admin_client, personas, tree, vi
):
    """QA: the history row read "05/12/2026 17:48 Value changed" (UTC) beside At "06/12/2026 00:48",
    and values as stored: "96.5000"."""
    import datetime

    from criteria.models import HistoryEntry, HistoryKind, Indicator

    a = assessment_create(unit=tree.a, criteria_set=make_set(), year=2023, user=personas.officer_a)
    entry = HistoryEntry.objects.create(
        assessment=a,
        kind=HistoryKind.VALUE,
        indicator=Indicator.objects.get(criterion__criteria_set=a.criteria_set, code="2.1"),
        old_value="85.0000",
        new_value="96.5000",
        user=personas.officer_a,
        at=datetime.datetime(2026, 12, 5, 17, 48, tzinfo=datetime.UTC),
    )
    assert str(entry).startswith("06/12/2026 00:48 ")
    page = admin_client.get(reverse("admin:criteria_assessment_change", args=[a.pk])).content.decode()
    assert "06/12/2026 00:48 " in page
    assert "05/12/2026 17:48" not in page
    assert "85 → 96,5" in page
    assert "96.5000" not in page
