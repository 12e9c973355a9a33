"""Editing a draft criteria set: its header and decision PDF, groups, criteria, indicators and
targets. Each function is one transaction; it checks that the user may change the set
(``criteria/access_sets.py``) and that the set is still a draft (a published set is frozen:
``FrozenWithSetMixin``), validates the row in full (constraints included, so a duplicate
code is a message at the form, never a database error) and appends to the set's history.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes import access
from communes.access import is_administrator
from communes.models import AdministrativeUnit, Level
from criteria import evaluation
from criteria.access_sets import (
    MSG_NATIONAL_READ_ONLY,
    MSG_NOT_PROVINCE_OFFICE,
    check_can_edit_set,
)
from criteria.models import (
    CriteriaSet,
    Criterion,
    CriterionGroup,
    Indicator,
    SetChangeKind,
    SetStatus,
    Target,
    ValueType,
)
from criteria.services.evidence import validate_upload
from criteria.services.set_workspace import MSG_CODE_TAKEN, MSG_NOT_A_PROVINCE, check_draft, set_change_record
from ntm_portal.numbers import vn_number

MSG_PDF_ONLY = _("The issuing decision is attached as a PDF file.")
MSG_IN_USE = _("%(row)s is still used: remove what it holds first.")
MSG_OTHER_SET = _("This belongs to another criteria set.")
MSG_CHANGED_FROM_TO = _("changed: %(old)s → %(new)s")

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
    *, criteria_set: CriteriaSet, user, data: dict, decision_pdf: UploadedFile | None = None
) -> CriteriaSet:
    """Change the set's names, years, decision (number, date) and attach the decision's PDF."""
    criteria_set = _check(criteria_set, user)
    changed = [f for f in HEADER_FIELDS if f in data and getattr(criteria_set, f) != data[f]]
    for field in changed:
        setattr(criteria_set, field, data[field])
    criteria_set.full_clean(exclude=["issuer", "supersedes", "decision_file"])
    if decision_pdf is not None:
        content_type = validate_upload(decision_pdf)
        if content_type != "application/pdf":
            raise ValidationError({"decision_pdf": [ValidationError(MSG_PDF_ONLY, code="type")]})
        old = criteria_set.decision_file.name
        criteria_set.decision_file.save(Path(decision_pdf.name).name, decision_pdf, save=False)
        changed.append("decision_file")
        if old:
            storage = criteria_set.decision_file.storage
            transaction.on_commit(lambda: storage.delete(old))
    if changed:
        criteria_set.save()
        # The fields' labels in the editor's language, as the rows' labels are (``row_label``).
        labels = ", ".join(str(CriteriaSet._meta.get_field(f).verbose_name) for f in changed)
        set_change_record(criteria_set=criteria_set, kind=SetChangeKind.EDITED, user=user, subject=labels)
    return criteria_set


def row_label(row: models.Model) -> str:
    """How a row is named in the history and in messages."""
    if isinstance(row, Target):
        scope = " · ".join(s for s in (row.region, str(row.commune_group or ""), str(row.year or "")) if s)
        return f"{_('target')} {row.indicator.code}" + (f" ({scope})" if scope else "")
    if isinstance(row, Indicator):
        return f"{_('indicator')} {row.code}"
    if isinstance(row, Criterion):
        return f"{_('criterion')} {row.number}"
    return f"{_('group')} {row.code}"


@transaction.atomic
def set_row_save(*, criteria_set: CriteriaSet, user, row: models.Model) -> models.Model:
    """Add or change a group, criterion, indicator or target of a draft set.

    The row's links must stay inside the set: a criterion's group, an indicator's criterion,
    a target's indicator. A target saved as confirmed records who confirmed it, and when.
    """
    criteria_set = _check(criteria_set, user)
    if isinstance(row, Target):
        _prepare_target(row, user)
    else:
        row.criteria_set = criteria_set
    _check_links(row, criteria_set)
    if isinstance(row, Target):
        _check_target_value(row)
    adding = row._state.adding
    old_value = None if adding or not isinstance(row, Target) else Target.objects.get(pk=row.pk).value
    row.full_clean()
    row.save()
    comment = str(_("added")) if adding else str(_("changed"))
    if isinstance(row, Target) and not adding and old_value != row.value:
        comment = str(MSG_CHANGED_FROM_TO % {"old": _threshold(old_value), "new": _threshold(row.value)})
    set_change_record(
        criteria_set=criteria_set, kind=SetChangeKind.EDITED, user=user, subject=row_label(row), comment=comment
    )
    return row


def _threshold(value) -> str:
    return "—" if value is None else vn_number(value)


def _prepare_target(target: Target, user) -> None:
    """Whoever saves a target not marked "to verify" vouches for it against the decision text."""
    if target.to_verify:
        target.confirmed_by, target.confirmed_at = None, None
    else:
        target.confirmed_by, target.confirmed_at = user, timezone.now()


def _check_target_value(target: Target) -> None:
    """A target is held to what the indicator's values may be (``evaluation.parse_value``): a
    percentage within 0–100, nothing negative, counts and amounts whole — a target no value
    can reach would leave its criterion never met. Refused at ``value`` (the form's field)."""
    if target.value is None or not target.indicator_id or target.indicator.value_type == ValueType.YES_NO:
        return
    label = f"{_('target')} {target.indicator.code}"
    try:
        evaluation.parse_value(target.value, target.indicator.value_type, indicator=label)
    except ValidationError as exc:
        raise ValidationError({"value": [exc]}) from None


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
def set_row_delete(*, criteria_set: CriteriaSet, user, row: models.Model) -> None:
    """Remove a row of a draft set (a group or criterion only once empty)."""
    criteria_set = _check(criteria_set, user)
    if _owning_set_id(row) != criteria_set.pk:
        raise ValidationError(MSG_OTHER_SET, code="other_set")
    label = row_label(row)
    if (isinstance(row, CriterionGroup) and row.criteria.exists()) or (
        isinstance(row, Criterion) and row.indicators.exists()
    ):
        raise ValidationError(MSG_IN_USE, code="in_use", params={"row": label})
    try:
        with transaction.atomic():
            row.delete()
    except ProtectedError:
        raise ValidationError(MSG_IN_USE, code="in_use", params={"row": label}) from None
    set_change_record(
        criteria_set=criteria_set, kind=SetChangeKind.EDITED, user=user, subject=label, comment=str(_("removed"))
    )


@transaction.atomic
def criteria_set_create(*, province: AdministrativeUnit | None, user, data: dict) -> CriteriaSet:
    """Start a blank draft issued by ``province`` (None: a national draft, administrators only)."""
    if province is not None and province.level != Level.PROVINCE:
        raise ValidationError(MSG_NOT_A_PROVINCE, code="level")
    if not (is_administrator(user) if province is None else access.speaks_for_province(user, province)):
        raise PermissionDenied(MSG_NATIONAL_READ_ONLY if province is None else MSG_NOT_PROVINCE_OFFICE)
    code = (data.get("code") or "").strip()
    if CriteriaSet.objects.filter(code=code).exists():
        raise ValidationError({"code": [ValidationError(MSG_CODE_TAKEN, code="code", params={"code": code})]})
    fields = {f: data[f] for f in (*HEADER_FIELDS, "level", "tier") if f in data}
    criteria_set = CriteriaSet(code=code, issuer=province, status=SetStatus.DRAFT, **fields)
    criteria_set.full_clean(exclude=["supersedes", "decision_file"])
    criteria_set.save()
    set_change_record(criteria_set=criteria_set, kind=SetChangeKind.CREATED, user=user, comment=str(_("blank")))
    return criteria_set
