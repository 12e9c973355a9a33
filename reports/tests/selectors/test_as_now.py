"""Figures under today's map ("as now"): a province formed on 1 July 2025 counts, for the years
before, the communes it was formed from — each where the main part of it went."""

import datetime

import pytest
from django.urls import reverse

from communes.models import AdministrativeUnit, Level, UnitSuccession, UnitType
from communes.tests.factories import UserFactory
from reports.selectors import (
    has_mapped_units,
    progress_breakdown,
    progress_overview,
    progress_summary,
    progress_trend,
)
from reports.tests.excel.conftest import open_book, rows_of
from reports.tests.factories import make_assessment, make_flat_set

pytestmark = pytest.mark.django_db

ENDED, FORMED = datetime.date(2025, 6, 30), datetime.date(2025, 7, 1)


def _unit(code, level, parent=None, **kwargs):
    types = {Level.PROVINCE: UnitType.TINH, Level.DISTRICT: UnitType.HUYEN, Level.COMMUNE: UnitType.XA}
    unit = AdministrativeUnit(code=code, name=f"Đơn vị {code}", level=level, type=types[level], parent=parent, **kwargs)
    unit.save()
    return unit


@pytest.fixture
def merger():
    """Old province 81 (district 811: communes A, B); new provinces 91 (commune M, formed from A and
    the main part of B) and 92 (commune Q, formed from the rest of B). A and B assessed 2024–2025
    (A recognised in 2024); M assessed 2026."""
    old = _unit("81", Level.PROVINCE, valid_to=ENDED)
    district = _unit("811", Level.DISTRICT, old, valid_to=ENDED)
    a = _unit("81101", Level.COMMUNE, district, valid_to=ENDED)
    b = _unit("81102", Level.COMMUNE, district, valid_to=ENDED)
    new, other = _unit("91", Level.PROVINCE, valid_from=FORMED), _unit("92", Level.PROVINCE, valid_from=FORMED)
    m = _unit("91001", Level.COMMUNE, new, valid_from=FORMED)
    q = _unit("92001", Level.COMMUNE, other, valid_from=FORMED)
    for predecessor, successor, main in ((a, m, True), (b, m, True), (b, q, False)):
        UnitSuccession.objects.create(predecessor=predecessor, successor=successor, date=FORMED, main_part=main)
    standard = make_flat_set(code="AS-NOW", total=19, year_to=2030)
    make_assessment(a, standard, 2024, 19, "recognised")
    make_assessment(b, standard, 2024, 12)
    make_assessment(a, standard, 2025, 19)
    make_assessment(b, standard, 2025, 14)
    make_assessment(m, make_flat_set(code="AS-NOW-10", total=10, year_to=2030), 2026, 7)
    return new, other, m


def test_a_new_province_counts_its_predecessors_as_now_and_nothing_as_entered(merger):
    new, other, _m = merger
    assert has_mapped_units(unit=new) and not has_mapped_units(unit=other)  # only a minor part went to 92
    now = progress_summary(unit=new, year=2024, tier="standard", as_now=True)
    assert (now.communes_total, now.communes_with_data, now.recognised["standard"]) == (2, 2, 1)
    assert now.average_criteria_met == 15.5
    entered = progress_summary(unit=new, year=2024, tier="standard")
    assert (entered.communes_total, entered.communes_with_data) == (0, 0)
    # B's main part went to province 91: province 92 counts nothing of it.
    assert progress_summary(unit=other, year=2024, tier="standard", as_now=True).communes_total == 0


def test_the_trend_of_a_new_province_runs_across_the_merger(merger):
    new, _other, _m = merger
    points = progress_trend(unit=new, tier="standard", as_now=True)
    assert [(p.year, p.communes_with_data, p.scale) for p in points] == [(2024, 2, 19), (2025, 2, 19), (2026, 1, 10)]
    assert [p.year for p in progress_trend(unit=new, tier="standard")] == [2026]


def test_the_breakdown_shows_the_predecessors_under_the_commune_they_went_into(merger):
    new, _other, m = merger
    rows = progress_breakdown(unit=new, year=2025, tier="standard", as_now=True)
    assert [(r.code, r.communes_total, r.communes_with_data, r.average_criteria_met) for r in rows] == [
        (m.code, 2, 2, 16.5)
    ]


@pytest.mark.parametrize("as_now", [True, False])
@pytest.mark.parametrize("year", [2024, 2025, 2026, 2027, None])
def test_the_dashboards_one_statement_gives_the_summary_and_the_trend(merger, as_now, year):
    new, _other, _m = merger
    summary, trend, _breakdown = progress_overview(unit=new, year=year, tier="standard", as_now=as_now)
    alone = progress_trend(unit=new, tier="standard", as_now=as_now)
    assert trend == alone
    assert summary == progress_summary(unit=new, year=year or alone[-1].year, tier="standard", as_now=as_now)


def test_the_dashboard_and_the_lists_say_when_the_unit_did_not_exist_that_year(client, merger):
    new, _other, m = merger
    client.force_login(UserFactory(username="admin-years", is_superuser=True))
    old_commune = AdministrativeUnit.objects.get(code="81101")
    html = client.get(reverse("reports:dashboard", args=[old_commune.code]), {"year": 2026}).content.decode()
    assert 'class="message message-warning unit-not-in-year"' in html
    assert f'href="{reverse("reports:dashboard", args=[m.code])}"' in html  # continued by M
    for name in ("dashboard", "communes", "matrix"):
        page = client.get(reverse(f"reports:{name}", args=[new.code]), {"year": 2024}).content.decode()
        assert "unit-not-in-year" in page, name
        assert (
            "unit-not-in-year"
            not in client.get(reverse(f"reports:{name}", args=[new.code]), {"year": 2026}).content.decode()
        )


def test_a_new_communes_page_shows_the_communes_it_was_formed_from_as_now(client, merger):
    _new, _other, m = merger
    client.force_login(UserFactory(username="admin-commune-now", is_superuser=True))
    url = reverse("reports:dashboard", args=[m.code])
    response = client.get(url, {"year": 2024, "tier": "standard"})
    assert response.context["as_now"]
    assert [(u.code, a.criteria_met if a else None) for u, a in response.context["formed_from"]] == [
        ("81101", 19),
        ("81102", 12),
    ]
    assert [(p.year, p.communes_with_data) for p in response.context["trend"]] == [(2024, 2), (2025, 2), (2026, 1)]
    entered = client.get(url, {"year": 2024, "tier": "standard", "map": "entered"})
    assert entered.context["formed_from"] == []
    assert [p.year for p in entered.context["trend"]] == [2026]
    # Its own year: no "formed from" table.
    assert client.get(url, {"year": 2026, "tier": "standard"}).context["formed_from"] == []


def test_the_dashboards_export_reads_the_map_as_the_page_does(client, merger):
    new, _other, _m = merger
    client.force_login(UserFactory(username="admin-export-now", is_superuser=True))
    url = reverse("reports:export", args=[new.code, "dashboard"])

    def figures(**extra):
        book = open_book(client.get(url, {"year": 2024, "tier": "standard", **extra}).content)
        return {row[0]: row[1] for row in rows_of(book["Tổng hợp"], 4) if isinstance(row[0], str)}

    page = client.get(reverse("reports:dashboard", args=[new.code]), {"year": 2024}).context["summary"]
    assert figures()["Tổng số xã"] == page.communes_total == 2  # as now, as on the page
    assert figures(map="entered")["Tổng số xã"] == 0


def _officer_of(unit, username):
    from communes.models import Role
    from communes.tests.factories import MembershipFactory

    user = UserFactory(username=username)
    MembershipFactory(user=user, unit=unit, role=Role.COMMUNE_OFFICER)
    return user


def test_a_new_communes_officer_reads_the_communes_it_was_formed_from_linked_with_their_figures(client, merger):
    """Their history is the officer's to read (communes.access: the units theirs was formed from)."""
    _new, _other, m = merger
    a = AdministrativeUnit.objects.get(code="81101")
    client.force_login(_officer_of(m, "officer-new-commune"))
    response = client.get(reverse("reports:dashboard", args=[m.code]), {"year": 2024, "tier": "standard"})
    html = response.content.decode()
    assessment_a = response.context["formed_from"][0][1]
    section = html.split('id="formed-from-title"')[1].split("</section>")[0]
    assert "19 / 19" in section and "12 / 19" in section and "No figures shown" not in section
    assert f'href="{reverse("assessment", args=[assessment_a.pk])}"' in section
    assert f'href="{reverse("reports:dashboard", args=[a.code])}?' in section
    assert client.get(reverse("assessment", args=[assessment_a.pk])).status_code == 200
    # The district and the old province above them are not the officer's: named, not linked.
    assert client.get(reverse("reports:dashboard", args=[a.parent.code])).status_code == 404
    a_page = client.get(reverse("reports:dashboard", args=[a.code]), {"year": 2024}).content.decode()
    assert f'href="{reverse("reports:dashboard", args=[a.parent.code])}?' not in a_page
    assert f'href="{reverse("reports:dashboard", args=[m.parent.code])}?' not in html  # nor the new province
    # The commune B's minor part went to reads B too (a split unit: both successors).
    q = AdministrativeUnit.objects.get(code="92001")
    client.force_login(_officer_of(q, "officer-other-new-commune"))
    assert client.get(reverse("reports:dashboard", args=["81102"]), {"year": 2024}).status_code == 200
    assert client.get(reverse("reports:dashboard", args=[a.code]), {"year": 2024}).status_code == 404


def test_an_ended_communes_officer_sees_its_successor_named_not_linked(client, merger):
    _new, _other, m = merger
    a = AdministrativeUnit.objects.get(code="81101")
    client.force_login(_officer_of(a, "officer-old-commune"))
    assert client.get(reverse("unit", args=[m.code])).status_code == 404
    for url in (reverse("unit", args=[a.code]), reverse("reports:dashboard", args=[a.code])):
        html = client.get(url, {"year": 2026}).content.decode()
        assert f"Continued by: {m.name}" in " ".join(html.split()), url
        assert f'href="{reverse("unit", args=[m.code])}"' not in html
        assert f'href="{reverse("reports:dashboard", args=[m.code])}"' not in html
    client.force_login(UserFactory(username="admin-successor", is_superuser=True))
    html = client.get(reverse("unit", args=[a.code]), {"year": 2026}).content.decode()
    assert f'<a href="{reverse("unit", args=[m.code])}">{m.name}</a>' in html


def test_a_new_communes_page_lists_the_villages_of_the_communes_it_was_formed_from_and_the_api_agrees(client, merger):
    """QA: Xã Vĩnh Tài's 2025 page listed the communes it was formed from but said "no village in
    this commune for this year", and ``/api/v1/progress/`` answered 0 villages holding the title,
    though their 23 villages were assessed in 2025 and 10 held it. As now, their villages are its
    figures, listed under their commune; as entered, its own only."""
    from communes.tests.factories import VillageFactory

    _new, _other, m = merger
    a, b = AdministrativeUnit.objects.get(code="81101"), AdministrativeUnit.objects.get(code="81102")
    village_set = make_flat_set(code="AS-NOW-THON", total=5, level="village", year_to=2030)
    for commune, names in ((a, ("Thôn Một", "Thôn Hai")), (b, ("Xóm Ba",))):
        for n, name in enumerate(names):
            village = VillageFactory(code=f"{commune.code}-{n}", name=name, parent=commune, valid_to=ENDED)
            make_assessment(village, village_set, 2025, 5, "recognised" if name != "Thôn Hai" else "draft")
    client.force_login(_officer_of(m, "officer-villages-now"))
    url = reverse("reports:dashboard", args=[m.code])
    response = client.get(url, {"year": 2025, "tier": "standard"})
    villages = response.content.decode().split('id="villages-title"')[1].split("</section>")[0]
    assert "No village in this commune for this year." not in villages
    assert villages.index("Đơn vị 81101") < villages.index("Thôn Hai") < villages.index("Đơn vị 81102")
    assert villages.index("Đơn vị 81102") < villages.index("Xóm Ba")
    assert [(v.commune, v.name) for v in response.context["overview"].villages] == [
        ("Đơn vị 81101", "Thôn Hai"),
        ("Đơn vị 81101", "Thôn Một"),
        ("Đơn vị 81102", "Xóm Ba"),
    ]
    held = sum(v.assessment.state == "recognised" for v in response.context["overview"].villages)
    api = client.get("/api/v1/progress/", {"unit": m.code, "year": 2025}).json()
    assert api["villages_recognised"] == held == 2
    entered = client.get(url, {"year": 2025, "tier": "standard", "map": "entered"})
    assert entered.context["overview"].villages == []
    assert (
        client.get("/api/v1/progress/", {"unit": m.code, "year": 2025, "map": "entered"}).json()["villages_recognised"]
        == 0
    )
