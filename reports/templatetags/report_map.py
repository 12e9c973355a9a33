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

from communes import access
from communes.models import AdministrativeUnit

register = template.Library()

POINTS_TEMPLATE = "reports/partials/map_points.jinja"


def _openable(user, commune_map) -> frozenset[str] | None:
    """The codes of the points whose dashboard the user may open; None for all of them. Someone
    who reads the area reads every commune in it (no query); a commune's officer looking at the
    communes around theirs has only those they may open linked, decided by the rule the dashboard
    applies (``communes.access.can_read_unit``), the others drawn without a link."""
    area = commune_map.area
    if area is not None and access.can_read_unit(user, area):
        return None
    if area is None and access.is_administrator(user):
        return None
    units = AdministrativeUnit.objects.filter(code__in=[p.code for p in commune_map.points]).only("code", "path")
    return frozenset(u.code for u in units if access.can_read_unit(user, u))


@register.simple_tag(takes_context=True)
def map_points(context: template.Context, commune_map) -> SafeString:
    filters = context.get("filters")
    user = context.get("user")
    values = {
        "points": commune_map.points,
        "linked": commune_map.linked,
        "openable": _openable(user, commune_map) if commune_map.linked else None,
        "radius": commune_map.radius,
        "label_offset": int(commune_map.radius) + 4,
        "query": filters.query() if filters is not None else "",
        "url_of": lambda code: reverse("reports:dashboard", args=[code]),
    }
    rendered = engines["jinja2"].get_template(POINTS_TEMPLATE).render(values)
    return mark_safe(rendered)  # noqa: S308 - escaped by Jinja2 (autoescape on)
