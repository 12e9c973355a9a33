"""Chart specifications for ``static/js/charts.js``: plain data, rendered with ``json_script``.

A spec is ``{"kind": "bar" | "hbar" | "line", "labels": [...], "series": [{"label", "data",
"axis"?, "dashed"?, "colors"?}], "axes": {"y": title, "y1": title?}}``. The page shows the same
numbers in a table beside each chart, so a chart never holds a figure the table lacks.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from criteria.models import Tier
from ntm_portal.numbers import rounded
from reports.selectors import LaggingCriterion, ProgressSummary, TrendPoint

NO_DATA_COLOUR = "#9e9e9e"


def _average(value: Decimal | None) -> float | None:
    """An average as the table beside the chart shows it, one place ("4,5" for 100 / 22): the
    chart's tooltip reads the point's value, and the exact one would say 4.545."""
    return None if value is None else float(rounded(value, 1))


def buckets_chart(summary: ProgressSummary) -> dict:
    labels = [b.label for b in summary.buckets] + [_("No data")]
    data = [b.count for b in summary.buckets] + [summary.communes_without_data]
    # The second bar: the same communes by criteria met and basically met ("đạt và cơ bản đạt").
    with_basic = [b.count for b in summary.buckets_with_basically_met] + [summary.communes_without_data]
    return {
        "kind": "bar",
        "labels": labels,
        "series": [
            {"label": _("Communes by criteria met"), "data": data, "mutedLast": True},
            {"label": _("By criteria met and basically met"), "data": with_basic, "mutedLast": True},
        ],
        "axes": {"y": _("Communes"), "x": _("Criteria met")},
    }


def lagging_chart(lagging: list[LaggingCriterion]) -> dict:
    return {
        "kind": "hbar",
        "labels": [f"{c.number}. {c.name}" for c in lagging],
        "series": [
            {"label": _("Communes that have not met it"), "data": [c.not_met for c in lagging]},
            {"label": _("Of which basically met"), "data": [c.basically_met for c in lagging]},
        ],
        "axes": {"x": _("Communes")},
    }


def trend_chart(points: list[TrendPoint], tier: str) -> dict:
    series = [
        # The figure the table beside it names: communes holding the title at the year's end.
        {"label": _("Holding the title: %(tier)s") % {"tier": label}, "data": [p.recognised[value] for p in points]}
        for value, label in Tier.choices
    ]
    # One line per scale: an average out of 10 (the 2026 set) is not drawn on from one out of 19,
    # and a year mixing scales has no point (the table beside names its scales).
    scales = sorted({p.scale for p in points if p.scale is not None and p.average_criteria_met is not None})
    for scale in scales or [None]:
        label = _("Average criteria met (%(tier)s)") % {"tier": Tier(tier).label}
        if len(scales) > 1:
            label = _("Average criteria met (%(tier)s, out of %(scale)s)") % {"tier": Tier(tier).label, "scale": scale}
        series.append(
            {
                "label": label,
                "data": [_average(p.average_criteria_met) if p.scale == scale else None for p in points],
                "axis": "y1",
                "dashed": True,
            }
        )
    return {
        "kind": "line",
        "labels": [str(p.year) for p in points],
        "series": series,
        "axes": {"y": _("Communes holding the title"), "y1": _("Average criteria met")},
    }
