"""Editing a draft set from the pages: messages at the field, never a 500; published sets frozen."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from communes.models import Role
from communes.tests.factories import MembershipFactory, UserFactory
from criteria.models import CriteriaSet, CriteriaSetChange, Criterion, CriterionGroup, Indicator, SetStatus, Target
from criteria.services.set_editing import row_ref
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
def office(client, personas):
    client.force_login(personas.province_office)
    return client


def _header(draft, **changes):
    data = {
        "name": draft.name,
        "short_name": draft.short_name,
        "decision_number": "12/2026/QĐ-UBND",
        "decision_date": "20/02/2026",
        "effective_date": "",
        "year_from": 2026,
        "year_to": 2030,
        "target_basis": "region",
        "disadvantaged_region": "TDMNPB",
        "notes": "",
    }
    data.update(changes)
    return data


def test_the_header_and_the_decision_pdf_are_saved_and_recorded(office, draft, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile("qd.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = office.post(reverse("criteria_set_edit", args=[draft.pk]), {**_header(draft), "decision_pdf": pdf})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.decision_number == "12/2026/QĐ-UBND" and draft.year_from == 2026 and draft.decision_file
    download = office.get(reverse("criteria_set_decision", args=[draft.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert CriteriaSetChange.objects.filter(criteria_set=draft, kind="edited").exists()


def test_a_bad_header_shows_messages_at_the_fields(office, draft, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    word = SimpleUploadedFile("qd.docx", b"PK\x03\x04rest", content_type="application/octet-stream")
    response = office.post(
        reverse("criteria_set_edit", args=[draft.pk]), {**_header(draft, year_to=2020), "decision_pdf": word}
    )
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.year_from == 2021 and not draft.decision_file


def test_the_criterion_form_offers_only_the_set_s_groups_and_refuses_another_s(office, draft, national):
    response = office.get(reverse("criteria_set_row_new", args=[draft.pk, "criteria"]))
    choices = list(response.context["form"].fields["group"].queryset)
    assert choices == list(draft.groups.all())
    foreign = national.groups.get()
    response = office.post(
        reverse("criteria_set_row_new", args=[draft.pk, "criteria"]), {"number": 4, "group": foreign.pk, "name": "X"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Criterion.objects.filter(criteria_set=draft, number=4).exists()


def test_a_duplicate_code_or_impossible_comparison_is_a_message_not_a_500(office, draft):
    criterion = draft.criteria.get(number=1)
    url = reverse("criteria_set_row_new", args=[draft.pk, "indicators"])
    base = {"criterion": criterion.pk, "name": "Mới", "value_type": "percent", "comparison": "gte", "position": 5}
    response = office.post(url, {**base, "code": "1.1"})
    assert response.status_code == 400
    assert response.context["form"].errors == {"code": ["This code is already used by another indicator of the set."]}
    response = office.post(url, {**base, "code": "1.9", "value_type": "yes_no", "comparison": "gte"})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "comparison": [
            "A yes/no indicator is compared by “met (đạt)” or “=”, and only a yes/no indicator by “met (đạt)”."
        ]
    }
    response = office.post(url, {**base, "code": "1.9", "conditional": "on"})
    assert response.status_code == 302
    assert Indicator.objects.get(criteria_set=draft, code="1.9").conditional


def test_a_target_typed_the_vietnamese_way_is_stored_and_confirmed_by_its_author(office, personas, draft):
    indicator = draft.indicators.get(code="2.1")
    response = office.post(
        reverse("criteria_set_row_new", args=[draft.pk, "targets"]),
        {"indicator": indicator.pk, "value_text": "6,5", "region": "DBSH", "year": ""},
    )
    assert response.status_code == 302
    target = Target.objects.get(indicator=indicator, region="DBSH")
    assert target.value == Decimal("6.5") and target.confirmed_by == personas.province_office
    response = office.post(
        reverse("criteria_set_row_new", args=[draft.pk, "targets"]),
        {"indicator": indicator.pk, "value_text": "6,5", "region": "DBSH"},
    )
    assert response.status_code == 400  # the same scope twice


def test_a_second_target_for_the_same_scope_is_refused_at_the_field_in_words(office, draft):
    """QA: 'Constraint “target_one_per_scope” is violated.'"""
    indicator = draft.indicators.get(code="2.1")
    response = office.post(
        reverse("criteria_set_row_new", args=[draft.pk, "targets"]),
        {"indicator": indicator.pk, "value_text": "75", "region": "TDMNPB", "year": ""},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "region": [
            "Indicator 2.1 already has a target for this region, commune group and year: change that target instead."
        ]
    }
    assert "Constraint" not in response.content.decode()


def test_a_criterion_number_already_in_the_set_is_refused_at_the_number(office, draft):
    """QA: 'Tiêu chí với thông tin Criteria set và Số thứ tự đã tồn tại' — a model's field name."""
    response = office.post(
        reverse("criteria_set_row_new", args=[draft.pk, "criteria"]),
        {"number": 2, "group": draft.groups.get().pk, "name": "Trùng"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"number": ["Criterion 2 already exists in this set."]}
    assert Criterion.objects.filter(criteria_set=draft, number=2).count() == 1


def test_a_group_code_already_in_the_set_is_refused_at_the_code(office, draft):
    response = office.post(
        reverse("criteria_set_row_new", args=[draft.pk, "groups"]), {"code": "I", "name": "Trùng", "position": 2}
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"code": ["Group I already exists in this set."]}


def test_header_years_out_of_order_are_refused_at_the_last_year(office, draft):
    response = office.post(reverse("criteria_set_edit", args=[draft.pk]), _header(draft, year_to=2020))
    assert response.status_code == 400
    assert response.context["form"].errors == {"year_to": ["The last year cannot come before the first year."]}
    response = office.post(reverse("criteria_set_edit", args=[draft.pk]), _header(draft, year_from=2005))
    assert response.context["form"].errors == {"year_from": ["A criteria set starts in 2010 or later."]}


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"year_to": 9999}, {"year_to": ["A criteria set ends in 2035 at the latest."]}),
        ({"year_from": 2026, "year_to": 2036}, {"year_to": ["A criteria set ends in 2035 at the latest."]}),
        ({"year_from": 2021, "year_to": 2031}, {"year_to": ["A criteria set covers at most 10 years."]}),
        (
            {"decision_date": "01/01/1900"},
            {"decision_date": ["A criteria set is decided on or after 16/04/2009 (QĐ 491/QĐ-TTg, the first set)."]},
        ),
        ({"decision_date": "01/01/2099"}, {"decision_date": ["The decision date cannot be in the future."]}),
        (
            {"decision_date": "15/01/2026", "effective_date": "01/01/2020"},
            {"effective_date": ["A criteria set comes into force on or after its decision date (15/01/2026)."]},
        ),
        (
            {"effective_date": "31/12/2099"},
            {"effective_date": ["A criteria set comes into force by the end of its period (31/12/2030)."]},
        ),
    ],
)
def test_a_period_and_dates_no_set_can_have_are_refused_at_their_field(office, draft, changes, errors):
    """QA: "Giai đoạn 2026–9999", a 2026 set decided on 01/01/1900, in force before its decision
    or from 31/12/2099 were all saved."""
    response = office.post(reverse("criteria_set_edit", args=[draft.pk]), _header(draft, **changes))
    assert response.status_code == 400
    assert response.context["form"].errors == errors
    draft.refresh_from_db()
    assert (draft.year_to, draft.decision_date.year) != (9999, 1900)


def test_a_new_set_ending_after_2035_and_in_force_before_its_decision_is_refused_at_both(office, tree):
    data = {
        "code": "40-THON",
        "level": "village",
        "tier": "standard",
        "name": "Bộ tiêu chí thôn NTM",
        "short_name": "Thôn NTM",
        "decision_number": "5/2026/QĐ-UBND",
        "decision_date": "01/03/2026",
        "effective_date": "01/01/2020",
        "year_from": 2026,
        "year_to": 9999,
        "target_basis": "none",
    }
    response = office.post("/criteria-sets/new/?province=40", data)
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"year_to", "effective_date"}
    assert not CriteriaSet.objects.filter(code="40-THON").exists()


def test_a_percentage_target_of_120_is_refused_at_the_value_field(office, draft):
    """QA: "Đã lưu" for a target of 120 on a percentage indicator."""
    indicator = draft.indicators.get(code="2.1")
    response = office.post(
        reverse("criteria_set_row_new", args=[draft.pk, "targets"]),
        {"indicator": indicator.pk, "value_text": "120", "region": "DBSH", "year": ""},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"value_text": ["Target 2.1: a percentage must be between 0 and 100."]}
    assert not Target.objects.filter(indicator=indicator, region="DBSH").exists()


def test_an_empty_target_value_is_refused_at_the_value_field(office, draft):
    """QA: an empty "Mức đạt" for a percent indicator was saved (no value) and shown as checked
    "đã đối chiếu bởi …"."""
    indicator = draft.indicators.get(code="2.1")
    response = office.post(
        reverse("criteria_set_row_new", args=[draft.pk, "targets"]),
        {"indicator": indicator.pk, "value_text": " ", "region": "DBSH", "year": ""},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "value_text": ["Target 2.1: enter the value the indicator must reach (an empty target meets nothing)."]
    }
    assert not Target.objects.filter(indicator=indicator, region="DBSH").exists()


def test_a_group_holding_criteria_cannot_be_removed(office, draft):
    group = draft.groups.get()
    office.post(reverse("criteria_set_row", args=[draft.pk, "groups", group.pk]), {"delete": "1"})
    assert CriterionGroup.objects.filter(pk=group.pk).exists()


def test_a_published_set_cannot_be_edited_and_says_so(office, draft):
    Target.objects.filter(indicator__criteria_set=draft).update(to_verify=False)
    office.post(reverse("criteria_set_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == SetStatus.PUBLISHED
    group = draft.groups.get()
    response = office.post(
        reverse("criteria_set_row", args=[draft.pk, "groups", group.pk]), {"code": "I", "name": "Đổi"}, follow=True
    )
    assert "is published and cannot be changed" in response.content.decode()
    group.refresh_from_db()
    assert group.name == "Nhóm I"


def test_a_viewer_cannot_open_the_edit_pages(client, personas, draft):
    client.force_login(personas.viewer)
    assert client.get(reverse("criteria_set_edit", args=[draft.pk])).status_code == 403


def test_the_preview_shows_the_target_for_the_chosen_region(office, draft):
    html = office.get(reverse("criteria_set_preview", args=[draft.pk]) + "?region=TDMNPB&year=2024").content.decode()
    assert "≥ 70" in html and "region" in html
    html = office.get(reverse("criteria_set_preview", args=[draft.pk]) + "?region=DBSH&year=2024").content.decode()
    assert "≥ 80" in html and "province-wide target" in html and "national target" not in html


def test_the_preview_of_the_national_set_calls_its_default_target_national(office, national):
    html = office.get(reverse("criteria_set_preview", args=[national.pk]) + "?region=DBSH&year=2024").content.decode()
    assert "≥ 80" in html and "national target" in html


def test_a_target_left_without_a_value_is_shown_as_no_target(office, personas, draft):
    """QA: the empty target of the province's own indicator read "— national target"."""
    indicator = draft.indicators.get(code="2.1")
    Target.objects.filter(indicator=indicator).delete()
    Target.objects.create(indicator=indicator, value=None)
    response = office.get(reverse("criteria_set_preview", args=[draft.pk]) + "?region=DBSH&year=2024")
    rows = [r for b in response.context["blocks"] for c in b["criteria"] for r in c["rows"]]
    row = next(r for r in rows if r["indicator"] == indicator)
    assert (row["target"], row["basis"]) == ("—", "no target applies")


def test_a_blank_set_is_started_for_the_province(office, tree, personas):
    data = {
        "code": "40-THON",
        "level": "village",
        "tier": "standard",
        "name": "Bộ tiêu chí thôn NTM",
        "short_name": "Thôn NTM",
        "decision_number": "5/2026/QĐ-UBND",
        "decision_date": "01/03/2026",
        "year_from": 2026,
        "year_to": 2030,
        "target_basis": "none",
    }
    response = office.post(reverse("criteria_set_new") + "?province=40", {**data, "year_to": 2020})
    assert response.status_code == 400
    response = office.post(reverse("criteria_set_new") + "?province=40", data)
    created = CriteriaSet.objects.get(code="40-THON")
    assert response["Location"] == reverse("criteria_set", args=[created.pk])
    assert created.issuer == tree.province and created.status == SetStatus.DRAFT
    response = office.post(reverse("criteria_set_new") + "?province=40", data)
    assert response.status_code == 400 and "already exists" in response.content.decode()


@pytest.mark.parametrize("code", ["DEMO THON KM", "40/THON", "-THON", "THÔN"])
def test_a_set_code_with_spaces_or_odd_characters_is_refused_at_the_code(office, code):
    """QA: "DEMO THON KM" was accepted; a set's code is checked as a unit's is."""
    data = {
        "code": code,
        "level": "village",
        "tier": "model",
        "name": "Bộ tiêu chí thôn kiểu mẫu",
        "short_name": "Thôn KM",
        "decision_number": "6/2026/QĐ-UBND",
        "decision_date": "01/03/2026",
        "year_from": 2026,
        "year_to": 2030,
        "target_basis": "none",
    }
    response = office.post(reverse("criteria_set_new") + "?province=40", data)
    assert response.status_code == 400
    assert response.context["form"].errors == {"code": ["Use letters, digits, dot, dash or underscore."]}
    assert not CriteriaSet.objects.filter(name="Bộ tiêu chí thôn kiểu mẫu").exists()


def test_a_viewer_cannot_start_a_set(client, personas):
    client.force_login(personas.viewer)
    assert client.get(reverse("criteria_set_new") + "?province=40").status_code == 403


def test_two_editors_of_one_criterion_the_second_is_refused_with_the_current_values(office, draft):
    """QA: two sessions saved criterion 20 from the same form; both got 200 and the first's name was lost."""
    criterion = draft.criteria.get(number=1)
    url = reverse("criteria_set_row", args=[draft.pk, "criteria", criterion.pk])
    form_a = office.get(url).context["form"]
    form_b = office.get(url).context["form"]
    seen_a, seen_b = form_a["row_state"].value(), form_b["row_state"].value()
    group = draft.groups.get().pk
    response = office.post(url, {"number": 1, "group": group, "name": "Quy hoạch xã", "row_state": seen_a})
    assert response.status_code == 302
    response = office.post(url, {"number": 1, "group": group, "name": "Quy hoạch chung", "row_state": seen_b})
    assert response.status_code == 409
    html = response.content.decode()
    assert "changed criterion 1 while you were editing it; nothing was saved" in html
    assert "name: Quy hoạch xã" in html  # the values now
    assert response.context["form"]["name"].value() == "Quy hoạch chung"  # what B typed is kept
    criterion.refresh_from_db()
    assert criterion.name == "Quy hoạch xã"
    # Saving again, having seen the current values, keeps B's value.
    again = response.context["form"]["row_state"].value()
    response = office.post(url, {"number": 1, "group": group, "name": "Quy hoạch chung", "row_state": again})
    assert response.status_code == 302
    comments = list(
        CriteriaSetChange.objects.filter(criteria_set=draft, kind="edited").values_list("comment", flat=True)
    )
    assert comments == ["name: Quy hoạch → Quy hoạch xã", "name: Quy hoạch xã → Quy hoạch chung"]


def test_a_stale_header_form_is_refused(office, draft):
    url = reverse("criteria_set_edit", args=[draft.pk])
    seen = office.get(url).context["form"]["row_state"].value()
    assert office.post(url, {**_header(draft, short_name="A"), "row_state": seen}).status_code == 302
    response = office.post(url, {**_header(draft, short_name="B"), "row_state": seen})
    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.short_name == "A"


def test_removing_a_row_changed_since_the_form_was_shown_is_refused(office, draft):
    group = CriterionGroup.objects.create(criteria_set=draft, code="IX", name="Trống")
    url = reverse("criteria_set_row", args=[draft.pk, "groups", group.pk])
    seen = office.get(url).context["form"]["row_state"].value()
    office.post(url, {"code": "IX", "name": "Đổi", "position": 0, "row_state": seen})
    response = office.post(url, {"delete": "1", "row_state": seen})
    assert response.status_code == 409
    assert CriterionGroup.objects.filter(pk=group.pk).exists()


def test_a_stale_removal_says_nothing_was_removed_and_to_remove_it_again(office, draft):
    """QA: a stale "Gỡ" ended "save again to keep the value", which means nothing for a removal."""
    group = CriterionGroup.objects.create(criteria_set=draft, code="IX", name="Trống")
    url = reverse("criteria_set_row", args=[draft.pk, "groups", group.pk])
    seen = office.get(url).context["form"]["row_state"].value()
    office.post(url, {"code": "IX", "name": "Đổi", "position": 0, "row_state": seen})
    response = office.post(url, {"code": "IX", "name": "Trống", "position": 0, "delete": "1", "row_state": seen})
    assert response.status_code == 409
    [error] = response.context["form"].non_field_errors()
    assert "changed group IX while you were editing it; nothing was removed. Now: code: IX; name: Đổi" in error
    assert error.endswith("Check it and remove it again if it should still go.")
    assert "save again" not in error
    # Removing again, having seen the row as it is now, removes it.
    again = response.context["form"]["row_state"].value()
    response = office.post(url, {"delete": "1", "row_state": again})
    assert response.status_code == 302
    assert not CriterionGroup.objects.filter(pk=group.pk).exists()


def test_rows_that_could_never_apply_are_refused_at_their_field(office, draft):
    """QA: a group target on a set whose targets depend on region, a target from 2040 on a 2021–2030
    set, indicator 21.1 under criterion 20 — all saved."""
    indicator = draft.indicators.get(code="2.1")
    url = reverse("criteria_set_row_new", args=[draft.pk, "targets"])
    response = office.post(url, {"indicator": indicator.pk, "value_text": "75", "commune_group": 2, "year": ""})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "commune_group": [
            "This set's targets do not depend on the commune group (“By socio-economic region”): a target for a "
            "group would never apply. Leave the commune group empty."
        ]
    }
    response = office.post(url, {"indicator": indicator.pk, "value_text": "75", "region": "DBSH", "year": 2040})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "year": [
            "The set covers the years 2021–2030: a target from 2040 would never apply. Choose a year within the "
            "set's years, or leave it empty."
        ]
    }
    assert not Target.objects.filter(indicator=indicator, region="DBSH").exists()
    assert not Target.objects.filter(indicator=indicator, commune_group=2).exists()
    response = office.post(
        reverse("criteria_set_row_new", args=[draft.pk, "indicators"]),
        {
            "criterion": draft.criteria.get(number=2).pk,
            "code": "3.9",
            "name": "Sai mã",
            "value_type": "percent",
            "comparison": "gte",
            "position": 5,
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "code": [
            "An indicator of criterion 2 has a code starting with “2.” (such as 2.1): 3.9 would read as another criterion's."
        ]
    }
    assert not Indicator.objects.filter(criteria_set=draft, code="3.9").exists()


def test_a_region_target_on_a_set_whose_targets_depend_on_the_group_is_refused(office, draft):
    CriteriaSet.objects.filter(pk=draft.pk).update(target_basis="group")
    indicator = draft.indicators.get(code="2.1")
    response = office.post(
        reverse("criteria_set_row_new", args=[draft.pk, "targets"]),
        {"indicator": indicator.pk, "value_text": "75", "region": "DBSH", "commune_group": 2, "year": 2026},
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["region"]


def _as_posted(form) -> dict:
    """What the browser posts from ``form`` as shown: each field's value (an unticked box: none)."""
    values = {name: form[name].value() for name in form.fields}
    return {name: "" if value is None else value for name, value in values.items() if value is not False}


def _element(html, anchor):
    """The opening tag of the element with id ``anchor`` and what follows it, up to the next row."""
    start = html.index(f'id="{anchor}"')
    return html[start : start + 1500]


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("groups", lambda d: {"code": "I", "name": "Nhóm I đổi", "position": 0}),
        ("criteria", lambda d: {"number": 2, "group": d.groups.get().pk, "name": "Thủy lợi đổi"}),
        (
            "indicators",
            lambda d: {
                "criterion": d.criteria.get(number=2).pk,
                "code": "2.1",
                "name": "Tỷ lệ tưới tiêu đổi",
                "value_type": "percent",
                "comparison": "gte",
                "required": "on",
                "position": 0,
            },
        ),
    ],
)
def test_saving_a_row_brings_the_editor_back_to_that_row_with_the_message_there(office, draft, kind, data):
    """QA: after saving a group, criterion or indicator the page jumped to "#targets" (the top of the
    set's rows) instead of the row just edited."""
    model = {"groups": CriterionGroup, "criteria": Criterion, "indicators": Indicator}[kind]
    row = {"groups": draft.groups.get(), "criteria": draft.criteria.get(number=2)}.get(kind) or draft.indicators.get(
        code="2.1"
    )
    url = reverse("criteria_set_row", args=[draft.pk, kind, row.pk])
    seen = office.get(url).context["form"]["row_state"].value()
    response = office.post(url, {**data(draft), "row_state": seen})
    anchor = {CriterionGroup: "group", Criterion: "criterion", Indicator: "indicator"}[model] + f"-{row.pk}"
    assert response.status_code == 302
    assert response["Location"] == reverse("criteria_set", args=[draft.pk]) + f"#{anchor}"
    html = office.get(response["Location"]).content.decode()
    # The saved row is on the page under that id, and "Saved" is said at it, not at the top scrolled away.
    assert "đổi" in _element(html, anchor)
    assert "Saved: " in _element(html, anchor)
    assert '<ul class="messages"' not in html


def test_saving_a_new_row_or_a_target_brings_the_editor_to_it(office, draft):
    indicator = draft.indicators.get(code="2.1")
    response = office.post(
        reverse("criteria_set_row_new", args=[draft.pk, "targets"]),
        {"indicator": indicator.pk, "value_text": "75", "region": "DBSH", "year": ""},
    )
    target = Target.objects.get(indicator=indicator, region="DBSH")
    assert response["Location"].endswith(f"#target-{target.pk}")
    assert "Saved: target 2.1" in _element(office.get(response["Location"]).content.decode(), f"target-{target.pk}")


def test_removing_a_row_brings_the_editor_to_where_it_was(office, draft):
    criterion = draft.criteria.get(number=1)
    indicator = criterion.indicators.get()
    url = reverse("criteria_set_row", args=[draft.pk, "indicators", indicator.pk])
    seen = office.get(url).context["form"]["row_state"].value()
    response = office.post(url, {"delete": "1", "row_state": seen})
    assert response["Location"].endswith(f"#criterion-{criterion.pk}")
    html = office.get(response["Location"]).content.decode()
    assert "Removed: indicator 1.1." in _element(html, f"criterion-{criterion.pk}")
    # A criterion still holding indicators stays, and the refusal is said at it.
    other = draft.criteria.get(number=2)
    url = reverse("criteria_set_row", args=[draft.pk, "criteria", other.pk])
    response = office.post(url, {"delete": "1", "row_state": office.get(url).context["form"]["row_state"].value()})
    assert response["Location"].endswith(f"#criterion-{other.pk}")
    html = office.get(response["Location"]).content.decode()
    assert "still used: remove what it holds first" in _element(html, f"criterion-{other.pk}")


@pytest.fixture
def colleague(tree):
    """A second member of the province office, editing the same set in a session of their own."""
    user = UserFactory(username="lan", first_name="Lan", last_name="Nguyễn Thị")
    MembershipFactory(user=user, unit=tree.province, role=Role.PROVINCE_OFFICE)
    other = Client()
    other.force_login(user)
    return other


def _indicator_form(office, draft, code):
    indicator = draft.indicators.get(code=code)
    url = reverse("criteria_set_row", args=[draft.pk, "indicators", indicator.pk])
    page = office.get(url)
    assert f'name="row_label" value="indicator {code}"' in page.content.decode()
    data = {
        "criterion": indicator.criterion_id,
        "code": code,
        "name": "Đổi tên",
        "value_type": indicator.value_type,
        "comparison": indicator.comparison,
        "position": 0,
        "row_state": page.context["form"]["row_state"].value(),
        "row_label": page.context["row_label"],
    }
    return indicator, url, data


def test_saving_a_row_someone_removed_meanwhile_says_who_and_keeps_what_was_typed(office, colleague, draft):
    """QA: saving a row another editor had removed in the meantime gave the generic 404 page."""
    _indicator, url, data = _indicator_form(office, draft, "1.1")
    assert colleague.post(url, {"delete": "1", "row_state": data["row_state"]}).status_code == 302
    response = office.post(url, data)
    assert response.status_code == 409
    form = response.context["form"]
    assert form.non_field_errors() == [
        "Nguyễn Thị Lan removed indicator 1.1 while you were editing it; nothing was saved."
    ]
    assert not Indicator.objects.filter(criteria_set=draft, code="1.1").exists()
    # The form is a new indicator's, holding what was typed: saving it adds the row again.
    assert form["name"].value() == "Đổi tên" and form.instance.pk is None
    new_url = reverse("criteria_set_row_new", args=[draft.pk, "indicators"])
    assert f'action="{new_url}"' in response.content.decode()
    assert office.post(new_url, _as_posted(form)).status_code == 302
    assert Indicator.objects.get(criteria_set=draft, code="1.1").name == "Đổi tên"


def test_removing_a_row_someone_removed_meanwhile_says_it_is_already_gone(office, colleague, draft):
    indicator, url, data = _indicator_form(office, draft, "1.1")
    colleague.post(url, {"delete": "1", "row_state": data["row_state"]})
    response = office.post(url, {**data, "delete": "1"})
    assert response["Location"].endswith(f"#criterion-{indicator.criterion_id}")
    html = office.get(response["Location"]).content.decode()
    assert "Nguyễn Thị Lan has already removed indicator 1.1." in html
    assert "nothing was saved" not in html


def test_a_link_to_a_removed_row_says_who_and_a_row_of_another_set_is_still_not_found(
    office, colleague, draft, national
):
    group = CriterionGroup.objects.create(criteria_set=draft, code="IX", name="Trống")
    url = reverse("criteria_set_row", args=[draft.pk, "groups", group.pk])
    seen = colleague.get(url).context["form"]["row_state"].value()
    assert colleague.post(url, {"delete": "1", "row_state": seen}).status_code == 302
    response = office.get(url)
    assert response["Location"] == reverse("criteria_set", args=[draft.pk]) + "#targets"
    html = office.get(response["Location"]).content.decode()
    assert "Nguyễn Thị Lan has already removed group IX." in _element(html, "targets")
    foreign = national.groups.get()
    assert office.get(reverse("criteria_set_row", args=[draft.pk, "groups", foreign.pk])).status_code == 404
    assert office.post(reverse("criteria_set_row", args=[draft.pk, "groups", foreign.pk]), {}).status_code == 404


def test_a_row_id_the_set_never_held_is_not_found(office, draft):
    """QA: /criteria-sets/11/targets/999999/ said "someone else just removed it"."""
    url = reverse("criteria_set_row", args=[draft.pk, "targets", 999999])
    assert office.get(url).status_code == 404
    assert office.post(url, {"value_text": "5", "row_label": "target 2.1"}).status_code == 404
    assert office.post(url, {"delete": "1", "row_label": "target 2.1"}).status_code == 404
    # A row removed outside the editor (no word of it in the set's history) is not claimed either.
    group = CriterionGroup.objects.create(criteria_set=draft, code="IX", name="Trống")
    group_url = reverse("criteria_set_row", args=[draft.pk, "groups", group.pk])
    group.delete()
    assert office.get(group_url).status_code == 404


def test_a_row_the_user_removed_themselves_does_not_blame_someone_else(office, draft):
    """QA: following a link to a row one removed oneself said "someone else just removed it"."""
    target = Target.objects.create(indicator=draft.indicators.get(code="2.1"), value=75, region="DBSH")
    url = reverse("criteria_set_row", args=[draft.pk, "targets", target.pk])
    page = office.get(url)
    form = _target_data(target, page, value_text="75", row_label=page.context["row_label"])
    assert office.post(url, {**form, "delete": "1"}).status_code == 302
    for request in (lambda: office.get(url), lambda: office.post(url, {**form, "delete": "1"})):
        html = office.get(request()["Location"]).content.decode()
        assert "You have already removed target 2.1 (DBSH)." in html
        assert "Someone" not in html and "someone" not in html
    refused = office.post(url, {**form, "value_text": "80"})
    assert refused.status_code == 409
    assert "You have already removed target 2.1 (DBSH); nothing was saved." in refused.content.decode()
    assert refused.context["form"]["value_text"].value() == "80"


def test_who_removed_or_changed_a_row_is_named_whatever_language_each_editor_used(office, colleague, draft, vi):
    """QA: an administrator removed target 14.2 from the English pages; the Vietnamese page said
    "Người khác" (someone) removed it, and its history read "target 14.2" in English."""
    target = Target.objects.create(indicator=draft.indicators.get(code="2.1"), value=95, region="DBSH")
    indicator = draft.indicators.get(code="1.1")
    target_url = reverse("criteria_set_row", args=[draft.pk, "targets", target.pk])
    indicator_url = reverse("criteria_set_row", args=[draft.pk, "indicators", indicator.pk])
    assert not target_url.startswith("/en/")
    seen_target, seen_indicator = office.get(target_url), office.get(indicator_url)
    assert seen_indicator.context["row_label"] == "chỉ tiêu 1.1"
    # The colleague works in English: changes the target, removes the indicator.
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    en_target, en_indicator = "/en" + target_url, "/en" + indicator_url
    changed = colleague.post(en_target, _target_data(target, colleague.get(en_target, **english), value_text="77"))
    assert changed.status_code == 302
    removed = colleague.post(
        en_indicator, {"delete": "1", "row_state": colleague.get(en_indicator).context["form"]["row_state"].value()}
    )
    assert removed.status_code == 302
    refused = office.post(target_url, {**_target_data(target, seen_target), "delete": "1"})
    assert refused.status_code == 409
    assert refused.context["form"].non_field_errors()[0].startswith("Nguyễn Thị Lan ")
    data = {
        "criterion": indicator.criterion_id,
        "code": "1.1",
        "name": "Đổi tên",
        "value_type": "yes_no",
        "comparison": "met",
        "position": 0,
        "row_state": seen_indicator.context["form"]["row_state"].value(),
        "row_label": seen_indicator.context["row_label"],
    }
    saved = office.post(indicator_url, data)
    assert saved.status_code == 409
    assert "Nguyễn Thị Lan đã gỡ chỉ tiêu 1.1 trong lúc bạn đang sửa; chưa lưu gì." in saved.content.decode()
    html = office.get(reverse("criteria_set", args=[draft.pk])).content.decode()
    # The set's history names the rows in the reader's language.
    history = html[html.index('id="history"') :] if 'id="history"' in html else html
    assert "mức đạt 2.1 (DBSH)" in history and "chỉ tiêu 1.1" in history
    assert "target 2.1" not in history and "indicator 1.1" not in history


def test_the_target_editor_s_heading_writes_the_value_as_a_number(office, draft):
    """QA: "Mức đạt: 12.1: 75.0000"."""
    target = Target.objects.create(indicator=draft.indicators.get(code="2.1"), value=Decimal("85.5"), region="DBSH")
    html = office.get(reverse("criteria_set_row", args=[draft.pk, "targets", target.pk])).content.decode()
    assert "<h1>Target: 2.1: 85,5 (DBSH)</h1>" in html
    assert "85.5000" not in html


def _target_data(target, response, **changes):
    data = {"indicator": target.indicator_id, "value_text": "95", "region": target.region, "year": ""}
    data["row_state"] = response.context["form"]["row_state"].value()
    return {**data, **changes}


def test_a_refused_removal_shows_the_row_as_stored_now_so_saving_it_keeps_the_other_s_change(office, colleague, draft):
    """QA: tinh opened target 15.1 (95), another editor changed it to 77, tinh pressed "Remove":
    the 409 page's form still held 95 (and its heading said "15.1: 95"), and "Save" from it put
    95 back over the other's change, typed by nobody."""
    target = Target.objects.create(indicator=draft.indicators.get(code="2.1"), value=95, region="DBSH")
    url = reverse("criteria_set_row", args=[draft.pk, "targets", target.pk])
    seen = office.get(url)
    changed = colleague.post(url, _target_data(target, colleague.get(url), value_text="77"))
    assert changed.status_code == 302
    response = office.post(url, {**_target_data(target, seen), "delete": "1"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "nothing was removed. Now: " in html and "target value: 77" in html
    form = response.context["form"]
    assert form["value_text"].value() == "77"
    assert "<h1>Target: 2.1: 77 (DBSH)</h1>" in html
    # "Save" from that form changes nothing; "Remove" from it removes the row as it is now.
    saved = office.post(url, _target_data(target, response, value_text=form["value_text"].value()))
    assert saved.status_code == 302
    target.refresh_from_db()
    assert target.value == 77
    assert CriteriaSetChange.objects.filter(criteria_set=draft).latest("pk").comment == "saved with no change"
    again = office.get(url)
    assert office.post(url, {**_target_data(target, again, value_text="77"), "delete": "1"}).status_code == 302
    assert not Target.objects.filter(pk=target.pk).exists()


def test_a_refused_save_keeps_what_the_user_typed(office, colleague, draft):
    target = Target.objects.create(indicator=draft.indicators.get(code="2.1"), value=95, region="DBSH")
    url = reverse("criteria_set_row", args=[draft.pk, "targets", target.pk])
    seen = office.get(url)
    colleague.post(url, _target_data(target, colleague.get(url), value_text="77"))
    response = office.post(url, _target_data(target, seen, value_text="90"))
    assert response.status_code == 409
    assert response.context["form"]["value_text"].value() == "90"
    assert "target value: 77" in response.content.decode()


def test_saving_a_row_removed_in_the_django_admin_says_it_no_longer_exists_and_keeps_what_was_typed(
    office, admin_client, draft
):
    """QA: an indicator removed in the Django admin (no word of it in the set's history) answered
    404 to the editor still open on it, and what had been typed was lost."""
    indicator, url, data = _indicator_form(office, draft, "1.1")
    assert f'name="row_ref" value="{row_ref(draft, Indicator, indicator.pk)}"' in office.get(url).content.decode()
    deleted = admin_client.post(reverse("admin:criteria_indicator_delete", args=[indicator.pk]), {"post": "yes"})
    assert deleted.status_code == 302 and not Indicator.objects.filter(pk=indicator.pk).exists()
    response = office.post(url, {**data, "row_ref": row_ref(draft, Indicator, indicator.pk)})
    assert response.status_code == 409
    form = response.context["form"]
    assert form.non_field_errors() == ["Indicator 1.1 no longer exists in this set; nothing was saved."]
    html = response.content.decode()
    assert "What you typed is kept below: save it to add the row again." in html
    assert "Someone" not in html and "removed" not in html
    assert form["name"].value() == "Đổi tên" and form["code"].value() == "1.1"
    assert f'action="{reverse("criteria_set_row_new", args=[draft.pk, "indicators"])}"' in html
    assert 'name="row_ref"' not in html and 'name="delete"' not in html  # a new row: nothing to remove


def test_a_row_edited_in_the_editor_then_removed_in_a_shell_blames_no_one(office, colleague, draft):
    """The set's history names the last editor of the row, not who removed it: no "who" then."""
    target = Target.objects.create(indicator=draft.indicators.get(code="2.1"), value=95, region="DBSH")
    url = reverse("criteria_set_row", args=[draft.pk, "targets", target.pk])
    assert colleague.post(url, _target_data(target, colleague.get(url), value_text="77")).status_code == 302
    seen = office.get(url)
    form = _target_data(target, seen, value_text="90", row_label=seen.context["row_label"])
    form["row_ref"] = seen.context["row_ref"]
    Target.objects.filter(pk=target.pk).delete()  # a shell
    response = office.post(url, form)
    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [
        "Target 2.1 (DBSH) no longer exists in this set; nothing was saved."
    ]
    assert response.context["form"]["value_text"].value() == "90"
    # "Remove" from the same form: back at the indicator, told so.
    removed = office.post(url, {**form, "delete": "1"})
    assert removed["Location"].endswith(f"#indicator-{target.indicator_id}")
    html = office.get(removed["Location"]).content.decode()
    assert "Target 2.1 (DBSH) no longer exists in this set." in _element(html, f"indicator-{target.indicator_id}")
    assert "Lan" not in _element(html, f"indicator-{target.indicator_id}")


def test_a_row_the_set_never_held_is_still_not_found_whatever_proof_is_posted(office, draft):
    """The proof a form carries names its set and row: it opens neither another id nor another set's row."""
    group = CriterionGroup.objects.create(criteria_set=draft, code="IX", name="Trống")
    url = reverse("criteria_set_row", args=[draft.pk, "groups", 999999])
    data = {"code": "IX", "name": "Trống", "position": 0, "row_label": "group IX"}
    assert office.post(url, {**data, "row_ref": row_ref(draft, CriterionGroup, group.pk)}).status_code == 404
    assert office.post(url, {**data, "row_ref": "0" * 32}).status_code == 404
    # Another set's row, removed outside the editor, with the proof its own set's page carried.
    other = make_set(code="OTHER-DRAFT", publish=False)
    foreign = CriterionGroup.objects.create(criteria_set=other, code="X", name="Khác")
    proof, foreign_pk = row_ref(other, CriterionGroup, foreign.pk), foreign.pk
    foreign.delete()
    foreign_url = reverse("criteria_set_row", args=[draft.pk, "groups", foreign_pk])
    assert office.post(foreign_url, {**data, "row_ref": proof}).status_code == 404
    assert office.post(foreign_url, {**data, "row_ref": proof, "delete": "1"}).status_code == 404
    # A link to a row removed outside the editor, or a form without the proof, stays not found.
    group_url = reverse("criteria_set_row", args=[draft.pk, "groups", group.pk])
    group.delete()
    assert office.get(group_url).status_code == 404
    assert office.post(group_url, data).status_code == 404


def test_a_row_removed_while_a_colleague_edits_it_reads_right_in_vietnamese(office, colleague, draft, vi):
    """Removing a row another editor has open is allowed (nothing locks a form); the editor saving
    or removing it afterwards is told, in Vietnamese, who removed it, and keeps what was typed."""
    indicator = draft.indicators.get(code="1.1")
    url = reverse("criteria_set_row", args=[draft.pk, "indicators", indicator.pk])
    assert not url.startswith("/en/")
    seen = office.get(url)
    assert seen.context["row_label"] == "chỉ tiêu 1.1"
    removed = colleague.post(url, {"delete": "1", "row_state": colleague.get(url).context["form"]["row_state"].value()})
    assert removed.status_code == 302 and not Indicator.objects.filter(pk=indicator.pk).exists()
    typed = {
        **_as_posted(seen.context["form"]),
        "name": "Có quy hoạch chung",
        "row_label": seen.context["row_label"],
        "row_ref": seen.context["row_ref"],
    }
    response = office.post(url, typed)
    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [
        "Nguyễn Thị Lan đã gỡ chỉ tiêu 1.1 trong lúc bạn đang sửa; chưa lưu gì."
    ]
    assert response.context["form"]["name"].value() == "Có quy hoạch chung"
    gone = office.post(url, {**typed, "delete": "1"})
    html = office.get(gone["Location"]).content.decode()
    assert "Nguyễn Thị Lan đã gỡ chỉ tiêu 1.1 rồi." in _element(html, f"criterion-{indicator.criterion_id}")


def test_a_blank_sets_history_says_blank_in_the_readers_language(office, tree):
    """QA: the English page read "Created · bộ trống", the comment frozen in Vietnamese when the
    set was started from a Vietnamese page."""
    data = {
        "code": "40-THON",
        "level": "village",
        "tier": "standard",
        "name": "Bộ tiêu chí thôn NTM",
        "short_name": "Thôn NTM",
        "decision_number": "5/2026/QĐ-UBND",
        "decision_date": "01/03/2026",
        "year_from": 2026,
        "year_to": 2030,
        "target_basis": "none",
    }
    with translation.override("vi"):
        assert office.post("/criteria-sets/new/?province=40", data).status_code == 302
    created = CriteriaSet.objects.get(code="40-THON")
    entry = created.changes.get()
    assert entry.comment == ""
    html = office.get(reverse("criteria_set", args=[created.pk])).content.decode()
    assert "<td>blank</td>" in html and "bộ trống" not in html
    with translation.override("vi"):
        assert entry.comment_text == "bộ trống"


def test_an_old_blank_entry_frozen_in_vietnamese_reads_in_english(office, tree, personas):
    from criteria.services.set_workspace import set_change_record

    draft = make_set(code="40-OLD", issuer=tree.province, publish=False)
    set_change_record(criteria_set=draft, kind="created", user=personas.province_office, comment="bộ trống")
    html = office.get(reverse("criteria_set", args=[draft.pk])).content.decode()
    assert "<td>blank</td>" in html and "bộ trống" not in html


def test_a_removal_written_from_a_vietnamese_page_reads_in_english(office, tree, personas):
    """A row's removal is stored in its writer's words ("đã xóa"): the English page says "removed"."""
    from criteria.services.set_workspace import set_change_record

    draft = make_set(code="40-RM", issuer=tree.province, publish=False)
    set_change_record(criteria_set=draft, kind="edited", user=personas.province_office, comment="đã xóa")
    html = office.get(reverse("criteria_set", args=[draft.pk])).content.decode()
    assert "removed" in html and "đã xóa" not in html


def _remove_on_page(office, draft, kind, row):
    url = reverse("criteria_set_row", args=[draft.pk, kind, row.pk])
    seen = office.get(url).context["form"]["row_state"].value()
    assert office.post(url, {"delete": "1", "row_state": seen}).status_code == 302


def _indicator_2_1(draft, **changes):
    return {
        "criterion": draft.criteria.get(number=2).pk,
        "code": "2.1",
        "name": "Tỷ lệ tưới tiêu",
        "value_type": "percent",
        "comparison": "gte",
        "unit": "%",
        "required": "on",
        "position": 0,
        **changes,
    }


def test_an_indicator_removed_and_added_back_has_the_targets_it_had(office, draft):
    """QA: removing indicator 2.1 and adding it back (the same code) gave a row without targets:
    the 82,5 the office had typed was lost, and the sheet read "no target applies"."""
    target = Target.objects.get(indicator__criteria_set=draft, indicator__code="2.1", region="")
    url = reverse("criteria_set_row", args=[draft.pk, "targets", target.pk])
    seen = office.get(url).context["form"]["row_state"].value()
    typed = {"indicator": target.indicator_id, "value_text": "82,5", "region": "", "year": "", "row_state": seen}
    assert office.post(url, typed).status_code == 302
    _remove_on_page(office, draft, "indicators", draft.indicators.get(code="2.1"))
    response = office.post(reverse("criteria_set_row_new", args=[draft.pk, "indicators"]), _indicator_2_1(draft))
    assert response.status_code == 302
    indicator = draft.indicators.get(code="2.1")
    html = office.get(response["Location"]).content.decode()
    said = _element(html, f"indicator-{indicator.pk}")
    assert "Saved: indicator 2.1." in said
    assert (
        "Its 2 targets, as they were when it was removed, are back: 82,5; 70 · Northern Midlands and Mountains." in said
    )
    preview = reverse("criteria_set_preview", args=[draft.pk])
    assert "≥ 82,5" in office.get(preview + "?region=DBSH&year=2024").content.decode()
    assert "≥ 70" in office.get(preview + "?region=TDMNPB&year=2024").content.decode()
    restored = CriteriaSetChange.objects.filter(criteria_set=draft, row_kind="target").order_by("pk").last()
    assert restored.comment.startswith("restored as it was when removed")


def test_a_criterion_emptied_removed_and_built_again_gets_its_indicators_targets_back(office, draft):
    criterion = draft.criteria.get(number=2)
    for code in ("2.1", "2.2"):
        _remove_on_page(office, draft, "indicators", draft.indicators.get(code=code))
    _remove_on_page(office, draft, "criteria", criterion)
    new = reverse("criteria_set_row_new", args=[draft.pk, "criteria"])
    assert office.post(new, {"number": 2, "group": draft.groups.get().pk, "name": "Thủy lợi"}).status_code == 302
    office.post(reverse("criteria_set_row_new", args=[draft.pk, "indicators"]), _indicator_2_1(draft))
    values = set(
        Target.objects.filter(indicator__criteria_set=draft, indicator__code="2.1").values_list("region", "value")
    )
    assert values == {("", Decimal(80)), ("TDMNPB", Decimal(70))}


def test_an_indicator_added_back_as_another_kind_of_value_says_which_targets_it_had(office, draft):
    """Its old targets would not mean the same (a count, not a percentage): none is restored, and
    the editor is told what they were, so that nothing typed is lost."""
    _remove_on_page(office, draft, "indicators", draft.indicators.get(code="2.1"))
    data = _indicator_2_1(draft, value_type="count", unit="hộ")
    response = office.post(reverse("criteria_set_row_new", args=[draft.pk, "indicators"]), data)
    indicator = draft.indicators.get(code="2.1")
    assert not indicator.targets.exists()
    said = _element(office.get(response["Location"]).content.decode(), f"indicator-{indicator.pk}")
    assert (
        "The targets indicator 2.1 had when it was removed are not restored: its value type, unit or "
        "comparison is not the same now. They were: 80; 70 · Northern Midlands and Mountains. Enter its targets again."
    ) in said


def test_an_indicator_added_back_after_its_targets_were_removed_one_by_one_gets_none(office, draft):
    """A target the editor removed on purpose stays removed."""
    for target in Target.objects.filter(indicator__criteria_set=draft, indicator__code="2.1"):
        _remove_on_page(office, draft, "targets", target)
    _remove_on_page(office, draft, "indicators", draft.indicators.get(code="2.1"))
    office.post(reverse("criteria_set_row_new", args=[draft.pk, "indicators"]), _indicator_2_1(draft))
    assert not draft.indicators.get(code="2.1").targets.exists()
