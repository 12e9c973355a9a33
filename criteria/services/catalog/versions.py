"""New versions of a criteria set: clone a set as a draft (an amendment, or a province's own
version), publish a draft."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from communes import access
from communes.models import AdministrativeUnit, Region
from criteria import evaluation
from criteria.models import (
    Comparison,
    CriteriaSet,
    Criterion,
    CriterionGroup,
    Indicator,
    SetStatus,
    Target,
    TargetBasis,
)

MSG_ALREADY_PUBLISHED = _("This criteria set is already published.")
MSG_EMPTY_SET = _("A criteria set needs at least one criterion with an indicator before it is published.")
MSG_MISSING_TARGETS = _("Indicator %(code)s has no target; enter the province's target before publishing.")
MSG_SAME_DECISION = _(
    "The decision %(decision)s is the legal basis of %(source)s, the set this one was cloned from: "
    "enter the province's own decision (number and date) before publishing."
)
MSG_SAME_NAME = _(
    "“%(name)s” is already the name of %(other)s, a published set for the same level, tier and years: "
    "give this set a name and a short name of its own before publishing."
)
MSG_NATIONAL_NAME = _(
    "The %(field)s “%(name)s” still names the national set (“quốc gia”): give the province's set its own "
    "%(field)s in the set's header before publishing (it may say “quốc gia” when it also names the province)."
)
MSG_OTHER_PERIOD = _(
    "The %(field)s “%(name)s” names the period %(period)s, but the set covers %(years)s: correct the "
    "%(field)s or the years in the set's header before publishing."
)
MSG_CRITERION_WITHOUT_INDICATOR = _(
    "Criterion %(number)s (%(name)s) has no required indicator, so no unit could ever meet it: "
    "add one before publishing."
)
MSG_REQUIRED_WITHOUT_TARGET = _(
    "Indicator %(code)s (%(name)s) is required but has no target value, so criterion %(number)s could never "
    "be met: enter its target before publishing."
)
MSG_REQUIRED_TARGET_GAP = _(
    "Indicator %(code)s (%(name)s) is required but no target value applies to %(scope)s in %(year)s, so "
    "criterion %(number)s could never be met there: enter that target before publishing."
)
MSG_SAME_AS_SUPERSEDED = _(
    "This version has the same groups, criteria, indicators and targets as %(source)s, the version it "
    "replaces: an amendment changes some of them. Change what the amendment changes, or keep %(source)s."
)
MSG_ANY_COMMUNE = _("any commune")
MSG_SCOPE_REGION = _("region %(region)s")
MSG_SCOPE_GROUP = _("commune group %(group)s")

MSG_CLONE_NATIONAL = _("Only the portal's administrators create national criteria sets; clone into your province.")
MSG_CLONE_OTHER_PROVINCE = _(
    "You may create criteria sets only for a province whose coordination office you belong to."
)


def _check_clone_issuer(user, issuer: AdministrativeUnit | None) -> None:
    if access.is_administrator(user):
        return
    if issuer is None:
        raise PermissionDenied(MSG_CLONE_NATIONAL)
    if not access.speaks_for_province(user, issuer):
        raise PermissionDenied(MSG_CLONE_OTHER_PROVINCE)


@transaction.atomic
def catalog_set_clone(
    *,
    criteria_set: CriteriaSet,
    issuer: AdministrativeUnit | None = None,
    code: str | None = None,
    name: str | None = None,
    short_name: str | None = None,
    decision_number: str | None = None,
    decision_date: datetime.date | None = None,
    effective_date: datetime.date | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    user=None,
) -> CriteriaSet:
    """Copy a set with all its criteria, indicators and targets into a new draft version.

    Same code → the next version number (an amendment); a new code (a province's own set)
    starts at version 1. The draft supersedes the original and can be edited until published.

    Without ``issuer`` the clone keeps the original's issuer (an amendment by the same
    issuer). With ``user`` (someone acting from a page rather than the catalog files), the clone
    must be a province's the user speaks for, unless the user is an administrator: a province
    office's clone of a national set is the province's, never a national draft.

    What is not given is the original's, the in-force date too. The new set is held to the
    rules its own header form applies (``CriteriaSet.clean``: a province's decision of
    20/02/2026 cannot put its set in force on the national 15/02/2026): refused with
    ``ValidationError`` at the field, nothing created.
    """
    issuer = issuer if issuer is not None else criteria_set.issuer
    if user is not None:
        _check_clone_issuer(user, issuer)
    new_code = code or criteria_set.code
    clone = CriteriaSet(
        code=new_code,
        version=_next_version(new_code),
        name=name or criteria_set.name,
        short_name=short_name or criteria_set.short_name,
        issuer=issuer,
        decision_number=decision_number or criteria_set.decision_number,
        decision_date=decision_date or criteria_set.decision_date,
        effective_date=effective_date or criteria_set.effective_date,
        level=criteria_set.level,
        tier=criteria_set.tier,
        year_from=year_from or criteria_set.year_from,
        year_to=year_to or criteria_set.year_to,
        status=SetStatus.DRAFT,
        supersedes=criteria_set,
        target_basis=criteria_set.target_basis,
        disadvantaged_region=criteria_set.disadvantaged_region,
        notes=criteria_set.notes,
    )
    clone.full_clean()
    clone.save()
    _copy_content(criteria_set, clone)
    return clone


def _next_version(code: str) -> int:
    """The version number after the highest stored under ``code`` (1 for a new code)."""
    return (
        CriteriaSet.objects.filter(code=code).order_by("-version").values_list("version", flat=True).first() or 0
    ) + 1


def _copy_content(criteria_set: CriteriaSet, clone: CriteriaSet) -> None:
    """Copy the set's groups, criteria, indicators and targets (with their confirmations) into ``clone``."""
    groups = {}
    for g in criteria_set.groups.order_by("position"):
        groups[g.pk] = CriterionGroup.objects.create(criteria_set=clone, code=g.code, name=g.name, position=g.position)
    for c in criteria_set.criteria.prefetch_related("indicators__targets").order_by("number"):
        criterion = Criterion.objects.create(criteria_set=clone, group=groups[c.group_id], number=c.number, name=c.name)
        for i in c.indicators.all():
            indicator = Indicator.objects.create(
                criteria_set=clone,
                criterion=criterion,
                code=i.code,
                name=i.name,
                value_type=i.value_type,
                unit=i.unit,
                comparison=i.comparison,
                required=i.required,
                target_by_province=i.target_by_province,
                derived=i.derived,
                conditional=i.conditional,
                position=i.position,
            )
            Target.objects.bulk_create(
                Target(
                    indicator=indicator,
                    value=t.value,
                    region=t.region,
                    commune_group=t.commune_group,
                    year=t.year,
                    to_verify=t.to_verify,
                    confirmed_by_id=t.confirmed_by_id,
                    confirmed_at=t.confirmed_at,
                )
                for t in i.targets.all()
            )


class PublishBlocker(ValidationError):
    """One reason a set cannot be published (a ``ValidationError`` of one message), with what to
    change to fix it: ``row``, the group, criterion, indicator or target (the set itself for its
    header; None when no one row is to blame), and ``field``, the header's field it is said at."""

    def __init__(self, message, *, code: str | None = None, params: dict | None = None, row=None, field: str = ""):
        super().__init__(message, code=code, params=params)
        self.row = row
        self.field = field


class PublishRefused(ValidationError):
    """Every reason a set cannot be published, all at once (``blockers``, in the order a user
    fixes them: the header, then the rows down the set's page). As a ``ValidationError`` it
    holds them by field (the header's name, short name) and the rest as non-field errors."""

    def __init__(self, blockers: list[PublishBlocker]):
        if any(b.field for b in blockers):
            by_field: dict[str, list[PublishBlocker]] = {}
            for blocker in blockers:
                by_field.setdefault(blocker.field or NON_FIELD_ERRORS, []).append(blocker)
            super().__init__(by_field)
        else:
            super().__init__(blockers)
        self.blockers = blockers


def check_publishable(criteria_set: CriteriaSet, *, require_targets: bool = False) -> None:
    """Refuse (``PublishRefused``, a ``ValidationError`` naming every reason at once) a set that
    must not be published: the one place the rules live (``publish_blockers``), asked by
    ``catalog_set_publish`` (the workspace, the admin) and by the catalog loader."""
    blockers = publish_blockers(criteria_set, require_targets=require_targets)
    if blockers:
        raise PublishRefused(blockers)


def publish_blockers(criteria_set: CriteriaSet, *, require_targets: bool = False) -> list[PublishBlocker]:
    """Every reason the set must not be published, each with the row to fix
    (``PublishBlocker``); empty when it may be. Collected all at once, so that a draft with
    several problems shows them together instead of one per attempt to publish.

    A published set never changes, so what could not be fixed afterwards is refused here: a set
    without indicators, a criterion without a required indicator (a criterion is met when
    every required indicator is met: with none, no unit could meet it, nor the set), and a
    required indicator compared with a threshold that some unit of the set's scope would find
    without one (``_threshold_blockers``). With ``require_targets`` (a province's own version),
    every indicator the national set left to the province must have a target; without it (the
    State's set) those indicators wait for the province's version. A province's set must be told apart from the State's
    (``_own_identity_blockers``): lists, pages and the API show it beside them.
    """
    blockers: list[PublishBlocker] = []
    if criteria_set.issuer_id is not None:  # a province's set: its header first, at the top of its page
        blockers += _own_identity_blockers(criteria_set)
    indicators = Indicator.objects.filter(criteria_set=criteria_set)
    if not indicators.exists():
        return [*blockers, PublishBlocker(MSG_EMPTY_SET, code="empty")]
    blockers += _amends_blockers(criteria_set)
    unmeetable = (
        Criterion.objects.filter(criteria_set=criteria_set).exclude(indicators__required=True).order_by("number")
    )
    blockers += [
        PublishBlocker(
            MSG_CRITERION_WITHOUT_INDICATOR,
            code="criterion_without_indicator",
            params={"number": criterion.number, "name": criterion.name},
            row=criterion,
        )
        for criterion in unmeetable
    ]
    missing = []
    if require_targets:
        missing = list(
            indicators.filter(target_by_province=True, targets__isnull=True)
            .select_related("criterion")
            .order_by("criterion__number", "position", "code")
        )
        blockers += [
            PublishBlocker(MSG_MISSING_TARGETS, code="targets", params={"code": i.code}, row=i) for i in missing
        ]
    checked = indicators if require_targets else indicators.filter(target_by_province=False)
    blockers += _threshold_blockers(criteria_set, checked.exclude(pk__in=[i.pk for i in missing]))
    if criteria_set.issuer_id is not None:  # a province's set, edited row by row in the set editor
        blockers += _rows_never_applying(criteria_set)
    return blockers


def _rows_never_applying(criteria_set: CriteriaSet) -> list[PublishBlocker]:
    """Every indicator and target still passes the check its own form made
    (``set_editing.check_can_apply``): a criterion renumbered, the set's years or its target
    basis changed afterwards could leave an indicator coded as another criterion's, a target
    from a year outside the set, or a region or group target the set does not read."""
    from criteria.services.set_editing import check_can_apply, row_label

    problems = []
    rows = [
        *Indicator.objects.filter(criteria_set=criteria_set).select_related("criterion").order_by("code"),
        *Target.objects.filter(indicator__criteria_set=criteria_set)
        .select_related("indicator")
        .order_by("indicator__code", "pk"),
    ]
    for row in rows:
        try:
            check_can_apply(row, criteria_set)
        except ValidationError as refused:
            problems += [
                PublishBlocker(f"{capfirst(row_label(row))}: {message}", code="never_applies", row=row)
                for message in refused.messages
            ]
    return problems


def set_content(criteria_set: CriteriaSet) -> tuple:
    """What a version says, without its header: its groups, criteria, indicators and targets
    (values compared as numbers, 80 = 80.0000)."""
    groups = tuple(criteria_set.groups.order_by("code").values_list("code", "name", "position"))
    criteria = tuple(criteria_set.criteria.order_by("number").values_list("number", "group__code", "name"))
    indicators = tuple(
        criteria_set.indicators.order_by("code").values_list(
            "code",
            "criterion__number",
            "name",
            "value_type",
            "unit",
            "comparison",
            "required",
            "conditional",
            "target_by_province",
            "derived",
            "position",
        )
    )
    targets = sorted(
        (code, value.normalize() if value is not None else None, region, group or 0, year or 0)
        for code, value, region, group, year in Target.objects.filter(indicator__criteria_set=criteria_set).values_list(
            "indicator__code", "value", "region", "commune_group", "year"
        )
    )
    return groups, criteria, indicators, tuple(targets)


def _amends_blockers(criteria_set: CriteriaSet) -> list[PublishBlocker]:
    """A new version of a code (an amendment by the same issuer) replaces the version it was
    cloned from once published (``CriteriaSetQuerySet.not_superseded``): one that changes none of
    its content would only put a second copy beside it."""
    source = criteria_set.supersedes
    if source is None or source.code != criteria_set.code or set_content(source) != set_content(criteria_set):
        return []
    params = {"source": f"{source.code} v{source.version}"}
    return [PublishBlocker(MSG_SAME_AS_SUPERSEDED, code="same_as_superseded", params=params)]


def _scopes(criteria_set: CriteriaSet) -> list[tuple[str | None, int | None]]:
    """The (region, commune group) pairs the set's targets are told apart by: each region, each
    commune group, or one scope for every commune."""
    if criteria_set.target_basis == TargetBasis.REGION:
        return [(region, None) for region in Region.values]
    if criteria_set.target_basis == TargetBasis.GROUP:
        return [(None, group) for group in evaluation.COMMUNE_GROUPS]
    return [(None, None)]


def _scope_text(region: str | None, group: int | None) -> str:
    if region is not None:
        return str(MSG_SCOPE_REGION % {"region": Region(region).label})
    if group is not None:
        return str(MSG_SCOPE_GROUP % {"group": group})
    return str(MSG_ANY_COMMUNE)


def _threshold_blockers(criteria_set: CriteriaSet, indicators) -> list[PublishBlocker]:
    """A required indicator compared with a threshold (≥, ≤, =) needs a target with a value for
    every scope of the set (``_scopes``) and every year: without one, a unit's value gives "no
    target" and the criterion can never be met. Targets per region or per commune group count,
    chosen by the rule the assessments use (``evaluation.select_target``). Each indicator is
    named once for the scopes left without a target from the same first year."""
    scopes = _scopes(criteria_set)
    years = range(criteria_set.year_from, criteria_set.year_to + 1)
    candidates = (
        indicators.filter(required=True)
        .exclude(comparison=Comparison.MET)
        .select_related("criterion")
        .prefetch_related("targets")
        .order_by("criterion__number", "position", "code")
    )
    blockers = []
    for indicator in candidates:
        rules = [t.as_rule() for t in sorted(indicator.targets.all(), key=lambda t: t.pk)]
        params = {"code": indicator.code, "name": indicator.name, "number": indicator.criterion.number}
        if not any(rule.value is not None for rule in rules):
            blockers.append(
                PublishBlocker(
                    MSG_REQUIRED_WITHOUT_TARGET, code="required_without_target", params=params, row=indicator
                )
            )
            continue
        gaps: dict[int, list[str]] = {}  # the first year without a target → the scopes it is missing in
        for region, group in scopes:
            subjects = [evaluation.TargetSubject(region=region, group=group, year=y) for y in years]
            gap = evaluation.first_subject_without_target(rules, subjects)
            if gap is not None:
                gaps.setdefault(gap.year, []).append(_scope_text(region, group))
        for year, missing in sorted(gaps.items()):
            gap_params = {**params, "scope": ", ".join(missing), "year": year}
            blockers.append(
                PublishBlocker(MSG_REQUIRED_TARGET_GAP, code="required_target_gap", params=gap_params, row=indicator)
            )
    return blockers


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


PERIOD = re.compile(r"\b((?:19|20)\d\d)\s*[-–—]\s*((?:19|20)\d\d)\b")
NATIONAL = "quốc gia"
PROVINCE_WORDS = ("tỉnh ", "thành phố ")


def _own_name_blockers(criteria_set: CriteriaSet) -> list[PublishBlocker]:
    """A province's set does not keep the national set's name (QA: the clone of QĐ 318, published
    as the province's 2026–2030 set, read "Bộ tiêu chí quốc gia … giai đoạn 2021–2025"): a name
    saying "quốc gia" must also name the province (a province's decision may be titled "… Bộ tiêu
    chí quốc gia … trên địa bàn tỉnh X"), and a period in the name or short name must be the
    set's years. Refused at the field."""
    province = _folded(criteria_set.issuer.name)
    for word in PROVINCE_WORDS:
        province = province.removeprefix(word)
    blockers = []
    for field in ("name", "short_name"):
        text = getattr(criteria_set, field)
        label = criteria_set._meta.get_field(field).verbose_name
        params = {"field": label, "name": text}
        if NATIONAL in _folded(text) and province not in _folded(text):
            blockers.append(
                PublishBlocker(MSG_NATIONAL_NAME, code="national_name", params=params, row=criteria_set, field=field)
            )
        for first, last in PERIOD.findall(text):
            if (int(first), int(last)) != (criteria_set.year_from, criteria_set.year_to):
                period = {**params, "period": f"{first}–{last}", "years": criteria_set.years_in_words}
                blockers.append(
                    PublishBlocker(MSG_OTHER_PERIOD, code="period", params=period, row=criteria_set, field=field)
                )
                break
    return blockers


def _own_identity_blockers(criteria_set: CriteriaSet) -> list[PublishBlocker]:
    """A province's set is told apart from the State's: its own decision (not that of the set it
    was cloned from, when another issuer's), and a name and short name no other published set
    of the same level, tier and years bears — the State's or the province's (versions of one
    code are told apart by their number) — and a name of its own (``_own_name_blockers``)."""
    blockers = _own_name_blockers(criteria_set)
    source = criteria_set.supersedes
    if (
        source is not None
        and source.issuer_id != criteria_set.issuer_id
        and _folded(source.decision_number) == _folded(criteria_set.decision_number)
    ):
        params = {"decision": criteria_set.decision_number, "source": f"{source.code} v{source.version}"}
        blockers.append(PublishBlocker(MSG_SAME_DECISION, code="same_decision", params=params, row=criteria_set))
    others = (
        CriteriaSet.objects.published()
        .filter(Q(issuer__isnull=True) | Q(issuer_id=criteria_set.issuer_id))
        .filter(level=criteria_set.level, tier=criteria_set.tier)
        .filter(year_from__lte=criteria_set.year_to, year_to__gte=criteria_set.year_from)
        .exclude(code=criteria_set.code)
        .order_by(F("issuer_id").asc(nulls_first=True), "code", "-version")  # the State's first
    )
    for field in ("name", "short_name"):  # each named once, after the first set already bearing it
        other = next((o for o in others if _folded(getattr(o, field)) == _folded(getattr(criteria_set, field))), None)
        if other is not None:
            params = {"name": getattr(criteria_set, field), "other": f"{other.code} v{other.version}"}
            blockers.append(PublishBlocker(MSG_SAME_NAME, code="same_name", params=params, row=criteria_set))
    return blockers


@transaction.atomic
def catalog_set_publish(*, criteria_set: CriteriaSet, require_targets: bool = False) -> CriteriaSet:
    """Publish a draft set (``check_publishable`` first); from then on it cannot change. A new
    version of a code replaces the version it supersedes from its effective date
    (``CriteriaSetQuerySet.not_superseded``): that one is no longer offered for new assessments
    nor put in force; the assessments made against it keep it."""
    criteria_set = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    if criteria_set.status != SetStatus.DRAFT:
        raise ValidationError(MSG_ALREADY_PUBLISHED, code="published")
    check_publishable(criteria_set, require_targets=require_targets)
    criteria_set.status = SetStatus.PUBLISHED
    criteria_set.published_at = timezone.now()
    criteria_set.save(update_fields=["status", "published_at"])
    return criteria_set
