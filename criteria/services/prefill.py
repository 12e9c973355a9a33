"""Pre-filling a new assessment with the values of the unit's previous one.

Which earlier assessment: the unit's latest at the same tier before the year
(``selectors.earlier_assessment``: last year's, else the latest before), whatever its set — a
province's own clone of the national set, the next generation's set, a new version.

Which values: one whose indicator is *the same indicator* in the new set (``same_indicator``):
the same code, value type, unit and wording. The code alone is not enough, nor is a set's
lineage (``supersedes``): QĐ 51/2025 replaces QĐ 318/2022 and reuses 2.3, 2.4, 4.2, 5.1, 6.3
and 9.2 (percentages both) and 3.2, 6.2 (yes/no both) for other facts — 4.2 was the households
using electricity and is now the trained workers with a certificate. A province's clone keeps
the wording, so its indicators carry over; a reworded one is entered anew, never guessed.

The copied values are recorded like any entry (``assessments_record_values``: outcomes against
the new set's targets, criterion results and counts in the same transaction, a history row per
value naming the assessment they came from); a value the new set's rules refuse (implausible
against its target, "không áp dụng" where the indicator always applies) is left to enter.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from criteria.models import Assessment, Indicator, IndicatorValue
from criteria.selectors import earlier_assessment
from criteria.services.recording import ValueEntry, assessments_record_values
from criteria.structure import set_structure

# The history's comment on each pre-filled value.
MSG_PREFILLED = _("Pre-filled from %(year)s (assessment against %(set)s)")

# Why nothing was pre-filled (Prefill.reason).
NO_EARLIER, SUMMARY, NO_VALUES, NO_MATCH = "no_earlier", "summary", "no_values", "no_match"


def _wording(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def same_indicator(before: Indicator, after: Indicator) -> bool:
    """Whether a value of ``before`` is a value of ``after``: same code, value type, unit of
    measure and wording (a percent into a percent of the same thing; nothing converted)."""
    return (
        before.code == after.code
        and before.value_type == after.value_type
        and before.unit.strip() == after.unit.strip()
        and _wording(before.name) == _wording(after.name)
    )


@dataclass(frozen=True)
class Prefill:
    """What pre-filling did: ``copied`` of the new set's ``total`` indicators to enter, from
    ``source`` (None: the unit had no earlier assessment); ``reason`` when nothing was copied."""

    assessment: Assessment
    source: Assessment | None
    copied: int
    total: int
    offered: int = 0  # the values the source holds
    reason: str = ""

    @property
    def left(self) -> int:
        return self.total - self.copied

    @property
    def message(self) -> str:
        """The sentence the user is told, in the active language."""
        if self.copied:
            params = {
                "copied": self.copied,
                "total": self.total,
                "left": self.left,
                "year": self.source.year,
                "set": self.source.criteria_set,
            }
            if not self.left:
                return (
                    gettext("Pre-filled %(copied)s/%(total)s indicators from the %(year)s assessment (%(set)s).")
                    % params
                )
            return (
                ngettext(
                    "Pre-filled %(copied)s/%(total)s indicators from the %(year)s assessment (%(set)s); "
                    "%(left)s indicator needs a new value.",
                    "Pre-filled %(copied)s/%(total)s indicators from the %(year)s assessment (%(set)s); "
                    "%(left)s indicators need new values.",
                    self.left,
                )
                % params
            )
        return gettext("Nothing was pre-filled from an earlier year: %(reason)s") % {"reason": self._why()}

    def _why(self) -> str:
        new = self.assessment
        if self.source is None:
            return gettext("%(unit)s has no %(tier)s assessment before %(year)s.") % {
                "unit": new.unit.name,
                "tier": new.get_tier_display().lower(),
                "year": new.year,
            }
        params = {"year": self.source.year, "set": self.source.criteria_set, "new": new.criteria_set}
        if self.reason == SUMMARY:
            return (
                gettext(
                    "the %(year)s assessment (%(set)s) is a summary record of a past report, without indicator values."
                )
                % params
            )
        if self.reason == NO_VALUES:
            return gettext("the %(year)s assessment (%(set)s) has no values entered.") % params
        return ngettext(
            "the %(count)s value of the %(year)s assessment (%(set)s) is for no indicator of %(new)s "
            "with the same code, value type, unit and wording.",
            "none of the %(count)s values of the %(year)s assessment (%(set)s) is for an indicator of %(new)s "
            "with the same code, value type, unit and wording.",
            self.offered,
        ) % (params | {"count": self.offered})


def assessment_prefill(*, assessment: Assessment, user) -> Prefill:
    """Copy into the new ``assessment`` the values of the unit's previous assessment at its tier
    whose indicator is the same in its set (``same_indicator``). Runs inside the caller's
    transaction (``assessment_start``), as ``user``."""
    indicators = [i for i in set_structure(assessment.criteria_set).indicators if not i.derived]
    total = len(indicators)
    source = earlier_assessment(assessment.unit, tier=assessment.tier, year=assessment.year)
    if source is None:
        return Prefill(assessment, None, 0, total, reason=NO_EARLIER)
    if source.summary:
        return Prefill(assessment, source, 0, total, reason=SUMMARY)
    by_code = {i.code: i for i in indicators}
    values = [
        v
        for v in IndicatorValue.objects.filter(assessment=source).select_related("indicator")
        if v.value is not None or v.not_applicable
    ]
    if not values:
        return Prefill(assessment, source, 0, total, reason=NO_VALUES)
    entries = {
        v.indicator.code: ValueEntry(
            code=v.indicator.code, raw="không áp dụng" if v.not_applicable else v.value, note=v.note
        )
        for v in values
        if not v.indicator.derived
        and v.indicator.code in by_code
        and same_indicator(v.indicator, by_code[v.indicator.code])
    }
    comment = str(MSG_PREFILLED % {"year": source.year, "set": source.criteria_set})
    while entries:
        try:
            assessments_record_values(batches=[(assessment, entries.values())], user=user, comment=comment)
            break
        except ValidationError as exc:
            # A value the new set's rules refuse is left to enter; the others are recorded.
            refused = set(getattr(exc, "error_dict", {})) & set(entries)
            if not refused:
                raise
            entries = {code: e for code, e in entries.items() if code not in refused}
    if not entries:
        return Prefill(assessment, source, 0, total, offered=len(values), reason=NO_MATCH)
    return Prefill(assessment, source, len(entries), total, offered=len(values))
