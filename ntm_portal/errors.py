"""Errors every app's services share.

``StaleWriteError`` is the one answer to a write based on an old version (optimistic
concurrency): nothing was saved, and ``current`` holds what is stored now, for the page or
the API to show beside the refused input (409 Conflict). It is a ``ValidationError`` with the
code ``stale``, so a form shows its message where the input was; ``stale_among`` tells a page
that its form holds one (the page then answers 409, as the API does through ``Conflict``).
Every app raises and catches this one type; none defines its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError

STALE = "stale"


class StaleWriteError(ValidationError):
    """A write based on an old version: nothing was saved.

    ``message`` is one message (with ``params``) or, for a grid of cells, a mapping of each
    stale cell to its errors; ``current`` is what is stored now — the object, None where it
    was deleted, or for a grid a mapping of each stale cell to its object (or None).
    """

    def __init__(self, message, *, params: dict | None = None, current=None) -> None:
        super().__init__(message, code=STALE, params=params)
        self.current = current


def stale_among(errors: Iterable[ValidationError]) -> bool:
    """Whether any of these errors (a form's, ``form.non_field_errors().as_data()``) refused a
    write based on an old version."""
    return any(error.code == STALE for error in errors)
