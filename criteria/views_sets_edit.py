"""Pages: editing a draft criteria set (header and decision PDF, groups, criteria, indicators,
targets) and the decision's download. Sets come through ``criteria/access_sets.py``, writes
go through ``criteria/services/set_editing.py``; a refusal is a message at the field."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from communes import access
from criteria import access_sets
from criteria.forms_sets import ROW_FORMS, NewSetForm, SetHeaderForm
from criteria.models import CriteriaSet, Criterion, CriterionGroup, Indicator, SetStatus, Target
from criteria.services.set_editing import (
    HEADER_FIELDS,
    criteria_set_create,
    criteria_set_update_header,
    row_anchor,
    row_gone_error,
    row_label,
    row_ref,
    row_state,
    set_row_delete,
    set_row_save,
    was_in_set,
)
from criteria.views_sets import row_message, set_row_url
from ntm_portal.errors import StaleWriteError, stale_among


def _editable_set(request: HttpRequest, pk: int) -> CriteriaSet | HttpResponse:
    """The set if the user may change it; a published set sends them back with the reason."""
    criteria_set = access_sets.get_set_for_user(request.user, pk, write=True)
    if criteria_set.status != SetStatus.DRAFT:
        messages.error(request, _("This criteria set is published and cannot be changed; clone it as a new version."))
        return HttpResponseRedirect(reverse("criteria_set", args=[criteria_set.pk]))
    return criteria_set


def _errors_to_form(form: BaseForm, exc: ValidationError) -> None:
    if isinstance(exc, StaleWriteError):
        # Nothing was saved: the message names who changed the row and its values now; the form
        # keeps what the user typed and is now based on the row as stored, so saving again keeps it.
        form.add_error(None, exc)
        form.data["row_state"] = row_state(exc.current) if exc.current is not None else ""
        return
    if hasattr(exc, "error_dict"):
        aliases = getattr(form, "error_fields", {})
        for field, errors in exc.error_dict.items():
            field = aliases.get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
@require_http_methods(["GET", "POST"])
def set_header_edit(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = _editable_set(request, pk)
    if isinstance(criteria_set, HttpResponse):
        return criteria_set
    stored = CriteriaSet.objects.get(pk=pk)
    data = request.POST.copy() if request.method == "POST" else None
    form = SetHeaderForm(data, request.FILES or None, instance=stored, initial={"row_state": row_state(stored)})
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in HEADER_FIELDS if f in form.cleaned_data}
        try:
            criteria_set_update_header(
                criteria_set=criteria_set,
                user=request.user,
                data=data,
                decision_pdf=form.cleaned_data.get("decision_pdf"),
                expected_state=form.cleaned_data.get("row_state") or None,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("The set's header is saved."))
            return HttpResponseRedirect(reverse("criteria_set", args=[criteria_set.pk]))
    status = _status(request, form)
    context = {"set": criteria_set, "form": form, "title": _("The set's header and decision")}
    return render(request, "criteria/sets/edit_form.html", context, status=status)


def _status(request: HttpRequest, form: BaseForm) -> int:
    """200 for the page, 409 for a write refused as stale, 400 for other refusals."""
    if request.method != "POST":
        return 200
    return 409 if stale_among(form.non_field_errors().as_data()) else 400


def _row_of(request: HttpRequest, criteria_set: CriteriaSet, kind: str, row_pk: int | None):
    """The set's row (a new one when ``row_pk`` is None); None when it no longer exists (removed
    since the page was shown, as the set's history says); 404 for another set's row, or an id the
    set never held."""
    model, _form = ROW_FORMS[kind]
    if row_pk is None:
        return model()
    queryset = model.objects.filter(pk=row_pk)
    queryset = (
        queryset.filter(indicator__criteria_set=criteria_set)
        if model is Target
        else queryset.filter(criteria_set=criteria_set)
    )
    row = queryset.first()
    if row is None and (
        model.objects.filter(pk=row_pk).exists()
        or not was_in_set(
            criteria_set, model, row_pk, label=_posted_label(request), ref=request.POST.get("row_ref", "")
        )
    ):
        raise Http404(access_sets.MSG_SET_NOT_FOUND)
    return row


def _posted_label(request: HttpRequest) -> str:
    return request.POST.get("row_label", "").strip()[:200]  # the row as the page named it


# The row each kind sits under on the set's page: the form's field naming it, and its model.
PARENTS = {
    "criteria": ("group", CriterionGroup),
    "indicators": ("criterion", Criterion),
    "targets": ("indicator", Indicator),
}


def _row_gone(request: HttpRequest, criteria_set: CriteriaSet, kind: str, row_pk: int) -> HttpResponse:
    """A row removed since its form was shown (by another editor, in another tab, or outside the
    editor): the editor is told so, with who removed it as the set's history says. Saving it
    shows the form again as a new row holding what was typed (``_readd_page``); removing it, or
    a link to it, brings the editor back to the set's page where the row sat (the group,
    criterion or indicator the form named, if still there)."""
    saving = request.method == "POST" and "delete" not in request.POST  # else removing, or a link to it
    error = row_gone_error(
        criteria_set, ROW_FORMS[kind][0], row_pk, _posted_label(request), user=request.user, removing=not saving
    )
    if saving:
        return _readd_page(request, criteria_set, kind, error)
    message = error.messages[0]
    field, model = PARENTS.get(kind, ("", None))
    posted = request.POST.get(field, "")
    parent = model.objects.filter(pk=posted, criteria_set=criteria_set).first() if posted.isdigit() else None
    anchor = row_anchor(parent) if parent is not None else None
    row_message(request, messages.WARNING, message, anchor)
    return HttpResponseRedirect(set_row_url(criteria_set, anchor))


def _readd_page(request: HttpRequest, criteria_set: CriteriaSet, kind: str, error: StaleWriteError) -> HttpResponse:
    """The answer to saving a row that no longer exists (409): nothing was saved, the message says
    so (and who removed it, if the set's history knows), and the form is a new row's holding what
    the user typed, so that saving it adds the row again (a parent removed too, or a code taken
    since, is said at its field)."""
    model, form_class = ROW_FORMS[kind]
    extra = {} if kind == "groups" else {"criteria_set": criteria_set}
    data = request.POST.copy()
    for name in ("row_state", "row_label", "row_ref"):  # they named the removed row
        data.pop(name, None)
    form = form_class(data, instance=model(), **extra)
    form.is_valid()
    form.add_error(None, error)
    context = {
        "set": criteria_set,
        "form": form,
        "row": form.instance,
        "row_label": "",
        "kind": kind,
        "title": _row_title(kind, form.instance),
        "form_action": reverse("criteria_set_row_new", args=[criteria_set.pk, kind]),
        "readding": True,
    }
    return render(request, "criteria/sets/edit_form.html", context, status=409)


@login_required
@require_http_methods(["GET", "POST"])
def set_row_edit(request: HttpRequest, pk: int, kind: str, row_pk: int | None = None) -> HttpResponse:
    """Add (``row_pk`` None) or change a group, criterion, indicator or target; ``delete`` removes it."""
    if kind not in ROW_FORMS:
        raise Http404(access_sets.MSG_SET_NOT_FOUND)
    criteria_set = _editable_set(request, pk)
    if isinstance(criteria_set, HttpResponse):
        return criteria_set
    row = _row_of(request, criteria_set, kind, row_pk)
    if row is None:
        return _row_gone(request, criteria_set, kind, row_pk)
    label = row_label(row) if row.pk else ""  # as stored now, before the form takes the input
    form_class = ROW_FORMS[kind][1]
    extra = {} if kind == "groups" else {"criteria_set": criteria_set}
    initial = {"row_state": row_state(row)} if row.pk else {}
    if kind == "targets" and not row.pk:
        initial["indicator"] = request.GET.get("indicator")
    data = request.POST.copy() if request.method == "POST" else None
    form = form_class(data, instance=row, initial=initial, **extra)
    expected = (request.POST.get("row_state") or None) if row.pk else None
    context = {"set": criteria_set, "form": form, "row": row, "row_label": label, "kind": kind}
    context["row_ref"] = row_ref(criteria_set, type(row), row.pk) if row.pk else ""
    context["title"] = _row_title(kind, row)
    if request.method == "POST" and "delete" in request.POST and row.pk:
        anchor, parent = row_anchor(row), _parent_anchor(row)
        try:
            set_row_delete(criteria_set=criteria_set, user=request.user, row=row, expected_state=expected)
        except StaleWriteError as exc:
            if exc.current is None:  # removed by someone else a moment ago
                row_message(request, messages.WARNING, exc.messages[0], parent)
                return HttpResponseRedirect(set_row_url(criteria_set, parent))
            # Nothing was typed to be kept: the form shows the row as stored now, so that saving
            # or removing from it starts from there (not from the values the page had shown).
            current = exc.current
            form = form_class(instance=current, initial={"row_state": row_state(current)}, **extra)
            form.cleaned_data = {}  # unbound, yet the refusal is said over the form (add_error needs it)
            form.add_error(None, exc)
            context.update(form=form, row=current, row_label=row_label(current))
            return render(request, "criteria/sets/edit_form.html", context, status=409)
        except ValidationError as exc:  # still in use: the row stays, and the editor at it
            for message in exc.messages:
                row_message(request, messages.ERROR, message, anchor)
            return HttpResponseRedirect(set_row_url(criteria_set, anchor))
        row_message(request, messages.SUCCESS, _("Removed: %(row)s.") % {"row": label}, parent)
        return HttpResponseRedirect(set_row_url(criteria_set, parent))
    if request.method == "POST" and form.is_valid():
        try:
            saved = set_row_save(
                criteria_set=criteria_set, user=request.user, row=form.instance, expected_state=expected
            )
        except StaleWriteError as exc:
            if exc.current is None:  # removed by someone else a moment ago
                return _readd_page(request, criteria_set, kind, exc)
            _errors_to_form(form, exc)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            # Back to the row just saved, where the editor was (not the top of the set's rows).
            anchor = row_anchor(saved)
            row_message(request, messages.SUCCESS, _("Saved: %(row)s.") % {"row": row_label(saved)}, anchor)
            restoration = getattr(saved, "restoration", None)  # an indicator added back: its targets
            for well, text in restoration.messages() if restoration is not None else ():
                row_message(request, messages.SUCCESS if well else messages.WARNING, text, anchor)
            return HttpResponseRedirect(set_row_url(criteria_set, anchor))
    return render(request, "criteria/sets/edit_form.html", context, status=_status(request, form))


def _parent_anchor(row) -> str | None:
    """Where a row sits on the set's page, for the editor once it is removed: its group, criterion
    or indicator (None for a group: the top of the set's rows)."""
    parent = {Criterion: "group", Indicator: "criterion", Target: "indicator"}.get(type(row))
    return row_anchor(getattr(row, parent)) if parent and getattr(row, f"{parent}_id") else None


def _row_title(kind: str, row) -> str:
    titles = {
        "groups": (_("New group"), _("Group")),
        "criteria": (_("New criterion"), _("Criterion")),
        "indicators": (_("New indicator"), _("Indicator")),
        "targets": (_("New target"), _("Target")),
    }
    new, existing = titles[kind]
    return existing if row.pk else new


@login_required
@require_GET
def decision_download(request: HttpRequest, pk: int) -> FileResponse:
    criteria_set = access_sets.get_set_for_user(request.user, pk)
    if not criteria_set.decision_file:
        raise Http404(access_sets.MSG_SET_NOT_FOUND)
    filename = f"{criteria_set.code}-v{criteria_set.version}.pdf"
    return FileResponse(
        criteria_set.decision_file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )


@login_required
@require_http_methods(["GET", "POST"])
def set_new(request: HttpRequest) -> HttpResponse:
    """Start a blank draft for the province (``?province=``) the user speaks for."""
    province = access_sets.get_province_for_user(request.user, request.GET.get("province"))
    if not (access.speaks_for_province(request.user, province) if province else access.is_administrator(request.user)):
        raise PermissionDenied(access_sets.MSG_NOT_PROVINCE_OFFICE)
    form = NewSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.fields}
        try:
            created = criteria_set_create(province=province, user=request.user, data=data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Draft %(set)s created: edit it, then publish it.") % {"set": created})
            return HttpResponseRedirect(reverse("criteria_set", args=[created.pk]))
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "province": province, "title": _("New criteria set")}
    return render(request, "criteria/sets/new.html", context, status=status)
