"""The Word bulletin and the office's text: download, save, preview, issued copies.

The bulletin page itself (``views_excel.bulletin_page``) shows the preview and the form;
these views save the text and serve the ``.docx`` (the issued one once issued).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from communes.access import get_unit_for_user
from communes.permissions import can_write_bulletin_text
from reports import bulletin
from reports.bulletin import writing
from reports.bulletin.form import BulletinTextForm
from reports.bulletin.layout import header_block
from reports.bulletin.text import bulletin_text_save
from reports.models import IssuedBulletin

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _unit(request: HttpRequest, code: str):
    unit = get_unit_for_user(request.user, code)
    if unit.level not in bulletin.BULLETIN_LEVELS:
        raise Http404(_("Bulletins are made for provinces and districts."))
    return unit


def refuse_outside_life(unit, month: bulletin.Month) -> None:
    """A bulletin URL naming a month the unit did not exist in (a district after 30/06/2025) is
    not found, as a month to come is: there is no such bulletin."""
    if (refusal := bulletin.outside_life(unit, month)) is not None:
        raise Http404(refusal.messages[0])


def page_url(unit, month: bulletin.Month) -> str:
    return reverse("reports:bulletin", args=[unit.code]) + f"?month={month.slug}"


def _serve_docx(issued: IssuedBulletin) -> FileResponse:
    response = FileResponse(
        issued.docx.open("rb"), as_attachment=True, filename=issued.docx_download_name, content_type=DOCX
    )
    response["Cache-Control"] = "private, no-store"
    return response


def bulletin_preview(request: HttpRequest, unit, month: bulletin.Month, *, large: bool, issued, text_form) -> dict:
    """The page's part of the Word bulletin: the office's text (form, history) and a preview of
    the document (header, the sentences of section 2) before it is issued."""
    state = bulletin.text.bulletin_text(unit=unit, month=month)
    can_write = can_write_bulletin_text(request.user, unit) and issued is None
    context = {
        "text": state,
        "draft": state.draft,
        "can_write_text": can_write,
        "text_form": text_form or (BulletinTextForm.of(state.draft) if can_write else None),
        "text_history": bulletin.text.text_history(unit=unit, month=month),
        "text_url": reverse("reports:bulletin_text", args=[unit.code, month.slug]),
        "docx_url": reverse("reports:bulletin_docx", args=[unit.code, month.slug]),
        "header_block": "",
        "results": [],
    }
    if not large and bulletin.cutoff_for(month) is not None:
        reading = bulletin.Reading.RECORDED if request.GET.get("reading") == "recorded" else bulletin.Reading.VALID
        data, _draft = bulletin.read_month(unit, month, reading)
        with translation.override("vi"):
            context["results"] = writing.results(data)
            context["targets"] = writing.targets_paragraphs(data)
        context["header_block"] = header_block(state.draft)[0]
    return context


@login_required
@require_GET
def bulletin_docx(request: HttpRequest, code: str, month: bulletin.Month) -> HttpResponse:
    """The Word bulletin of a unit and month: the issued file once issued, otherwise built now;
    ``?reading=recorded`` is always built now (issuing froze the valid-time reading only)."""
    unit = _unit(request, code)
    if bulletin.cutoff_for(month) is None:
        raise Http404(_("There is no bulletin for a month that has not begun."))
    refuse_outside_life(unit, month)
    reading = bulletin.Reading.RECORDED if request.GET.get("reading") == "recorded" else bulletin.Reading.VALID
    if reading == bulletin.Reading.VALID:  # issuing froze this reading; "as recorded" is built (as the workbook)
        issued = IssuedBulletin.objects.filter(unit=unit, month=month.first_day).first()
        if issued is not None and issued.docx:
            return _serve_docx(issued)
    if bulletin.is_large(unit, month.year):
        messages.info(request, _("This bulletin is large: download its workbook from the background job."))
        return redirect(page_url(unit, month))
    content, _data = bulletin.bulletin_docx(unit=unit, month=month, user=request.user, reading=reading)
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{bulletin.file_name(unit, month, "docx")}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def issued_docx(request: HttpRequest, pk: int) -> FileResponse:
    issued = get_object_or_404(IssuedBulletin.objects.select_related("unit"), pk=pk)
    get_unit_for_user(request.user, issued.unit.code)
    if not issued.docx:
        raise Http404(_("This bulletin was issued before Word bulletins existed."))
    return _serve_docx(issued)


@login_required
@require_POST
def bulletin_text(request: HttpRequest, code: str, month: bulletin.Month) -> HttpResponse:
    """Save a new version of the office's text; an invalid form goes back to the page with its errors."""
    unit = _unit(request, code)
    if not can_write_bulletin_text(request.user, unit):
        raise PermissionDenied(bulletin.text.MSG_NOT_WRITER)
    refuse_outside_life(unit, month)
    form = BulletinTextForm(request.POST)
    if not form.is_valid():
        from reports.views_excel import render_bulletin_page  # the page imports this module

        return render_bulletin_page(request, unit, month, text_form=form)
    try:
        bulletin_text_save(unit=unit, month=month, draft=form.draft(), user=request.user, can_write=True)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The bulletin's text for %(month)s was saved.") % {"month": month.label})
    return redirect(page_url(unit, month) + "#bulletin-text")
