"""Writes of the import: keep an upload, check it, apply it all or nothing.

Checking keeps the values read from the file with the batch (``checked_values``). Applying
compares those same values with the database as it is at that moment, without reading the
file again: if the data changed since the preview, the new preview is stored and nothing is
written until the user confirms again. The values are then recorded through
``criteria.services.assessments_record_values`` as one batch (one statement per table for
the whole file), inside one transaction, with the history written as the uploading user. A batch applied once is never
applied again; a file that matches the data changes nothing.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit
from criteria.models import CriteriaSet, Indicator
from criteria.services import assessment_create, assessments_record_values
from criteria.services.summary import assessment_record_summary
from ntm_portal.language import worded
from reports.importing.checks import Plan, ReadValues, check_values, read_values, set_indicators_by_code
from reports.importing.layout import SUMMARY_FORMAT
from reports.importing.reader import UploadedTemplate, read_template
from reports.importing.summary_checks import SummaryPlan, check_summary
from reports.importing.summary_read import SummaryRead, read_summary
from reports.importing.summary_template import summary_template_bounds
from reports.importing.template import template_bounds
from reports.importing.values_read import refusal, shown
from reports.models import ImportBatch, ImportKind, ImportStatus

MSG_COMMENT = _("Imported from the workbook %(name)s (import no. %(id)s)")
MSG_NOTHING_WRITTEN = _("Nothing was written: %(reason)s")

# The steps of applying, for a caller that shows progress (the background job).
STEP_CHECKING, STEP_STARTING = "checking", "starting"

APPLIED, ALREADY, CHANGED, INVALID, REFUSED, NOT_READY = (
    "applied",
    "already",
    "changed",
    "invalid",
    "refused",
    "not_ready",
)


def import_batch_create(
    *,
    user,
    unit: AdministrativeUnit,
    criteria_set: CriteriaSet | None,
    year: int,
    name: str,
    data: bytes,
    language: str,
    kind: str = ImportKind.VALUES,
) -> ImportBatch:
    """Keep an upload that passed the file checks, waiting to be checked cell by cell.
    ``kind``: indicator values against ``criteria_set``, or summary records (no set: each row
    names its own)."""
    batch = ImportBatch(
        user=user,
        unit=unit,
        kind=kind,
        criteria_set=criteria_set,
        year=year,
        original_name=name[:255],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        language=language,
        status=ImportStatus.CHECKING,
    )
    batch.file.save("upload.xlsx", ContentFile(data), save=False)
    batch.save()
    return batch


def _read_file(batch: ImportBatch, template: UploadedTemplate | None, indicators: dict[str, Indicator]) -> ReadValues:
    if template is None:
        with batch.file.open("rb") as stored:
            template = read_template(stored.read(), bounds=template_bounds(batch.unit, batch.criteria_set, batch.year))
    return read_values(template, criteria_set=batch.criteria_set, indicators=indicators)


def _plan(batch: ImportBatch, read: ReadValues, indicators: dict[str, Indicator]) -> Plan:
    return check_values(
        read, unit=batch.unit, criteria_set=batch.criteria_set, year=batch.year, user=batch.user, indicators=indicators
    )


def import_batch_check(*, batch: ImportBatch, template: UploadedTemplate | None = None) -> ImportBatch:
    """Check every cell and store the errors, or the preview of what applying would change
    together with the values it was made from."""
    if batch.kind == ImportKind.SUMMARY:
        return _check_summary_batch(batch, template)
    with translation.override(batch.language):
        indicators = set_indicators_by_code(batch.criteria_set)
        read = _read_file(batch, template, indicators)
        plan = _plan(batch, read, indicators)
    return _store_check(batch, read, plan)


def import_batch_apply(*, batch: ImportBatch, user, progress=None) -> tuple[ImportBatch, str]:
    """Apply a checked batch, all or nothing. Returns the batch and what happened:

    ``applied``; ``already`` (applied before: nothing done); ``changed`` (the data changed
    since the preview: new preview stored); ``invalid`` (the file no longer passes the
    checks); ``refused`` (a write was refused, e.g. a value changed meanwhile: rolled back,
    reason in ``batch.message``); ``not_ready``. ``progress`` hears each step as it starts:
    ``checking``, ``starting`` (assessments to start), then the recording's steps.
    """
    with translation.override(batch.language):
        try:
            with transaction.atomic():
                return _apply(batch.pk, user, progress or (lambda step: None))
        except (ValidationError, PermissionDenied) as exc:
            text = _nothing_written(exc)
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=ImportStatus.READY, message=str(text), message_worded=worded(text)
            )
            batch.refresh_from_db()
            return batch, REFUSED


def _nothing_written(exc: ValidationError | PermissionDenied):
    """ "Nothing was written" with the refusal's reasons, worded when shown."""
    reasons = refusal(exc)
    return shown(lambda: str(MSG_NOTHING_WRITTEN % {"reason": reasons}))


def _apply(batch_id: int, user, progress) -> tuple[ImportBatch, str]:
    # Only the batch row is locked: its set is a nullable join (a summary batch has none).
    batch = (
        ImportBatch.objects.select_for_update(of=("self",))
        .select_related("unit", "criteria_set", "user")
        .get(pk=batch_id)
    )
    if batch.status == ImportStatus.APPLIED:
        return batch, ALREADY
    if batch.status not in (ImportStatus.READY, ImportStatus.APPLYING):
        return batch, NOT_READY
    if batch.kind == ImportKind.SUMMARY:
        return _apply_summary(batch, user)
    # The values the preview was made from; a batch checked before they were kept (or before they
    # were kept with the moment the file's template was made) reads its file.
    progress(STEP_CHECKING)
    indicators = set_indicators_by_code(batch.criteria_set)
    stored = batch.checked_values
    kept = stored and "generated_at" in stored
    read = ReadValues.from_json(stored) if kept else _read_file(batch, None, indicators)
    plan = _plan(batch, read, indicators)
    if refused := _refused_at_apply(batch, plan):
        return batch, refused

    comment = str(MSG_COMMENT) % {"name": batch.original_name, "id": batch.pk}
    moment = timezone.now()
    progress(STEP_STARTING)
    batches = []
    for unit_id, (assessment, entries) in plan.groups.items():
        if assessment is None:
            assessment = assessment_create(
                unit=plan.units[unit_id], criteria_set=batch.criteria_set, year=batch.year, user=user, at=moment
            )
        batches.append((assessment, entries))
    assessments_record_values(
        batches=batches, user=user, comment=comment, at=moment, progress=progress, returning=False
    )
    batch.status, batch.applied_at, batch.message, batch.message_worded = ImportStatus.APPLIED, timezone.now(), "", {}
    batch.checked_values = {}
    batch.save(update_fields=["status", "applied_at", "message", "message_worded", "checked_values"])
    return batch, APPLIED


# --- Summary records of past years (the criteria-level sheet) --------------------------------


def _summary_plan(batch: ImportBatch, template: UploadedTemplate | None) -> tuple[SummaryRead, SummaryPlan]:
    if batch.checked_values and template is None:
        read = SummaryRead.from_json(batch.checked_values)
    else:
        if template is None:
            with batch.file.open("rb") as stored:
                bounds = summary_template_bounds(batch.unit, batch.year)
                template = read_template(stored.read(), bounds=bounds, template_format=SUMMARY_FORMAT)
        read = read_summary(template)
    return read, check_summary(read, unit=batch.unit, user=batch.user)


def _store_check(batch: ImportBatch, read, plan) -> ImportBatch:
    """What a check found, kept on the batch: its errors, or the preview and the values to apply."""
    batch.rows = plan.rows
    batch.errors = plan.errors
    batch.preview = {} if plan.errors else plan.preview()
    batch.checked_values = {} if plan.errors else read.as_json()
    batch.status = ImportStatus.INVALID if plan.errors else ImportStatus.READY
    batch.checked_at = timezone.now()
    batch.message, batch.message_worded = "", {}
    batch.save(
        update_fields=[
            "rows",
            "errors",
            "preview",
            "checked_values",
            "status",
            "checked_at",
            "message",
            "message_worded",
        ]
    )
    return batch


def _check_summary_batch(batch: ImportBatch, template: UploadedTemplate | None) -> ImportBatch:
    with translation.override(batch.language):
        batch.checked_values = {}
        read, plan = _summary_plan(batch, template)
    return _store_check(batch, read, plan)


def _refused_at_apply(batch: ImportBatch, plan) -> str | None:
    """Why a batch checked again at apply time is not applied (INVALID: it now has errors;
    CHANGED: what it would write is not what the preview showed), the batch kept so; None to go on."""
    if plan.errors:
        batch.errors, batch.preview, batch.status = plan.errors, {}, ImportStatus.INVALID
        batch.save(update_fields=["errors", "preview", "status"])
        return INVALID
    if plan.fingerprint != batch.preview.get("fingerprint"):
        batch.preview, batch.status, batch.checked_at = plan.preview(), ImportStatus.READY, timezone.now()
        batch.save(update_fields=["preview", "status", "checked_at"])
        return CHANGED
    return None


def _apply_summary(batch: ImportBatch, user) -> tuple[ImportBatch, str]:
    """Inside ``import_batch_apply``'s transaction: check the kept rows again, then record each
    through ``assessment_record_summary`` (a refusal rolls every row back)."""
    _read, plan = _summary_plan(batch, None)
    if refused := _refused_at_apply(batch, plan):
        return batch, refused
    moment = timezone.now()
    comment = str(MSG_COMMENT) % {"name": batch.original_name, "id": batch.pk}  # as the values import says it
    for entry in plan.entries:
        row = entry.row
        assessment_record_summary(
            unit=entry.unit,
            criteria_set=entry.criteria_set,
            year=row.year,
            met=set(row.met),
            basically_met=set(row.basically_met),
            count=row.count,
            source_number=row.source_number,
            source_date=row.day,
            reason=row.reason,
            user=user,
            at=moment,
            comment=comment,
        )
    batch.status, batch.applied_at, batch.message, batch.message_worded = ImportStatus.APPLIED, timezone.now(), "", {}
    batch.checked_values = {}
    batch.save(update_fields=["status", "applied_at", "message", "message_worded", "checked_values"])
    return batch, APPLIED
