"""Reads over assessments that several pages, exports and the API share."""

from __future__ import annotations

import datetime

from criteria.models import Assessment, HistoryEntry, HistoryKind


def values_as_of(assessment: Assessment, moment: datetime.datetime) -> dict[str, str]:
    """Each indicator's value as it stood at ``moment``, rebuilt from the append-only history.

    Values are the history's display strings (``"85"``, ``"Yes"``); an indicator with no
    value yet at that moment is absent.
    """
    state: dict[str, str] = {}
    entries = (
        HistoryEntry.objects.filter(assessment=assessment, kind=HistoryKind.VALUE, at__lte=moment)
        .select_related("indicator")
        .order_by("at", "pk")
    )
    for entry in entries:
        if entry.new_value == "":
            state.pop(entry.indicator.code, None)
        else:
            state[entry.indicator.code] = entry.new_value
    return state
