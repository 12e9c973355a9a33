"""How the sheet writes values, targets and history in the page's language.

Plain functions (``history_value`` is also an ``ntm`` template filter), ``row_text``: every
string an indicator row of the assessment sheet shows, prepared once in Python so that the row
template only places them (the sheet renders 57 rows or more per request), and ``row_labels``:
the fixed words of a row, translated once per language rather than once per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.timezone import localtime
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from communes.models import Region
from communes.people import full_name
from criteria.models import DERIVED_NOTE, Comparison, Outcome, ValueType
from ntm_portal.numbers import as_typed, money, vn_number

if TYPE_CHECKING:
    from criteria.selectors import IndicatorRow


def input_text(row: IndicatorRow) -> str:
    """What the value field shows: the stored value written as an officer would type it."""
    if row.value is not None and row.value.not_applicable:
        return _("not applicable")
    if row.value is None or row.value.value is None:
        return ""
    if row.indicator.value_type == ValueType.YES_NO:
        return "yes" if row.value.value_bool else "no"
    return as_typed(row.value.value_decimal)


def shown_value(value, value_type: str) -> str:
    if value is None:
        return "—"
    if value_type == ValueType.YES_NO:
        return _("Yes") if value else _("No")
    if value_type == ValueType.MONEY:
        return money(value)
    return vn_number(value)


def history_value(text: str) -> str:
    """History stores language-neutral values ("yes", "85.5"); show them in the page's language."""
    if text == "yes":
        return _("Yes")
    if text == "no":
        return _("No")
    if text == "n/a":
        return _("Not applicable")
    return vn_number(text) if text else "—"


def target_text(row: IndicatorRow) -> str:
    """“≥ 80 %”, “đạt”, or a dash when no target applies."""
    indicator = row.indicator
    if indicator.comparison == Comparison.MET:
        return _("met (đạt)")
    if row.target is None or row.target.value is None:
        return "—"
    symbol = Comparison(indicator.comparison).label
    unit = f" {indicator.unit}" if indicator.unit else ""
    value = (
        shown_value(row.target.value, indicator.value_type)
        if indicator.value_type != ValueType.YES_NO
        else (_("Yes") if row.target.value else _("No"))
    )
    return f"{symbol} {value}{unit}"


def target_basis(row: IndicatorRow) -> str:
    """Why this target applies: the region, the commune group, the year it runs from. A target
    row left without a value is no target (the outcome is "no target"); the default of a
    province's own set is the province's, not the State's."""
    if row.target is None or row.target.value is None:
        if row.indicator.comparison == Comparison.MET:
            return ""
        if row.indicator.target_by_province:
            return _("set by the province; not entered yet")
        return _("no target applies")
    reason, parts = row.reason, []
    region = Region(row.target.region).label if row.target.region else ""
    if reason.disadvantaged:
        parts.append(_("especially disadvantaged commune: target of %(region)s") % {"region": region})
    elif reason.region:
        parts.append(_("region %(region)s") % {"region": region})
    if reason.group:
        parts.append(_("commune group %(group)s") % {"group": reason.group})
    if reason.year:
        parts.append(_("from %(year)s") % {"year": reason.year})
    if reason.national_default:
        parts.append(_("province-wide target") if row.province_set else _("national target"))
    return " ".join(parts)


@dataclass(frozen=True)
class EvidenceText:
    pk: int
    name: str
    size: str
    uploaded: str
    url: str
    remove_url: str


@dataclass(frozen=True)
class RowText:
    """The strings of one indicator row (``row.text`` in the sheet's templates)."""

    key: str  # the indicator's pk, for element ids
    target: str
    basis: str
    outcome: str
    value: str  # the stored value with its unit, "" when there is none
    updated: str  # who last changed it and when
    input: str
    save_url: str
    upload_url: str
    evidence: tuple[EvidenceText, ...]
    evidence_summary: str


_CODE = "__code__"  # stands for the indicator code in SheetUrls' reversed addresses


@dataclass(frozen=True)
class SheetUrls:
    """Where an assessment's rows post values and evidence, reversed once per sheet rather
    than twice per row; the code is quoted as ``reverse`` quotes it."""

    save: str
    upload: str

    @classmethod
    def of(cls, assessment_pk: int) -> SheetUrls:
        return cls(
            reverse("record_value", args=[assessment_pk, _CODE]),
            reverse("upload_evidence", args=[assessment_pk, _CODE]),
        )

    def for_code(self, code: str) -> tuple[str, str]:
        quoted = quote(code, safe=RFC3986_SUBDELIMS + "/~:@")
        return self.save.replace(_CODE, quoted), self.upload.replace(_CODE, quoted)


def row_text(row: IndicatorRow, urls: SheetUrls) -> RowText:
    indicator, value = row.indicator, row.value
    shown, updated = "", ""
    if value is not None and value.value is not None:
        shown = shown_value(value.value, indicator.value_type)
        if indicator.unit and indicator.value_type not in (ValueType.MONEY, ValueType.YES_NO):
            shown = f"{shown} {indicator.unit}"
        updated = (
            f"{full_name(value.updated_by)} {date_format(localtime(value.updated_at), 'SHORT_DATETIME_FORMAT')}".strip()
        )
    evidence = tuple(
        EvidenceText(
            ev.pk,
            ev.original_name,
            filesizeformat(ev.size),
            date_format(localtime(ev.uploaded_at), "SHORT_DATE_FORMAT"),
            reverse("evidence", args=[ev.pk]),
            reverse("evidence_remove", args=[ev.pk]),
        )
        for ev in row.evidence
    )
    count = len(evidence)
    save_url, upload_url = urls.for_code(indicator.code)
    return RowText(
        key=str(indicator.pk),
        target=target_text(row),
        basis=target_basis(row),
        outcome=row_labels().outcomes[value.outcome] if value is not None else _("No value"),
        value=shown,
        updated=updated,
        input=input_text(row),
        save_url=save_url,
        upload_url=upload_url,
        evidence=evidence,
        evidence_summary=ngettext("Evidence (%(counter)s file)", "Evidence (%(counter)s files)", count)
        % {"counter": count},
    )


# The fixed words of an indicator row (templates/criteria/partials/indicator_rows.jinja).
ROW_LABELS = {
    "optional": gettext_lazy("optional"),
    "conditional": gettext_lazy("if any (nếu có)"),
    "conditional_title": gettext_lazy(
        "Applies only where the object exists: type “không áp dụng” with the reason in the note when it does not."
    ),
    "target": gettext_lazy("Target"),
    "to_verify": gettext_lazy("to verify"),
    "to_verify_title": gettext_lazy("Not yet confirmed against the decision text."),
    "not_applicable": gettext_lazy("Not applicable"),
    "your_value": gettext_lazy("Your value"),
    "typed_not_saved": gettext_lazy("What you typed, not saved"),
    "saved_value": gettext_lazy("Saved value"),
    "value": gettext_lazy("Value"),
    "yes": gettext_lazy("Yes"),
    "no": gettext_lazy("No"),
    "note": gettext_lazy("Note"),
    "keep_mine": gettext_lazy("Keep my value"),
    "keep_saved": gettext_lazy("Keep the saved value"),
    "save": gettext_lazy("Save"),
    "undo": gettext_lazy("Undo"),
    "derived": DERIVED_NOTE,
    "saving": gettext_lazy("Saving…"),
    "remove": gettext_lazy("Remove"),
    "remove_named": gettext_lazy("Remove %(name)s"),
    "attach": gettext_lazy("Attach evidence"),
    "upload": gettext_lazy("Upload"),
    "evidence_help": gettext_lazy("%(types)s; at most %(size)s MB"),
}
_row_labels: dict[str, SimpleNamespace] = {}


def row_labels() -> SimpleNamespace:
    """``ROW_LABELS`` (and ``outcomes``, each outcome's label) in the active language, as attributes (``labels.target``: Jinja2 reads
    an attribute at once, a dict key only after a failed attribute lookup). Catalogues do not
    change while the process runs, so each language is translated once."""
    language = get_language()
    labels = _row_labels.get(language)
    if labels is None:
        labels = _row_labels[language] = SimpleNamespace(
            **{key: str(text) for key, text in ROW_LABELS.items()},
            outcomes={outcome.value: str(outcome.label) for outcome in Outcome},
        )
    return labels


def _unsaved(count: int) -> str:
    return ngettext(
        "%(count)s indicator is not saved yet: %(codes)s. Save or undo it before going on.",
        "%(count)s indicators are not saved yet: %(codes)s. Save or undo them before going on.",
        count,
    )


def unsaved_warning() -> dict[str, str]:
    """What the sheet's script says when a workflow button is pressed while values are typed
    but not saved (static/js/portal.js): the singular and the plural sentence, their
    ``%(count)s`` and ``%(codes)s`` left for the script to fill. English tells 1 from any other
    number; a language with a single form (Vietnamese) gives the same sentence twice."""
    return {"one": _unsaved(1), "other": _unsaved(2)}


# What the sheet's script says at a row whose save did not go through (static/js/portal.js,
# "A save that fails says so"): one sentence per cause, each saying what happened and what to
# do, and that the typed value is still in the field. ``%(detail)s`` is the server's own reason.
SAVE_FAILURES = {
    "server": gettext_lazy(
        "Not saved: the portal ran into an error. Your value is still here: press Save again in a few minutes; "
        "if it fails again, tell the portal administrator the time it happened."
    ),
    "network": gettext_lazy(
        "Not saved: the portal could not be reached. Check your connection, then press Save again; "
        "your value is still here."
    ),
    "timeout": gettext_lazy(
        "Not saved: the portal did not answer in time. Your value is still here; press Save again."
    ),
    "session": gettext_lazy(
        "Your session has ended, please sign in again — the value you typed is still here, "
        "and it is sent again once you are back on this page."
    ),
    "expired": gettext_lazy(
        "Not saved: this page has expired (you may have signed in again in another tab). Reload it: "
        "the value you typed is put back and sent again."
    ),
    "forbidden": gettext_lazy(
        "Not saved: you can no longer change this value here; the assessment may have been submitted "
        "or locked meanwhile. Your value is still here; reload the page to see where it stands."
    ),
    "conflict": gettext_lazy(
        "Not saved: someone else changed this value meanwhile. Your value is still here; reload the page "
        "to see theirs, then save yours again if it is still right."
    ),
    "refused": gettext_lazy("Not saved: %(detail)s"),
    "unreadable": gettext_lazy(
        "Not saved: the portal's answer could not be read. Your value is still here; press Save again, "
        "or reload the page to check."
    ),
    "sign_in": gettext_lazy("Sign in"),
    "reload": gettext_lazy("Reload the page"),
}


def save_failures() -> dict[str, str]:
    """``SAVE_FAILURES`` in the active language, for the sheet's ``data-*`` attributes."""
    return {key: str(text) for key, text in SAVE_FAILURES.items()}
