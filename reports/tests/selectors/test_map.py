"""The dashboard map: the communes of the table, at their coordinates, coloured by bucket.

``known`` (reports/tests/conftest.py), standard 2023: A 19 · B 12 · C 4 · E no data. Here A, B
and C have coordinates (A north-west, C south-east); E has none.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from communes.access import readable_under
from communes.models import AdministrativeUnit, UnitSuccession
from communes.tests.factories import ProvinceFactory
from reports.selectors import communes_page, progress_summary
from reports.selectors.communes import map_rows
from reports.selectors.map import HIDDEN, HIDDEN_FILL, NO_DATA, PALETTE, commune_map

pytestmark = pytest.mark.django_db


@pytest.fixture
def located(known):
    for unit, lat, lon in (
        (known.tree.a, "18.5", "105.5"),
        (known.tree.b, "18.3", "105.8"),
        (known.tree.c, "18.0", "106.1"),
    ):
        AdministrativeUnit.objects.filter(pk=unit.pk).update(latitude=Decimal(lat), longitude=Decimal(lon))
    return known


def province_map(known, year=2023):
    summary = progress_summary(unit=known.tree.province, year=year, tier="standard")
    return summary, commune_map(
        unit=known.tree.province, year=year, tier="standard", buckets=summary.buckets, readable=None
    )


def test_the_legend_counts_are_the_bucket_table_counts(located):
    summary, drawn = province_map(located)
    counts = {entry.label: entry.count for entry in drawn.legend}
    assert counts == {b.label: b.count for b in summary.buckets} | {"No data": summary.communes_without_data}
    assert counts == {"19": 1, "15–18": 0, "10–14": 1, "5–9": 0, "under 5": 1, "No data": 1}
    assert drawn.communes_total == summary.communes_total == 4


def test_each_commune_with_coordinates_is_a_point_coloured_by_its_bucket(located):
    _, drawn = province_map(located)
    points = {p.name: p for p in drawn.points}
    assert set(points) == {"Xã Cẩm Thạch", "Xã Đức Lĩnh", "Xã Ân Phú"}
    assert points["Xã Cẩm Thạch"].colour == PALETTE[-1]  # 19 of 19: the darkest
    assert points["Xã Ân Phú"].colour == PALETTE[0]  # under 5: the lightest
    assert points["Xã Cẩm Thạch"].label == "Xã Cẩm Thạch: 19/19 criteria met"
    assert (drawn.drawn, drawn.without_coordinates) == (3, 1)


def test_north_is_up_and_east_is_right(located):
    _, drawn = province_map(located)
    a, c = (next(p for p in drawn.points if p.name == name) for name in ("Xã Cẩm Thạch", "Xã Ân Phú"))
    assert a.y < c.y and a.x < c.x
    assert all(0 <= p.x <= drawn.width and 0 <= p.y <= drawn.height for p in drawn.points)
    # Labels run inward from the edges, so none is cut off.
    assert (a.anchor, c.anchor) == ("start", "end")


def test_a_commune_without_data_is_drawn_apart(located):
    AdministrativeUnit.objects.filter(pk=located.e.pk).update(latitude=Decimal("18.1"), longitude=Decimal("105.6"))
    _, drawn = province_map(located)
    e = next(p for p in drawn.points if p.name == "Xã Yên Hòa")
    assert (e.key, e.label) == (NO_DATA, "Xã Yên Hòa: no data")
    assert drawn.points[0] == e  # drawn first, under the coloured points


def test_no_map_for_a_unit_without_communes(db):
    empty = ProvinceFactory(code="77", name="Tỉnh Trống")
    assert commune_map(unit=empty, year=2023, tier="standard", buckets=[], readable=None) is None


def test_the_map_takes_one_query_and_is_kept(located, django_assert_num_queries):
    summary = progress_summary(unit=located.tree.province, year=2023, tier="standard")
    with django_assert_num_queries(3):  # the versions with the kept rows, the communes, keeping them
        drawn = commune_map(
            unit=located.tree.province, year=2023, tier="standard", buckets=summary.buckets, readable=None
        )
    with django_assert_num_queries(1):
        assert (
            commune_map(unit=located.tree.province, year=2023, tier="standard", buckets=summary.buckets, readable=None)
            == drawn
        )
    district = located.tree.province.children.first()
    with django_assert_num_queries(1):  # below a province: not kept
        commune_map(unit=district, year=2023, tier="standard", readable=None)


def test_the_country_s_map_is_its_provinces_in_the_list_s_order(located):
    country = map_rows(unit=None, year=2023, tier="standard")
    assert country == map_rows(unit=None, year=2023, tier="standard")  # read back as kept
    assert [r.code for r in country] == [
        r.code for r in map_rows(unit=located.tree.province, year=2023, tier="standard")
    ]  # the one province here


def test_the_dashboard_draws_the_map_with_links_and_its_legend_table(client, personas, located):
    client.force_login(personas.province_office)
    html = client.get(reverse("reports:dashboard", args=["40"]) + "?year=2023&tier=standard").content.decode()
    assert 'aria-labelledby="map-title map-caption"' in html
    assert 'href="/en/reports/40101/?year=2023&amp;tier=standard" aria-label="Xã Cẩm Thạch: 19/19 criteria met"' in html
    assert "1 commune has no coordinates and is not drawn." in html
    assert "Legend: communes by criteria met" in html


def test_the_dashboard_says_when_no_commune_has_coordinates(client, personas, known):
    client.force_login(personas.province_office)
    html = client.get(reverse("reports:dashboard", args=["40"]) + "?year=2023&tier=standard").content.decode()
    assert "The communes here have no coordinates yet, so no map is drawn." in html
    assert '<svg class="commune-map"' not in html


def test_a_communes_page_draws_it_ringed_among_the_communes_of_its_district(client, personas, located):
    client.force_login(personas.province_office)
    a = located.tree.a
    html = client.get(reverse("reports:dashboard", args=[a.code]) + "?year=2023&tier=standard").content.decode()
    assert f"Map of the communes of {a.parent.name}" in html
    assert f"{a.name} is ringed." in html
    assert html.count('class="map-current"') == 1  # only this commune, and it has data
    ringed = html.split('class="map-current"')[0].rsplit('aria-label="', 1)[1]
    assert ringed.startswith(f"{a.name}:")


def test_without_the_dashboards_buckets_the_map_takes_those_of_the_communes_drawn(located):
    _summary, with_dashboards = province_map(located)
    alone = commune_map(unit=located.tree.province, year=2023, tier="standard", readable=None)
    assert alone.legend == with_dashboards.legend
    assert [(p.code, p.colour) for p in alone.points] == [(p.code, p.colour) for p in with_dashboards.points]


def test_for_a_year_before_it_a_new_communes_map_rings_the_communes_it_was_formed_from(client, personas, located):
    tree = located.tree
    new = AdministrativeUnit(
        code="40901", name="Xã Mới", level="commune", type="xa", parent=tree.province, valid_from="2025-07-01"
    )
    new.save()
    for old in (tree.a, tree.b):
        UnitSuccession.objects.create(predecessor=old, successor=new, date="2025-07-01", main_part=True)
    client.force_login(personas.province_office)
    context = client.get(reverse("reports:dashboard", args=[new.code]), {"year": 2023, "tier": "standard"}).context
    assert {p.code for p in context["commune_map"].points if p.current} == {tree.a.code, tree.b.code}
    html = client.get(
        reverse("reports:dashboard", args=[new.code]), {"year": 2023, "tier": "standard"}
    ).content.decode()
    assert "The communes Xã Mới was formed from are ringed." in html


def test_the_maps_communes_and_figures_are_those_of_the_communes_list(located):
    page = communes_page(unit=located.tree.province, year=2023, tier="standard", per_page=1000)
    listed = [(r.code, r.has_data, r.criteria_met, r.criteria_total) for r in page.rows]
    mapped = [
        (r.code, r.has_data, r.criteria_met, r.criteria_total)
        for r in map_rows(unit=located.tree.province, year=2023, tier="standard")
    ]
    assert mapped == listed and any(has for _c, has, _m, _t in listed)


def test_a_communes_officer_has_only_the_communes_they_may_open_linked_on_the_map(client, personas, located):
    a, b = located.tree.a, located.tree.b
    client.force_login(personas.officer_a)
    assert client.get(reverse("reports:dashboard", args=[b.code])).status_code == 404
    html = client.get(reverse("reports:dashboard", args=[a.code]) + "?year=2023&tier=standard").content.decode()
    assert f'href="/en/reports/{a.code}/?year=2023&amp;tier=standard"' in html
    assert f'href="/en/reports/{b.code}/' not in html
    assert f"<title>{b.name}</title>" in html  # still drawn, named (its figures: see below)
    # The district's committee reads every commune of its district: all linked.
    client.force_login(personas.district_d1)
    html = client.get(reverse("reports:dashboard", args=[a.code]) + "?year=2023&tier=standard").content.decode()
    assert f'href="/en/reports/{b.code}/?year=2023&amp;tier=standard"' in html


def _commune_page(client, user, commune):
    client.force_login(user)
    return client.get(reverse("reports:dashboard", args=[commune.code]), {"year": 2023, "tier": "standard"})


def _circle_titled(html, title):
    """The ``<circle …>`` of the point whose tooltip is ``title``."""
    before = html.split(f"><title>{title}</title>")[0]
    return before[before.rindex("<circle") :]


def test_a_communes_officer_sees_the_neighbours_on_the_map_named_without_their_figures(client, personas, located):
    a, b = located.tree.a, located.tree.b  # both in district 401: A 19/19, B 12/19
    response = _commune_page(client, personas.officer_a, a)
    html = response.content.decode()
    # Its own commune with its figures and link; the neighbour at its place, its name only.
    assert f"{a.name}: 19/19 criteria met" in html
    assert f"{b.name}: 12/19" not in html and "12/19" not in html
    assert f'fill="{HIDDEN_FILL}" class="map-hidden"' in _circle_titled(html, b.name)
    points = {p.code: p for p in response.context["commune_map"].points}
    assert (points[b.code].key, points[b.code].colour, points[b.code].label) == (HIDDEN, HIDDEN_FILL, b.name)
    # Its bucket (10–14) counts nothing: the legend counts only the communes it shows.
    legend = {entry.label: entry.count for entry in response.context["commune_map"].legend}
    assert legend == {
        "under 5": 0,
        "5–9": 0,
        "10–14": 0,
        "15–18": 0,
        "19": 1,
        "No data": 0,
        "No figures shown (outside your area)": 1,
    }
    assert "No figures shown (outside your area)" in html
    assert "Communes outside your area are drawn grey with their names only" in html


def test_the_district_committee_sees_every_commune_s_figures_on_a_commune_s_map(client, personas, located):
    a, b = located.tree.a, located.tree.b
    for user in (personas.district_d1, personas.province_office, personas.viewer):
        response = _commune_page(client, user, a)
        html = response.content.decode()
        assert f"<title>{b.name}: 12/19 criteria met</title>" in html, user
        assert "map-hidden" not in html and "No figures shown" not in html, user
        # Exactly the map drawn for whoever reads the whole area.
        assert response.context["commune_map"] == commune_map(
            unit=a.parent, year=2023, tier="standard", current=frozenset([a.code]), readable=None
        )
        legend = {entry.label: entry.count for entry in response.context["commune_map"].legend}
        assert (legend["10–14"], legend["19"]) == (1, 1)


def test_a_district_s_dashboard_map_is_unchanged_for_its_readers(client, personas, located):
    client.force_login(personas.district_d1)
    response = client.get(reverse("reports:dashboard", args=["401"]), {"year": 2023, "tier": "standard"})
    drawn = response.context["commune_map"]
    assert drawn.readable is None and drawn.hidden == 0
    assert {p.key for p in drawn.points} == {"b0", "b2"}  # A 19, B 10–14 (the top bucket first)


def test_the_readable_communes_are_decided_once_for_the_map(client, personas, located, django_assert_num_queries):
    """The officer's page reads which communes they may read in one query (not one per point),
    the same the links had taken, after the units their commune was formed from (once per user,
    ``communes.access``); a reader of the area takes none."""
    from communes.access import memberships_of

    officer, district = personas.officer_a, personas.district_d1
    memberships_of(officer), memberships_of(district)
    with django_assert_num_queries(2):
        assert readable_under(officer, located.tree.d1, level="commune") == {located.tree.a.code}
    with django_assert_num_queries(1):  # the units formed from are kept on the user
        assert readable_under(officer, located.tree.d1, level="commune") == {located.tree.a.code}
    with django_assert_num_queries(0):
        assert readable_under(district, located.tree.d1, level="commune") is None
