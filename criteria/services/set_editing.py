"""Editing a draft criteria set: its header and decision PDF, groups, criteria, indicators and
targets. Each function is one transaction; it checks that the user may change the set
(``criteria/access_sets.py``) and that the set is still a draft (a published set is frozen:
``FrozenWithSetMixin``), validates the row in full (constraints included, so a duplicate
code is a message at the form, never a database error) and appends to the set's history,
each changed field with its old and new value.

A form is based on the row as it was when the page was shown: the page carries that row's
``row_state`` (a fingerprint of its stored values) and the service compares it with the row as
it is now, under lock; a write based on an older row is refused (``StaleWriteError``: who
changed it, its values now) and nothing is saved. The rows have no version field: the
fingerprint needs no migration and also notices a change made outside the editor (a target
confirmed from the set's page, the admin).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from communes import access
from communes.access import is_administrator
from communes.models import AdministrativeUnit, Level
from communes.people import full_name
from criteria import evaluation
from criteria.access_sets import (
    MSG_NATIONAL_READ_ONLY,
    MSG_NOT_PROVINCE_OFFICE,
    check_can_edit_set,
)
from criteria.models import (
    Comparison,
    CriteriaSet,
    CriteriaSetChange,
    Criterion,
    CriterionGroup,
    Indicator,
    SetChangeKind,
    SetRowKind,
    SetStatus,
    Target,
    TargetBasis,
    ValueType,
)
from criteria.models_set_history import MSG_REMOVED
from criteria.services.evidence import validate_upload
from criteria.services.set_workspace import (
    MSG_CODE_TAKEN,
    MSG_NOT_A_PROVINCE,
    check_draft,
    check_set_code,
    set_change_record,
)
from ntm_portal.errors import StaleWriteError
from ntm_portal.language import in_every_language
from ntm_portal.numbers import vn_number

MSG_PDF_ONLY = _("The issuing decision is attached as a PDF file.")
MSG_IN_USE = _("%(row)s is still used: remove what it holds first.")
MSG_OTHER_SET = _("This belongs to another criteria set.")
MSG_FIELD_FROM_TO = _("%(field)s: %(old)s → %(new)s")
MSG_SAVED_UNCHANGED = _("saved with no change")
MSG_ROW_STALE = _(
    "%(user)s changed %(row)s while you were editing it; nothing was saved. Now: %(values)s. "
    "Check your values and save again to keep them."
)
MSG_ROW_STALE_REMOVAL = _(
    "%(user)s changed %(row)s while you were editing it; nothing was removed. Now: %(values)s. "
    "Check it and remove it again if it should still go."
)
MSG_ROW_GONE = _("%(user)s removed %(row)s while you were editing it; nothing was saved.")
MSG_ROW_GONE_REMOVAL = _("%(user)s has already removed %(row)s.")
MSG_ROW_GONE_BY_YOU = _("You have already removed %(row)s; nothing was saved.")
MSG_ROW_GONE_REMOVAL_BY_YOU = _("You have already removed %(row)s.")
MSG_SOMEONE = _("Someone")
# A row gone without a word in the set's history (removed from the Django admin or a shell).
MSG_ROW_NO_LONGER = _("%(row)s no longer exists in this set; nothing was saved.")
MSG_ROW_NO_LONGER_REMOVAL = _("%(row)s no longer exists in this set.")
# Rows that could never apply (the set's targets basis, its years, the criterion's number).
MSG_TARGET_GROUP_UNUSED = _(
    "This set's targets do not depend on the commune group (“%(basis)s”): a target for a group would never "
    "apply. Leave the commune group empty."
)
MSG_TARGET_REGION_UNUSED = _(
    "This set's targets do not depend on the region (“%(basis)s”): a target for a region would never apply. "
    "Leave the region empty."
)
MSG_TARGET_YEAR_OUTSIDE = _(
    "The set covers %(years)s: a target from %(year)s would never apply. Choose a year within "
    "the set's years, or leave it empty."
)
MSG_TARGET_VALUE_REQUIRED = _(
    "%(indicator)s: enter the value the indicator must reach (an empty target meets nothing)."
)
# Adding back a removed indicator (``_restore_targets``).
MSG_RESTORED = _("restored as it was when removed on %(date)s: %(values)s")
MSG_TARGETS_NOT_SAME = _(
    "The targets indicator %(code)s had when it was removed are not restored: its value type, unit or "
    "comparison is not the same now. They were: %(targets)s. Enter its targets again."
)
MSG_TARGET_NOT_RESTORED = _(
    "The target %(target)s indicator %(code)s had when it was removed is not restored: %(reason)s"
)
MSG_INDICATOR_CODE_OF_CRITERION = _(
    "An indicator of criterion %(number)s has a code starting with “%(number)s.” (such as %(number)s.1): "
    "%(code)s would read as another criterion's."
)

HEADER_FIELDS = (
    "name",
    "short_name",
    "decision_number",
    "decision_date",
    "effective_date",
    "year_from",
    "year_to",
    "target_basis",
    "disadvantaged_region",
    "notes",
)
# The fields each row's form edits: shown when a write is refused as stale, compared for the history.
ROW_FIELDS = {
    CriterionGroup: ("code", "name", "position"),
    Criterion: ("number", "group", "name"),
    Indicator: (
        "criterion",
        "code",
        "name",
        "value_type",
        "comparison",
        "unit",
        "required",
        "conditional",
        "target_by_province",
        "position",
    ),
    Target: ("indicator", "value", "region", "commune_group", "year", "to_verify"),
}


def _stored(value):
    """A field's value as stored, the same whether read back or just assigned (80 = 80.0000)."""
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def row_state(row: models.Model) -> str:
    """The fingerprint of a row (or of a set's header) as stored: the page carries it with the
    form, the service compares it with the row now (``_check_not_stale``)."""
    if isinstance(row, CriteriaSet):
        names = (*HEADER_FIELDS, "decision_file")
    else:
        names = tuple(f.attname for f in row._meta.concrete_fields)
    text = "\x1f".join(repr(_stored(getattr(row, name))) for name in names)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _shown(row: models.Model, name: str) -> str:
    """A field's value as a user reads it (the dropdown's label, 31.003.700.000, dd/mm/yyyy)."""
    field = row._meta.get_field(name)
    value = getattr(row, name)
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(getattr(row, f"get_{name}_display")())
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, Decimal):
        return vn_number(value)
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def _changes(old: models.Model, new: models.Model, names) -> list[str]:
    """ "name: old → new" for each of ``names`` that differs."""
    changes = []
    for name in names:
        attname = old._meta.get_field(name).attname
        if _stored(getattr(old, attname)) != _stored(getattr(new, attname)):
            field = old._meta.get_field(name).verbose_name
            changes.append(
                str(MSG_FIELD_FROM_TO % {"field": field, "old": _shown(old, name), "new": _shown(new, name)})
            )
    return changes


def _values(row: models.Model, names) -> str:
    return "; ".join(f"{row._meta.get_field(n).verbose_name}: {_shown(row, n)}" for n in names)


def row_kind(model) -> str:
    """The kind of row (``SetRowKind``) the set's history keeps for a row of ``model``."""
    return SetRowKind.HEADER if model is CriteriaSet else ANCHOR_PREFIXES[model]


def _kind_words(kind: str) -> set[str]:
    return in_every_language(SetRowKind(kind).label)


def _legacy_labels(kind: str, label: str) -> set[str]:
    """How an entry written before the history kept its rows' kind and id may name the row the
    page called ``label`` (in the page's language): its name after the kind, in every language."""
    words = _kind_words(kind)
    name = next((label[len(w) + 1 :] for w in words if label.startswith(w + " ")), None)
    return {label} if name is None else {f"{w} {name}" for w in words}


def last_change(criteria_set: CriteriaSet, model, pk: int | None, *, label: str = "") -> CriteriaSetChange | None:
    """The set's latest history entry about a row (``model``, ``pk``; ``CriteriaSet``: its header),
    found by the row's kind and id whatever language each editor used. Entries written before
    the history kept them are found by the row's name in any language (``label``: the row as
    the page named it), and the header's by naming no row."""
    kind = row_kind(model)
    entries = criteria_set.changes.select_related("user").order_by("-at", "-pk")
    keyed = Q(row_kind=kind) | Q(kind=SetChangeKind.CREATED) if model is CriteriaSet else Q(row_kind=kind, row_pk=pk)
    found = entries.filter(keyed).first()
    legacy = entries.filter(row_kind="", kind=SetChangeKind.EDITED)
    if found is not None:
        legacy = legacy.filter(Q(at__gt=found.at) | Q(at=found.at, pk__gt=found.pk))
    if model is CriteriaSet:
        row_words = tuple(f"{w} " for k in SetRowKind if k != SetRowKind.HEADER for w in _kind_words(k))
        older = next((e for e in legacy[:200] if not e.subject.startswith(row_words)), None)
    else:
        older = legacy.filter(subject__in=_legacy_labels(kind, label)).first() if label else None
    return older or found


def _who(entry: CriteriaSetChange | None) -> str:
    return (full_name(entry.user) if entry is not None else "") or str(MSG_SOMEONE)


def _is_removal(entry: CriteriaSetChange | None) -> bool:
    """Whether the history entry records the row's removal (in whichever language it was written)."""
    return entry is not None and entry.comment in in_every_language(MSG_REMOVED)


def row_gone_error(
    criteria_set: CriteriaSet, model, pk: int, label: str, *, user, removing: bool = False
) -> StaleWriteError:
    """The refusal of a write to a row removed since the form was shown (``label``: the row as the
    page named it, "" if unknown): who removed it, as the set's history says (``last_change``) —
    "you" when it was the user (in another tab, or before going back to the form). A row whose
    removal the history does not record (the Django admin, a shell) "no longer exists in this
    set", naming no one: its last entry, if any, was someone's edit, not the removal."""
    entry = last_change(criteria_set, model, pk, label=label)
    if entry is not None and entry.row_text:
        label = entry.row_text  # the row as the history names it, in the reader's language
    label = label or str(SetRowKind(row_kind(model)).label)
    if not _is_removal(entry):
        message = MSG_ROW_NO_LONGER_REMOVAL if removing else MSG_ROW_NO_LONGER
        return StaleWriteError(message, params={"row": capfirst(label)}, current=None)
    if entry.user_id == getattr(user, "pk", None):
        message = MSG_ROW_GONE_REMOVAL_BY_YOU if removing else MSG_ROW_GONE_BY_YOU
        return StaleWriteError(message, params={"row": label}, current=None)
    params = {"user": _who(entry), "row": label}
    return StaleWriteError(MSG_ROW_GONE_REMOVAL if removing else MSG_ROW_GONE, params=params, current=None)


ROW_REF_SALT = "criteria.set_editing.row_ref"


def row_ref(criteria_set: CriteriaSet, model, pk: int) -> str:
    """The proof, carried by a row's form, that the set's page showed this row of this set: signed
    with the portal's secret, so that a row removed without a word in the history (the admin, a
    shell) is still told apart from an id the set never held, or another set's row."""
    return salted_hmac(ROW_REF_SALT, f"{criteria_set.pk}:{row_kind(model)}:{pk}").hexdigest()[:32]


def was_in_set(criteria_set: CriteriaSet, model, pk: int, *, label: str = "", ref: str = "") -> bool:
    """Whether the set held the row (``model``, ``pk``), now gone: its history speaks of it (or, for
    an entry written before the history kept rows' ids, of a row named ``label``, the page's name
    of it), or the form posted the row's ``row_ref``. A row id the set never held was not
    "removed": it is not found."""
    if ref and constant_time_compare(ref, row_ref(criteria_set, model, pk)):
        return True
    return last_change(criteria_set, model, pk, label=label) is not None


def _check_not_stale(
    criteria_set: CriteriaSet,
    model,
    pk: int,
    expected_state: str | None,
    label: str,
    *,
    user,
    removing: bool = False,
):
    """The row as stored now, locked; ``StaleWriteError`` when it is no longer the row the form
    was based on (``expected_state``; None skips the check, for a caller without a page).
    ``removing``: the refused write was a removal, and the message says so."""
    current = model.objects.select_for_update().filter(pk=pk).first()
    if expected_state is None:
        return current
    if current is None:
        raise row_gone_error(criteria_set, model, pk, label, user=user, removing=removing)
    if row_state(current) != expected_state:
        header = isinstance(current, CriteriaSet)
        names = HEADER_FIELDS if header else ROW_FIELDS[model]
        now_label = str(_("the set's header")) if header else row_label(current)
        entry = last_change(criteria_set, model, pk, label=now_label)
        params = {
            "user": _who(entry),
            "row": now_label,
            "values": _values(current, names),
        }
        raise StaleWriteError(MSG_ROW_STALE_REMOVAL if removing else MSG_ROW_STALE, params=params, current=current)
    return current


def _owning_set_id(row: models.Model) -> int | None:
    if isinstance(row, Target):
        return row.indicator.criteria_set_id if row.indicator_id else None
    return row.criteria_set_id


def _check(criteria_set: CriteriaSet, user) -> CriteriaSet:
    check_can_edit_set(user, criteria_set)
    criteria_set = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    check_draft(criteria_set)
    return criteria_set


@transaction.atomic
def criteria_set_update_header(
    *,
    criteria_set: CriteriaSet,
    user,
    data: dict,
    decision_pdf: UploadedFile | None = None,
    expected_state: str | None = None,
) -> CriteriaSet:
    """Change the set's names, years, decision (number, date) and attach the decision's PDF.

    ``expected_state``: the header's ``row_state`` the form was based on (None skips the check)."""
    criteria_set = _check(criteria_set, user)
    old = _check_not_stale(criteria_set, CriteriaSet, criteria_set.pk, expected_state, "", user=user)
    changed = [f for f in HEADER_FIELDS if f in data and getattr(criteria_set, f) != data[f]]
    for field in changed:
        setattr(criteria_set, field, data[field])
    criteria_set.full_clean(exclude=["issuer", "supersedes", "decision_file"])
    if decision_pdf is not None:
        content_type = validate_upload(decision_pdf)
        if content_type != "application/pdf":
            raise ValidationError({"decision_pdf": [ValidationError(MSG_PDF_ONLY, code="type")]})
        old_file = criteria_set.decision_file.name
        criteria_set.decision_file.save(Path(decision_pdf.name).name, decision_pdf, save=False)
        changed.append("decision_file")
        if old_file:
            storage = criteria_set.decision_file.storage
            transaction.on_commit(lambda: storage.delete(old_file))
    if changed:
        criteria_set.save()
        # The fields by name: the history shows their labels in the reader's language.
        comment = "; ".join(_changes(old, criteria_set, [f for f in changed if f != "decision_file"]))
        set_change_record(
            criteria_set=criteria_set,
            kind=SetChangeKind.EDITED,
            user=user,
            subject=",".join(changed),
            comment=comment,
            row_kind=SetRowKind.HEADER,
        )
    return criteria_set


def row_name(row: models.Model) -> str:
    """A row's name without its kind, in no language: "15.1 (DBSH · 2026)", "12", "I"."""
    if isinstance(row, Target):
        scope = " · ".join(s for s in (row.region, str(row.commune_group or ""), str(row.year or "")) if s)
        return row.indicator.code + (f" ({scope})" if scope else "")
    if isinstance(row, Indicator):
        return row.code
    if isinstance(row, Criterion):
        return str(row.number)
    return row.code


def row_label(row: models.Model) -> str:
    """How a row is named in messages ("target 15.1 (DBSH)"), and in the history (``subject_text``)."""
    return f"{SetRowKind(row_kind(type(row))).label} {row_name(row)}"


def _record_row(
    criteria_set: CriteriaSet,
    user,
    row: models.Model,
    comment: str,
    pk: int | None = None,
    removed_row: dict | None = None,
) -> None:
    set_change_record(
        criteria_set=criteria_set,
        kind=SetChangeKind.EDITED,
        user=user,
        subject=row_name(row),
        comment=comment,
        row_kind=row_kind(type(row)),
        row_pk=row.pk if pk is None else pk,
        removed_row=removed_row,
    )


# The id of each kind of row on the set's page (``templates/criteria/sets/partials/structure.html``).
ANCHOR_PREFIXES = {CriterionGroup: "group", Criterion: "criterion", Indicator: "indicator", Target: "target"}


def row_anchor(row: models.Model) -> str:
    """The row's id on the set's page ("criterion-12"): where the editor is brought back to."""
    return f"{ANCHOR_PREFIXES[type(row)]}-{row.pk}"


@transaction.atomic
def set_row_save(
    *, criteria_set: CriteriaSet, user, row: models.Model, expected_state: str | None = None
) -> models.Model:
    """Add or change a group, criterion, indicator or target of a draft set.

    The row's links must stay inside the set: a criterion's group, an indicator's criterion,
    a target's indicator. A target saved as confirmed records who confirmed it, and when.
    ``expected_state``: the changed row's ``row_state`` the form was based on (None skips the
    check); the history records each changed field, old → new. An indicator added back with the
    code of one removed from the set gets the targets that one had (``_restore_targets``; what
    was done is on the returned row as ``restoration``, for the page to say).
    """
    criteria_set = _check(criteria_set, user)
    adding = row._state.adding
    old = (
        None if adding else _check_not_stale(criteria_set, type(row), row.pk, expected_state, row_label(row), user=user)
    )
    if isinstance(row, Target):
        _prepare_target(row, user)
    else:
        row.criteria_set = criteria_set
    _check_links(row, criteria_set)
    check_can_apply(row, criteria_set)
    if isinstance(row, Target):
        _check_target_value(row)
    row.full_clean()
    # An indicator added back (its code's latest removal): the targets it had when removed.
    removal = _last_removal(criteria_set, row.code) if adding and isinstance(row, Indicator) else None
    row.save()
    if adding:
        comment = str(_("added"))
    else:
        changes = _changes(old, row, ROW_FIELDS[type(row)]) if old is not None else []
        comment = "; ".join(changes) or str(MSG_SAVED_UNCHANGED)
    _record_row(criteria_set, user, row, comment)
    if removal is not None:
        row.restoration = _restore_targets(criteria_set, user, row, removal)
    return row


# What an indicator must keep for the targets it had to mean the same (a percentage, ≥).
SAME_MEANING = ("value_type", "unit", "comparison")


@dataclasses.dataclass(frozen=True)
class Restoration:
    """What adding back a removed indicator did with the targets it had when removed (``set_row_save``
    puts it on the row as ``restoration``): those back, as they were (``restored``), and those left
    out, each with why (``left``: its text and the reason; ``all_left``: the indicator's value type,
    unit or comparison is not the same now, so none is restored)."""

    code: str
    restored: list[str] = dataclasses.field(default_factory=list)
    left: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    all_left: bool = False

    def messages(self) -> list[tuple[bool, str]]:
        """What the editor is told, in the reader's language: (whether all is well, the sentence)."""
        said = []
        if self.restored:
            text = ngettext(
                "Its target, as it was when it was removed, is back: %(targets)s.",
                "Its %(count)d targets, as they were when it was removed, are back: %(targets)s.",
                len(self.restored),
            )
            said.append((True, text % {"count": len(self.restored), "targets": "; ".join(self.restored)}))
        if self.all_left:
            params = {"code": self.code, "targets": "; ".join(text for text, _reason in self.left)}
            said.append((False, str(MSG_TARGETS_NOT_SAME % params)))
        else:
            for text, reason in self.left:
                said.append(
                    (False, str(MSG_TARGET_NOT_RESTORED % {"code": self.code, "target": text, "reason": reason}))
                )
        return said


def _fields_of(row: models.Model) -> dict:
    """A row's stored fields by attname (its id left out): what the history keeps of a removed row
    (a moment to the microsecond, which the JSON encoder would cut to the millisecond)."""
    fields = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if not f.primary_key}
    return {k: v.isoformat() if isinstance(v, datetime.datetime) else v for k, v in fields.items()}


def _last_removal(criteria_set: CriteriaSet, code: str) -> CriteriaSetChange | None:
    """The removal of the set's indicator ``code`` when it is the latest word of the history about an
    indicator so coded (not yet added back, nor renamed into since) and it took targets with it."""
    entry = (
        criteria_set.changes.filter(kind=SetChangeKind.EDITED, row_kind=SetRowKind.INDICATOR, subject=code)
        .order_by("-at", "-pk")
        .first()
    )
    return entry if _is_removal(entry) and entry.removed_row and entry.removed_row.get("targets") else None


def _target_text(target: Target) -> str:
    """A target as the set's page shows it among its indicator's: "82,5", "70 · Trung du và miền
    núi phía Bắc", "45 · từ 2024" (``templates/criteria/sets/partials/structure.html``)."""
    parts = ["—" if target.value is None else vn_number(target.value)]
    if target.region:
        parts.append(str(target.get_region_display()))
    if target.commune_group:
        parts.append(f"{_('group')} {target.commune_group}")
    if target.year:
        parts.append(f"{_('from')} {target.year}")
    return " · ".join(parts)


def _target_from(fields: dict, indicator: Indicator) -> Target:
    """The target as it was removed, on ``indicator``; confirmed by whoever had confirmed it (to
    verify again if that user is gone)."""
    value = fields.get("value")
    target = Target(
        indicator=indicator,
        value=None if value is None else Decimal(value),
        region=fields.get("region") or "",
        commune_group=fields.get("commune_group"),
        year=fields.get("year"),
        to_verify=bool(fields.get("to_verify")),
    )
    confirmer = fields.get("confirmed_by_id")
    if confirmer is not None and get_user_model().objects.filter(pk=confirmer).exists():
        target.confirmed_by_id = confirmer
        target.confirmed_at = parse_datetime(fields["confirmed_at"]) if fields.get("confirmed_at") else None
    elif confirmer is not None:
        target.to_verify = True
    return target


def _restore_targets(criteria_set: CriteriaSet, user, indicator: Indicator, removal: CriteriaSetChange) -> Restoration:
    """Put back on ``indicator``, added back, the targets its namesake had when removed (``removal``):
    each as it was, unless it could not apply now (the set's years or targets basis changed since,
    ``check_can_apply``), or the indicator's values no longer mean the same (``SAME_MEANING``). Each
    target put back is a history entry; those left out are named to the editor, values and all."""
    was = removal.removed_row
    targets = [_target_from(fields, indicator) for fields in was.get("targets", [])]
    if any(was.get(name) != getattr(indicator, name) for name in SAME_MEANING):
        return Restoration(indicator.code, left=[(_target_text(t), "") for t in targets], all_left=True)
    restoration = Restoration(indicator.code)
    when = f"{timezone.localtime(removal.at):%d/%m/%Y %H:%M}"
    for target in targets:
        try:
            check_can_apply(target, criteria_set)
            _check_target_value(target)
            target.full_clean()
        except ValidationError as exc:
            restoration.left.append((_target_text(target), " ".join(exc.messages)))
            continue
        target.save()
        restoration.restored.append(_target_text(target))
        values = _values(target, ("value", "to_verify"))
        _record_row(criteria_set, user, target, str(MSG_RESTORED % {"date": when, "values": values}))
    return restoration


def _prepare_target(target: Target, user) -> None:
    """Whoever saves a target not marked "to verify" vouches for it against the decision text."""
    if target.to_verify:
        target.confirmed_by, target.confirmed_at = None, None
    else:
        target.confirmed_by, target.confirmed_at = user, timezone.now()


def _check_target_value(target: Target) -> None:
    """A target is held to what the indicator's values may be (``evaluation.parse_value``): a
    percentage within 0–100, nothing negative, counts and amounts whole — a target no value
    can reach would leave its criterion never met — and a value, unless the indicator is met by
    a yes (“met (đạt)”): an empty target, confirmed, would leave it never assessed. Refused at
    ``value`` (the form's field)."""
    if not target.indicator_id:
        return
    label = capfirst(f"{_('target')} {target.indicator.code}")  # it begins the message
    if target.value is None:
        if target.indicator.comparison != Comparison.MET:
            raise ValidationError(
                {"value": [ValidationError(MSG_TARGET_VALUE_REQUIRED, code="required", params={"indicator": label})]}
            )
        return
    if target.indicator.value_type == ValueType.YES_NO:
        return
    try:
        evaluation.parse_value(target.value, target.indicator.value_type, indicator=label)
    except ValidationError as exc:
        raise ValidationError({"value": [exc]}) from None


def check_can_apply(row: models.Model, criteria_set: CriteriaSet) -> None:
    """Refuse, at its field, a row that could never apply: a target for a commune group or a region
    the set's targets do not depend on (``target_basis``, as ``check_publishable`` reads it), a
    target from a year outside the set's years, an indicator coded as another criterion's."""
    errors: dict[str, list[ValidationError]] = {}
    if isinstance(row, Target):
        basis = {"basis": criteria_set.get_target_basis_display()}
        if row.commune_group is not None and criteria_set.target_basis != TargetBasis.GROUP:
            errors["commune_group"] = [ValidationError(MSG_TARGET_GROUP_UNUSED, code="basis", params=basis)]
        if row.region and criteria_set.target_basis != TargetBasis.REGION:
            errors["region"] = [ValidationError(MSG_TARGET_REGION_UNUSED, code="basis", params=basis)]
        if row.year is not None and not criteria_set.year_from <= row.year <= criteria_set.year_to:
            params = {"years": criteria_set.years_in_words, "year": row.year}
            errors["year"] = [ValidationError(MSG_TARGET_YEAR_OUTSIDE, code="year", params=params)]
    if isinstance(row, Indicator) and row.criterion_id and row.code:
        number = str(row.criterion.number)
        if row.code != number and not row.code.startswith(f"{number}."):
            params = {"number": number, "code": row.code}
            errors["code"] = [ValidationError(MSG_INDICATOR_CODE_OF_CRITERION, code="criterion", params=params)]
    if errors:
        raise ValidationError(errors)


def _check_links(row: models.Model, criteria_set: CriteriaSet) -> None:
    links = {
        Criterion: ("group", lambda r: r.group.criteria_set_id if r.group_id else None),
        Indicator: ("criterion", lambda r: r.criterion.criteria_set_id if r.criterion_id else None),
        Target: ("indicator", lambda r: r.indicator.criteria_set_id if r.indicator_id else None),
    }
    spec = links.get(type(row))
    if spec is None:
        return
    field, owner = spec
    if owner(row) not in (None, criteria_set.pk):
        raise ValidationError({field: [ValidationError(MSG_OTHER_SET, code="other_set")]})


@transaction.atomic
def set_row_delete(*, criteria_set: CriteriaSet, user, row: models.Model, expected_state: str | None = None) -> None:
    """Remove a row of a draft set (a group or criterion only once empty); ``expected_state``
    as for ``set_row_save``."""
    criteria_set = _check(criteria_set, user)
    if _owning_set_id(row) != criteria_set.pk:
        raise ValidationError(MSG_OTHER_SET, code="other_set")
    label = row_label(row)
    _check_not_stale(criteria_set, type(row), row.pk, expected_state, label, user=user, removing=True)
    if (isinstance(row, CriterionGroup) and row.criteria.exists()) or (
        isinstance(row, Criterion) and row.indicators.exists()
    ):
        raise ValidationError(MSG_IN_USE, code="in_use", params={"row": capfirst(label)})
    pk = row.pk
    # An indicator's targets go with it: the history says so of each, so that a form still open
    # on one of them is told who removed it. Each removal keeps the row as it was (an indicator's
    # with its targets): adding the indicator back restores them (``_restore_targets``).
    targets = list(row.targets.select_related("indicator")) if isinstance(row, Indicator) else []
    was = _fields_of(row)
    if isinstance(row, Indicator):
        was["targets"] = [_fields_of(target) for target in targets]
    try:
        with transaction.atomic():
            row.delete()
    except ProtectedError:
        raise ValidationError(MSG_IN_USE, code="in_use", params={"row": capfirst(label)}) from None
    removed = str(MSG_REMOVED)
    _record_row(criteria_set, user, row, removed, pk=pk, removed_row=was)
    for target in targets:
        _record_row(criteria_set, user, target, removed, removed_row=_fields_of(target))


@transaction.atomic
def criteria_set_create(*, province: AdministrativeUnit | None, user, data: dict) -> CriteriaSet:
    """Start a blank draft issued by ``province`` (None: a national draft, administrators only)."""
    if province is not None and province.level != Level.PROVINCE:
        raise ValidationError(MSG_NOT_A_PROVINCE, code="level")
    if not (is_administrator(user) if province is None else access.speaks_for_province(user, province)):
        raise PermissionDenied(MSG_NATIONAL_READ_ONLY if province is None else MSG_NOT_PROVINCE_OFFICE)
    code = (data.get("code") or "").strip()
    check_set_code(code)
    if CriteriaSet.objects.filter(code=code).exists():
        raise ValidationError({"code": [ValidationError(MSG_CODE_TAKEN, code="code", params={"code": code})]})
    fields = {f: data[f] for f in (*HEADER_FIELDS, "level", "tier") if f in data}
    criteria_set = CriteriaSet(code=code, issuer=province, status=SetStatus.DRAFT, **fields)
    criteria_set.full_clean(exclude=["supersedes", "decision_file"])
    criteria_set.save()
    # Nothing frozen in the writer's language: the entry reads "blank" in the reader's (``comment_text``).
    set_change_record(criteria_set=criteria_set, kind=SetChangeKind.CREATED, user=user)
    return criteria_set
