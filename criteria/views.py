"""Pages for entering and checking assessments: workspaces, the assessment sheet, workflow.

Every object comes through ``communes.access``; every write through ``criteria.services``.
Pages work without JavaScript; with htmx, saving one indicator swaps only its row and the
summary.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communes import access
from communes.models import AdministrativeUnit, Level, Role
from criteria import display, selectors
from criteria.confirmations import confirmation_for, shown_again
from criteria.figures import title_revocation
from criteria.forms import (
    MSG_CHOOSE_FILE,
    EvidenceForm,
    TransitionForm,
    ValueForm,
)
from criteria.inbox import inbox_for
from criteria.models import Assessment, Evidence, TargetBasis
from criteria.services import (
    ACTIONS,
    StaleWriteError,
    assessment_transition,
    available_actions,
    check_role,
    evidence_attach,
    indicator_value_record,
    missing_required,
)
from criteria.services.commune_groups import commune_group_of
from criteria.services.evidence import ALLOWED_TYPES, evidence_remove
from criteria.services.summary_correction import CORRECT_LABEL
from criteria.services.workflow import MSG_SUMMARY_CONVERT_FIRST, decision_refusal, recognition_problems
from criteria.structure import set_structure
from ntm_portal.confirm import confirm_page, is_confirmed
from ntm_portal.ratelimit import refuse_if_too_often

PAGE_SIZE = 50


def _assessment_for(request: HttpRequest, pk: int, *, write: bool = False) -> Assessment:
    """The assessment, merged duplicates included (read-only: they are no longer editable);
    with ``write``, a user who may only read its unit is refused (403) before any input is read."""
    return access.get_object_for_user(
        request.user, Assessment.everything.select_related("unit", "criteria_set", "merged_into"), pk=pk, write=write
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


# --- The assessment sheet ------------------------------------------------------------------


def _sheet_context(request: HttpRequest, assessment: Assessment, *, partial: bool = False) -> dict:
    """``partial``: for the fragments swapped in after a save, which show neither
    breadcrumbs nor workflow buttons (a query and the role checks saved per save)."""
    can_edit = assessment.is_editable and access.can_write_unit(request.user, assessment.unit)
    context = {
        "assessment": assessment,
        "unit": assessment.unit,
        "can_edit": can_edit,
        # A summary record takes no values until it is converted: no inputs on its rows (the
        # note and the convert button are said once, at the top).
        "can_enter_values": can_edit and not assessment.summary,
        "summary_note": MSG_SUMMARY_CONVERT_FIRST if can_edit and assessment.summary else "",
        "summary_correct_label": CORRECT_LABEL,
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


def full_sheet_context(
    request: HttpRequest, assessment: Assessment, *, refused_action: tuple[str, TransitionForm] | None = None
) -> dict:
    """The whole sheet: rows, workflow, the newest history and, at the top, the latest state
    change (a return and its reason) and the latest comment anyone left. ``refused_action``:
    the action whose form was refused, and that bound form, shown in its place."""
    context = _sheet_context(request, assessment)
    blank = TransitionForm(initial={"version": assessment.version})
    context["action_forms"] = [
        (spec, refused_action[1] if refused_action and refused_action[0] == spec.name else blank)
        for spec in context["actions"]
    ]
    # A recognised dossier whose title a revocation took away since — recorded on it or on
    # another year's assessment carrying the same title — does not show the title as standing.
    revocation = title_revocation(assessment)
    assessment.title_revoked_on = revocation.revocation_date if revocation else None
    assessment.title_revoked_by = revocation.revocation_number if revocation else None
    context["title_revocation"] = revocation
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
        unsaved_warning=display.unsaved_warning(),
        save_failures=display.save_failures(),
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
    # The set's structure is kept per process once published: no query for the common case.
    if not any(indicator.code == code for indicator in set_structure(assessment.criteria_set).indicators):
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
            "rows": [row],
            "row_state": {
                "code": code,
                "errors": form_errors or [],
                "evidence_errors": evidence_errors or [],
                "evidence_open": evidence_open,
                "conflict": conflict,
                "typed": typed,
            },
            "oob": True,
        }
    )
    return render(request, "criteria/partials/indicator_update.html", context, status=status)


@login_required
@require_POST
def record_value(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    assessment = _assessment_for(request, pk, write=True)
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
    """Without JavaScript: the whole sheet again, the failed row showing what was typed and why,
    its value field focused as the page opens (autofocus), so the browser scrolls to it. Never
    in the htmx answer (``_render_row``): that row is swapped where the user already is."""
    context = full_sheet_context(request, assessment)
    context["row_state"] = {"code": code, "errors": errors or [], "conflict": conflict, "typed": typed, "focus": True}
    return render(request, "criteria/assessment.html", context, status=status)


@login_required
@require_POST
def upload_evidence(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    assessment = _assessment_for(request, pk, write=True)
    _require_indicator(assessment, code)
    if refused := refuse_if_too_often(request, "evidence_upload"):
        return refused
    form = EvidenceForm(request.POST, request.FILES)
    anchor = f"{reverse('assessment', args=[assessment.pk])}#ind-{code}"
    if not form.is_valid():
        errors = form.errors.get("file") or [MSG_CHOOSE_FILE]
        if _is_htmx(request):
            return _render_row(request, assessment, code, evidence_errors=list(errors))
        messages.error(request, " ".join(errors))
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
@require_http_methods(["GET", "POST"])
def transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    assessment = _assessment_for(request, pk)
    if request.method == "GET":
        # A refused action's sheet and a confirmation are shown at this address: reloading it,
        # or switching the language there, leads back to the sheet.
        return HttpResponseRedirect(reverse("assessment", args=[assessment.pk]) + "#workflow")
    check_role(request.user, assessment, action)
    form = TransitionForm(request.POST)
    page = reverse("assessment", args=[assessment.pk])
    if not form.is_valid():
        return _sheet_with_refused_action(request, assessment, action, form)
    confirmation = _confirmation_needed(request, assessment, action, form.cleaned_data)
    if confirmation is not None:
        return confirm_page(
            request,
            title=confirmation.title,
            consequences=confirmation.consequences,
            action_url=request.path,
            fields={**{name: request.POST.get(name, "") for name in form.fields}, "stamp": confirmation.stamp},
            button=confirmation.button,
            cancel_url=page + "#workflow",
            danger=confirmation.danger,
            changed=confirmation.changed,
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
        # A decision's date or number refused shows at its field; the rest above the button.
        form.add_error(None, exc)
        # Overtaken by someone's action meanwhile: 409, as the API answers.
        status = 409 if isinstance(exc, StaleWriteError) else 400
        return _sheet_with_refused_action(request, assessment, action, form, status=status)
    assessment.refresh_from_db()
    messages.success(
        request,
        _("%(action)s: the assessment is now “%(state)s”.")
        % {"action": ACTIONS[action].label, "state": assessment.get_state_display()},
    )
    return HttpResponseRedirect(page)


def _sheet_with_refused_action(request, assessment, action: str, form: TransitionForm, status=400) -> HttpResponse:
    """The sheet again, the refused action's form keeping what was typed (a reason, a
    decision's number and date) with each error at its field, as a refused value row does."""
    assessment.refresh_from_db()
    context = full_sheet_context(request, assessment, refused_action=(action, form))
    if all(spec.name != action for spec in context["actions"]):
        # No longer open to the user (someone acted meanwhile, or never was): no form to show it at.
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}: {error}" if field in form.fields else error)
    return render(request, "criteria/assessment.html", context, status=status)


def _confirmation_needed(request, assessment, action, data):
    """The confirmation to ask for first, if any: again, saying so, when the values its figures
    came from changed since it was shown. An action that the service will refuse anyway (wrong
    state, missing comment or decision) is refused at once instead."""
    if is_confirmed(request) and not data.get("stamp"):
        return None
    if action not in {a.name for a in available_actions(request.user, assessment)}:
        return None
    spec = ACTIONS[action]
    if spec.needs_comment and not data.get("comment"):
        return None
    if spec.needs_decision and not (data.get("decision_number") and data.get("decision_date")):
        return None
    if decision_refusal(assessment, action, data.get("decision_number"), data.get("decision_date")) is not None:
        return None  # refused at its field at once, not confirmed first
    if spec.recognises and recognition_problems(assessment):
        return None  # criteria not met: refused at once, naming them
    if action == "submit" and missing_required(assessment):
        return None
    confirmation = confirmation_for(action, assessment, data)
    if not is_confirmed(request) or confirmation is None:
        return confirmation
    return None if confirmation.stamp == data["stamp"] else shown_again(confirmation, assessment)
