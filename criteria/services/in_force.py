"""The set in force: which published set a province's units are assessed against in a year.

A province office chooses, per level, tier and year, a published set (the State's or its own),
also for a year outside the set's nominal range (the 2016–2020 set for 2021, until QĐ 318
arrived in March 2022). Starting an assessment uses that set; another set needs a reason.
Without a choice, the latest published set covering the year applies (the province's own
first).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from communes import access
from communes.models import AdministrativeUnit, Level
from criteria.models import CriteriaSet, SetInForce, SetStatus

MSG_NOT_PROVINCE_OFFICE = _("Only the province's coordination office chooses the criteria set in force.")
MSG_NOT_A_PROVINCE = _("The set in force is chosen by a province.")
MSG_NOT_PUBLISHED = _("Only a published criteria set can be put in force.")
MSG_OTHER_PROVINCE = _("This set was issued by another province.")
MSG_BASIS_REQUIRED = _("Give the province's decision or plan that puts this set in force (number, date).")
MSG_YEAR_RANGE = _("The year must be between %(first)s and %(last)s.")
MSG_SUPERSEDED = _("%(set)s is replaced by %(later)s from %(year)s: choose the later version.")
MSG_OTHER_SET_NEEDS_REASON = _(
    "The set in force for %(year)s is %(set)s; say why this unit is assessed against another set."
)
REASON_MAX = 2000
LOOK_IT_UP = object()  # "in_force" not given: read it
FIRST_YEAR, LAST_YEAR = 2010, 2100


def province_of(unit: AdministrativeUnit) -> AdministrativeUnit | None:
    """The province above (or equal to) a unit, whose own criteria sets apply inside it."""
    code = unit.province_code
    return unit if unit.code == code else AdministrativeUnit.objects.filter(code=code).first()


def chosen_set(*, province: AdministrativeUnit | None, level: str, tier: str, year: int) -> CriteriaSet | None:
    """The set the province put in force for the level, tier and year, if it chose one and the
    set has not been retired or replaced by a later version since (then the default applies
    again)."""
    if province is None:
        return None
    choice = (
        SetInForce.objects.select_related("criteria_set")
        .filter(province=province, level=level, tier=tier, year=year)
        .exclude(criteria_set__status=SetStatus.RETIRED)
        .filter(criteria_set__in=CriteriaSet.objects.not_superseded(year))
        .first()
    )
    return choice.criteria_set if choice else None


def superseded_refusal(criteria_set: CriteriaSet, year: int) -> ValidationError | None:
    """The refusal of a version replaced in ``year`` by a later one (``not_superseded``), or None."""
    if CriteriaSet.objects.not_superseded(year).filter(pk=criteria_set.pk).exists():
        return None
    later = criteria_set.replaced_by()
    return ValidationError(
        MSG_SUPERSEDED,
        code="superseded",
        params={"set": criteria_set, "later": later, "year": later.replaced_from_year if later else year},
    )


def criteria_set_in_force(
    *, unit: AdministrativeUnit, year: int, tier: str, level: str | None = None
) -> CriteriaSet | None:
    """The set a unit is assessed against: its province's choice, else the default. ``level``:
    the set for units of that level in the unit's province instead (a province's communes)."""
    province = province_of(unit)
    level = level or unit.level
    chosen = chosen_set(province=province, level=level, tier=tier, year=year)
    if chosen is not None:
        return chosen
    return CriteriaSet.objects.in_force(year=year, level=level, tier=tier, province=province).first()


def version_in_force(
    *, code: str, unit: AdministrativeUnit, year: int, tier: str, in_force: CriteriaSet | object | None = LOOK_IT_UP
) -> CriteriaSet | None:
    """Which version of the set ``code`` a unit's row naming only the code (the criteria-level
    import's set column) means in ``year``: the set in force when it is of that code, else the
    version of that code the default rule (``CriteriaSet.objects.in_force``) ranks first for the
    year — never a later version before the year it takes effect; None when no version of it
    applies to the unit's level and tier that year. ``in_force``: as ``other_set_refusal``."""
    if in_force is LOOK_IT_UP:
        in_force = criteria_set_in_force(unit=unit, year=year, tier=tier)
    if in_force is not None and in_force.code == code:
        return in_force
    return (
        CriteriaSet.objects.in_force(year=year, level=unit.level, tier=tier, province=province_of(unit))
        .filter(code=code)
        .first()
    )


def fewest_criteria_in_force(
    *, province: AdministrativeUnit, level: str, tier: str, first: int, last: int
) -> tuple[CriteriaSet, list[int]] | None:
    """Of the sets in force for the province's units of ``level`` and ``tier`` in the years
    ``first``–``last`` — the set the province chose for a year, and every published set that
    applies inside it that year (the State's and its own: a unit may be assessed on another with
    a reason) — the one with the fewest criteria (``criteria_count``), with the years it is in
    force; None without any. What "no commune under N criteria" can mean is bounded by it: a
    commune on that set meets at most that many. Two queries a year."""
    found: dict[int, tuple[CriteriaSet, list[int]]] = {}
    for year in range(first, last + 1):
        sets = list(
            CriteriaSet.objects.in_force(year=year, level=level, tier=tier, province=province).annotate(
                criteria_count=Count("criteria")
            )
        )
        chosen = chosen_set(province=province, level=level, tier=tier, year=year)
        if chosen is not None and all(s.pk != chosen.pk for s in sets):
            chosen.criteria_count = chosen.criteria.count()
            sets.append(chosen)
        for criteria_set in sets:
            if criteria_set.criteria_count:  # a set without criteria has no scale
                found.setdefault(criteria_set.pk, (criteria_set, []))[1].append(year)
    if not found:
        return None
    return min(found.values(), key=lambda item: (item[0].criteria_count, item[1][0]))


def usable_for(*, unit: AdministrativeUnit, criteria_set: CriteriaSet, year: int) -> bool:
    """Whether the set may be used for the unit in ``year``: its years, or its province's choice."""
    if criteria_set.year_from <= year <= criteria_set.year_to:
        return True
    chosen = chosen_set(province=province_of(unit), level=unit.level, tier=criteria_set.tier, year=year)
    return chosen is not None and chosen.pk == criteria_set.pk


def other_set_refusal(
    *,
    unit: AdministrativeUnit,
    year: int,
    criteria_set: CriteriaSet,
    reason: str,
    in_force: CriteriaSet | object | None = LOOK_IT_UP,
) -> ValidationError | None:
    """The one rule "another set than the one in force needs a reason": None when ``criteria_set``
    may be used for ``unit`` in ``year`` as asked, else the refusal (an error on ``reason``) for
    the caller to raise or to show at its cell. Starting an assessment (page, API), recording a
    summary record (page, API) and both imports ask here. ``in_force``: the set in force for the
    unit, year and the set's tier when the caller already knows it (an import reads it once).
    """
    if in_force is LOOK_IT_UP:
        in_force = criteria_set_in_force(unit=unit, year=year, tier=criteria_set.tier)
    if in_force is None or in_force.pk == criteria_set.pk or (reason or "").strip():
        return None
    return ValidationError(
        {"reason": [ValidationError(MSG_OTHER_SET_NEEDS_REASON, code="reason", params={"year": year, "set": in_force})]}
    )


def other_sets(unit: AdministrativeUnit, year: int, tier: str, in_force: CriteriaSet | None) -> list[CriteriaSet]:
    """Published sets the unit could be assessed against instead of the one in force (with a
    reason): of its level and tier, the State's or its province's, covering the year."""
    province = province_of(unit)
    sets = (
        CriteriaSet.objects.published()
        .covering(year)
        .not_superseded(year)
        .filter(Q(issuer__isnull=True) | Q(issuer=province), level=unit.level, tier=tier)
        .order_by("-year_from", "code", "-version")
    )
    return [s for s in sets if in_force is None or s.pk != in_force.pk]


def sets_for_province(province: AdministrativeUnit):
    """Published sets a province may put in force: the State's and its own, without the versions
    a later version replaces."""
    return (
        CriteriaSet.objects.exclude(status=SetStatus.DRAFT)
        .not_superseded()
        .filter(Q(issuer__isnull=True) | Q(issuer=province))
        .order_by("level", "tier", "-year_from", "code", "-version")
    )


@transaction.atomic
def set_in_force_choose(
    *, province: AdministrativeUnit, year: int, criteria_set: CriteriaSet, basis: str, user
) -> SetInForce:
    """Put ``criteria_set`` in force for the province's units of its level and tier in ``year``
    (replacing an earlier choice for that year)."""
    if province.level != Level.PROVINCE:
        raise ValidationError(MSG_NOT_A_PROVINCE, code="level")
    if not access.speaks_for_province(user, province):
        raise PermissionDenied(MSG_NOT_PROVINCE_OFFICE)
    errors: dict[str, list] = {}
    if criteria_set.status == SetStatus.DRAFT:
        errors["criteria_set"] = [ValidationError(MSG_NOT_PUBLISHED, code="draft")]
    elif criteria_set.issuer_id not in (None, province.pk):
        errors["criteria_set"] = [ValidationError(MSG_OTHER_PROVINCE, code="other_province")]
    elif FIRST_YEAR <= year <= LAST_YEAR and (refusal := superseded_refusal(criteria_set, year)):
        errors["criteria_set"] = [refusal]
    if not FIRST_YEAR <= year <= LAST_YEAR:
        errors["year"] = [ValidationError(MSG_YEAR_RANGE, code="year", params={"first": FIRST_YEAR, "last": LAST_YEAR})]
    if not (basis or "").strip():
        errors["basis"] = [ValidationError(MSG_BASIS_REQUIRED, code="required")]
    if errors:
        raise ValidationError(errors)
    choice, _created = SetInForce.objects.update_or_create(
        province=province,
        level=criteria_set.level,
        tier=criteria_set.tier,
        year=year,
        defaults={"criteria_set": criteria_set, "basis": basis.strip()[:300], "decided_by": user},
    )
    return choice


def sets_in_force_of(province: AdministrativeUnit) -> list[SetInForce]:
    return list(
        SetInForce.objects.filter(province=province)
        .select_related("criteria_set", "decided_by")
        .order_by("-year", "level", "tier")
    )
