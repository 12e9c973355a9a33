"""Refuse hostile or wrong files before openpyxl opens them (no ORM).

An .xlsx file is a zip archive of XML parts. openpyxl has no defence against a decompression
bomb (a 0.77 MB file can cost 30 s and 500 MB), so the archive is checked first: entry count,
declared sizes and compression ratios, then the parts are actually inflated with a cap, so a
lying header cannot get past. While inflating, a part declaring a document type (``<!DOCTYPE``,
the only way to declare entities; no Office part has one) is refused: openpyxl parses some
parts with lxml when it is installed (python-docx brings it), which leaves entities
unexpanded but would not refuse them. The sheets themselves are parsed by defusedxml
(openpyxl uses it when it is installed; ``require_defusedxml`` makes sure it is).
"""

from __future__ import annotations

import io
import zipfile
import zlib

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext_lazy as _

MAX_ENTRIES = 200
MAX_TOTAL_UNCOMPRESSED = 40 * 1024 * 1024
MAX_ENTRY_UNCOMPRESSED = 30 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed, checked for parts over RATIO_FROM bytes
RATIO_FROM = 1024 * 1024
_CHUNK = 64 * 1024

XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"

MSG_NOT_XLSX = _("This file is not an Excel workbook (.xlsx).")
MSG_ZIP_NOT_XLSX = _("This file is a zip archive, not an Excel workbook (.xlsx).")
MSG_MACROS = _("Workbooks with macros are not accepted: save the template as an ordinary .xlsx workbook.")
MSG_ENCRYPTED = _("Password-protected workbooks are not accepted.")
MSG_BOMB = _(
    "The file unpacks to far more data than an import template holds (a possible decompression bomb); it was refused unread."
)
MSG_TOO_MANY_PARTS = _("The file has far more parts than an Excel workbook; it was refused unread.")
MSG_DAMAGED = _("The workbook is damaged and cannot be read.")
MSG_UNSAFE_XML = _("The workbook contains XML constructs that are not accepted (entities or external references).")
DOCTYPE = b"<!DOCTYPE"


def require_defusedxml() -> None:
    """openpyxl parses with defusedxml only when it is installed: refuse to read without it."""
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:
        raise ImproperlyConfigured("Install defusedxml: workbooks must not be parsed without it.")


def _refuse(message, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def check_archive(data: bytes) -> None:
    """Raise ``ValidationError`` unless ``data`` is a plain .xlsx archive of a sane size."""
    if not data.startswith(b"PK\x03\x04"):
        raise _refuse(MSG_NOT_XLSX, "not_xlsx")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _refuse(MSG_NOT_XLSX, "not_xlsx") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise _refuse(MSG_TOO_MANY_PARTS, "too_many_parts")
        total = 0
        for info in entries:
            if info.flag_bits & 0x1:
                raise _refuse(MSG_ENCRYPTED, "encrypted")
            total += info.file_size
            too_dense = info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1)
            if info.file_size > MAX_ENTRY_UNCOMPRESSED or total > MAX_TOTAL_UNCOMPRESSED or too_dense:
                raise _refuse(MSG_BOMB, "bomb")
        names = {info.filename for info in entries}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise _refuse(MSG_ZIP_NOT_XLSX, "zip_not_xlsx")
        if "xl/vbaProject.bin" in names:
            raise _refuse(MSG_MACROS, "macros")
        _check_content_types(archive)
        _inflate_with_cap(archive, entries)


def _check_content_types(archive: zipfile.ZipFile) -> None:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        root = fromstring(archive.read("[Content_Types].xml"))
    except (DefusedXmlException, ParseError, zipfile.BadZipFile, OSError, ValueError):
        raise _refuse(MSG_DAMAGED, "damaged") from None
    types = {element.get("ContentType") for element in root}
    if MACRO_MAIN in types:
        raise _refuse(MSG_MACROS, "macros")
    if XLSX_MAIN not in types:
        raise _refuse(MSG_ZIP_NOT_XLSX, "zip_not_xlsx")


def _inflate_with_cap(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> None:
    """Inflate every part, stopping as soon as one gives more than it declared."""
    total = 0
    for info in entries:
        size = 0
        tail = b""  # the end of the previous chunk, so a marker split between two is found
        try:
            with archive.open(info) as part:
                while chunk := part.read(_CHUNK):
                    size += len(chunk)
                    total += len(chunk)
                    if size > info.file_size or total > MAX_TOTAL_UNCOMPRESSED:
                        raise _refuse(MSG_BOMB, "bomb")
                    if DOCTYPE in (tail + chunk).upper():
                        raise _refuse(MSG_UNSAFE_XML, "unsafe_xml")
                    tail = chunk[-len(DOCTYPE) :]
        except ValidationError:
            raise
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            zlib.error,
            OSError,
            EOFError,
            ValueError,
            RuntimeError,
            NotImplementedError,
        ):
            raise _refuse(MSG_DAMAGED, "damaged") from None
