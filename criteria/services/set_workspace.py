"""The province office's criteria sets: clone into a province draft, confirm targets, publish,
retire. Each function is one transaction, checks who may act (``criteria/access_sets.py``)
and appends to the set's history (``CriteriaSetChange``).

A target's provenance: ``to_verify`` (not yet checked against the decision text) or confirmed
(``confirmed_by``, ``confirmed_at``). Publishing lists the targets still to verify and needs
each confirmed, or all of them explicitly accepted (who and when go into the history).
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from communes.access import is_administrator
from communes.models import AdministrativeUnit, Level
from criteria.access_sets import check_can_edit_set
from criteria.models import CriteriaSet, CriteriaSetChange, SetChangeKind, SetRowKind, SetStatus, Target
from criteria.services.catalog import (
    PublishBlocker,
    PublishRefused,
    catalog_set_clone,
    catalog_set_publish,
    publish_blockers,
)

MSG_NOT_A_PROVINCE = _("Criteria sets are issued by a province.")
MSG_CODE_TAKEN = _("A criteria set with code %(code)s already exists; choose another code.")
# A set's code is checked as a unit's is (``communes.models.CODE_PATTERN``, the same words): it
# names the set in its pages, its files and the import's templates; "DEMO THON KM" was accepted.
SET_CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
MSG_CODE_CHARACTERS = _("Use letters, digits, dot, dash or underscore.")
MSG_NOT_DRAFT = _("Only a draft set can be changed; this one is %(status)s. Clone it as a new version.")
MSG_UNCONFIRMED = ngettext_lazy(
    "%(count)s target is not yet confirmed against the decision text: confirm it, "
    "or tick “publish with these targets unconfirmed”.",
    "%(count)s targets are not yet confirmed against the decision text: confirm each of them, "
    "or tick “publish with these targets unconfirmed”.",
    "count",
)
MSG_UNCONFIRMED_CHANGED = _(
    "The number of unconfirmed targets changed (now %(count)s) since the page was shown; check them again."
)
MSG_NOT_PUBLISHED = _("Only a published set can be retired.")
MSG_RETIRE_REASON = _("Say why the set is retired (e.g. the decision that replaces it).")
MSG_ALREADY_CONFIRMED = _("This target is already confirmed.")
MSG_TARGET_GONE = _("This target is not in the set.")


def set_change_record(
    *,
    criteria_set: CriteriaSet,
    kind: str,
    user,
    subject: str = "",
    comment: str = "",
    row_kind: str = "",
    row_pk: int | None = None,
    removed_row: dict | None = None,
) -> None:
    """Append one entry to the set's history (only the set services call it); ``row_kind`` and
    ``row_pk``: the row it is about (``CriteriaSetChange``); ``removed_row``: a removed row's fields."""
    CriteriaSetChange.objects.create(
        criteria_set=criteria_set,
        kind=kind,
        subject=subject[:200],
        comment=comment,
        user=user,
        at=timezone.now(),
        row_kind=row_kind,
        row_pk=row_pk,
        removed_row=removed_row,
    )


def check_draft(criteria_set: CriteriaSet) -> None:
    if criteria_set.status != SetStatus.DRAFT:
        raise ValidationError(
            MSG_NOT_DRAFT, code="published", params={"status": criteria_set.get_status_display().lower()}
        )


def province_code_for(criteria_set: CriteriaSet, province: AdministrativeUnit | None) -> str:
    """The code of a clone: an amendment by the same issuer keeps the code (next version); a
    province's copy of another issuer's set gets a code of its own, prefixed by the province."""
    if province is None or criteria_set.issuer_id == province.pk:
        return criteria_set.code
    return f"{province.code}-{criteria_set.code}"[:40]


def check_set_code(code: str) -> None:
    """Refuse, at ``code``, a new set's code other than letters, digits, dot, dash or underscore
    (no spaces), up to 40 characters."""
    if not SET_CODE_PATTERN.match(code):
        raise ValidationError({"code": [ValidationError(MSG_CODE_CHARACTERS, code="invalid")]})


@transaction.atomic
def criteria_set_clone_for(
    *, criteria_set: CriteriaSet, province: AdministrativeUnit | None, user, code: str = ""
) -> CriteriaSet:
    """A draft copy of ``criteria_set`` issued by ``province`` (None: a national draft, which
    only an administrator may create). The source must be the State's or the province's own."""
    if province is not None and province.level != Level.PROVINCE:
        raise ValidationError(MSG_NOT_A_PROVINCE, code="level")
    if province is None and not is_administrator(user):
        check_can_edit_set(user, criteria_set)  # refuses with the national-set message
    if criteria_set.issuer_id not in (None, getattr(province, "pk", None)):
        raise PermissionDenied(MSG_NOT_A_PROVINCE)
    if code := (code or "").strip():
        check_set_code(code)  # a code typed; the one made for it follows the original's
    code = code or province_code_for(criteria_set, province)
    # A code is one issuer's: versions of the same code are amendments by the same issuer.
    if CriteriaSet.objects.filter(code=code).exclude(issuer=province).exists():
        raise ValidationError({"code": [ValidationError(MSG_CODE_TAKEN, code="code", params={"code": code})]})
    clone = catalog_set_clone(criteria_set=criteria_set, issuer=province, code=code, user=user)
    set_change_record(criteria_set=clone, kind=SetChangeKind.CREATED, user=user, subject=str(criteria_set))
    return clone


def _target_label(target: Target) -> str:
    scope = [target.region, str(target.commune_group or ""), str(target.year or "")]
    scope_text = " · ".join(s for s in scope if s)
    return f"{target.indicator.code}" + (f" ({scope_text})" if scope_text else "")


@transaction.atomic
def target_confirm(*, target: Target, user) -> Target:
    """Record that ``target`` was checked against the decision text: by ``user``, now."""
    target = Target.objects.select_related("indicator__criteria_set").select_for_update().filter(pk=target.pk).first()
    if target is None:  # removed by another editor since the page read it
        raise ValidationError(MSG_TARGET_GONE, code="gone")
    criteria_set = target.indicator.criteria_set
    check_can_edit_set(user, criteria_set)
    check_draft(criteria_set)
    if not target.to_verify and target.confirmed_by_id:
        raise ValidationError(MSG_ALREADY_CONFIRMED, code="confirmed")
    target.to_verify = False
    target.confirmed_by = user
    target.confirmed_at = timezone.now()
    target.save(update_fields=["to_verify", "confirmed_by", "confirmed_at"])
    set_change_record(
        criteria_set=criteria_set,
        kind=SetChangeKind.CONFIRMED,
        user=user,
        subject=_target_label(target),
        row_kind=SetRowKind.TARGET,
        row_pk=target.pk,
    )
    return target


def unconfirmed_targets(criteria_set: CriteriaSet) -> list[Target]:
    """The set's targets still marked to verify, in sheet order."""
    return list(
        Target.objects.filter(indicator__criteria_set=criteria_set, to_verify=True)
        .select_related("indicator")
        .order_by("indicator__criterion__number", "indicator__position", "region", "commune_group", "year")
    )


@transaction.atomic
def criteria_set_publish_checked(*, criteria_set: CriteriaSet, user, accept_unconfirmed: int = 0) -> CriteriaSet:
    """Publish a draft the user may edit. Targets still to verify must be confirmed first, or
    accepted all at once: ``accept_unconfirmed`` is the number the user saw and accepted; it
    must match (the history records who accepted which targets, and when).

    Refused (``PublishRefused``) with every reason at once: the targets still to verify and
    whatever ``publish_blockers`` finds, each with the row to fix."""
    check_can_edit_set(user, criteria_set)
    # The set as stored, locked: the checks read its header as it is now, not as the caller read it.
    criteria_set = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    check_draft(criteria_set)
    pending = unconfirmed_targets(criteria_set)
    blockers = []
    if pending and not accept_unconfirmed:
        blockers.append(PublishBlocker(MSG_UNCONFIRMED, code="unconfirmed", params={"count": len(pending)}))
    elif pending and accept_unconfirmed != len(pending):
        params = {"count": len(pending)}
        blockers.append(PublishBlocker(MSG_UNCONFIRMED_CHANGED, code="unconfirmed_changed", params=params))
    require_targets = criteria_set.issuer_id is not None
    blockers += publish_blockers(criteria_set, require_targets=require_targets)
    if blockers:
        raise PublishRefused(blockers)
    published = catalog_set_publish(criteria_set=criteria_set, require_targets=require_targets)
    comment = ""
    if pending:
        comment = str(_("Published with %(count)s targets unconfirmed: %(targets)s")) % {
            "count": len(pending),
            "targets": ", ".join(_target_label(t) for t in pending),
        }
    set_change_record(criteria_set=published, kind=SetChangeKind.PUBLISHED, user=user, comment=comment)
    return published


@transaction.atomic
def criteria_set_retire(*, criteria_set: CriteriaSet, user, reason: str) -> CriteriaSet:
    """Retire a published set: no new assessment starts against it; existing ones stay readable."""
    check_can_edit_set(user, criteria_set)
    criteria_set = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    if criteria_set.status != SetStatus.PUBLISHED:
        raise ValidationError(MSG_NOT_PUBLISHED, code="status")
    if not (reason or "").strip():
        raise ValidationError({"reason": [ValidationError(MSG_RETIRE_REASON, code="required")]})
    criteria_set.status = SetStatus.RETIRED
    criteria_set.save(update_fields=["status"])
    set_change_record(criteria_set=criteria_set, kind=SetChangeKind.RETIRED, user=user, comment=reason.strip())
    return criteria_set
