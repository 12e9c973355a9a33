"""Evidence files: checked for size and real type before anything is stored."""

from __future__ import annotations

import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes import access
from criteria.models import Assessment, Evidence, HistoryEntry, HistoryKind, Indicator, IndicatorValue
from criteria.services.assessments import MSG_LOCKED, MSG_NO_PERMISSION, MSG_UNKNOWN_INDICATOR

# Allowed by extension, each with the bytes its files start with (a renamed file is refused).
_ZIP = (b"PK\x03\x04",)
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP),
    ".odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
}

# An office document is a zip archive; any zip renamed .docx would pass the bytes above. The
# parts every such document has, looked up in the archive's directory (nothing is inflated);
# an OpenDocument also has a first, stored ``mimetype`` entry holding its content type.
_OFFICE_PARTS: dict[str, tuple[str, ...]] = {
    ".docx": ("[Content_Types].xml", "word/document.xml"),
    ".xlsx": ("[Content_Types].xml", "xl/workbook.xml"),
    ".pptx": ("[Content_Types].xml", "ppt/presentation.xml"),
    ".odt": ("mimetype", "content.xml"),
    ".ods": ("mimetype", "content.xml"),
}
_MIMETYPE_MAX_BYTES = 100

MSG_TOO_BIG = _("The file is larger than %(limit)s MB.")
MSG_BAD_TYPE = _("Only PDF, JPEG, PNG and office documents (docx, xlsx, pptx, odt, ods) can be attached.")
MSG_CONTENT_MISMATCH = _("The file's content does not match its extension (%(ext)s).")
MSG_EMPTY = _("The file is empty.")
MSG_NAME_TOO_LONG = _("The file name is longer than %(limit)s characters; rename the file and attach it again.")
NAME_MAX_LENGTH = 200


def max_bytes() -> int:
    return settings.EVIDENCE_MAX_MB * 1024 * 1024


def validate_upload(upload: UploadedFile) -> str:
    """The file's content type if it may be stored; otherwise ValidationError with the reason."""
    name = Path(upload.name or "").name
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(MSG_NAME_TOO_LONG, code="name_too_long", params={"limit": NAME_MAX_LENGTH})
    ext = Path(name).suffix.lower()
    if ext not in ALLOWED_TYPES:
        raise ValidationError(MSG_BAD_TYPE, code="type")
    if upload.size is None or upload.size == 0:
        raise ValidationError(MSG_EMPTY, code="empty")
    if upload.size > max_bytes():
        raise ValidationError(MSG_TOO_BIG, code="size", params={"limit": settings.EVIDENCE_MAX_MB})
    content_type, signatures = ALLOWED_TYPES[ext]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(MSG_CONTENT_MISMATCH, code="content", params={"ext": ext})
    if ext in _OFFICE_PARTS and not _is_office_document(upload, ext, content_type):
        raise ValidationError(MSG_CONTENT_MISMATCH, code="content", params={"ext": ext})
    return content_type


def _is_office_document(upload: UploadedFile, ext: str, content_type: str) -> bool:
    """Whether the zip archive ``upload`` is the kind of document ``ext`` names.

    Only the archive's central directory is read (the list of its entries, at the end of the
    file) and, for an OpenDocument, its ``mimetype`` entry, which the format stores
    uncompressed: a decompression bomb costs nothing here, and nothing is written to disk.
    """
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if not names.issuperset(_OFFICE_PARTS[ext]):
                return False
            if "mimetype" not in _OFFICE_PARTS[ext]:
                return True
            info = archive.getinfo("mimetype")
            if info.compress_type != zipfile.ZIP_STORED or info.file_size > _MIMETYPE_MAX_BYTES:
                return False
            return archive.read(info) == content_type.encode()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, NotImplementedError, ValueError, OSError, EOFError):
        return False
    finally:
        upload.seek(0)


@transaction.atomic
def evidence_attach(*, assessment: Assessment, code: str, upload: UploadedFile, user) -> Evidence:
    """Store a file for one indicator of an editable assessment, and note it in the history."""
    assessment = Assessment.objects.select_for_update().select_related("unit").get(pk=assessment.pk)
    if not access.can_write_unit(user, assessment.unit):
        raise PermissionDenied(MSG_NO_PERMISSION)
    if not assessment.is_editable:
        raise ValidationError(MSG_LOCKED, code="locked", params={"state": assessment.get_state_display().lower()})
    indicator = Indicator.objects.filter(criteria_set_id=assessment.criteria_set_id, code=code).first()
    if indicator is None:
        raise ValidationError(MSG_UNKNOWN_INDICATOR, code="unknown", params={"code": code})
    content_type = validate_upload(upload)
    value, _created = IndicatorValue.objects.get_or_create(
        assessment=assessment, indicator=indicator, defaults={"updated_by": user, "version": 0}
    )
    name = Path(upload.name).name[:255]
    evidence = Evidence(value=value, original_name=name, content_type=content_type, size=upload.size, uploaded_by=user)
    evidence.file.save(name, upload, save=False)
    evidence.save()
    HistoryEntry.objects.create(
        assessment=assessment,
        kind=HistoryKind.EVIDENCE,
        indicator=indicator,
        new_value=name[:60],
        user=user,
        at=timezone.now(),
    )
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, user) -> None:
    """Take a file off an indicator while the assessment is editable (a wrong upload).

    The history keeps the file's name, who removed it and when (old value: the name, new
    value: empty); the stored file itself is deleted once the transaction commits, as it
    may hold what should never have been uploaded.
    """
    evidence = Evidence.objects.select_related("value__indicator").get(pk=evidence.pk)
    assessment = Assessment.objects.select_for_update().select_related("unit").get(pk=evidence.value.assessment_id)
    if not access.can_write_unit(user, assessment.unit):
        raise PermissionDenied(MSG_NO_PERMISSION)
    if not assessment.is_editable:
        raise ValidationError(MSG_LOCKED, code="locked", params={"state": assessment.get_state_display().lower()})
    HistoryEntry.objects.create(
        assessment=assessment,
        kind=HistoryKind.EVIDENCE,
        indicator=evidence.value.indicator,
        old_value=evidence.original_name[:60],
        user=user,
        at=timezone.now(),
    )
    storage, name = evidence.file.storage, evidence.file.name
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(name))
