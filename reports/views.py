"""Progress dashboards: a unit's (or the country's) figures, its communes, the matrix.

Each view fetches its unit through ``communes.access.get_unit_for_user`` (404 outside the
user's area) and every figure through ``reports.selectors``; the country is for superusers.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy

from communes.access import can_read_unit, is_administrator, readable_under
from communes.models import AdministrativeUnit, Level, UnitType
from communes.permissions import get_unit_or_country
from criteria.models import Tier
from criteria.selectors import assessments_within
from criteria.years import FIRST_YEAR, latest_year_begun, lifetime_notice, warn_year_not_shown
from ocop.selectors import ocop_counts, year_period
from plans.selectors import due_listing
from reports import charts
from reports.forms import Filters, bucket_label, bucket_param, read_filters
from reports.selectors import (
    LAGGING_SHARE_HEADING,
    NO_DATA_BUCKET,
    BucketFilter,
    Headline,
    commune_overview,
    communes_page,
    formed_from,
    latest_year,
    progress_overview,
    progress_trend,
    units_heading,
    window_of,
)
from reports.selectors import map_reading as read_map
from reports.selectors.map import commune_map
from reports.selectors.sections import dashboard_plans


def _unit_or_country(request: HttpRequest, code: str | None) -> AdministrativeUnit | None:
    return get_unit_or_country(request.user, code)


def _url(name: str, unit: AdministrativeUnit | None) -> str:
    """``reports:<name>`` for a unit, or its national twin for the country."""
    if unit is None:
        return reverse("reports:national" if name == "dashboard" else f"reports:national_{name}")
    return reverse(f"reports:{name}", args=[unit.code])


def _unit_name(unit: AdministrativeUnit | None) -> str:
    return unit.name if unit is not None else _("Whole country")


def _breadcrumbs(request: HttpRequest, unit: AdministrativeUnit | None, filters: Filters, page: str = "") -> list:
    """(label, url) from the country (for superusers) down to the page; the last has url "" (the
    current page). An ancestor whose dashboard the user may not open (a district above a
    commune officer) has url None: named, as plain text, never a link to a 404."""
    query = "?" + filters.query()
    crumbs = []
    if is_administrator(request.user):
        crumbs.append((_("Whole country"), _url("dashboard", None) + query))
    if unit is not None:
        crumbs += [
            (u.name, _url("dashboard", u) + query if can_read_unit(request.user, u) else None) for u in unit.ancestors()
        ]
        crumbs.append((unit.name, _url("dashboard", unit) + query))
    if page:
        crumbs.append((page, ""))
    elif crumbs:
        crumbs[-1] = (crumbs[-1][0], "")
    return crumbs


def _year_input() -> dict:
    """The bounds of the filters' year input: the years a page shows (``criteria.years``), no
    year that has not begun."""
    return {"first": FIRST_YEAR, "last": latest_year_begun()}


def _figure(
    label: str, value, before, *, share=None, of=None, decimals: int = 0, note: str = "", unchanged: str = ""
) -> dict:
    """A headline card; without a change, ``unchanged`` says why (default: no year before, or
    no figure this year)."""
    change = None if value is None or before is None else value - before
    if change is None and not unchanged:
        unchanged = _("no data this year") if value is None else _("no comparison with the year before")
    return {
        "label": label,
        "value": value,
        "share": share,
        "of": of,
        "decimals": decimals,
        "change": change,
        "unchanged": unchanged,
        "note": note,
    }


# The note on a card of title holders: how many were newly recognised in the year, each
# level in its own words (the communes' say "xã" in Vietnamese, the districts' "huyện").
_NEWLY_RECOGNISED = {
    Level.COMMUNE: ngettext_lazy(
        "%(count)d newly recognised this year", "%(count)d newly recognised this year", "count"
    ),
    Level.DISTRICT: ngettext_lazy(
        "%(count)d district newly recognised this year", "%(count)d districts newly recognised this year", "count"
    ),
    Level.VILLAGE: ngettext_lazy(
        "%(count)d village newly recognised this year", "%(count)d villages newly recognised this year", "count"
    ),
}


def _newly_recognised(level: str, count: int | None) -> str:
    """A card's note on the units of ``level`` newly recognised in the year ("" for none, and
    where the summary has no figure)."""
    if not count:
        return ""
    return _NEWLY_RECOGNISED[level] % {"count": count}


def _headline_figures(summary: Headline, previous: Headline | None, holders=lambda tier: "") -> list[dict]:
    """The headline cards: value, share where it has one, change against a year earlier; a
    tier's title holders link to them, commune by commune (``holders(tier)``: the communes list
    filtered on the title, the same rule counting them)."""

    def before(attribute: str, tier: str | None = None):
        if previous is None:
            return None
        value = getattr(previous, attribute)
        return value[tier] if tier else value

    figures = [
        _figure(
            _("Communes holding the title: %(tier)s") % {"tier": label},
            summary.recognised[tier],
            before("recognised", tier),
            share=summary.recognised_share[tier],
            of=summary.communes_total,
            note=_newly_recognised(Level.COMMUNE, summary.new[tier]),
        )
        | {"link": holders(tier)}
        for tier, label in Tier.choices
    ]
    met_before, met_or_basic_before = summary.averages_before(previous)
    other_scale = ""
    if met_before is None and previous is not None and previous.scales and summary.scales:
        # Another scale, or a year mixing scales on either side: no change is shown, say why.
        if previous.scale:
            other_scale = _("not comparable: %(total)d criteria in %(year)d") % {
                "total": previous.scale,
                "year": previous.year,
            }
        else:
            other_scale = _("not comparable: %(scales)s in %(year)d") % {
                "scales": previous.scales_label,
                "year": previous.year,
            }
    scale = summary.scale
    figures += [
        _figure(
            _("Average criteria met per commune"),
            summary.average_criteria_met,
            met_before,
            decimals=1,
            # a year mixing scales claims none of them: it names them
            note=_("of %(total)d criteria") % {"total": scale} if scale else summary.scales_label,
            unchanged=other_scale,
        ),
        _figure(
            _("Average criteria met and basically met"),
            summary.average_met_or_basically_met,
            met_or_basic_before,
            decimals=1,
            unchanged=other_scale,
            note=(
                ngettext(
                    "%(count)d commune reports criteria basically met; never counted as met",
                    "%(count)d communes report criteria basically met; never counted as met",
                    summary.communes_basically_met,
                )
                % {"count": summary.communes_basically_met}
                if summary.communes_basically_met
                else _("No commune reports criteria basically met")  # never "0 communes"
            ),
        ),
        _figure(
            _("Communes with data"),
            summary.communes_with_data,
            before("communes_with_data"),
            of=summary.communes_total,
        ),
        _figure(
            _("Villages holding the title"),
            summary.villages_recognised,
            before("villages_recognised"),
            note=_newly_recognised(Level.VILLAGE, summary.villages_new),
        ),
    ]
    if summary.districts_recognised is not None:
        figures.append(
            _figure(
                _("Districts holding the title"),
                summary.districts_recognised,
                before("districts_recognised"),
                of=summary.districts_total,
                note=_newly_recognised(Level.DISTRICT, summary.districts_new),
            )
        )
    return figures


def map_reading(request: HttpRequest, unit: AdministrativeUnit | None) -> tuple[list[datetime.date], bool]:
    """``selectors.map_reading`` of the page's ``?map=``: the dashboard and its export read it the
    same way; the page says the merger's own dates."""
    return read_map(unit=unit, choice=request.GET.get("map"))


@login_required
def dashboard(request: HttpRequest, code: str | None = None) -> HttpResponse:
    unit = _unit_or_country(request, code)
    if unit is not None and unit.level == Level.VILLAGE:
        return redirect("unit", unit.code)
    filters, year_given = read_filters(request.GET)
    merged_on, as_now = map_reading(request, unit)
    mapped = bool(merged_on)
    if unit is not None and unit.level == Level.COMMUNE:
        trend = progress_trend(unit=unit, tier=filters.tier, as_now=as_now)
        year = filters.year if year_given else trend[-1].year if trend else timezone.localdate().year
    else:
        # The headline and the trend in one figures statement (the dashboard's costliest part).
        summary, trend, breakdown = progress_overview(
            unit=unit, year=filters.year if year_given else None, tier=filters.tier, as_now=as_now
        )
        year = summary.year
    if not year_given:
        filters = Filters(year=year, tier=filters.tier)
        warn_year_not_shown(request, year)
    plans = dashboard_plans(unit=unit, year=filters.year)
    context = {
        "mapped": mapped,
        "as_now": as_now,
        # "01/10/2024" (several: "01/10/2024, 01/07/2025"): the mergers' own dates.
        "merged_on": ", ".join(date_format(day, "SHORT_DATE_FORMAT") for day in merged_on),
        "unit": unit,
        "unit_name": _unit_name(unit),
        "filters": filters,
        "year_input": _year_input(),
        "tiers": Tier.choices,
        "tier_label": Tier(filters.tier).label,
        "trend": trend,
        "trend_chart": charts.trend_chart(trend, filters.tier),
        "breadcrumbs": _breadcrumbs(request, unit, filters),
        "urls": {name: _url(name, unit) for name in ("dashboard", "communes", "matrix")},
        # Plan against result and funds by source (plans app), on every dashboard.
        "plans": plans,
        "due": due_listing(plans, request.GET),
        **(lifetime_notice(unit, filters.year) if unit is not None else {}),
    }
    if unit is not None and unit.level == Level.COMMUNE:
        overview = commune_overview(commune=unit, year=filters.year, tier=filters.tier, as_now=as_now)
        area = unit.parent  # the commune among the communes of its district (or province)
        predecessors = formed_from(unit, filters.year, filters.tier) if as_now else []
        ringed = frozenset(u.code for u, _a in predecessors) or frozenset([unit.code])
        context.update(
            formed_from=predecessors,
            # their villages, under each, shown as the communes' own figures are (as now)
            communes_unread={u.name for u, _a in predecessors if not can_read_unit(request.user, u)},
            overview=overview,
            main_assessment=overview.at_tier(filters.tier),
            map_area=area,
            # The communes around it are named at their places, but only those the user may read
            # show figures (a commune's officer reads their own commune, not its neighbours').
            commune_map=commune_map(
                unit=area,
                year=filters.year,
                tier=filters.tier,
                current=ringed,
                readable=readable_under(request.user, area, level=Level.COMMUNE),
            ),
        )
        return render(request, "reports/commune.html", context)

    mixed = len({b.total for b in summary.buckets}) > 1
    context.update(
        summary=summary,
        figures=_headline_figures(
            summary,
            summary.previous_year,
            holders=lambda tier: (
                f"{context['urls']['communes']}?{Filters(year=filters.year, tier=tier).query(held=True)}"
            ),
        ),
        bucket_rows=[
            (b, filters.query(bucket=BucketFilter(b.low, b.high, b.total if mixed else None)), with_basic.count)
            for b, with_basic in zip(summary.buckets, summary.buckets_with_basically_met, strict=True)
        ],
        no_data_query=filters.query(bucket=NO_DATA_BUCKET),
        buckets_chart=charts.buckets_chart(summary),
        lagging_chart=charts.lagging_chart(summary.lagging),
        lagging_share_heading=LAGGING_SHARE_HEADING,  # one heading: page, export, bulletin
        breakdown=breakdown,
        breakdown_heading=units_heading(row.level for row in breakdown),
        # Rows that are communes each count one: no column of communes beside their names.
        breakdown_counts=any(row.level != Level.COMMUNE for row in breakdown),
        apart=", ".join(f"{n} × {UnitType(kind).label}" for kind, n in sorted(summary.apart.items())),
        commune_map=commune_map(
            unit=unit,
            year=filters.year,
            tier=filters.tier,
            buckets=summary.buckets,
            readable=readable_under(request.user, unit, level=Level.COMMUNE),  # all (no query): the user reads unit
        ),
        # A district's own standing (x/9), the same rows as on the unit's workspace page.
        district_assessments=(
            list(assessments_within(unit, year=filters.year, levels=(Level.DISTRICT,), tier=filters.tier))
            if unit is not None
            else []
        ),
        # OCOP products by stars, certified and new in the year (to today in the current year).
        ocop=ocop_counts(unit, year_period(filters.year, timezone.localdate())),
        ocop_export_url=(
            f"{reverse('reports:ocop_export', args=[unit.code])}?year={filters.year}" if unit is not None else None
        ),
    )
    return render(request, "reports/dashboard.html", context)


def _list_context(request: HttpRequest, code: str | None, *, with_matrix: bool) -> dict:
    unit = _unit_or_country(request, code)
    filters, year_given = read_filters(request.GET)
    if not year_given:
        year = latest_year(unit=unit) or timezone.localdate().year
        filters = Filters(year, filters.tier, filters.bucket, filters.q, filters.sort, filters.page, filters.held)
        warn_year_not_shown(request, year)
    page = communes_page(unit=unit, **filters.list_arguments(), page=filters.page, with_matrix=with_matrix)
    rows = []
    for row in page.rows:
        url = reverse("assessment", args=[row.assessment_id]) if row.has_data else ""
        rows.append((row, url, list(zip(page.columns, row.cells, strict=True)) if with_matrix else []))
    keep = {"bucket": filters.bucket, "q": filters.q, "held": filters.held}
    return {
        "unit": unit,
        "unit_name": _unit_name(unit),
        "filters": filters,
        "year_input": _year_input(),
        "tiers": Tier.choices,
        "tier_label": Tier(filters.tier).label,
        "page": page,
        "rows": rows,
        "urls": {name: _url(name, unit) for name in ("dashboard", "communes", "matrix")},
        "sort_queries": {s: filters.query(sort=s, **keep) for s in ("name", "met", "-met")},
        # Criteria met toggles: most first, then least first.
        "met_sort_query": filters.query(sort="met" if filters.sort == "-met" else "-met", **keep),
        "previous_query": filters.query(sort=filters.sort, page=page.number - 1, **keep),
        "next_query": filters.query(sort=filters.sort, page=page.number + 1, **keep),
        # The day the titles are read on: the headline's (``window_of``).
        "cutoff": window_of(filters.year, unit=unit).cut,
        "bucket_label": bucket_label(filters.bucket),
        "bucket_param": bucket_param(filters.bucket) if filters.bucket else "",
        "switch_query": filters.query(sort=filters.sort, **keep),
        **(lifetime_notice(unit, filters.year) if unit is not None else {}),
    }


@login_required
def communes(request: HttpRequest, code: str | None = None) -> HttpResponse:
    context = _list_context(request, code, with_matrix=False)
    context["breadcrumbs"] = _breadcrumbs(request, context["unit"], context["filters"], _("Communes"))
    return render(request, "reports/communes.html", context)


@login_required
def matrix(request: HttpRequest, code: str | None = None) -> HttpResponse:
    context = _list_context(request, code, with_matrix=True)
    context["breadcrumbs"] = _breadcrumbs(request, context["unit"], context["filters"], _("Commune × criterion matrix"))
    return render(request, "reports/matrix.html", context)
