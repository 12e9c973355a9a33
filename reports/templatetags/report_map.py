"""``{% map_points commune_map %}``: the dashboard map's points, in one Jinja2 loop.

The country's map has 8,000 points; Django's engine spent about 40 ms on them (issue 20).
The template is ``reports/partials/map_points.jinja``; the points come prepared
(``reports.selectors.map``: position, colour, label), so the loop only places them.
Coordinates are written as Python writes floats (``12.5``), never in the reader's locale.
"""

from __future__ import annotations

from django import template
from django.template import engines
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

POINTS_TEMPLATE = "reports/partials/map_points.jinja"


@register.simple_tag(takes_context=True)
def map_points(context: template.Context, commune_map) -> SafeString:
    filters = context.get("filters")
    values = {
        "points": commune_map.points,
        "linked": commune_map.linked,
        # Only the communes the reader may open are links (the others would answer 404): those
        # whose figures the map shows, decided once for the page (``communes.access.readable_under``).
        "openable": commune_map.readable,
        "radius": commune_map.radius,
        "label_offset": int(commune_map.radius) + 4,
        "query": filters.query() if filters is not None else "",
        "url_of": lambda code: reverse("reports:dashboard", args=[code]),
    }
    rendered = engines["jinja2"].get_template(POINTS_TEMPLATE).render(values)
    return mark_safe(rendered)  # noqa: S308 - escaped by Jinja2 (autoescape on)
