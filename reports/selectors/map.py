"""The dashboard map: every commune counted in a year as a point at its coordinates, coloured
by its bucket of criteria met.

The figures are those of the communes table (``map_rows``: the communes of ``communes_page``,
the same assessment speaking for each) and the buckets those of the dashboard's bucket table, so the
map's legend and the table beside it cannot disagree. Drawn server-side as plain SVG
(``templates/reports/partials/map.html``): no tiles, no outside service, no script.
One query: the communes with their assessment's figures and their coordinates.

Whose figures are shown is the caller's to say (``readable``, from
``communes.access.readable_under``): a commune's officer sees the communes around theirs
named at their places — public geography — but a commune they may not read is drawn neutral,
with its name only, outside every bucket and count but the legend's "no figures shown".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from communes.models import AdministrativeUnit
from reports.selectors.communes import map_rows
from reports.selectors.progress import BucketCount, buckets_of

MAX_LINKED = 600  # above this, points are drawn but not each a tab stop: the list links them
WIDTH = 640  # SVG user units; the picture scales to its box
MAX_HEIGHT = 720
MARGIN = 12
# Light to dark as more criteria are met (ColorBrewer YlGn): readable in grey print and by
# the colour-blind; every point also has a dark outline so the lightest shows on white.
PALETTE = ("#ffffcc", "#c2e699", "#78c679", "#31a354", "#006837")
NO_DATA = "none"
NO_DATA_FILL = "#ffffff"  # drawn hollow, with a grey dashed outline
HIDDEN = "hidden"  # a commune the reader may not read: its name, no figures
HIDDEN_FILL = "#d9d9d9"  # neutral grey, solid grey outline (reports.css ``.map-hidden``)


@dataclass(frozen=True)
class MapLegendEntry:
    key: str  # "b0", "b1" … in bucket order, NO_DATA, or HIDDEN
    label: str
    colour: str
    count: int


@dataclass(frozen=True)
class MapPoint:
    code: str
    name: str
    x: float
    y: float
    key: str  # the legend entry it belongs to
    colour: str
    label: str  # "Xã Cẩm Thạch: 15/19 criteria met", "…: no data", or the name alone (HIDDEN)
    anchor: str = "middle"  # of the label: "start" near the west edge, "end" near the east
    current: bool = False  # the commune whose page shows the map, or those it was formed from (ringed, on top)


@dataclass(frozen=True)
class CommuneMap:
    points: list[MapPoint]
    legend: list[MapLegendEntry]
    width: int
    height: int
    radius: float
    linked: bool  # each point a link (and a tab stop) — one the reader may open, see report_map
    communes_total: int
    without_coordinates: int
    area: AdministrativeUnit | None = None  # whose communes are drawn (None: the country)
    # The codes of the communes the reader may read, whose figures and links are shown; None: all.
    readable: frozenset[str] | None = None

    @property
    def drawn(self) -> int:
        return len(self.points)

    @property
    def hidden(self) -> int:
        """How many communes are shown without figures (outside the reader's area)."""
        return next((entry.count for entry in self.legend if entry.key == HIDDEN), 0)


def _colours(buckets: list[BucketCount]) -> dict[tuple[int, int, int], str]:
    """A colour per bucket, darkest for the top bucket of each scale."""
    by_scale: dict[int, list[BucketCount]] = {}
    for b in buckets:
        by_scale.setdefault(b.total, []).append(b)
    colours = {}
    for group in by_scale.values():
        ordered = sorted(group, key=lambda b: b.high)
        steps = max(len(ordered) - 1, 1)
        for i, b in enumerate(ordered):
            colours[(b.low, b.high, b.total)] = PALETTE[round(i * (len(PALETTE) - 1) / steps)]
    return colours


def _projector(coordinates: list[tuple[Decimal, Decimal]]):
    """Equirectangular projection scaled to fit WIDTH × MAX_HEIGHT; returns (project, w, h)."""
    lats = [float(lat) for lat, _ in coordinates]
    lons = [float(lon) for _, lon in coordinates]
    squeeze = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = max((max(lons) - min(lons)) * squeeze, 1e-3)
    span_y = max(max(lats) - min(lats), 1e-3)
    scale = min((WIDTH - 2 * MARGIN) / span_x, (MAX_HEIGHT - 2 * MARGIN) / span_y)
    width = round(span_x * scale + 2 * MARGIN)
    height = round(span_y * scale + 2 * MARGIN)
    west, north = min(lons), max(lats)

    def project(lat: Decimal, lon: Decimal) -> tuple[float, float]:
        return (
            round(MARGIN + (float(lon) - west) * squeeze * scale, 1),
            round(MARGIN + (north - float(lat)) * scale, 1),
        )

    return project, width, height


def _buckets_of_rows(rows) -> list[BucketCount]:
    """The buckets of the communes drawn, on each set's scale: for a map without the dashboard's."""
    met: dict[int, dict[int, int]] = {}
    for row in rows:
        if row.has_data:
            counts = met.setdefault(row.criteria_total, {})
            counts[row.criteria_met] = counts.get(row.criteria_met, 0) + 1
    return buckets_of(met)


def _bucket_keys(buckets: list[BucketCount], keys: dict[tuple[int, int, int], str]) -> dict[tuple[int, int], str]:
    """The legend entry of each (set size, criteria met) the buckets cover: a commune's entry is
    the bucket its criteria met fall in on its set's scale (NO_DATA without data)."""
    return {
        (b.total, met): keys[(b.low, b.high, b.total)] for b in reversed(buckets) for met in range(b.low, b.high + 1)
    }


def _point_label(row) -> str:
    """What a point says of its commune: its criteria met out of its total, or that it has no data."""
    if row.has_data:
        return _("%(name)s: %(met)d/%(total)d criteria met") % {
            "name": row.name,
            "met": row.criteria_met,
            "total": row.criteria_total,
        }
    return _("%(name)s: no data") % {"name": row.name}


def commune_map(
    *,
    unit: AdministrativeUnit | None,
    year: int,
    tier: str,
    buckets: list[BucketCount] | None = None,
    current: frozenset[str] = frozenset(),
    readable: frozenset[str] | None,
) -> CommuneMap | None:
    """The map of the communes counted in ``year`` under ``unit``; None when there are none.

    ``buckets`` are the dashboard's (``progress_summary(...).buckets``): each commune takes the
    colour of the bucket its criteria met fall in, on its set's scale; without them (a commune's
    page, showing its neighbours) the buckets are those of the communes drawn. ``current`` are
    the codes of the communes to ring. ``readable`` are the codes of the communes whose figures
    the reader may see (``communes.access.readable_under``; None: all of them, as for anyone who
    reads ``unit``): every other commune is drawn with its name only, in HIDDEN, and counted
    in the legend's HIDDEN entry alone — no bucket, no colour, no label that would reveal them.
    """
    rows = map_rows(unit=unit, year=year, tier=tier)
    if not rows:
        return None
    shown = rows if readable is None else [row for row in rows if row.code in readable]
    if buckets is None:
        buckets = _buckets_of_rows(shown)
    coordinates = {row.code: (row.latitude, row.longitude) for row in rows if row.latitude is not None}
    colours = _colours(buckets)
    keys = {bounds: f"b{i}" for i, bounds in enumerate((b.low, b.high, b.total) for b in buckets)}
    colour_of = {keys[bounds]: colour for bounds, colour in colours.items()} | {
        NO_DATA: NO_DATA_FILL,
        HIDDEN: HIDDEN_FILL,
    }
    counts = dict.fromkeys([*keys.values(), NO_DATA, HIDDEN], 0)
    located = [row for row in rows if row.code in coordinates]
    points: list[MapPoint] = []
    if located:
        project, width, height = _projector([coordinates[row.code] for row in located])
    else:
        width, height = WIDTH, 0
    key_of = _bucket_keys(buckets, keys)
    for row in rows:
        hidden = readable is not None and row.code not in readable
        if hidden:
            key = HIDDEN
        elif row.has_data:
            key = key_of.get((row.criteria_total, row.criteria_met), NO_DATA)
        else:
            key = NO_DATA
        counts[key] += 1
        if row.code not in coordinates:
            continue
        x, y = project(*coordinates[row.code])
        anchor = "start" if x < width / 4 else "end" if x > width * 3 / 4 else "middle"
        points.append(
            MapPoint(
                code=row.code,
                name=row.name,
                x=x,
                y=y,
                key=key,
                colour=colour_of[key],
                label=row.name if hidden else _point_label(row),
                anchor=anchor,
                current=row.code in current,
            )
        )
    legend = [
        MapLegendEntry(key=keys[bounds], label=b.label, colour=colours[bounds], count=counts[keys[bounds]])
        for b in buckets
        for bounds in [(b.low, b.high, b.total)]
    ]
    legend.append(MapLegendEntry(key=NO_DATA, label=_("No data"), colour=NO_DATA_FILL, count=counts[NO_DATA]))
    if counts[HIDDEN]:
        legend.append(
            MapLegendEntry(
                key=HIDDEN,
                label=_("No figures shown (outside your area)"),
                colour=HIDDEN_FILL,
                count=counts[HIDDEN],
            )
        )
    # Communes without figures first, then from the lowest bucket up: the best drawn on top.
    rank = {entry.key: i for i, entry in enumerate(reversed(legend))}
    points.sort(key=lambda p: (p.current, rank[p.key]))
    drawn = len(points)
    return CommuneMap(
        points=points,
        legend=legend,
        width=width,
        height=height,
        radius=6 if drawn <= 200 else 4 if drawn <= 1000 else 2.5,
        linked=drawn <= MAX_LINKED,
        communes_total=len(rows),
        without_coordinates=len(rows) - drawn,
        area=unit,
        readable=readable,
    )
