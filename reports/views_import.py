"""Excel import pages: template, upload, errors or preview, confirmation.

Reading the page and downloading a template need read access to the unit; uploading and
confirming need write access (``get_unit_for_user(..., write=True)``); every row's unit is
checked again, cell by cell, when the file is checked. A batch belongs to its uploader.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communes.access import can_write_unit, get_unit_for_user
from communes.models import Level
from criteria.models import Tier
from criteria.services.in_force import criteria_set_in_force
from criteria.years import latest_year_of
from ntm_portal.ratelimit import refuse_if_too_often
from reports.forms import Filters
from reports.importing import layout
from reports.importing.forms import SummaryTemplateForm, SummaryUploadForm, TemplateForm, UploadForm
from reports.importing.services import (
    ALREADY,
    APPLIED,
    CHANGED,
    INVALID,
    NOT_READY,
    REFUSED,
    import_batch_apply,
    import_batch_check,
    import_batch_create,
)
from reports.importing.summary_template import import_summary_template, summary_template_name
from reports.importing.template import import_template, template_name
from reports.models import ImportBatch, ImportKind, ImportStatus, JobKind
from reports.tasks import start_job
from reports.views import _breadcrumbs
from reports.views_excel import xlsx_response

# Above this many rows, checking and applying run in the background.
INLINE_MAX_ROWS = 300
SHOWN = 1000
# The page holds both forms: distinct ids keep each label on its own field.
TEMPLATE_IDS, UPLOAD_IDS = "template-%s", "upload-%s"
SUMMARY_IDS, SUMMARY_UPLOAD_IDS = "summary-template-%s", "summary-upload-%s"


def _context(request: HttpRequest, unit, page: str, **extra) -> dict:
    year = extra.get("year") or latest_year_of(unit)
    return {
        "unit": unit,
        "unit_name": unit.name,
        "limit_mb": layout.MAX_UPLOAD_MB,
        "inline_max_rows": INLINE_MAX_ROWS,
        "breadcrumbs": _breadcrumbs(request, unit, Filters(year=year), page),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_unit_for_user(request.user, code, write=request.method == "POST")
    year = latest_year_of(unit)  # a district that ended in 2025 has no template for 2026
    # The communes' standard set in force this year comes first (a commune's own page: its own).
    level = unit.level if unit.level in (Level.COMMUNE, Level.VILLAGE) else Level.COMMUNE
    in_force = criteria_set_in_force(unit=unit, year=year, tier=Tier.STANDARD, level=level)
    initial = {"year": year, "criteria_set": in_force}
    template_form = TemplateForm(initial=initial, unit=unit, auto_id=TEMPLATE_IDS)
    upload_form = UploadForm(initial=initial, unit=unit, user=request.user, auto_id=UPLOAD_IDS)
    if request.method == "POST":
        if refused := refuse_if_too_often(request, "import_upload"):
            return refused
        upload_form = UploadForm(request.POST, request.FILES, unit=unit, user=request.user, auto_id=UPLOAD_IDS)
        if upload_form.is_valid():
            data = upload_form.cleaned_data
            batch = import_batch_create(
                user=request.user,
                unit=unit,
                criteria_set=data["criteria_set"],
                year=data["year"],
                name=data["file"].name,
                data=upload_form.content,
                language=translation.get_language() or "vi",
            )
            return _check_or_queue(request, unit, batch, upload_form.template)
        template_form = TemplateForm(
            initial={"criteria_set": request.POST.get("criteria_set"), "year": request.POST.get("year")},
            unit=unit,
            auto_id=TEMPLATE_IDS,
        )
    return _import_page(request, unit, template_form=template_form, upload_form=upload_form)


def _import_page(request: HttpRequest, unit, **forms) -> HttpResponse:
    """The import page with both kinds of template (values, criteria level) and the user's
    recent imports of either kind; 400 when a form it shows was refused."""
    initial = {"year": latest_year_of(unit)}
    forms.setdefault("template_form", TemplateForm(initial=initial, unit=unit, auto_id=TEMPLATE_IDS))
    forms.setdefault("upload_form", UploadForm(initial=initial, unit=unit, user=request.user, auto_id=UPLOAD_IDS))
    forms.setdefault("summary_template_form", SummaryTemplateForm(initial=initial, unit=unit, auto_id=SUMMARY_IDS))
    forms.setdefault(
        "summary_upload_form",
        SummaryUploadForm(initial=initial, unit=unit, user=request.user, auto_id=SUMMARY_UPLOAD_IDS),
    )
    batches = (
        ImportBatch.objects.filter(unit=unit, user=request.user).select_related("criteria_set").defer("checked_values")
    )[:10]
    context = _context(
        request,
        unit,
        _("Import from Excel"),
        can_write=can_write_unit(request.user, unit),
        batches=batches,
        **forms,
    )
    refused = any(form.is_bound and form.errors for form in forms.values())
    return render(request, "reports/import.html", context, status=400 if refused else 200)


def _in_background(request: HttpRequest, unit, batch: ImportBatch, kind: str) -> HttpResponse:
    """Start the batch's check or apply as a job, tie it to the batch and show its progress."""
    job, _started = start_job(
        kind=kind, user=request.user, unit=unit, params={"batch": batch.pk, "language": batch.language}
    )
    ImportBatch.objects.filter(pk=batch.pk).update(job=job)
    return redirect("reports:job", job.pk)


def _check_or_queue(request: HttpRequest, unit, batch: ImportBatch, template) -> HttpResponse:
    """Check a kept upload now, or in the background above ``INLINE_MAX_ROWS`` rows."""
    if len(template.rows) > INLINE_MAX_ROWS:
        return _in_background(request, unit, batch, JobKind.IMPORT_CHECK)
    import_batch_check(batch=batch, template=template)
    return redirect("reports:import_batch", unit.code, batch.pk)


@login_required
@require_POST
def import_summary_upload(request: HttpRequest, code: str) -> HttpResponse:
    """Upload a filled-in criteria-level template: summary records of past years."""
    unit = get_unit_for_user(request.user, code, write=True)
    if refused := refuse_if_too_often(request, "import_upload"):
        return refused
    form = SummaryUploadForm(request.POST, request.FILES, unit=unit, user=request.user, auto_id=SUMMARY_UPLOAD_IDS)
    if not form.is_valid():
        return _import_page(request, unit, summary_upload_form=form)
    batch = import_batch_create(
        user=request.user,
        unit=unit,
        criteria_set=None,
        year=form.cleaned_data["year"],
        name=form.cleaned_data["file"].name,
        data=form.content,
        language=translation.get_language() or "vi",
        kind=ImportKind.SUMMARY,
    )
    return _check_or_queue(request, unit, batch, form.template)


def _template_download(request: HttpRequest, code: str, form_class, auto_id: str, form_name: str, build):
    """A template asked for by a form on the import page: the workbook ``build(unit, cleaned_data)``
    gives as (content, file name), or the page again with the form's errors."""
    unit = get_unit_for_user(request.user, code)
    form = form_class(request.GET, unit=unit, auto_id=auto_id)
    if not form.is_valid():
        return _import_page(request, unit, **{form_name: form})
    content, name = build(unit, form.cleaned_data)
    return xlsx_response(content, name)


@login_required
@require_GET
def import_summary_template_view(request: HttpRequest, code: str) -> HttpResponse:
    def build(unit, data):
        year, tier = data["year"], data["tier"]
        content = import_summary_template(unit=unit, year=year, tier=tier, user=request.user)
        return content, summary_template_name(unit, year, tier)

    return _template_download(request, code, SummaryTemplateForm, SUMMARY_IDS, "summary_template_form", build)


@login_required
def import_template_view(request: HttpRequest, code: str) -> HttpResponse:
    def build(unit, data):
        criteria_set, year = data["criteria_set"], data["year"]
        content = import_template(unit=unit, criteria_set=criteria_set, year=year, user=request.user)
        return content, template_name(unit, criteria_set, year)

    return _template_download(request, code, TemplateForm, TEMPLATE_IDS, "template_form", build)


def _batch(request: HttpRequest, code: str, pk: int):
    unit = get_unit_for_user(request.user, code, write=True)
    batch = get_object_or_404(
        ImportBatch.objects.select_related("criteria_set", "job").defer("checked_values"),
        pk=pk,
        unit=unit,
        user=request.user,
    )
    return unit, batch


@login_required
def batch_page(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    unit, batch = _batch(request, code, pk)
    context = _context(
        request,
        unit,
        _("Import no. %(id)s") % {"id": batch.pk},
        year=batch.year,
        batch=batch,
        errors=batch.errors_listed(SHOWN),
        changes=batch.changes_listed(SHOWN),
        shown=SHOWN,
        job=batch.job if batch.job_id and not batch.job.finished else None,
        can_apply=batch.status == ImportStatus.READY and bool(batch.change_count),
    )
    return render(request, "reports/import_batch.html", context)


MSG_APPLIED = ngettext_lazy(
    "The import was applied: %(count)s value recorded.", "The import was applied: %(count)s values recorded.", "count"
)
MSG_APPLIED_SUMMARY = ngettext_lazy(
    "The import was applied: %(count)s summary record recorded.",
    "The import was applied: %(count)s summary records recorded.",
    "count",
)
MSG_ALREADY = gettext_lazy("This import was already applied; nothing was changed.")
MSG_CHANGED = gettext_lazy(
    "The data changed since the preview. Nothing was written: review the new preview and confirm again."
)
MSG_INVALID = gettext_lazy(
    "The data changed since the preview and the file no longer passes the checks. Nothing was written."
)
MSG_BEING_APPLIED = gettext_lazy("This import is being applied in the background: this is its job.")
MSG_NOT_READY = gettext_lazy("This import cannot be applied in its current state.")
MSG_CHECK_ERRORS = ngettext_lazy(
    "The check found %(count)s error: nothing will be written until the file is corrected and uploaded again.",
    "The check found %(count)s errors: nothing will be written until the file is corrected and uploaded again.",
    "count",
)
MSG_CHECK_READY = ngettext_lazy(
    "The file passed the checks: %(count)s change to review and confirm.",
    "The file passed the checks: %(count)s changes to review and confirm.",
    "count",
)
OUTCOME_MESSAGES = {
    APPLIED: (messages.SUCCESS, MSG_APPLIED),
    ALREADY: (messages.INFO, MSG_ALREADY),
    CHANGED: (messages.WARNING, MSG_CHANGED),
    INVALID: (messages.ERROR, MSG_INVALID),
    NOT_READY: (messages.ERROR, MSG_NOT_READY),
}


@login_required
@require_POST
def batch_apply(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    unit, batch = _batch(request, code, pk)
    if batch.rows > INLINE_MAX_ROWS:
        # A large import is applied by a job only, whatever is pressed meanwhile.
        if ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.READY).update(status=ImportStatus.APPLYING):
            return _in_background(request, unit, batch, JobKind.IMPORT_APPLY)
        batch.refresh_from_db(fields=["status", "job"])
        if batch.status == ImportStatus.APPLYING:
            return _being_applied(request, unit, batch)
        if batch.status == ImportStatus.READY:  # its job was refused just now: the batch's page says why
            return redirect(reverse("reports:import_batch", args=[unit.code, batch.pk]))
        # Applied already, or not in a state to apply: the service says so and writes nothing.
    batch, outcome = import_batch_apply(batch=batch, user=request.user)
    messages.add_message(request, *outcome_message(batch, outcome))
    return redirect(reverse("reports:import_batch", args=[unit.code, batch.pk]))


def _being_applied(request: HttpRequest, unit, batch: ImportBatch) -> HttpResponse:
    """A confirmation of a batch whose job is applying it (pressed twice, or in two tabs): the
    job's page, or the batch's until the job is tied to it."""
    messages.info(request, MSG_BEING_APPLIED)
    job = batch.job
    if job is not None and job.kind == JobKind.IMPORT_APPLY and not job.finished:
        return redirect("reports:job", job.pk)
    return redirect(reverse("reports:import_batch", args=[unit.code, batch.pk]))


def outcome_message(batch: ImportBatch, outcome: str) -> tuple[int, str]:
    """What applying ``batch`` came to, told to its user (level, text): on the batch's page after
    a confirmation, and on the background job's page, which otherwise says only "Done"."""
    if outcome == REFUSED:
        return messages.ERROR, batch.message_shown
    level, text = OUTCOME_MESSAGES[outcome]
    if outcome == APPLIED and batch.kind == ImportKind.SUMMARY:
        text = MSG_APPLIED_SUMMARY
    return level, str(text % {"count": batch.change_count})


def check_message(batch: ImportBatch) -> tuple[int, str] | None:
    """What checking ``batch`` in the background came to, for the job's page."""
    if batch.status == ImportStatus.INVALID:
        return messages.ERROR, str(MSG_CHECK_ERRORS % {"count": len(batch.errors)})
    if batch.status == ImportStatus.READY:
        return messages.SUCCESS, str(MSG_CHECK_READY % {"count": batch.change_count})
    return None
