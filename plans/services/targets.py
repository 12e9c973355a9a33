"""Registered targets (with their history) and province targets."""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from communes import access
from communes.models import AdministrativeUnit, Level, year_days
from communes.permissions import can_enter_province_targets, can_set_registered_target
from criteria import evaluation
from criteria.figures import communes_of_year_q, holds_title, year_cutoff
from criteria.models import SetLevel, Tier
from criteria.services.in_force import fewest_criteria_in_force
from ntm_portal.errors import StaleWriteError
from plans.models import (
    PROGRAMME_START,
    PROVINCE_TARGET_FIELDS,
    TARGET_YEAR_LAST,
    ProvinceTarget,
    ProvinceTargetChange,
    RegisteredTarget,
    RegisteredTargetChange,
)
from plans.services.permissions import (
    lock_unit,
    require_signed_in,
    user_name,
)

MSG_TARGET_NO_PERMISSION = _(
    "Only the district steering committee (for the communes and villages of its district) or the province "
    "coordination office may register targets for this unit."
)
MSG_PROVINCE_TARGET_NO_PERMISSION = _("Only the province coordination office may enter the province's targets.")
MSG_TARGET_LEVEL = _("Targets are registered for districts, communes and villages; a province enters province targets.")
MSG_TIER_UNKNOWN = _("Choose a tier: standard, advanced or model.")
MSG_TARGET_YEAR_RANGE = _("The target year must be between %(first)s and %(last)s.")
MSG_BASIS_REQUIRED = _("Name the decision or plan this target comes from.")
MSG_TIER_BEFORE_LOWER = _(
    "The %(tier)s target (%(year)s) cannot come before the %(other)s target (%(other_year)s): each tier needs "
    "the one below."
)
MSG_TIER_AFTER_HIGHER = _(
    "The %(tier)s target (%(year)s) cannot come after the %(other)s target (%(other_year)s): each tier needs "
    "the one below."
)
MSG_UNIT_ENDED = _("%(unit)s ceased to exist on %(date)s.")
MSG_UNIT_NOT_BEGUN = _("%(unit)s exists from %(date)s: the target year cannot be before %(year)s.")
MSG_LOWER_TIER_FIRST = _(
    "The %(tier)s target (%(year)s) needs the %(other)s title first: the unit does not hold it and has no "
    "%(other)s target; register that one first."
)
MSG_REASON_REQUIRED = _("Say why the target is withdrawn (the decision or the reason).")
MSG_NOTHING_TO_WITHDRAW = _("This unit has no %(tier)s target in force to withdraw.")
MSG_WITHDRAW_HIGHER_FIRST = _(
    "The %(other)s target (%(other_year)s) needs the %(tier)s one: the unit does not hold the %(tier)s title. "
    "Withdraw the %(other)s target first."
)
MSG_TARGET_STALE = _("This target was changed by %(user)s in the meantime (now: %(year)s). Review it and save again.")
MSG_TARGET_STALE_WITHDRAW = _(
    "This target was changed by %(user)s in the meantime (now: %(year)s). Review it and withdraw it again if it "
    "still has to go."
)
MSG_TARGET_WITHDRAWN_MEANWHILE = _(
    "This target was withdrawn by %(user)s in the meantime: there is nothing left to withdraw."
)

MSG_NOT_A_PROVINCE = _("Province targets belong to a province.")
MSG_PERIOD_RANGE = _("The period must lie between %(first)s and %(last)s.")
MSG_PERIOD_ORDER = _("The period cannot end before it starts.")
MSG_PERIOD_TAKEN = _("The province already has targets for %(first)s–%(last)s.")
MSG_YEAR_TAKEN = _("The province already has targets for %(first)s.")
MSG_COUNT_NEGATIVE = _("A number of communes cannot be negative.")
MSG_COUNT_OVER_COMMUNES = ngettext_lazy(
    "%(province)s has at most %(count)s commune during %(first)s–%(last)s: the target cannot be higher.",
    "%(province)s has at most %(count)s communes during %(first)s–%(last)s: the target cannot be higher.",
    "count",
)
MSG_COUNT_OVER_COMMUNES_YEAR = ngettext_lazy(
    "%(province)s has at most %(count)s commune in %(year)s: the target cannot be higher.",
    "%(province)s has at most %(count)s communes in %(year)s: the target cannot be higher.",
    "count",
)
MSG_ADVANCED_OVER_STANDARD = _(
    "Communes advanced cannot outnumber communes standard: an advanced commune is also standard."
)
MSG_MODEL_OVER_ADVANCED = _("Model communes cannot outnumber advanced communes: a model commune is also advanced.")
MSG_MODEL_OVER_STANDARD = _("Model communes cannot outnumber communes standard: a model commune is also standard.")
MSG_MIN_CRITERIA_RANGE = _("The minimum number of criteria must be between 1 and 30.")
MSG_MIN_CRITERIA_OVER_SET = _(
    "The criteria set %(set)s applied in %(years)s has %(count)s criteria: the threshold must be between 1 and "
    "%(count)s."
)
MSG_VILLAGES_SHARE = _("Share of villages recognised")
MSG_SHARE_PRECISION = _("%(indicator)s: at most one decimal place is allowed.")
MSG_PROVINCE_TARGET_STALE = _("These targets were changed by %(user)s in the meantime. Review them and save again.")

# --- Registered targets --------------------------------------------------------------------

_TIER_ORDER = list(Tier.values)  # standard < advanced < model


def _ladder_errors(tier: str, year: int, others: dict[str, int]) -> list[ValidationError]:
    """The tiers are a ladder: a higher tier's target year cannot come before a lower one's."""
    errors = []
    rank = _TIER_ORDER.index(tier)
    for other, other_year in others.items():
        other_rank = _TIER_ORDER.index(other)
        params = {
            "tier": Tier(tier).label.lower(),
            "year": year,
            "other": Tier(other).label.lower(),
            "other_year": other_year,
        }
        if other_rank < rank and year < other_year:
            errors.append(ValidationError(MSG_TIER_BEFORE_LOWER, code="ladder", params=params))
        elif other_rank > rank and year > other_year:
            errors.append(ValidationError(MSG_TIER_AFTER_HIGHER, code="ladder", params=params))
    return errors


def _missing_rungs(unit: AdministrativeUnit, tier: str, year: int, targets: dict) -> list[ValidationError]:
    """A higher tier planned for a unit that neither holds the tier below nor plans it: the
    ladder needs that rung first (QA: an advanced target was saved for a commune with neither
    the standard title nor a standard target)."""
    errors = []
    for lower in _TIER_ORDER[: _TIER_ORDER.index(tier)]:
        if lower not in targets and not holds_title(unit, lower, timezone.localdate()):
            params = {"tier": Tier(tier).label.lower(), "year": year, "other": Tier(lower).label.lower()}
            errors.append(ValidationError(MSG_LOWER_TIER_FIRST, code="ladder", params=params))
    return errors


@transaction.atomic
def registered_target_set(
    *,
    unit: AdministrativeUnit,
    tier: str,
    target_year: int,
    basis: str,
    user,
    expected_version: int | None,
    at: datetime.datetime | None = None,
) -> RegisteredTarget:
    """Register (or change) the year ``unit`` plans to reach ``tier``, with its history.

    ``expected_version`` is the version the user saw (0: no target yet; None skips the check,
    for trusted loads). Setting the same year and basis again changes nothing.
    """
    require_signed_in(user)
    if not access.can_read_unit(user, unit):
        raise PermissionDenied(MSG_TARGET_NO_PERMISSION)
    if unit.level not in (Level.DISTRICT, Level.COMMUNE, Level.VILLAGE):
        raise ValidationError({"unit": [ValidationError(MSG_TARGET_LEVEL, code="level")]})
    if not can_set_registered_target(user, unit):
        raise PermissionDenied(MSG_TARGET_NO_PERMISSION)

    basis = (basis or "").strip()
    errors: dict[str, list[ValidationError]] = {}
    if tier not in Tier.values:
        errors.setdefault("tier", []).append(ValidationError(MSG_TIER_UNKNOWN, code="tier"))
    if not PROGRAMME_START <= target_year <= TARGET_YEAR_LAST:
        errors.setdefault("target_year", []).append(
            ValidationError(
                MSG_TARGET_YEAR_RANGE, code="year_range", params={"first": PROGRAMME_START, "last": TARGET_YEAR_LAST}
            )
        )
    elif (side := unit.lifetime_side(*year_days(target_year))) == "after":
        errors.setdefault("target_year", []).append(
            ValidationError(
                MSG_UNIT_ENDED, code="unit_ended", params={"unit": unit, "date": unit.valid_to.strftime("%d/%m/%Y")}
            )
        )
    elif side == "before":
        # QA: a commune formed on 1 July 2025 was registered to reach the standard in 2024.
        errors.setdefault("target_year", []).append(
            ValidationError(
                MSG_UNIT_NOT_BEGUN,
                code="unit_not_begun",
                params={"unit": unit, "date": unit.valid_from.strftime("%d/%m/%Y"), "year": unit.valid_from.year},
            )
        )
    if not basis:
        errors.setdefault("basis", []).append(ValidationError(MSG_BASIS_REQUIRED, code="required"))
    if errors:
        raise ValidationError(errors)

    # Lock the unit's targets: the ladder check reads them all.
    targets = {
        t.tier: t
        for t in RegisteredTarget.objects.select_for_update(of=("self",)).select_related("set_by").filter(unit=unit)
    }
    current = targets.get(tier)
    withdrawn = current is not None and current.withdrawn_at is not None
    unchanged = current is not None and not withdrawn and (current.target_year, current.basis) == (target_year, basis)
    # Based on an older version but saving what stands now (two members typed the same): saved.
    if expected_version is not None and expected_version != (current.version if current else 0) and not unchanged:
        raise StaleWriteError(
            MSG_TARGET_STALE,
            params={
                "user": user_name(current.set_by) if current else "—",
                "year": current.target_year if current else "—",
            },
            current=current,
        )
    in_force = {t: o for t, o in targets.items() if o.withdrawn_at is None}
    ladder = _ladder_errors(tier, target_year, {t: o.target_year for t, o in in_force.items() if t != tier})
    ladder += _missing_rungs(unit, tier, target_year, in_force)
    if ladder:
        raise ValidationError({"target_year": ladder})
    if unchanged:
        return current

    moment = at or timezone.now()
    old_year = current.target_year if current and not withdrawn else None
    if current is None:
        current = RegisteredTarget(unit=unit, tier=tier, version=0)
    current.target_year, current.basis, current.withdrawn_at = target_year, basis, None
    current.version += 1
    current.set_by, current.set_at = user, moment
    current.full_clean(validate_unique=False, validate_constraints=False)
    current.save()
    RegisteredTargetChange.objects.create(
        target=current, old_year=old_year, new_year=target_year, basis=basis, user=user, at=moment
    )
    return current


@transaction.atomic
def registered_target_withdraw(
    *,
    unit: AdministrativeUnit,
    tier: str,
    reason: str,
    user,
    expected_version: int | None,
    at: datetime.datetime | None = None,
) -> RegisteredTarget:
    """Withdraw the target ``unit`` had for ``tier`` (a plan dropped or replaced): it is no
    longer due or overdue anywhere. Who may: as for ``registered_target_set``. The target
    keeps its year for the record; its history gets year → None with ``reason``.
    """
    require_signed_in(user)
    if not access.can_read_unit(user, unit) or not can_set_registered_target(user, unit):
        raise PermissionDenied(MSG_TARGET_NO_PERMISSION)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [ValidationError(MSG_REASON_REQUIRED, code="required")]})
    targets = {
        t.tier: t
        for t in RegisteredTarget.objects.select_for_update(of=("self",))
        .select_related("set_by")
        .filter(unit=unit)
        .in_force()
    }
    current = targets.get(tier)
    if current is None:
        stored = RegisteredTarget.objects.filter(unit=unit, tier=tier).select_related("set_by").first()
        if stored is not None and expected_version is not None and expected_version != stored.version:
            message = MSG_TARGET_WITHDRAWN_MEANWHILE if stored.withdrawn_at else MSG_TARGET_STALE_WITHDRAW
            raise StaleWriteError(message, params={"user": user_name(stored.set_by), "year": "—"}, current=stored)
        params = {"tier": Tier(tier).label.lower() if tier in Tier.values else tier}
        raise ValidationError({"tier": [ValidationError(MSG_NOTHING_TO_WITHDRAW, code="none", params=params)]})
    if expected_version is not None and expected_version != current.version:
        # The action is a withdrawal, not a save (QA: "Review it and save again" under "Withdraw").
        raise StaleWriteError(
            MSG_TARGET_STALE_WITHDRAW,
            params={"user": user_name(current.set_by), "year": current.target_year},
            current=current,
        )
    rank = _TIER_ORDER.index(tier)
    higher = [t for t in _TIER_ORDER[rank + 1 :] if t in targets]
    if higher and not holds_title(unit, tier, timezone.localdate()):
        other = targets[higher[0]]
        params = {
            "tier": Tier(tier).label.lower(),
            "other": Tier(other.tier).label.lower(),
            "other_year": other.target_year,
        }
        raise ValidationError({"tier": [ValidationError(MSG_WITHDRAW_HIGHER_FIRST, code="ladder", params=params)]})

    moment = at or timezone.now()
    current.withdrawn_at = moment
    current.version += 1
    current.set_by, current.set_at = user, moment
    current.save(update_fields=["withdrawn_at", "version", "set_by", "set_at"])
    RegisteredTargetChange.objects.create(
        target=current, old_year=current.target_year, new_year=None, basis=reason, user=user, at=moment
    )
    return current


# --- Province targets ------------------------------------------------------------------------


class PeriodTakenError(ValidationError):
    """New targets for a period the province already has: ``current`` is what is stored (the
    other office member's save, when two entered the same period at once)."""

    def __init__(self, errors: dict, current: ProvinceTarget) -> None:
        super().__init__(errors)
        self.current = current


@dataclass(frozen=True, kw_only=True)
class ProvinceTargetInput:
    """What the province office enters; the share may be typed in Vietnamese style ("62,5")."""

    period_from: int
    period_to: int
    communes_standard: int = 0
    communes_advanced: int = 0
    communes_model: int = 0
    min_criteria: int | None = None
    villages_recognised_share: object = None
    basis: str = ""


COUNT_FIELDS = ("communes_standard", "communes_advanced", "communes_model")


def most_communes(province: AdministrativeUnit, first: int, last: int) -> int:
    """The most communes ``province`` counts in any year from ``first`` to ``last`` (the portal's
    "communes of a year", ``criteria.figures.communes_of_year_q``), in one query: a 2021–2025
    target was set while the province had its communes of before the 1 July 2025 merger."""
    per_year = AdministrativeUnit.objects.subtree(province).aggregate(
        **{
            f"y{year}": Count("pk", filter=communes_of_year_q(year, year_cutoff(year)))
            for year in range(first, last + 1)
        }
    )
    return max(per_year.values(), default=0)


def _province_target_errors(
    province: AdministrativeUnit, data: ProvinceTargetInput
) -> tuple[dict[str, list], Decimal | None]:
    errors: dict[str, list[ValidationError]] = {}

    def add(field: str, message, code: str, **params) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code, params=params or None))

    for field in ("period_from", "period_to"):
        if not PROGRAMME_START <= getattr(data, field) <= TARGET_YEAR_LAST:
            add(field, MSG_PERIOD_RANGE, "year_range", first=PROGRAMME_START, last=TARGET_YEAR_LAST)
    if not errors and data.period_to < data.period_from:
        add("period_to", MSG_PERIOD_ORDER, "period_order")
    for field in COUNT_FIELDS:
        if getattr(data, field) < 0:
            add(field, MSG_COUNT_NEGATIVE, "negative")
    if not errors and max(getattr(data, field) for field in COUNT_FIELDS) > 0:
        # QA: 999 communes standard for a province of 22 read "Kế hoạch 999" on the dashboard.
        most = most_communes(province, data.period_from, data.period_to)
        if data.period_from == data.period_to:
            message, period = MSG_COUNT_OVER_COMMUNES_YEAR, {"year": data.period_from}
        else:
            message, period = MSG_COUNT_OVER_COMMUNES, {"first": data.period_from, "last": data.period_to}
        for field in COUNT_FIELDS:
            if getattr(data, field) > most:
                add(field, message, "over_communes", province=province.name, count=most, **period)
    if not set(COUNT_FIELDS) & errors.keys():
        # A tier at 0 has no target (it says nothing about how many communes will hold it), so
        # each count is held to the nearest tier below it that has one.
        if data.communes_standard and data.communes_advanced > data.communes_standard:
            add("communes_advanced", MSG_ADVANCED_OVER_STANDARD, "ladder")
        if data.communes_advanced and data.communes_model > data.communes_advanced:
            add("communes_model", MSG_MODEL_OVER_ADVANCED, "ladder")
        elif not data.communes_advanced and data.communes_standard and data.communes_model > data.communes_standard:
            add("communes_model", MSG_MODEL_OVER_STANDARD, "ladder")
    if data.min_criteria is not None and not 1 <= data.min_criteria <= 30:
        add("min_criteria", MSG_MIN_CRITERIA_RANGE, "range")
    share = None
    try:
        share = evaluation.parse_value(
            data.villages_recognised_share, evaluation.ValueType.PERCENT, indicator=str(MSG_VILLAGES_SHARE)
        )
        if share is not None and share != share.quantize(Decimal("0.1")):
            raise ValidationError(
                MSG_SHARE_PRECISION,
                code="too_precise",
                params={"indicator": MSG_VILLAGES_SHARE},
            )
    except ValidationError as exc:
        errors.setdefault("villages_recognised_share", []).extend(exc.error_list)
    if not data.basis.strip():
        add("basis", MSG_BASIS_REQUIRED, "required")
    return errors, share


@transaction.atomic
def province_target_save(
    *,
    province: AdministrativeUnit,
    data: ProvinceTargetInput,
    user,
    target: ProvinceTarget | None = None,
    expected_version: int | None = None,
    at: datetime.datetime | None = None,
) -> ProvinceTarget:
    """Enter a province's targets for a period (``target=None``) or change existing ones."""
    require_signed_in(user)
    if province.level != Level.PROVINCE:
        raise ValidationError({"province": [ValidationError(MSG_NOT_A_PROVINCE, code="level")]})
    if not access.can_read_unit(user, province) or not can_enter_province_targets(user, province):
        raise PermissionDenied(MSG_PROVINCE_TARGET_NO_PERMISSION)
    errors, share = _province_target_errors(province, data)
    checkable = data.min_criteria and not errors.keys() & {"min_criteria", "period_from", "period_to"}
    if checkable and (refusal := _min_criteria_refusal(province, data)):
        errors["min_criteria"] = [refusal]
    if errors:
        raise ValidationError(errors)

    lock_unit(province)  # two offices entering the same period at once: the second sees the first
    if target is not None:
        target = ProvinceTarget.objects.select_for_update(of=("self",)).select_related("entered_by").get(pk=target.pk)
        if target.province_id != province.pk:
            raise PermissionDenied(MSG_PROVINCE_TARGET_NO_PERMISSION)
        stale = expected_version is not None and expected_version != target.version
        # Based on an older version but saving what stands now (two offices typed the same): saved.
        if stale and _recorded(_with_input(copy.copy(target), data, share)) != _recorded(target):
            raise StaleWriteError(
                MSG_PROVINCE_TARGET_STALE, params={"user": user_name(target.entered_by)}, current=target
            )
    taken = (
        ProvinceTarget.objects.filter(province=province, period_from=data.period_from, period_to=data.period_to)
        .exclude(pk=target.pk if target else None)
        .select_related("entered_by")
        .first()
    )
    if taken is not None:
        errors = {
            "period_from": [
                ValidationError(
                    MSG_YEAR_TAKEN if data.period_from == data.period_to else MSG_PERIOD_TAKEN,
                    code="duplicate",
                    params={"first": data.period_from, "last": data.period_to},
                )
            ]
        }
        if target is None:
            raise PeriodTakenError(errors, current=taken)
        raise ValidationError(errors)
    if target is None:
        target = ProvinceTarget(province=province, version=0)
        before = dict.fromkeys(PROVINCE_TARGET_FIELDS)
    else:
        before = _recorded(target)
    after = _recorded(_with_input(target, data, share))
    changes = {f: [before[f], after[f]] for f in PROVINCE_TARGET_FIELDS if before[f] != after[f]}
    if not changes:
        return target  # saved again unchanged: nothing to record
    moment = at or timezone.now()
    target.version += 1
    target.entered_by, target.entered_at = user, moment
    target.full_clean(validate_unique=False, validate_constraints=False)
    target.save()
    ProvinceTargetChange.objects.create(target=target, changes=changes, user=user, at=moment)
    return target


def _min_criteria_refusal(province: AdministrativeUnit, data: ProvinceTargetInput) -> ValidationError | None:
    """ "No commune under N criteria" with N above the criteria of a commune set in force in the
    period (QA: "under 15" for 2026, whose set has 10, counted every commune): the refusal
    naming the set with the fewest criteria, or None."""
    fewest = fewest_criteria_in_force(
        province=province, level=SetLevel.COMMUNE, tier=Tier.STANDARD, first=data.period_from, last=data.period_to
    )
    if fewest is None or data.min_criteria <= fewest[0].criteria_count:
        return None
    criteria_set, years = fewest
    if years[0] == years[-1]:
        in_years = gettext("the year %(year)s") % {"year": years[0]}
    else:
        in_years = gettext("the years %(years)s") % {"years": f"{years[0]}–{years[-1]}"}
    return ValidationError(
        MSG_MIN_CRITERIA_OVER_SET,
        code="over_set",
        params={"set": criteria_set, "years": in_years, "count": criteria_set.criteria_count},
    )


def _with_input(target: ProvinceTarget, data: ProvinceTargetInput, share: Decimal | None) -> ProvinceTarget:
    """``target`` holding what was typed (``data``, the villages' share parsed)."""
    target.period_from, target.period_to = data.period_from, data.period_to
    target.communes_standard = data.communes_standard
    target.communes_advanced = data.communes_advanced
    target.communes_model = data.communes_model
    target.min_criteria = data.min_criteria
    target.villages_recognised_share = share
    target.basis = data.basis.strip()
    return target


def _recorded(target: ProvinceTarget) -> dict:
    """The target's figures as its history records them (JSON: the share as text)."""
    values = {f: getattr(target, f) for f in PROVINCE_TARGET_FIELDS}
    share = values["villages_recognised_share"]
    values["villages_recognised_share"] = None if share is None else str(Decimal(share).quantize(Decimal("0.1")))
    return values
