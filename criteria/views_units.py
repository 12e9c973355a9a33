"""Workspaces: the landing page, a commune's (with its villages), a district's and a province's
page of assessments and queues, and starting an assessment.

Every object comes through ``communes.access``; every write through ``criteria.services``.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from communes import access
from communes.models import AdministrativeUnit, Level
from criteria import evaluation, selectors
from criteria.figures import recognised_during
from criteria.forms import (
    AssessmentFilterForm,
    SetInForceForm,
    StartAssessmentForm,
)
from criteria.inbox import queues_at
from criteria.models import Tier
from criteria.services import (
    assessment_start,
    criteria_set_in_force,
)
from criteria.services.assessments import assessed_territory
from criteria.services.commune_groups import in_group_period
from criteria.services.in_force import other_sets, sets_in_force_of
from criteria.views import PAGE_SIZE, _breadcrumbs, _inbox_context
from criteria.years import lifetime_notice, page_year_of, within_lifetime, year_begun

# --- Landing -------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Send each user to their workspace; a user with several memberships chooses."""
    memberships = access.memberships_of(request.user)
    if len(memberships) == 1:
        return redirect("unit", code=memberships[0].unit.code)
    provinces = []
    if access.is_administrator(request.user):
        provinces = AdministrativeUnit.objects.filter(level=Level.PROVINCE).in_vietnamese_order()
    context = {"memberships": memberships, "provinces": provinces, **_inbox_context(request)}
    return render(request, "criteria/home.html", context)


# --- Unit pages ----------------------------------------------------------------------------


@login_required
@require_GET
def unit_page(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, code)
    if unit.level in (Level.COMMUNE, Level.VILLAGE):
        return _commune_workspace(request, unit)
    return _overview_page(request, unit)


def _unit_rows(request: HttpRequest, units: list[AdministrativeUnit], year: int) -> list[dict]:
    """Each unit's assessments for the year and the assessments the user may start for it.

    The units share a province: the sets to start with depend only on the level and the tier,
    read once each, so a commune's page costs the same with 2 villages or 20.
    """
    assessments = list(selectors.assessments_of_units(units, year))
    # A tier whose place another unit holds this year (formed from it, or it became part of it).
    elsewhere = assessed_territory([u.pk for u in units], year=year, tiers=list(Tier))
    offers: dict[tuple[str, str], dict] = {}

    def offer(u: AdministrativeUnit, tier: str) -> dict:
        if (u.level, tier) not in offers:
            in_force = criteria_set_in_force(unit=u, year=year, tier=tier)
            offers[u.level, tier] = {"tier": tier, "set": in_force, "others": other_sets(u, year, tier, in_force)}
        return offers[u.level, tier]

    rows = []
    for u in units:
        own = [a for a in assessments if a.unit_id == u.pk]
        startable = []
        # Only a unit its level's sets can assess that year (a ward, township or special zone never).
        if year_begun(year) and u.assessable_refusal(u.level, year) is None and access.can_write_unit(request.user, u):
            ladder = [Tier(t) for t in evaluation.tier_ladder(u.level)]  # a village has no advanced tier
            taken = {a.criteria_set.tier for a in own}
            startable = [offer(u, tier) for tier in ladder if tier not in taken and (u.pk, tier) not in elsewhere]
            if u.level == Level.VILLAGE:  # a village's model tier only where its province issued a set
                startable = [s for s in startable if s["tier"] == ladder[0] or s["set"] or s["others"]]
        rows.append({"unit": u, "assessments": own, "startable": startable})
    return rows


def _commune_workspace(request: HttpRequest, unit: AdministrativeUnit) -> HttpResponse:
    chosen = page_year_of(request, unit)
    year = chosen.year
    units = [unit]
    if unit.level == Level.COMMUNE:
        units += list(unit.children.filter(level=Level.VILLAGE).in_vietnamese_order())
    rows = _unit_rows(request, units, year)
    context = {
        "unit": unit,
        "year": year,
        "years": chosen.options,
        "commune": rows[0],
        "shows_commune_group": in_group_period(unit),
        "villages": rows[1:],
        **lifetime_notice(unit, year),
        "can_write": access.can_write_unit(request.user, unit),
        "breadcrumbs": _breadcrumbs(unit, request.user),
        # A commune's progress dashboard, which whoever reads the commune may open (as the
        # district's and province's pages link theirs); a village's dashboard is this page.
        "dashboard_url": reverse("reports:dashboard", args=[unit.code]) if unit.level == Level.COMMUNE else "",
        **_inbox_context(request, unit),
    }
    return render(request, "criteria/commune_workspace.html", context)


def _queue_titles(unit: AdministrativeUnit) -> dict[str, str]:
    """The headings of the queues a district or province page shows (``inbox.queues_at``)."""
    if unit.level == Level.DISTRICT:
        return {"verify": _("Waiting for verification")}
    return {
        "verify": _("Waiting for verification (districts, and communes without a district)"),
        "appraise": _("Waiting for appraisal"),
        "recognise": _("Waiting for recognition"),
    }


def _district_context(request: HttpRequest, unit: AdministrativeUnit, year: int) -> dict:
    """A district's own assessments against the district sets (x/9), and what may be started;
    on a province's page, every district's. A district that ended on 1 July 2025 keeps its
    assessments readable; nothing new starts for a year after it ended."""
    if unit.level == Level.DISTRICT:
        return {"district_own": _unit_rows(request, [unit], year)[0]}
    if unit.level == Level.PROVINCE:
        return {"district_assessments": list(selectors.assessments_within(unit, year=year, levels=(Level.DISTRICT,)))}
    return {}


def _overview_page(request: HttpRequest, unit: AdministrativeUnit) -> HttpResponse:
    """District and province pages: every commune's assessment for a year, and the queues."""
    # Ids of their own: the set-in-force form on the same page has a year field too.
    form = AssessmentFilterForm(request.GET, auto_id="filter-%s")
    chosen = page_year_of(request, unit)
    year = chosen.year
    filters = form.cleaned_data if form.is_valid() else {}
    table = selectors.assessments_within(
        unit,
        year=year,
        tier=filters.get("tier") or None,
        states=[filters["state"]] if filters.get("state") else None,
        search=filters.get("q", ""),
    )
    page = Paginator(table, PAGE_SIZE).get_page(request.GET.get("page"))
    queue_blocks = []
    titles = _queue_titles(unit)
    for key, waiting in queues_at(unit):
        # The year's part of what "My work" counts for the unit's committee or office.
        qs = (
            waiting.filter(year=year)
            .select_related("unit__parent", "criteria_set")
            .order_by("unit__name_sort", "unit__code", "tier")
        )
        queue_blocks.append({"title": titles[key], "items": list(qs[:100]), "count": qs.count()})
    decisions = []
    if unit.level == Level.PROVINCE:
        decisions = list(
            recognised_during(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
            .within(unit)
            .select_related("unit__parent", "criteria_set")
            .order_by("-decision_date", "unit__name_sort")
        )
    children = list(unit.children.exclude(level=Level.VILLAGE).in_vietnamese_order())
    for child in children:
        # An abolished district opens on its last year, not on a year it did not exist in.
        child.link_year = within_lifetime(child, year)
    in_force = {}
    if unit.level == Level.PROVINCE:
        in_force = {
            "sets_in_force": sets_in_force_of(unit),
            "set_in_force_form": (
                SetInForceForm(province=unit, initial={"year": year}, auto_id="set-in-force-%s")
                if access.speaks_for_province(request.user, unit)
                else None
            ),
        }
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        **_district_context(request, unit, year),
        "unit": unit,
        "year": year,
        "form": form,
        "years": chosen.options,
        "page": page,
        "query": query.urlencode(),
        "queues": queue_blocks,
        "decisions": decisions,
        "children": children,
        "breadcrumbs": _breadcrumbs(unit, request.user),
        **lifetime_notice(unit, year),
        **_inbox_context(request, unit),
        **in_force,
    }
    return render(request, "criteria/overview.html", context)


@login_required
@require_POST
def start_assessment(request: HttpRequest) -> HttpResponse:
    access.check_writes_somewhere(request.user)
    form = StartAssessmentForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("The request was incomplete; please try again."))
        return redirect("home")
    unit = access.get_unit_for_user(request.user, form.cleaned_data["unit"], write=True)
    workspace = unit.parent if unit.level == Level.VILLAGE else unit
    back = f"{reverse('unit', args=[workspace.code])}?year={form.cleaned_data['year']}"
    try:
        started = assessment_start(
            unit=unit,
            year=form.cleaned_data["year"],
            tier=form.cleaned_data["tier"],
            user=request.user,
            prefill=form.cleaned_data["prefill"],
            criteria_set=form.cleaned_data["criteria_set"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return HttpResponseRedirect(back)
    assessment = started.assessment
    if started.created:
        messages.success(request, _("Assessment started against %(set)s.") % {"set": assessment.criteria_set})
        if started.prefill is not None:  # asked for: say what it did, also when it found nothing
            say = messages.info if started.prefill.copied else messages.warning
            say(request, started.prefill.message)
    else:
        messages.info(
            request,
            _("%(unit)s already has its %(tier)s assessment for %(year)s (against %(set)s): it is opened here.")
            % {
                "unit": unit.name,
                "tier": assessment.get_tier_display().lower(),
                "year": assessment.year,
                "set": assessment.criteria_set,
            },
        )
    return redirect("assessment", pk=assessment.pk)
