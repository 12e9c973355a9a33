"""``{% issued_bulletins unit %}``: the list of a unit's issued bulletins, for the province page."""

from django import template
from django.urls import reverse

from communes.access import can_read_unit
from communes.permissions import can_issue_bulletin
from reports import bulletin

register = template.Library()


@register.inclusion_tag("reports/partials/issued_bulletins.html", takes_context=True)
def issued_bulletins(context, unit, limit: int = 12) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if unit is None or user is None or unit.level not in bulletin.BULLETIN_LEVELS or not can_read_unit(user, unit):
        return {"show": False}
    return {
        "show": True,
        "unit": unit,
        "bulletins": list(bulletin.issued_for(unit, limit=limit)),
        "can_issue": can_issue_bulletin(user, unit),
        "bulletin_url": reverse("reports:bulletin", args=[unit.code]),
    }
