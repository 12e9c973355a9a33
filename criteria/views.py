"""Pages for entering and checking assessments: workspaces, the assessment sheet, workflow.

Every object comes through ``communes.access``; every write through ``criteria.services``.
Pages work without JavaScript; with htmx, saving one indicator swaps only its row and the
summary.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from communes import access
from communes.models import AdministrativeUnit, Level, Role
from criteria import selectors
from criteria.confirmations import confirmation_for
from criteria.figures import recognised_during
from criteria.forms import (
    AssessmentFilterForm,
    EvidenceForm,
    SetInForceForm,
    StartAssessmentForm,
    TransitionForm,
    ValueForm,
    YearForm,
    current_year,
)
from criteria.inbox import inbox_for
from criteria.models import Assessment, AssessmentState, Evidence, Indicator, TargetBasis, Tier
from criteria.services import (
    ACTIONS,
    StaleWriteError,
    assessment_start,
    assessment_transition,
    available_actions,
    check_role,
    criteria_set_in_force,
    evidence_attach,
    indicator_value_record,
    missing_required,
)
from criteria.services.commune_groups import commune_group_of
from criteria.services.evidence import ALLOWED_TYPES, evidence_remove
from criteria.services.in_force import other_sets, sets_in_force_of
from criteria.years import default_year, existed_in, lifetime_notice
from ntm_portal.confirm import confirm_page, is_confirmed
from ntm_portal.ratelimit import refuse_if_too_often

PAGE_SIZE = 50


def _assessment_for(request: HttpRequest, pk: int) -> Assessment:
    """The assessment, merged duplicates included (read-only: they are no longer editable)."""
    return access.get_object_for_user(
        request.user, Assessment.everything.select_related("unit", "criteria_set", "merged_into"), pk=pk
    )


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _inbox_context(request: HttpRequest, unit: AdministrativeUnit | None = None) -> dict:
    """“Việc của tôi” for a user with a working role (at ``unit``, if given); nothing for viewers."""
    working = {
        m.unit_id
        for m in access.memberships_of(request.user)
        if m.role != Role.VIEWER and (unit is None or m.unit_id == unit.pk)
    }
    if not working:
        return {}
    return {"inbox": inbox_for(request.user, unit=unit), "show_inbox": True, "several_units": len(working) > 1}


def _breadcrumbs(unit: AdministrativeUnit, user) -> list[AdministrativeUnit]:
    """Ancestors the user may open, then the unit itself."""
    return [u for u in unit.ancestors() if access.can_read_unit(user, u)] + [unit]


# --- Landing -------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Send each user to their workspace; a user with several memberships chooses."""
    memberships = access.memberships_of(request.user)
    if len(memberships) == 1:
        return redirect("unit", code=memberships[0].unit.code)
    provinces = []
    if request.user.is_superuser:
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


def _year_choices(year: int) -> range:
    """The year picker: the programme's years up to next year, and the year shown."""
    last = max(year, current_year() + 1)
    return range(last, min(year, 2010) - 1, -1)


def _default_year(request: HttpRequest, unit: AdministrativeUnit) -> int:
    """The requested year, else the latest year with data while the unit existed."""
    form = YearForm(request.GET)
    if form.is_valid() and form.cleaned_data.get("year"):
        return form.cleaned_data["year"]
    return default_year(unit)


def _unit_rows(request: HttpRequest, units: list[AdministrativeUnit], year: int) -> list[dict]:
    """Each unit's assessments for the year and the assessments the user may start for it.

    The units share a province: the sets to start with depend only on the level and the tier,
    read once each, so a commune's page costs the same with 2 villages or 20.
    """
    assessments = list(selectors.assessments_of_units(units, year))
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
        if existed_in(u, year) and access.can_write_unit(request.user, u):
            tiers = [Tier.STANDARD] if u.level == Level.VILLAGE else list(Tier)
            taken = {a.criteria_set.tier for a in own}
            startable = [offer(u, tier) for tier in tiers if tier not in taken]
        rows.append({"unit": u, "assessments": own, "startable": startable})
    return rows


def _commune_workspace(request: HttpRequest, unit: AdministrativeUnit) -> HttpResponse:
    year = _default_year(request, unit)
    units = [unit]
    if unit.level == Level.COMMUNE:
        units += list(unit.children.filter(level=Level.VILLAGE).in_vietnamese_order())
    rows = _unit_rows(request, units, year)
    context = {
        "unit": unit,
        "year": year,
        "years": _year_choices(year),
        "commune": rows[0],
        "villages": rows[1:],
        **lifetime_notice(unit, year),
        "can_write": access.can_write_unit(request.user, unit),
        "breadcrumbs": _breadcrumbs(unit, request.user),
        **_inbox_context(request, unit),
    }
    return render(request, "criteria/commune_workspace.html", context)


def _queues(unit: AdministrativeUnit) -> list[tuple[str, list[str], tuple[str, ...]]]:
    """The queues a district or province page shows: title, states, levels of the units."""
    if unit.level == Level.DISTRICT:
        return [(_("Waiting for verification"), [AssessmentState.SUBMITTED], (Level.COMMUNE,))]
    both = (Level.COMMUNE, Level.DISTRICT)  # a district's own assessment goes to the province
    return [
        (_("Waiting for verification (districts, and communes without a district)"), [AssessmentState.SUBMITTED], both),
        (_("Waiting for appraisal"), [AssessmentState.VERIFIED], both),
        (_("Waiting for recognition"), [AssessmentState.APPRAISED], both),
    ]


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
    form = AssessmentFilterForm(request.GET)
    year = _default_year(request, unit)
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
    for title, states, levels in _queues(unit):
        qs = selectors.assessments_within(unit, year=year, states=states, levels=levels)
        if unit.level == Level.PROVINCE and states == [AssessmentState.SUBMITTED]:
            qs = qs.filter(unit__parent=unit)  # units hanging directly under the province
        queue_blocks.append({"title": title, "items": list(qs[:100]), "count": qs.count()})
    decisions = []
    if unit.level == Level.PROVINCE:
        decisions = list(
            recognised_during(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
            .within(unit)
            .select_related("unit", "criteria_set")
            .order_by("-decision_date", "unit__name_sort")
        )
    children = unit.children.exclude(level=Level.VILLAGE).in_vietnamese_order()
    in_force = {}
    if unit.level == Level.PROVINCE:
        in_force = {
            "sets_in_force": sets_in_force_of(unit),
            "set_in_force_form": (
                SetInForceForm(province=unit, initial={"year": year})
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
        "years": _year_choices(year),
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
    form = StartAssessmentForm(request.POST)
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


# --- The assessment sheet ------------------------------------------------------------------


def _sheet_context(request: HttpRequest, assessment: Assessment, *, partial: bool = False) -> dict:
    """``partial``: for the fragments swapped in after a save, which show neither
    breadcrumbs nor workflow buttons (a query and the role checks saved per save)."""
    can_edit = assessment.is_editable and access.can_write_unit(request.user, assessment.unit)
    context = {
        "assessment": assessment,
        "unit": assessment.unit,
        "can_edit": can_edit,
        "evidence_types": ", ".join(sorted(ext.lstrip(".") for ext in ALLOWED_TYPES)),
        "evidence_accept": ",".join(sorted(ALLOWED_TYPES)),
        "evidence_max_mb": settings.EVIDENCE_MAX_MB,
    }
    if not partial:
        context["actions"] = available_actions(request.user, assessment)
        context["breadcrumbs"] = _breadcrumbs(assessment.unit, request.user)
    return context


@login_required
@require_GET
def assessment_page(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_for(request, pk)
    return render(request, "criteria/assessment.html", full_sheet_context(request, assessment))


def full_sheet_context(request: HttpRequest, assessment: Assessment) -> dict:
    """The whole sheet: rows, workflow, the newest history and, at the top, the latest state
    change (a return and its reason) and the latest comment anyone left."""
    context = _sheet_context(request, assessment)
    history = selectors.sheet_history(assessment)
    if assessment.criteria_set.target_basis == TargetBasis.GROUP and assessment.unit.level == Level.COMMUNE:
        # Targets of this set depend on the commune group: the header says which, and why.
        context["commune_group"] = {"assignment": commune_group_of(assessment.unit)}
    context.update(
        groups=selectors.assessment_sheet(assessment),
        history=history.entries,
        history_more=history.more,
        last_state=history.last_state,
        last_comment=history.last_comment,
        transition_form=TransitionForm(initial={"version": assessment.version}),
    )
    return context


@login_required
@require_GET
def assessment_history_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole history of an assessment, newest first, by pages."""
    assessment = _assessment_for(request, pk)
    page = Paginator(selectors.assessment_history(assessment), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "assessment": assessment,
        "unit": assessment.unit,
        "history": page.object_list,
        "page": page,
        "breadcrumbs": _breadcrumbs(assessment.unit, request.user),
    }
    return render(request, "criteria/history.html", context)


def _require_indicator(assessment: Assessment, code: str) -> None:
    """A save or an upload for an indicator the assessment's set does not have is a 404."""
    if not Indicator.objects.filter(criteria_set_id=assessment.criteria_set_id, code=code).exists():
        raise Http404(_("This criteria set has no indicator %(code)s.") % {"code": code})


def _render_row(
    request,
    assessment,
    code,
    *,
    form_errors=None,
    evidence_errors=None,
    evidence_open=False,
    conflict=None,
    typed=None,
    status=200,
):
    # Only what a save changes: a full refresh also drops the cached unit and set (2 queries).
    assessment.refresh_from_db(fields=["state", "criteria_met", "criteria_total", "version", "updated_at"])
    block, row = selectors.indicator_row(assessment, code)
    context = _sheet_context(request, assessment, partial=True)
    context.update(
        {
            "block": block,
            "row": row,
            "errors": form_errors or [],
            "evidence_errors": evidence_errors or [],
            "evidence_open": evidence_open,
            "conflict": conflict,
            "typed": typed,
            "oob": True,
        }
    )
    return render(request, "criteria/partials/indicator_update.html", context, status=status)


@login_required
@require_POST
def record_value(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    assessment = _assessment_for(request, pk)
    _require_indicator(assessment, code)
    form = ValueForm(request.POST)
    anchor = f"{reverse('assessment', args=[assessment.pk])}#ind-{code}"
    if not form.is_valid():
        if set(form.errors) <= {"value", "note"}:
            # Typed by the user (a note longer than the limit): shown at the row, as a service error.
            errors = [message for field in ("value", "note") for message in form.errors.get(field, [])]
            typed = {name: request.POST.get(name, "") for name in ("value", "note")}
            if _is_htmx(request):
                return _render_row(request, assessment, code, form_errors=errors, typed=typed)
            return _full_page_with(request, assessment, code, errors=errors, typed=typed, status=400)
        messages.error(request, _("The form was incomplete; please reload the page."))
        return HttpResponseRedirect(anchor)
    typed = form.cleaned_data["value"]
    try:
        indicator_value_record(
            assessment=assessment,
            code=code,
            raw=typed,
            note=form.cleaned_data["note"],
            user=request.user,
            expected_version=form.cleaned_data["version"],
        )
    except StaleWriteError as exc:
        conflict = {"message": exc.messages[0], "current": exc.current}
        if _is_htmx(request):
            return _render_row(request, assessment, code, conflict=conflict, typed=form.cleaned_data)
        return _full_page_with(request, assessment, code, conflict=conflict, typed=form.cleaned_data, status=409)
    except ValidationError as exc:
        errors = exc.messages
        if _is_htmx(request):
            return _render_row(request, assessment, code, form_errors=errors, typed=form.cleaned_data)
        return _full_page_with(request, assessment, code, errors=errors, typed=form.cleaned_data, status=400)
    if _is_htmx(request):
        return _render_row(request, assessment, code)
    messages.success(request, _("Saved %(code)s.") % {"code": code})
    return HttpResponseRedirect(anchor)


def _full_page_with(request, assessment, code, *, errors=None, conflict=None, typed=None, status=400):
    """Without JavaScript: the whole sheet again, the failed row showing what was typed and why."""
    context = full_sheet_context(request, assessment)
    context["failed"] = {"code": code, "errors": errors or [], "conflict": conflict, "typed": typed}
    return render(request, "criteria/assessment.html", context, status=status)


@login_required
@require_POST
def upload_evidence(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    assessment = _assessment_for(request, pk)
    _require_indicator(assessment, code)
    if refused := refuse_if_too_often(request, "evidence_upload"):
        return refused
    form = EvidenceForm(request.POST, request.FILES)
    anchor = f"{reverse('assessment', args=[assessment.pk])}#ind-{code}"
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
        return HttpResponseRedirect(anchor)
    try:
        evidence = evidence_attach(
            assessment=assessment, code=code, upload=form.cleaned_data["file"], user=request.user
        )
    except ValidationError as exc:
        if _is_htmx(request):
            return _render_row(request, assessment, code, evidence_errors=exc.messages)
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(anchor)
    if _is_htmx(request):
        return _render_row(request, assessment, code, evidence_open=True)
    messages.success(request, _("Attached %(name)s.") % {"name": evidence.original_name})
    return HttpResponseRedirect(anchor)


@login_required
@require_POST
def remove_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = access.get_object_for_user(
        request.user,
        Evidence.objects.select_related("value__assessment", "value__indicator"),
        unit_field="value__assessment__unit",
        pk=pk,
    )
    assessment = _assessment_for(request, evidence.value.assessment_id)
    code = evidence.value.indicator.code
    try:
        evidence_remove(evidence=evidence, user=request.user)
    except ValidationError as exc:
        if _is_htmx(request):
            return _render_row(request, assessment, code, evidence_errors=exc.messages)
        messages.error(request, " ".join(exc.messages))
    else:
        if _is_htmx(request):
            return _render_row(request, assessment, code, evidence_open=True)
        messages.success(request, _("Removed %(name)s; the history keeps its name.") % {"name": evidence.original_name})
    return HttpResponseRedirect(f"{reverse('assessment', args=[assessment.pk])}#ind-{code}")


@login_required
@require_GET
def download_evidence(request: HttpRequest, pk: int) -> FileResponse:
    evidence = access.get_object_for_user(
        request.user, Evidence.objects.select_related("value__assessment"), unit_field="value__assessment__unit", pk=pk
    )
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )


@login_required
@require_POST
def transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    assessment = _assessment_for(request, pk)
    check_role(request.user, assessment, action)
    form = TransitionForm(request.POST)
    page = reverse("assessment", args=[assessment.pk])
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}: {error}" if field in form.fields else error)
        return HttpResponseRedirect(page + "#workflow")
    confirmation = _confirmation_needed(request, assessment, action, form.cleaned_data)
    if confirmation is not None:
        return confirm_page(
            request,
            title=confirmation.title,
            consequences=confirmation.consequences,
            action_url=request.path,
            fields={name: request.POST.get(name, "") for name in form.fields},
            button=confirmation.button,
            cancel_url=page + "#workflow",
            danger=confirmation.danger,
        )
    try:
        assessment_transition(
            assessment=assessment,
            action=action,
            user=request.user,
            comment=form.cleaned_data["comment"],
            decision_number=form.cleaned_data["decision_number"],
            decision_date=form.cleaned_data["decision_date"],
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return HttpResponseRedirect(page + "#workflow")
    assessment.refresh_from_db()
    messages.success(
        request,
        _("%(action)s: the assessment is now “%(state)s”.")
        % {"action": ACTIONS[action].label, "state": assessment.get_state_display()},
    )
    return HttpResponseRedirect(page)


def _confirmation_needed(request, assessment, action, data):
    """The confirmation to ask for first, if any. An action that the service will refuse
    anyway (wrong state, missing comment or decision) is refused at once instead."""
    if is_confirmed(request):
        return None
    if action not in {a.name for a in available_actions(request.user, assessment)}:
        return None
    spec = ACTIONS[action]
    if spec.needs_comment and not data.get("comment"):
        return None
    if spec.needs_decision and not (data.get("decision_number") and data.get("decision_date")):
        return None
    if action == "submit" and missing_required(assessment):
        return None
    return confirmation_for(action, assessment, data)
