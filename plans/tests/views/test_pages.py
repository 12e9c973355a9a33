"""The plans page: who sees what, who may change what, and every refusal at its field."""

import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from communes.models import Role
from communes.tests.factories import MembershipFactory, UserFactory
from plans.models import FundEntry, ProvinceTarget, RegisteredTarget
from plans.services import FundCell, funds_record
from plans.tests.factories import bulk_province, make_fund, make_target

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("room_for_targets")]


def _page(client, user, unit, **params):
    if user is not None:
        client.force_login(user)
    return client.get(reverse("plans:unit", args=[unit.code]), params)


def _html(response) -> str:
    return response.content.decode()


def _funds_post(unit, year=2025, **cells):
    """The grid as posted: every cell untouched but the ones given (``a-3-central="100"``)."""
    data = {"year": str(year)}
    for key, value in cells.items():
        data[key.replace("_", "-")] = value
    return data


# --- Who sees the page -----------------------------------------------------------------------


def test_anonymous_users_are_sent_to_sign_in(client, tree):
    response = _page(client, None, tree.a)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_officer_of_another_commune_gets_not_found(client, tree, personas):
    assert _page(client, personas.officer_b, tree.a).status_code == 404


def test_a_viewer_reads_everything_and_changes_nothing(client, tree, personas, vi):
    make_fund(tree.a, 2025, 3, "residents", 31_003_700_000)
    make_target(tree.a, "standard", 2025)
    response = _page(client, personas.viewer, tree.a, year=2025)
    html = _html(response)
    assert response.status_code == 200
    assert "31.003.700.000 đ" in html
    assert 'name="a-3-residents"' not in html
    assert 'name="target_year"' not in html


def test_the_commune_officer_enters_funds_but_not_targets(client, tree, personas):
    html = _html(_page(client, personas.officer_a, tree.a, year=2025))
    assert 'name="a-3-residents"' in html
    assert 'name="target_year"' not in html


def test_the_district_committee_edits_the_targets_of_its_communes(client, tree, personas):
    html = _html(_page(client, personas.district_d1, tree.d1))
    # the communes' rows carry forms; the district's own row does not
    assert html.count('name="target_year"') == 2 * 3
    assert 'value="40101"' in html and 'value="401"' not in html


def test_the_province_office_sees_the_province_targets_form(client, tree, personas):
    html = _html(_page(client, personas.province_office, tree.province))
    assert 'name="communes_standard"' in html
    html = _html(_page(client, personas.district_d1, tree.d1))
    assert 'name="communes_standard"' not in html


def test_units_are_found_without_diacritics(client, tree, personas):
    html = _html(_page(client, personas.district_d1, tree.d1, q="duc linh"))
    assert "Xã Đức Lĩnh" in html and "Xã Cẩm Thạch" not in html


@pytest.mark.parametrize("year", [2024, 2025])
def test_the_committee_of_a_district_that_ended_finds_its_communes_of_the_year(client, merger, year):
    committee = UserFactory(username="committee501")
    MembershipFactory(user=committee, unit=merger.district, role=Role.DISTRICT_COMMITTEE)
    make_target(merger.o1, "standard", 2024)
    html = _html(_page(client, committee, merger.district, year=year))
    assert "No unit matches." not in html
    assert "Xã Cũ Một" in html and "Xã Cũ Hai" in html and "Xã Hợp Nhất" not in html
    # Its district ended: the committee reads its rows; the province office edits them.
    assert 'name="unit" value="50101"' not in html
    assert 'name="unit" value="50101"' in _html(_page(client, merger.office, merger.district, year=year))
    html = _html(_page(client, committee, merger.district, year=year, q="lien cu mot"))
    assert "No unit matches." in html
    html = _html(_page(client, committee, merger.district, year=year, q="cu mot"))
    assert "Xã Cũ Một" in html and "Xã Cũ Hai" not in html


def test_the_province_page_lists_the_units_of_the_year_shown(client, merger):
    html = _html(_page(client, merger.office, merger.province, year=2024))
    targets = html[html.index('id="targets"') : html.index('id="funds"')]
    assert "Huyện Cũ" in targets and "Xã Cũ Một" in targets and "Xã Hợp Nhất" not in targets
    assert "The units that existed in 2024" in targets
    html = _html(_page(client, merger.office, merger.province, year=2026))
    targets = html[html.index('id="targets"') : html.index('id="funds"')]
    assert "Xã Hợp Nhất" in targets and "Xã Cũ Một" not in targets


def test_the_page_speaks_vietnamese_by_default(client, tree, personas, vi):
    make_fund(tree.a, 2025, 3, "residents", 31_003_700_000)
    response = _page(client, personas.officer_a, tree.a, year=2025)
    html = _html(response)
    assert response["Content-Language"] == "vi"
    assert 'value="31.003.700.000"' in html  # the input, as an officer types it


# --- Registered targets ----------------------------------------------------------------------


def _target_post(client, user, page_unit, unit, **fields):
    client.force_login(user)
    data = {"unit": unit.code, "tier": "standard", "version": "0", "target_year": "2025", "basis": "KH 12/KH-UBND"}
    data.update(fields)
    return client.post(reverse("plans:set_target", args=[page_unit.code]), data)


def test_the_district_committee_registers_a_target_from_its_page(client, tree, personas):
    response = _target_post(client, personas.district_d1, tree.d1, tree.a)
    assert response.status_code == 302 and response["Location"].endswith("#t-40101")
    assert RegisteredTarget.objects.get().target_year == 2025


def test_a_commune_officer_may_not_register_targets(client, tree, personas):
    assert _target_post(client, personas.officer_a, tree.a, tree.a).status_code == 403
    assert not RegisteredTarget.objects.exists()


def test_a_unit_outside_the_page_is_not_found(client, tree, personas):
    assert _target_post(client, personas.province_office, tree.d1, tree.c).status_code == 404


def test_a_target_year_before_the_programme_shows_the_message_at_the_field(client, tree, personas):
    response = _target_post(client, personas.district_d1, tree.d1, tree.a, target_year="2009")
    html = _html(response)
    assert response.status_code == 400
    assert re.search(
        r'id="ye-40101-standard"><p class="error" role="alert">The target year must be between 2010 and 2035.', html
    )
    assert 'value="2009"' in html  # what was typed stays in the field


def test_a_target_year_before_a_new_commune_existed_shows_the_message_at_the_field(client, merger):
    """QA: Xã Vĩnh Tài (from 01/07/2025) was saved with a standard target in 2024."""
    response = _target_post(client, merger.office, merger.province, merger.m, target_year="2024")
    assert response.status_code == 400
    assert re.search(
        r'id="ye-50001-standard"><p class="error" role="alert">Xã Hợp Nhất exists from 01/07/2025: '
        r"the target year cannot be before 2025.",
        _html(response),
    )
    assert not RegisteredTarget.objects.exists()


def test_every_refusal_of_a_target_shows_at_once(client, tree, personas):
    response = _target_post(
        client, personas.district_d1, tree.d1, tree.b, tier="advanced", target_year="2040", basis=""
    )
    html = _html(response)
    assert response.status_code == 400
    assert "The target year must be between 2010 and 2035." in html
    assert "Name the decision or plan this target comes from." in html


def test_a_target_year_that_is_not_a_number_is_refused(client, tree, personas):
    response = _target_post(client, personas.district_d1, tree.d1, tree.a, target_year="năm sau")
    assert response.status_code == 400
    assert "Enter a year such as 2025." in _html(response)


def test_a_stale_target_shows_a_conflict_instead_of_overwriting(client, tree, personas):
    make_target(tree.a, "standard", 2026)
    response = _target_post(client, personas.district_d1, tree.d1, tree.a, target_year="2024", version="0")
    assert response.status_code == 409
    assert "This target was changed by — in the meantime (now: 2026)" in _html(response)
    assert RegisteredTarget.objects.get().target_year == 2026


# --- Province targets ------------------------------------------------------------------------


_PROVINCE_FIELDS = {
    "period_from": "2021",
    "period_to": "2025",
    "communes_standard": "50",
    "communes_advanced": "10",
    "communes_model": "5",
    "min_criteria": "15",
    "villages_recognised_share": "62,5",
    "basis": "NQ 05-NQ/TU",
}


def _province_post(client, user, province, **fields):
    client.force_login(user)
    data = {**_PROVINCE_FIELDS, **fields}
    return client.post(reverse("plans:save_province_target", args=[province.code]), data)


def test_the_province_office_enters_province_targets(client, tree, personas):
    response = _province_post(client, personas.province_office, tree.province)
    assert response.status_code == 302
    assert ProvinceTarget.objects.get().villages_recognised_share == 62.5


def test_only_the_province_office_enters_province_targets(client, tree, personas):
    assert _province_post(client, personas.viewer, tree.province).status_code == 403
    # Refused before the form is read: a reader learns nothing of its fields.
    assert _province_post(client, personas.viewer, tree.province, period_from="", basis="").status_code == 403
    assert _province_post(client, personas.district_d1, tree.province).status_code == 404  # outside its area
    assert not ProvinceTarget.objects.exists()


def test_the_province_target_form_says_each_count_is_a_total_and_shows_what_stands(client, tree, personas):
    """QA: a plan's "5 more communes" entered as 5 read "17 (340 %) met": the form did not say
    the counts are totals, nor what they are compared with."""
    from plans.tests.factories import make_assessment, make_set

    make_assessment(tree.a, make_set(code="S"), 2025, 19, "recognised")
    html = _html(_page(client, personas.province_office, tree.province, year=2025))
    assert "Communes holding the standard at the end of the period (total)" in html
    assert "not the number added during it. 0: no target for this tier. Holding it in 2025: 1." in html
    assert "Holding it in 2025: 0." in html  # advanced, model


def test_a_one_year_province_target_reads_as_a_year_and_a_tier_at_zero_as_no_target(client, tree, personas):
    _province_post(client, personas.province_office, tree.province, period_from="2025", communes_model="0")
    html = _html(_page(client, personas.province_office, tree.province, year=2025))
    assert "Year 2025" in html and "Province targets for 2025" in html
    assert "2025–2025" not in html
    assert '<span class="muted">No target</span>' in html  # the model tier on the plans page
    assert "Communes recognised: Model" not in html  # nor a line on the dashboard


def test_saving_a_province_target_keeps_the_year_shown(client, tree, personas):
    """QA: saving went back to /plans/40/#province-targets, dropping ?year=2025."""
    html = _html(_page(client, personas.province_office, tree.province, year=2025))
    assert 'action="/en/plans/40/province-targets/?year=2025"' in html
    response = client.post(
        reverse("plans:save_province_target", args=["40"]) + "?year=2025",
        {
            "period_from": "2021",
            "period_to": "2025",
            "communes_standard": "5",
            "communes_advanced": "0",
            "communes_model": "0",
            "basis": "NQ 05",
        },
    )
    assert response["Location"] == "/en/plans/40/?year=2025#province-targets"


def test_inconsistent_province_targets_show_the_message_at_the_field(client, tree, personas):
    response = _province_post(client, personas.province_office, tree.province, communes_advanced="60")
    assert response.status_code == 400
    assert "Communes advanced cannot outnumber communes standard" in _html(response)
    assert not ProvinceTarget.objects.exists()


def test_a_count_above_the_provinces_communes_shows_the_message_at_the_field(client, tree, personas):
    response = _province_post(client, personas.province_office, tree.province, communes_standard="999")
    assert response.status_code == 400
    html = _html(response)
    error = html[html.index('<div id="id_new_communes_standard_error">') :].split("</div>", 1)[0]
    assert "Tỉnh Nghệ Thử has at most 70 communes during 2021–2025: the target cannot be higher." in error
    assert not ProvinceTarget.objects.exists()


def test_a_threshold_above_the_set_in_force_shows_the_message_at_the_field(client, scales, personas):
    response = _province_post(
        client, personas.province_office, scales.tree.province, period_from="2026", period_to="2026"
    )
    assert response.status_code == 400
    html = _html(response)
    error = html[html.index('<div id="id_new_min_criteria_error">') :].split("</div>", 1)[0]
    assert "QG-10 (QG-10/QĐ) applied in the year 2026 has 10 criteria: the threshold must be between 1 and 10." in error
    assert not ProvinceTarget.objects.exists()


def test_a_changed_province_target_shows_its_old_and_new_figures_in_its_history(client, tree, personas):
    """QA: changing 5/2 to 19/4 kept only "entered by … on …"; the old figures were gone."""
    _province_post(
        client,
        personas.province_office,
        tree.province,
        communes_standard="5",
        communes_advanced="2",
        communes_model="0",
    )
    target = ProvinceTarget.objects.get()
    _province_post(
        client,
        personas.province_office,
        tree.province,
        target=str(target.pk),
        version="1",
        period_from="2022",
        communes_standard="19",
        communes_advanced="4",
        communes_model="0",
    )
    html = _html(_page(client, personas.viewer, tree.province))
    assert "History (2 changes)" in html
    assert "Communes reaching the standard 5 → <strong>19</strong>" in html
    assert "Communes reaching the advanced tier 2 → <strong>4</strong>" in html
    assert "From year 2021 → <strong>2022</strong>" in html


def test_a_province_target_history_shows_only_real_changes_and_words_0_as_no_target(client, tree, personas):
    """QA: the history of a target without a model tier opened on "… model tier — → 0"."""
    _province_post(client, personas.province_office, tree.province, communes_model="0", min_criteria="")
    target = ProvinceTarget.objects.get()
    _province_post(
        client,
        personas.province_office,
        tree.province,
        target=str(target.pk),
        version="1",
        communes_advanced="0",
        communes_model="0",
        min_criteria="15",
    )
    html = _html(_page(client, personas.viewer, tree.province))
    history = html[html.index('class="history-list"') : html.index("</ul>", html.index('class="history-list"'))]
    first, second = re.findall(r"<li>(.*?)</li>", history, re.S)
    assert "Communes reaching the standard — → <strong>50</strong>" in first
    assert "model tier" not in first and "→ <strong>0</strong>" not in first
    assert "Communes reaching the advanced tier 10 → <strong>No target</strong>" in second
    assert "No commune under this many criteria No target → <strong>15</strong>" in second
    assert "model tier" not in second


def test_a_province_target_form_shown_again_after_a_conflict_shows_what_stands(client, tree, personas):
    """QA: after a 409 the form shown again had lost "Holding it in 2025: N" beside each count."""
    from plans.tests.factories import make_assessment, make_set

    make_assessment(tree.a, make_set(code="S"), 2025, 19, "recognised")
    _province_post(client, personas.province_office, tree.province)
    target = ProvinceTarget.objects.get()
    client.post(
        reverse("plans:save_province_target", args=["40"]) + "?year=2025",
        {**_PROVINCE_FIELDS, "target": str(target.pk), "version": "1", "communes_standard": "60"},
    )
    response = client.post(
        reverse("plans:save_province_target", args=["40"]) + "?year=2025",
        {**_PROVINCE_FIELDS, "target": str(target.pk), "version": "1", "communes_standard": "70"},
    )
    assert response.status_code == 409
    html = _html(response)
    form = html[html.index(f'id="id_pt{target.pk}_communes_standard_helptext"') :]
    assert form.startswith(f'id="id_pt{target.pk}_communes_standard_helptext">The total number')
    assert "Holding it in 2025: 1." in form.split("</p>", 1)[0]
    assert f'id="id_pt{target.pk}_communes_model_helptext"' in html
    assert html.count("Holding it in 2025:") == 6  # the target's form and the new period's, three counts each


def test_a_province_target_can_be_saved_again_after_a_conflict(client, tree, personas):
    """QA: "Review them and save again" answered 409 again: the form kept the version first read."""
    _province_post(client, personas.province_office, tree.province)
    target = ProvinceTarget.objects.get()
    _province_post(client, personas.province_office, tree.province, target=str(target.pk), version="1", basis="NQ 6")
    response = _province_post(
        client, personas.province_office, tree.province, target=str(target.pk), version="1", communes_standard="70"
    )
    assert response.status_code == 409
    html = _html(response)
    assert f'name="version" value="2" id="id_pt{target.pk}_version"' in html
    assert 'name="communes_standard" value="70"' in html  # what was typed is kept
    response = _province_post(
        client, personas.province_office, tree.province, target=str(target.pk), version="2", communes_standard="70"
    )
    assert response.status_code == 302
    assert ProvinceTarget.objects.get().communes_standard == 70


class _FormInputs(HTMLParser):
    """The inputs of the form that posts ``target=<pk>``, as a browser would send them."""

    def __init__(self, pk: int) -> None:
        super().__init__()
        self.pk, self.forms, self.current = str(pk), [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {}
            self.forms.append(self.current)
        elif tag == "input" and self.current is not None and attrs.get("name"):
            self.current[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None

    def of(self, html: str) -> dict:
        self.feed(html)
        return next(f for f in self.forms if f.get("target") == self.pk)


def test_a_province_target_conflict_keeps_the_other_change_to_figures_left_alone(client, tree, personas):
    """QA: the office and an administrator both opened "Change these targets"; the administrator
    saved standard 55 and basis "KH admin"; the office's save of standard 70 and minimum 12 got a
    409 whose form still held the old basis and named no figure, and saving again reverted the
    administrator's basis though the office never touched it."""
    _province_post(client, personas.province_office, tree.province, basis="KH 01/KH-UBND 2021")
    target = ProvinceTarget.objects.get()
    office_form = _FormInputs(target.pk).of(_html(_page(client, personas.province_office, tree.province)))
    admin = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    admin_form = _FormInputs(target.pk).of(_html(_page(client, admin, tree.province)))
    assert admin_form["initial-basis"] == "KH 01/KH-UBND 2021"
    saved = client.post(
        reverse("plans:save_province_target", args=["40"]),
        {**admin_form, "communes_standard": "55", "basis": "KH admin"},
    )
    assert saved.status_code == 302

    client.force_login(personas.province_office)
    response = client.post(
        reverse("plans:save_province_target", args=["40"]),
        {**office_form, "communes_standard": "70", "min_criteria": "12"},
    )
    assert response.status_code == 409
    html = _html(response)
    shown = _FormInputs(target.pk).of(html)
    assert shown["basis"] == "KH admin"  # left alone by the office: the stored value
    assert shown["communes_standard"] == "70" and shown["min_criteria"] == "12"  # typed: kept
    assert shown["version"] == "2" and shown["initial-communes_standard"] == "55"
    assert f'id="id_pt{target.pk}_communes_standard_conflict">Saved by quantri in the meantime: 55.' in html
    assert f'id="id_pt{target.pk}_basis_conflict">Changed by quantri in the meantime: now KH admin' in html
    assert f"id_pt{target.pk}_min_criteria_conflict" not in html  # only the office changed it

    assert client.post(reverse("plans:save_province_target", args=["40"]), shown).status_code == 302
    target.refresh_from_db()
    assert (target.communes_standard, target.min_criteria, target.basis) == (70, 12, "KH admin")


# --- Funds -----------------------------------------------------------------------------------


def _save_funds(client, user, unit, data):
    client.force_login(user)
    return client.post(reverse("plans:save_funds", args=[unit.code]), data)


def test_the_officer_saves_funds_typed_in_vietnamese_style(client, tree, personas):
    response = _save_funds(
        client, personas.officer_a, tree.a, _funds_post(tree.a, **{"a_3_residents": "13.055.000.000"})
    )
    assert response.status_code == 302 and response["Location"].endswith("?year=2025#funds")
    assert FundEntry.objects.get().amount == 13_055_000_000


def test_funds_typed_in_billions_are_saved_and_shown_back_in_full(client, tree, personas, vi):
    response = _save_funds(client, personas.officer_a, tree.a, _funds_post(tree.a, **{"a_3_residents": "1,5 tỷ"}))
    assert response.status_code == 302
    assert FundEntry.objects.get().amount == 1_500_000_000
    html = _html(client.get(response["Location"]))
    assert 'value="1.500.000.000"' in html


def test_untouched_cells_are_not_written(client, tree, personas):
    make_fund(tree.a, 2025, 3, "residents", 100)
    data = _funds_post(tree.a, **{"a_3_residents": "100", "was_3_residents": "100", "v_3_residents": "1"})
    assert _save_funds(client, personas.officer_a, tree.a, data).status_code == 302
    assert FundEntry.objects.get().version == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5.000", "Central budget, 3/2025: the value cannot be negative."),
        ("abc", "Central budget, 3/2025: “abc” is not a number."),
    ],
)
def test_a_bad_amount_is_shown_at_its_cell_and_nothing_is_saved(client, tree, personas, typed, message):
    data = _funds_post(tree.a, **{"a_3_central": typed, "a_4_credit": "100"})
    response = _save_funds(client, personas.officer_a, tree.a, data)
    html = _html(response)
    assert response.status_code == 400
    cell = re.search(r'<div id="fe-3-central">(.*?)</div>', html, re.S).group(1)
    assert message in cell.replace("&quot;", '"')
    assert f'value="{typed}"' in html and 'value="100"' in html  # both typed values kept
    assert not FundEntry.objects.exists()


def test_a_stale_amount_shows_a_conflict_and_can_then_be_kept(client, tree, personas):
    funds_record(unit=tree.a, year=2025, cells=[FundCell(3, "central", "500", 0)], user=personas.district_d1)
    data = _funds_post(tree.a, **{"a_3_central": "700", "v_3_central": "0"})
    response = _save_funds(client, personas.officer_a, tree.a, data)
    html = _html(response)
    assert response.status_code == 409
    assert "Central budget, 3/2025 was changed by district_d1 in the meantime (now: 500 đ)" in html
    assert FundEntry.objects.get().amount == 500
    # The page now carries the stored version: saving again keeps the officer's amount, knowingly.
    assert 'name="v-3-central" value="1"' in html and 'name="was-3-central" value="500"' in html
    data.update({"v-3-central": "1", "was-3-central": "500"})
    assert _save_funds(client, personas.officer_a, tree.a, data).status_code == 302
    assert FundEntry.objects.get().amount == 700


def test_the_grid_offers_no_cell_for_the_months_after_a_commune_ended(client, merger, vi):
    """To the province office, which keeps entering an ended commune's funds of its lifetime
    (the commune's own officer reads them only: ``communes.access.working_memberships``)."""
    officer = UserFactory(username="officer_o1")
    MembershipFactory(user=officer, unit=merger.o1, role=Role.COMMUNE_OFFICER)
    make_fund(merger.o1, 2025, 9, "central", 5_000)  # recorded before the rule: still shown
    html = _html(_page(client, officer, merger.o1, year=2025))
    grid = html[html.index('id="funds"') : html.index("</section>", html.index('id="funds"'))]
    assert 'name="a-' not in grid and 'type="submit"' not in grid
    html = _html(_page(client, merger.office, merger.o1, year=2025))
    grid = html[html.index('id="funds"') : html.index("</section>", html.index('id="funds"'))]
    assert 'name="a-6-central"' in grid
    assert not any(f'name="a-{m}-' in grid or f'name="was-{m}-' in grid for m in range(7, 13))
    assert grid.count('<td class="num closed"') == 6 * 9
    assert ">5.000<" in grid  # in đồng, as the grid's heading says
    assert grid.count('id="funds-closed-unit_absent"') == 1  # the explanation, said once
    assert 'id="funds-closed-future"' not in grid
    assert 'type="submit"' in grid


def test_the_grid_of_a_year_the_commune_did_not_exist_in_has_nothing_to_save(client, merger):
    officer = UserFactory(username="officer_o1")
    MembershipFactory(user=officer, unit=merger.o1, role=Role.COMMUNE_OFFICER)
    html = _html(_page(client, officer, merger.o1, year=2026))
    grid = html[html.index('id="funds"') : html.index("</section>", html.index('id="funds"'))]
    assert 'name="a-' not in grid and 'type="submit"' not in grid
    assert "Months marked — are before Xã Cũ Một was formed or after it ceased to exist" in grid


def _english_grid(client, user, unit) -> str:
    client.force_login(user)
    with translation.override("en"):
        html = _html(client.get(reverse("plans:unit", args=[unit.code]), {"year": 2025}))
    return html[html.index('id="funds"') : html.index("</section>", html.index('id="funds"'))]


def test_an_english_grid_writes_its_totals_as_its_fields_hold_the_amounts(client, tree, personas):
    """QA: the fields held "31.003.700.000" and the Total row "31,005,200,000", on one grid."""
    make_fund(tree.a, 2025, 3, "central", 1_500_000)
    make_fund(tree.a, 2025, 3, "residents", 31_003_700_000)
    grid = _english_grid(client, personas.officer_a, tree.a)
    assert 'value="1.500.000"' in grid and 'value="31.003.700.000"' in grid
    total = grid[grid.index("<tfoot>") :]
    assert ">1.500.000<" in total and ">31.003.700.000<" in total and ">31.005.200.000<" in total
    assert not re.search(r"\d,\d{3}", grid)  # no English grouping anywhere in the grid


def test_an_english_grid_says_how_to_type_an_amount_at_every_field(client, tree, personas):
    grid = _english_grid(client, personas.officer_a, tree.a)
    hint = re.search(r'<p class="help" id="funds-hint">(.*?)</p>', grid, re.S)
    assert hint and "thousands with dots: 31.003.700.000" in hint[1]
    fields = re.findall(r'<input type="text" name="a-[^>]*>', grid)
    assert fields and all(re.search(r'aria-describedby="[^"]*\bfunds-hint\b', f) for f in fields)


@pytest.mark.parametrize("who", ["viewer", "officer_b", "district_d2"])
def test_others_may_not_save_funds(client, tree, personas, who):
    response = _save_funds(client, getattr(personas, who), tree.a, _funds_post(tree.a, **{"a_3_central": "1"}))
    assert response.status_code in (403, 404)
    assert not FundEntry.objects.exists()


def test_the_rolled_up_totals_of_a_province_include_every_commune_once(client, tree, personas, vi):
    make_fund(tree.a, 2025, 3, "residents", 1_000)
    make_fund(tree.c, 2025, 3, "residents", 20_000)
    html = _html(_page(client, personas.province_office, tree.province, year=2025))
    summary = html[html.index('id="funds-summary"') :]
    assert "21.000 đ" in summary
    assert 'data-chart="chart-funds-40"' in summary and 'id="chart-funds-40"' in summary


# --- Landing and speed -------------------------------------------------------------------------


def test_the_plans_link_leads_to_the_users_unit(client, tree, personas):
    client.force_login(personas.officer_a)
    response = client.get(reverse("plans:home"))
    assert response.status_code == 302 and response["Location"].endswith("/plans/40101/")


def test_the_province_page_takes_as_many_queries_for_100_communes_as_for_10(client):
    counts = []
    for code, size in (("Q", 10), ("R", 100)):
        province = bulk_province(code=code, communes=size)
        user = UserFactory(username=f"office_{code}")
        MembershipFactory(user=user, unit=province, role=Role.PROVINCE_OFFICE)
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("plans:unit", args=[code]), {"year": 2025}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_district_that_ended_opens_on_its_last_year_and_says_so_for_a_later_one(client, tree, personas):
    import datetime

    tree.d1.valid_to = datetime.date(2025, 6, 30)
    tree.d1.save()
    client.force_login(personas.province_office)
    html = _html(client.get(reverse("plans:unit", args=["401"])))
    assert '<option value="2025" selected>' in html and "did not exist in" not in html
    html = _html(client.get(reverse("plans:unit", args=["401"]) + "?year=2026"))
    assert "Huyện Một did not exist in 2026." in html


def _plans_picker(html: str) -> list[str]:
    select = html.split('id="plans-year"')[1].split("</select>")[0]
    return [f"{y}{rest}".strip() for y, rest in re.findall(r'<option value="(\d{4})"([^>]*)>', select)]


def test_the_plans_picker_of_a_commune_that_ended_offers_no_year_after_it(client, merger):
    """QA: the plans page of a commune that ended on 30/06/2025 offered 2026."""
    html = _html(_page(client, merger.office, merger.o1))
    assert _plans_picker(html)[0] == "2025 selected" and "2026" not in " ".join(_plans_picker(html))
    html = _html(_page(client, merger.office, merger.o1, year=2026))
    assert "Xã Cũ Một did not exist in 2026." in html
    assert _plans_picker(html)[:2] == ["2026 selected disabled", "2025"]


def test_a_later_year_typed_into_the_address_is_refused_with_a_word(client, tree, personas):
    """QA: ?year=2031 went silently to another year; now the page says which year it shows."""
    from django.utils import timezone

    this_year = timezone.localdate().year
    response = _page(client, personas.province_office, tree.province, year=this_year + 5)
    html = _html(response)
    assert response.status_code == 200
    assert f"“{this_year + 5}” is not a year that can be shown (2010–{this_year}): showing {this_year}." in html
    assert _plans_picker(html)[0] == f"{this_year} selected"
    assert str(this_year + 5) not in " ".join(_plans_picker(html))
    # The forms carry the year shown, not the one refused.
    assert f'action="/en/plans/40/province-targets/?year={this_year}"' in html


def test_the_english_funds_grid_shows_amounts_as_it_reads_them_back(client, tree, personas):
    """QA: the English grid showed "650,000,000" and refused it when saved again ("misplaced
    separators"): a field shows an amount the Vietnamese way in every language."""

    make_fund(tree.a, 2021, 12, "district", 650_000_000)
    client.force_login(personas.officer_a)
    with translation.override("en"):
        url = reverse("plans:unit", args=[tree.a.code])
    html = client.get(url + "?year=2021").content.decode()
    assert 'value="650.000.000"' in html and 'value="650,000,000"' not in html


# --- Withdrawing a registered target ------------------------------------------------------------


def _withdraw_post(client, user, page_unit, unit, **fields):
    client.force_login(user)
    data = {"unit": unit.code, "tier": "standard", "version": "1", "reason": "QĐ 7/QĐ-UBND"}
    data.update(fields)
    return client.post(reverse("plans:withdraw_target", args=[page_unit.code]) + "?year=2025", data)


def test_the_district_committee_withdraws_a_target_from_its_page(client, tree, personas):
    make_target(tree.a, "standard", 2023)
    page = _html(_page(client, personas.district_d1, tree.d1, year=2025))
    assert 'action="/en/plans/401/targets/withdraw/?year=2025"' in page
    response = _withdraw_post(client, personas.district_d1, tree.d1, tree.a)
    assert response.status_code == 302 and response["Location"] == "/en/plans/401/?year=2025#t-40101"
    assert RegisteredTarget.objects.get().withdrawn_at is not None
    html = _html(_page(client, personas.district_d1, tree.d1, year=2025))
    assert "<s>2023</s> Withdrawn" in html
    assert '2023 → <strong>withdrawn</strong> <span class="muted">(QĐ 7/QĐ-UBND)</span>' in html
    assert "1 unit overdue from earlier years" not in html


def test_a_withdrawal_without_a_reason_shows_the_message_at_the_field(client, tree, personas):
    make_target(tree.a, "standard", 2023)
    response = _withdraw_post(client, personas.district_d1, tree.d1, tree.a, reason="")
    assert response.status_code == 400
    assert re.search(
        r'id="we-40101-standard"><p class="error" role="alert">Say why the target is withdrawn', _html(response)
    )
    assert RegisteredTarget.objects.get().withdrawn_at is None


def test_withdrawing_a_target_someone_has_just_withdrawn_says_so(client, tree, personas):
    """QA: the second of two withdrawals answered 409 with no words on the page."""
    make_target(tree.a, "standard", 2023)
    assert _withdraw_post(client, personas.district_d1, tree.d1, tree.a).status_code == 302
    response = _withdraw_post(client, personas.province_office, tree.d1, tree.a, reason="QĐ 8/QĐ-UBND")
    assert response.status_code == 409
    cell = _html(response).split('id="t-40101-standard"', 1)[1].split("</td>", 1)[0]
    assert 'class="conflict" role="alert"' in cell
    assert "This target was withdrawn by district_d1 in the meantime: there is nothing left to withdraw." in cell


def test_withdrawing_a_target_someone_has_just_changed_asks_to_withdraw_again(client, tree, personas):
    """QA: under "Withdraw the target", the refusal said "Review it and save again"."""
    target = make_target(tree.a, "standard", 2023)
    client.force_login(personas.province_office)
    client.post(
        reverse("plans:set_target", args=["401"]),
        {"unit": "40101", "tier": "standard", "version": str(target.version), "target_year": "2027", "basis": "KH"},
    )
    response = _withdraw_post(client, personas.district_d1, tree.d1, tree.a, version=str(target.version))
    assert response.status_code == 409
    cell = _html(response).split('id="t-40101-standard"', 1)[1].split("</td>", 1)[0]
    assert (
        "This target was changed by province_office in the meantime (now: 2027). "
        "Review it and withdraw it again if it still has to go."
    ) in cell
    assert "save again" not in cell
    assert RegisteredTarget.objects.get().withdrawn_at is None


def test_a_commune_officer_may_not_withdraw_targets(client, tree, personas):
    make_target(tree.a, "standard", 2023)
    assert _withdraw_post(client, personas.officer_a, tree.a, tree.a).status_code == 403
    assert RegisteredTarget.objects.get().withdrawn_at is None
