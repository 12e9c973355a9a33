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
from django.utils.text import format_lazy
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
# The common wrong files, each told with how to make the workbook the import reads.
MSG_ODS = _("This file is an OpenDocument spreadsheet (.ods), not an Excel workbook (.xlsx).")
MSG_XLS = _("This file is an Excel 97–2003 workbook (.xls), not an Excel workbook (.xlsx).")
MSG_SAVE_AS_XLSX = _("Open it in Excel or LibreOffice and save it as an Excel Workbook (.xlsx), then upload that file.")
MSG_TEXT = _(
    "This file is text (such as .csv), not an Excel workbook (.xlsx). A text file keeps one sheet and none of "
    "the template's own: download the template from this page, copy the values into it and upload it."
)
MSG_MACROS = _("Workbooks with macros are not accepted: save the template as an ordinary .xlsx workbook.")
MSG_ENCRYPTED = _("Password-protected workbooks are not accepted.")
MSG_BOMB = _(
    "The file unpacks to far more data than an import template holds (a possible decompression bomb); it was refused unread."
)
MSG_TOO_MANY_PARTS = _("The file has far more parts than an Excel workbook; it was refused unread.")
MSG_DAMAGED = _("The workbook is damaged and cannot be read.")
MSG_UNSAFE_XML = _("The workbook contains XML constructs that are not accepted (entities or external references).")
DOCTYPE = b"<!DOCTYPE"
# An OLE2 compound file (Excel 97–2003, Word 97–2003, and an encrypted Office 2007+ file alike);
# the names of its streams (UTF-16, ended by a NUL, in its directory) tell them apart.
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _stream_name(name: str) -> bytes:
    return name.encode("utf-16-le") + b"\0\0"


OLE2_ENCRYPTED = _stream_name("EncryptedPackage")
OLE2_WORD = _stream_name("WordDocument")
OLE2_WORKBOOK = (_stream_name("Workbook"), _stream_name("Book"))  # Excel 97–2003, Excel 5.0/95
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_SNIFF = 8192  # how much of a file is looked at to tell what it is instead


def require_defusedxml() -> None:
    """openpyxl parses with defusedxml only when it is installed: refuse to read without it."""
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:
        raise ImproperlyConfigured("Install defusedxml: workbooks must not be parsed without it.")


def _refuse(message, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _with_fix(message):
    return format_lazy("{} {}", message, MSG_SAVE_AS_XLSX)


def _looks_like_text(data: bytes) -> bool:
    """A .csv (or another text file, as Excel's "CSV" or "Unicode text" writes it): a text
    encoding's mark, or lines or fields and no control byte (any 8-bit encoding: Excel writes
    Windows-1258 on a Vietnamese Windows). A PDF is named apart: its header is text."""
    head = data[:_SNIFF]
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    if head.startswith(b"%PDF") or any(byte < 0x20 and byte not in b"\t\r\n" for byte in head):
        return False
    return any(mark in head for mark in (b"\n", b"\r", b",", b";", b"\t"))


def _not_a_zip(data: bytes) -> ValidationError:
    """The refusal of a file that is no zip archive, naming the common ones."""
    if data.startswith(OLE2):  # the directory may lie anywhere in it (at most the upload limit)
        if OLE2_ENCRYPTED in data:
            return _refuse(MSG_ENCRYPTED, "encrypted")
        if OLE2_WORD not in data and any(name in data for name in OLE2_WORKBOOK):
            return _refuse(_with_fix(MSG_XLS), "xls")
    elif data and _looks_like_text(data):
        return _refuse(MSG_TEXT, "text")
    return _refuse(MSG_NOT_XLSX, "not_xlsx")


def _is_ods(archive: zipfile.ZipFile, names: set[str]) -> bool:
    """An OpenDocument spreadsheet names itself in its ``mimetype`` entry."""
    if "mimetype" not in names or archive.getinfo("mimetype").file_size > 200:
        return False
    try:
        return archive.read("mimetype").strip() == ODS_MIMETYPE
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, NotImplementedError):
        return False


def check_archive(data: bytes) -> None:
    """Raise ``ValidationError`` unless ``data`` is a plain .xlsx archive of a sane size."""
    if not data.startswith(b"PK\x03\x04"):
        raise _not_a_zip(data)
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
            if _is_ods(archive, names):
                raise _refuse(_with_fix(MSG_ODS), "ods")
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
