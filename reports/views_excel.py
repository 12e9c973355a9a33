"""Excel downloads: the monthly bulletin (download, issue, background), exports, job pages.

Every view is login-only and obtains its unit through ``communes.access.get_unit_for_user``;
the country is for superusers. Workbooks come from ``reports.bulletin`` and
``reports.exports``; these views stay a few lines each.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from communes.access import get_unit_for_user
from communes.models import AdministrativeUnit
from communes.permissions import can_issue_bulletin, get_unit_or_country
from ntm_portal.confirm import confirm_page, is_confirmed
from ntm_portal.ratelimit import refuse_if_too_often
from ocop.selectors import year_period
from reports import bulletin, exports, exports_ocop
from reports.forms import Filters, read_filters
from reports.models import ImportBatch, IssuedBulletin, JobKind, JobStatus, ReportJob
from reports.selectors import first_data_year, latest_year
from reports.tasks import start_job, waiting_for_a_worker
from reports.views import _breadcrumbs, _unit_name, map_reading
from reports.views_bulletin import bulletin_preview, refuse_outside_life

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONTHS_LISTED = 12  # at least; back to January of the first year with data when there is more


def xlsx_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _bulletin_unit(request: HttpRequest, code: str | None) -> AdministrativeUnit | None:
    """The unit of a bulletin (a province or district), or None for the country (superusers)."""
    unit = get_unit_or_country(request.user, code)
    if unit is not None and unit.level not in bulletin.BULLETIN_LEVELS:
        raise Http404(_("Bulletins are made for provinces and districts."))
    return unit


def _bulletin_url(name: str, unit: AdministrativeUnit | None, *args) -> str:
    if unit is None:
        return reverse(f"reports:national_{name}", args=args)
    return reverse(f"reports:{name}", args=[unit.code, *args])


@login_required
@require_GET
def bulletin_page(request: HttpRequest, code: str | None = None) -> HttpResponse:
    unit = _bulletin_unit(request, code)
    first, latest = _month_span(unit)
    month = min(bulletin.Month.parse(request.GET.get("month", "")) or latest, latest)
    return render_bulletin_page(request, unit, max(month, first) if first is not None else month)


def _month_span(unit: AdministrativeUnit | None) -> tuple[bulletin.Month | None, bulletin.Month]:
    """The first month the page offers (None: as far back as the data) and the latest: this
    month, or the unit's last month if it ended (a district that ended on 30/06/2025: 06/2025)."""
    current = bulletin.Month.of(timezone.now())
    first, last = bulletin.life_months(unit)
    return first, min(current, last) if last is not None else current


def _months(unit: AdministrativeUnit | None) -> list[bulletin.Month]:
    """Any month of the unit's life since its data begins (a province entering its past needs its
    old bulletins), from the latest back; never a month before the unit began or after it ended."""
    first, latest = _month_span(unit)
    first_year = first_data_year(unit=unit) or latest.year
    months = [latest]
    while (len(months) < MONTHS_LISTED or months[-1] > bulletin.Month(first_year, 1)) and (
        first is None or months[-1] > first
    ):
        months.append(months[-1].previous())
    return months


def _life_notes(unit: AdministrativeUnit | None) -> list[str]:
    """What the page says of a unit that began or ended (the months it offers stop there)."""
    first, last = bulletin.life_months(unit)
    notes = []
    if first is not None:
        notes.append(
            _("%(unit)s exists from %(date)s: its first bulletin is for %(month)s.")
            % {"unit": unit.name, "date": date_format(unit.valid_from, "SHORT_DATE_FORMAT"), "month": first.label}
        )
    if last is not None:
        notes.append(
            _("%(unit)s existed until %(date)s: its last bulletin is for %(month)s.")
            % {"unit": unit.name, "date": date_format(unit.valid_to, "SHORT_DATE_FORMAT"), "month": last.label}
        )
    return notes


def render_bulletin_page(
    request: HttpRequest, unit: AdministrativeUnit | None, month: bulletin.Month, text_form=None
) -> HttpResponse:
    """The bulletin page; ``text_form`` is a posted text form with its errors, shown in place."""
    year = month.year
    issued = list(bulletin.issued_for(unit, limit=None)) if unit is not None else []
    issued_now = next((b for b in issued if b.month == month.first_day), None)
    jobs = ReportJob.objects.filter(user=request.user, kind=JobKind.BULLETIN, unit=unit).order_by("-created_at")[:5]
    large = bulletin.is_large(unit, year)
    context = {
        "unit": unit,
        "unit_name": _unit_name(unit),
        "month": month,
        "months": _months(unit),
        "life_notes": _life_notes(unit),
        "year": year,
        "reading": _reading(request),
        "large": large,
        "can_issue": can_issue_bulletin(request.user, unit),
        "issued": issued,
        "issued_now": issued_now,
        "jobs": jobs,
        "xlsx_url": _bulletin_url("bulletin_xlsx", unit, month.slug),
        "generate_url": _bulletin_url("bulletin_generate", unit, month.slug),
        "issue_url": reverse("reports:bulletin_issue", args=[unit.code, month.slug]) if unit is not None else "",
        "breadcrumbs": _breadcrumbs(request, unit, Filters(year=year), _("Monthly bulletin")),
    }
    if unit is not None:
        context.update(bulletin_preview(request, unit, month, large=large, issued=issued_now, text_form=text_form))
    return render(request, "reports/bulletin.html", context, status=400 if text_form is not None else 200)


@login_required
@require_GET
def bulletin_xlsx(request: HttpRequest, month: bulletin.Month, code: str | None = None) -> HttpResponse:
    unit = _bulletin_unit(request, code)
    if bulletin.cutoff_for(month) is None:
        raise Http404(_("There is no bulletin for a month that has not begun."))
    refuse_outside_life(unit, month)
    reading = _reading(request)
    if unit is not None and reading == bulletin.Reading.VALID:
        # Issuing froze the valid-time reading; "as recorded" is another reading, built from the
        # append-only logs at the month's end (reports/README, "Two readings"), never the issued file.
        issued = IssuedBulletin.objects.filter(unit=unit, month=month.first_day).first()
        if issued is not None:
            return _serve_issued(issued)
    if bulletin.is_large(unit, month.year):
        messages.info(
            request, _("This bulletin is large: it is built in the background. Press “Build in the background”.")
        )
        return redirect(_bulletin_url("bulletin", unit) + f"?month={month.slug}")
    content, _cutoff = bulletin.bulletin_build(unit=unit, month=month, user=request.user, reading=reading)
    return xlsx_response(content, bulletin.file_name(unit, month))


def _reading(request: HttpRequest) -> bulletin.Reading:
    """Valid time unless the request asks for the figures as recorded at the cut-off."""
    asked = request.GET.get("reading") or request.POST.get("reading")
    return bulletin.Reading.RECORDED if asked == bulletin.Reading.RECORDED else bulletin.Reading.VALID


def _serve_issued(issued: IssuedBulletin) -> FileResponse:
    response = FileResponse(
        issued.file.open("rb"), as_attachment=True, filename=issued.download_name, content_type=XLSX
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def issued_bulletin(request: HttpRequest, pk: int) -> FileResponse:
    issued = get_object_or_404(IssuedBulletin.objects.select_related("unit"), pk=pk)
    get_unit_for_user(request.user, issued.unit.code)
    return _serve_issued(issued)


@login_required
@require_POST
def bulletin_issue(request: HttpRequest, code: str, month: bulletin.Month) -> HttpResponse:
    unit = _bulletin_unit(request, code)
    if not can_issue_bulletin(request.user, unit):
        raise PermissionDenied(bulletin.MSG_NOT_ISSUER)
    refuse_outside_life(unit, month)
    page = reverse("reports:bulletin", args=[unit.code]) + f"?month={month.slug}"
    issued = IssuedBulletin.objects.filter(unit=unit, month=month.first_day).exists()
    if not is_confirmed(request) and not issued and bulletin.cutoff_for(month) is not None:
        # Otherwise the service refuses at once, with its own message.
        names = {"month": month.label, "unit": _unit_name(unit)}
        return confirm_page(
            request,
            title=_("Issue the bulletin of %(unit)s for %(month)s?") % names,
            consequences=[
                _(
                    "The bulletin is built now, with the figures as of the end of %(month)s, and kept as the official bulletin."
                )
                % names,
                _(
                    "It cannot be issued again or changed: everyone who downloads the bulletin for %(month)s gets this file."
                )
                % names,
            ],
            action_url=request.path,
            fields={},
            button=_("Yes, issue the bulletin"),
            cancel_url=page,
        )
    try:
        bulletin.bulletin_issue(unit=unit, month=month, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        text = _("The bulletin for %(month)s was issued; it is kept and served unchanged from now on.")
        messages.success(request, text % {"month": month.label})
    return redirect(page)


@login_required
@require_POST
def bulletin_generate(request: HttpRequest, month: bulletin.Month, code: str | None = None) -> HttpResponse:
    unit = _bulletin_unit(request, code)
    if bulletin.cutoff_for(month) is None:
        raise Http404(_("There is no bulletin for a month that has not begun."))
    refuse_outside_life(unit, month)
    if refused := refuse_if_too_often(request, "job_start"):
        return refused
    job, started = start_job(
        kind=JobKind.BULLETIN,
        user=request.user,
        unit=unit,
        params={
            "month": month.slug,
            "reading": _reading(request),
            "language": translation.get_language(),
        },
    )
    if not started:
        messages.info(request, _("This bulletin is already being built in the background: this is its job."))
    return redirect("reports:job", job.pk)


# --- Background jobs ------------------------------------------------------------------------


def _job_for(request: HttpRequest, pk) -> ReportJob:
    """The user's own job; its unit is checked again (404 outside the user's area)."""
    job = get_object_or_404(ReportJob.objects.select_related("unit"), pk=pk, user=request.user)
    get_unit_or_country(request.user, job.unit.code if job.unit is not None else None)
    return job


def _job_context(job: ReportJob) -> dict:
    """The job, the page its import leads to and, once it is done, what it came to: an import
    confirmed in the background may have written nothing (the data changed since its preview)."""
    from reports.views_import import check_message, outcome_message  # it imports this module

    next_url, told = "", None
    batch_id = job.params.get("batch")
    if batch_id and job.unit is not None:
        next_url = reverse("reports:import_batch", args=[job.unit.code, batch_id])
        if job.status == JobStatus.DONE:
            batch = ImportBatch.objects.filter(pk=batch_id).defer("checked_values").first()
            if batch is not None and "outcome" in job.params:
                told = outcome_message(batch, job.params["outcome"])
            elif batch is not None and job.kind == JobKind.IMPORT_CHECK:
                told = check_message(batch)
    level = "warning" if told and told[0] >= messages.WARNING else "success"
    return {
        "job": job,
        "next_url": next_url,
        "told": told[1] if told else "",
        "told_level": level,
        "not_picked_up": waiting_for_a_worker(job),
        "wait_notice_minutes": settings.JOB_WAIT_NOTICE_MINUTES,
    }


@login_required
@require_GET
def job_page(request: HttpRequest, pk) -> HttpResponse:
    job = _job_for(request, pk)
    context = _job_context(job)
    context.update(
        unit=job.unit,
        unit_name=_unit_name(job.unit),
        breadcrumbs=_breadcrumbs(request, job.unit, Filters(year=timezone.localdate().year), job.get_kind_display()),
    )
    return render(request, "reports/job.html", context)


@login_required
@require_GET
def job_status(request: HttpRequest, pk) -> HttpResponse:
    """The status fragment the job page polls every 2 s (htmx) until the job has finished."""
    job = _job_for(request, pk)
    return render(request, "reports/partials/job_status.html", _job_context(job))


@login_required
@require_GET
def job_download(request: HttpRequest, pk) -> FileResponse:
    job = _job_for(request, pk)
    if not job.result:
        raise Http404(_("This job has no file."))
    response = FileResponse(job.result.open("rb"), as_attachment=True, filename=job.result_name, content_type=XLSX)
    response["Cache-Control"] = "private, no-store"
    return response


# --- Exports of the dashboard tables and lists -------------------------------------------------


@login_required
@require_GET
def export(request: HttpRequest, kind: str, code: str | None = None) -> HttpResponse:
    if kind not in exports.KINDS:
        raise Http404(_("No such export."))
    unit = get_unit_or_country(request.user, code)
    filters, year_given = read_filters(request.GET)
    if not year_given:
        year = latest_year(unit=unit) or timezone.localdate().year
        filters = Filters(year, filters.tier, filters.bucket, filters.q, filters.sort, 1, filters.held)
    if kind == "dashboard":
        _mapped, as_now = map_reading(request, unit)
        content = exports.dashboard_export(unit=unit, filters=filters, user=request.user, as_now=as_now)
    elif kind == "communes":
        content = exports.communes_export(unit=unit, filters=filters, user=request.user)
    else:
        level = request.GET.get("level") if request.GET.get("level") in ("commune", "village") else "commune"
        content = exports.assessments_export(unit=unit, filters=filters, level=level, user=request.user)
    return xlsx_response(content, exports.export_name(kind, unit, filters))


@login_required
@require_GET
def ocop_export(request: HttpRequest, code: str) -> HttpResponse:
    """The OCOP products of a unit (its communes), with the year's figures by stars."""
    unit = get_unit_for_user(request.user, code)
    today = timezone.localdate()
    filters, year_given = read_filters(request.GET)
    # The year of the dashboard it is linked from: that year's figures, as its panel shows them.
    day = year_period(filters.year, today)[1] if year_given and filters.year <= today.year else today
    content = exports_ocop.ocop_export(unit=unit, user=request.user, day=day)
    return xlsx_response(content, exports_ocop.ocop_export_name(unit, day))
