"""How a province target's period reads: "2021–2025", or for one year "2025" with the words
for a year (QA: a one-year period read "giai đoạn 2025–2025")."""

from __future__ import annotations

from django.utils.translation import gettext as _


def province_targets_title(first: int, last: int) -> str:
    """The heading of a province's targets on the dashboards and in the bulletin."""
    if first == last:
        return _("Province targets for %(year)s") % {"year": first}
    return _("Province targets %(first)s–%(last)s") % {"first": first, "last": last}


def period_title(first: int, last: int) -> str:
    """The heading of a period on the plans page."""
    if first == last:
        return _("Year %(year)s") % {"year": first}
    return _("Period %(first)s–%(last)s") % {"first": first, "last": last}
