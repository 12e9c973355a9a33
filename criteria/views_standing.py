"""Pages: what offices report beside the values — "cơ bản đạt" on a criterion of the sheet."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from communes import access
from criteria.forms import BasicallyMetForm, SetInForceForm
from criteria.services import criterion_set_basically_met
from criteria.services.in_force import MSG_NOT_PROVINCE_OFFICE, set_in_force_choose
from criteria.services.summary import assessment_convert_summary
from criteria.views import _assessment_for, full_sheet_context


@login_required
@require_POST
def criterion_basically_met(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Mark criterion ``number`` basically met, or remove the mark; errors show at its form."""
    assessment = _assessment_for(request, pk, write=True)
    form = BasicallyMetForm(request.POST)
    anchor = f"{reverse('assessment', args=[assessment.pk])}#criterion-{number}"
    errors: dict[str, list[str]] = {}
    if form.is_valid():
        data = form.cleaned_data
        try:
            criterion_set_basically_met(
                assessment=assessment,
                number=number,
                basically_met=data["basically_met"],
                reason=data["reason"],
                expected_by=data["expected_by"],
                user=request.user,
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"criterion": exc.messages}
        else:
            done = (
                _("Criterion %(n)s: marked basically met.")
                if data["basically_met"]
                else _("Criterion %(n)s: no longer basically met.")
            )
            messages.success(request, done % {"n": number})
            return HttpResponseRedirect(anchor)
    else:
        errors = {field: list(messages_) for field, messages_ in form.errors.items()}
    context = full_sheet_context(request, assessment)
    context["basic_failed"] = _mark_refused(number, errors, request.POST)
    return render(request, "criteria/assessment.html", context, status=400)


# The form's fields, in the order the form shows them: the first one refused takes the focus.
_MARK_FIELDS = ("reason", "expected_by")


def _mark_refused(number: int, errors: dict[str, list[str]], typed) -> dict:
    """What the criterion's "basically met" form shows after a refusal: each field's messages at
    the field (marked invalid, the first of them focused as the page opens — without JavaScript
    too — so the officer lands at the criterion, not at the top of the sheet), the rest above
    the form, and what was typed."""
    at_field = {name: list(errors.get(name, ())) for name in _MARK_FIELDS}
    return {
        "number": number,
        **{f"{name}_errors": messages_ for name, messages_ in at_field.items()},
        "other_errors": [m for name, messages_ in errors.items() if name not in _MARK_FIELDS for m in messages_],
        "first_invalid": next((name for name in _MARK_FIELDS if at_field[name]), None),
        "reason": typed.get("reason", ""),
        "expected_by": typed.get("expected_by", ""),
    }


# --- The set in force (province page) -------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def set_in_force(request: HttpRequest, code: str) -> HttpResponse:
    """The province office puts a published set in force for a year; errors come back as messages.
    The address read (a link, a bookmark) shows the section of the province's page where it is done."""
    province = access.get_unit_for_user(request.user, code)
    if request.method == "GET":
        return HttpResponseRedirect(f"{reverse('unit', args=[province.code])}#sets-in-force")
    if not access.speaks_for_province(request.user, province):  # before the form: a reader gets 403
        raise PermissionDenied(MSG_NOT_PROVINCE_OFFICE)
    form = SetInForceForm(request.POST, province=province)
    back = f"{reverse('unit', args=[province.code])}?year={request.POST.get('year', '')}#sets-in-force"
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return HttpResponseRedirect(back)
    data = form.cleaned_data
    try:
        choice = set_in_force_choose(
            province=province,
            year=data["year"],
            criteria_set=data["criteria_set"],
            basis=data["basis"],
            user=request.user,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return HttpResponseRedirect(back)
    messages.success(
        request,
        _("%(set)s is in force for %(year)s.") % {"set": choice.criteria_set, "year": choice.year},
    )
    return HttpResponseRedirect(back)


# --- Summary records (the sheet) ------------------------------------------------------------


@login_required
@require_POST
def convert_summary(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_for(request, pk)
    try:
        assessment_convert_summary(assessment=assessment, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Converted into a full assessment: values can now be entered."))
    return HttpResponseRedirect(reverse("assessment", args=[assessment.pk]))
