"""The upload rule every file goes through (evidence, a summary record's source, a set's
decision): an office document must really be one, not any zip archive given its extension."""

import io
import zipfile
from unittest import mock

import docx
import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from criteria.services.evidence import validate_upload

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT_TYPE = "application/vnd.oasis.opendocument.text"
ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"


def _zip(*entries: tuple[str, bytes], stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(entries):
            kind = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=kind)
    return buffer.getvalue()


def _word() -> bytes:
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Biên bản họp")
    document.save(buffer)
    return buffer.getvalue()


def _workbook() -> bytes:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


def _presentation() -> bytes:
    return _zip(("[Content_Types].xml", b"<Types/>"), ("ppt/presentation.xml", b"<p:presentation/>"))


def _open_document(mimetype: str) -> bytes:
    return _zip(("mimetype", mimetype.encode()), ("content.xml", b"<office:document-content/>"), stored_first=True)


A_TEXT_IN_A_ZIP = _zip(("a.txt", b"hello"))


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("bien-ban.docx", _word(), DOCX_TYPE),
        ("so-lieu.xlsx", _workbook(), XLSX_TYPE),
        ("trinh-chieu.pptx", _presentation(), PPTX_TYPE),
        ("bien-ban.odt", _open_document(ODT_TYPE), ODT_TYPE),
        ("so-lieu.ods", _open_document(ODS_TYPE), ODS_TYPE),
    ],
)
def test_a_real_office_document_is_accepted_with_its_type(name, content, content_type):
    assert validate_upload(SimpleUploadedFile(name, content)) == content_type


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.docx", A_TEXT_IN_A_ZIP),
        ("a.xlsx", A_TEXT_IN_A_ZIP),
        ("a.pptx", A_TEXT_IN_A_ZIP),
        ("a.odt", A_TEXT_IN_A_ZIP),
        ("a.ods", A_TEXT_IN_A_ZIP),
        ("workbook-renamed.docx", _workbook()),
        ("word-renamed.xlsx", _word()),
        ("spreadsheet-renamed.odt", _open_document(ODS_TYPE)),
        ("only-the-content-types.docx", _zip(("[Content_Types].xml", b"<Types/>"))),
        ("cut-short.docx", _word()[:200]),
    ],
)
def test_a_zip_that_is_not_the_document_its_extension_names_is_refused(name, content):
    with pytest.raises(ValidationError) as refused:
        validate_upload(SimpleUploadedFile(name, content))
    ext = "." + name.rsplit(".", 1)[1]
    assert refused.value.messages == [f"The file's content does not match its extension ({ext})."]


def test_a_large_upload_kept_in_a_temporary_file_is_checked_the_same_way():
    for content, accepted in ((_word(), True), (A_TEXT_IN_A_ZIP, False)):
        upload = TemporaryUploadedFile("a.docx", "application/octet-stream", len(content), None)
        upload.write(content)
        upload.seek(0)
        if accepted:
            assert validate_upload(upload) == DOCX_TYPE
            assert upload.read() == content  # left at the start for storing
        else:
            with pytest.raises(ValidationError):
                validate_upload(upload)
        upload.close()


def test_an_office_document_is_checked_from_its_directory_without_inflating_any_part():
    word, workbook = _word(), _workbook()
    with mock.patch.object(zipfile.ZipFile, "open", side_effect=AssertionError("a part was read")):
        assert validate_upload(SimpleUploadedFile("bien-ban.docx", word)) == DOCX_TYPE
        assert validate_upload(SimpleUploadedFile("so-lieu.xlsx", workbook)) == XLSX_TYPE
