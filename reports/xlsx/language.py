"""Workbooks are written in Vietnamese whatever the page's language: the files travel between
offices as documents (reports/README.md). Every label a builder takes from the portal's
translated lists (a region, a commune group, an assessment's state, a tier) is read in
Vietnamese by building the whole workbook under one override, rows streamed from generators
included."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec

from django.utils import translation

P = ParamSpec("P")

WORKBOOK_LANGUAGE = "vi"


def in_vietnamese(builder: Callable[P, bytes]) -> Callable[P, bytes]:
    """Run a workbook builder (which returns the file's bytes) in Vietnamese."""

    @functools.wraps(builder)
    def build(*args: P.args, **kwargs: P.kwargs) -> bytes:
        with translation.override(WORKBOOK_LANGUAGE):
            return builder(*args, **kwargs)

    return build
