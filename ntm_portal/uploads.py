"""Upload handling that survives any file name a browser sends.

Django names the temporary file of a large upload after the upload's extension; an
"extension" of a few hundred bytes (a long name with a dot in it) makes the operating system
refuse to create it (``OSError: File name too long``), a 500 before any view runs. The
temporary file gets a short suffix instead; the name itself is kept for the checks, which
refuse an over-long one with a message (``criteria.services.evidence``).
"""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, TemporaryFileUploadHandler

_SUFFIX_BYTES = 16


class SafeTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    def new_file(self, *args, **kwargs) -> None:
        FileUploadHandler.new_file(self, *args, **kwargs)
        suffix = Path(self.file_name or "").suffix
        if len(suffix.encode()) > _SUFFIX_BYTES:
            suffix = ""
        self.file = TemporaryUploadedFile(
            "upload" + suffix, self.content_type, 0, self.charset, self.content_type_extra
        )
        self.file.name = self.file_name
