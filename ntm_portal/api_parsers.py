"""The API's JSON parser: refuses documents nested deeper than any request of the API needs.

Python's ``json`` module recurses once per level: a body of 100,000 ``[`` raises
``RecursionError`` (a 500), and a few thousand levels make every later step (validation,
error flattening) recurse too. The depth is checked on the raw text before it is parsed.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 20
MSG_UNREADABLE_BODY = _("The request body could not be read: send valid JSON (or a form) as the API documents it.")
MSG_TOO_DEEP = _("The JSON is nested more than %(depth)s levels deep; no request of this API needs that.")

_OPEN, _CLOSE = frozenset(b"[{"), frozenset(b"]}")


def json_depth_exceeds(raw: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether brackets outside strings nest deeper than ``limit`` (a linear scan, no recursion)."""
    depth = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # closing quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in _OPEN:
            depth += 1
            if depth > limit:
                return True
        elif byte in _CLOSE:
            depth -= 1
    return False


class DepthLimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        if json_depth_exceeds(raw):
            raise ParseError(MSG_TOO_DEEP % {"depth": MAX_DEPTH})
        try:
            return super().parse(io.BytesIO(raw), media_type, parser_context)
        except ParseError:
            # DRF's own text is the decoder's, in English ("JSON parse error - Expecting value: …").
            raise ParseError(MSG_UNREADABLE_BODY) from None
