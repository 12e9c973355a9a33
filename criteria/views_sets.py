"""Pages: the province office's criteria-set workspace (list, a set, clone, confirm, publish,
retire). Sets come only through ``criteria/access_sets.py``; every write through
``criteria/services/set_workspace.py``."""

from __future__ import annotations

from collections import defaultdict
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from communes import access
from communes.models import Role
from criteria import access_sets
from criteria.forms_sets import CloneForm, PublishForm, RetireForm
from criteria.models import CriteriaSet, SetLevel, SetStatus, Target, Tier
from criteria.services.set_editing import row_anchor, row_label
from criteria.services.set_workspace import (
    MSG_TARGET_GONE,
    criteria_set_clone_for,
    criteria_set_publish_checked,
    criteria_set_retire,
    target_confirm,
    unconfirmed_targets,
)

LEVEL_ORDER = {value: i for i, value in enumerate(SetLevel.values)}
TIER_ORDER = {value: i for i, value in enumerate(Tier.values)}


# The set's rows on its page (``partials/structure.html``); a message about one of them is shown
# at the row, where the editor is brought back to, not at the top of a page scrolled away from it.
STRUCTURE_ANCHOR = "targets"
ROW_MESSAGE = "set-row"  # the extra tag of such a message, followed by the row's anchor


def set_row_url(criteria_set: CriteriaSet, anchor: str | None) -> str:
    """The set's page at a row (``row_anchor``); None: at the top of its rows."""
    return reverse("criteria_set", args=[criteria_set.pk]) + "#" + (anchor or STRUCTURE_ANCHOR)


def row_message(request: HttpRequest, level: int, text: str, anchor: str | None) -> None:
    """Say ``text`` at the row ``anchor`` of the set's page (None, or a row no longer there: at the
    top of its rows)."""
    messages.add_message(request, level, text, extra_tags=f"{ROW_MESSAGE} {anchor or STRUCTURE_ANCHOR}")


def _row_messages(request: HttpRequest) -> tuple[dict[str, list], list]:
    """The pending messages: those to show at a row of the set's page, by anchor, and the others."""
    placed, general = defaultdict(list), []
    for message in messages.get_messages(request):
        tag, _sep, anchor = (message.extra_tags or "").partition(" ")
        if tag == ROW_MESSAGE:
            placed[anchor].append(message)
        else:
            general.append(message)
    return placed, general


def _error_messages(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_GET
def set_list(request: HttpRequest) -> HttpResponse:
    """The sets that apply to a province (the State's and its own), by level and tier: for every
    signed-in user, the sets they may read (those the API lists them), in the province above
    their unit; actions for those who may take them."""
    province = access_sets.get_province_for_user(request.user, request.GET.get("province"))
    sets = list(
        access_sets.sets_for_province(request.user, province).annotate(
            unconfirmed=Count("indicators__targets", filter=Q(indicators__targets__to_verify=True))
        )
    )
    sets.sort(key=lambda s: (LEVEL_ORDER.get(s.level, 9), TIER_ORDER.get(s.tier, 9), -s.year_from, s.code, -s.version))
    # A version replaced by a later published one of its code says so beside its status.
    later = CriteriaSet.objects.filter(supersedes__in=[s.pk for s in sets], status=SetStatus.PUBLISHED)
    replacing = {v.supersedes_id: v for v in later.order_by("-version") if v.code in {s.code for s in sets}}
    for s in sets:
        found = replacing.get(s.pk)
        s.replaced = found if found is not None and found.code == s.code else None
    sections = [
        {"level": SetLevel(level).label, "tier": Tier(tier).label, "sets": list(rows)}
        for (level, tier), rows in groupby(sets, key=lambda s: (s.level, s.tier))
    ]
    can_clone = province is not None and access.speaks_for_province(request.user, province)
    context = {
        "province": province,
        "province_readable": province is not None and access.can_read_unit(request.user, province),
        "provinces": access_sets.provinces_for(request.user) if access.is_administrator(request.user) else [],
        "sections": sections,
        "can_clone": can_clone or access.is_administrator(request.user),
        "statuses": SetStatus,
    }
    return render(request, "criteria/sets/list.html", context)


def _structure(criteria_set, placed: dict[str, list] | None = None):
    """Groups → criteria → indicators → targets, read in four queries; each row with its
    ``anchor`` and the ``notices`` placed at it (taken out of ``placed``)."""
    groups = list(criteria_set.groups.order_by("position", "code"))
    criteria = list(criteria_set.criteria.order_by("number"))
    indicators = list(criteria_set.indicators.order_by("criterion__number", "position", "code"))
    targets = list(
        Target.objects.filter(indicator__criteria_set=criteria_set)
        .select_related("confirmed_by")
        .order_by("region", "commune_group", "year")
    )
    for i in indicators:
        i.target_rows = [t for t in targets if t.indicator_id == i.pk]
    for c in criteria:
        c.indicator_rows = [i for i in indicators if i.criterion_id == c.pk]
    for g in groups:
        g.criterion_rows = [c for c in criteria if c.group_id == g.pk]
    placed = placed if placed is not None else {}
    for row in (*groups, *criteria, *indicators, *targets):
        row.anchor = row_anchor(row)
        row.notices = placed.pop(row.anchor, [])
    return groups


@login_required
@require_GET
def set_page(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = access_sets.get_set_for_user(request.user, pk)
    editable = access_sets.can_edit_set(request.user, criteria_set)
    draft = criteria_set.status == SetStatus.DRAFT
    pending = unconfirmed_targets(criteria_set) if draft else []
    placed, general = _row_messages(request)
    context = _detail_context(request, criteria_set, editable=editable, draft=draft, pending=pending, placed=placed)
    context["messages"] = general  # the page's own over the context processor's: the others are at their rows
    return render(request, "criteria/sets/detail.html", context)


def _clone_provinces(user, criteria_set) -> list:
    """Where the user may clone the set: a province's set only into that province; a national
    set into the provinces the user speaks for (an administrator: a national draft instead)."""
    if criteria_set.issuer_id is not None:
        return [criteria_set.issuer] if access.speaks_for_province(user, criteria_set.issuer) else []
    if access.is_administrator(user):
        return []
    return [p for p in access_sets.provinces_for(user) if access.speaks_for_province(user, p)]


def _detail_context(
    request: HttpRequest, criteria_set, *, editable: bool, draft: bool, pending: list, placed: dict | None = None
) -> dict:
    clone_provinces = _clone_provinces(request.user, criteria_set)
    placed = placed if placed is not None else {}
    groups = _structure(criteria_set, placed)
    return {
        "set": criteria_set,
        "replaced": criteria_set.replaced_by() if criteria_set.status == SetStatus.PUBLISHED else None,
        "groups": groups,
        "structure_notices": [m for anchored in placed.values() for m in anchored],  # rows no longer shown
        "editable": editable,
        "draft": draft,
        "can_edit_content": editable and draft,
        "pending": pending,
        "publish_form": PublishForm(initial={"unconfirmed_count": len(pending)}) if editable and draft else None,
        "retire_form": RetireForm() if editable and criteria_set.status == SetStatus.PUBLISHED else None,
        "clone_provinces": clone_provinces,
        "clone_national": access.is_administrator(request.user) and criteria_set.issuer_id is None,
        "clone_form": CloneForm(),
        "changes": criteria_set.changes.select_related("user").order_by("-at", "-pk"),
    }


@login_required
@require_POST
def set_clone(request: HttpRequest, pk: int) -> HttpResponse:
    """Clone into a draft of the chosen province (or, for an administrator, a national draft)."""
    source = access_sets.get_set_for_user(request.user, pk)
    access.check_writes_somewhere(request.user, {Role.PROVINCE_OFFICE})
    form = CloneForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return HttpResponseRedirect(reverse("criteria_set", args=[source.pk]))
    code = form.cleaned_data.get("province") or ""
    province = access.get_unit_for_user(request.user, code) if code else None
    try:
        clone = criteria_set_clone_for(
            criteria_set=source, province=province, user=request.user, code=form.cleaned_data.get("code", "")
        )
    except ValidationError as exc:
        _error_messages(request, exc)
        return HttpResponseRedirect(reverse("criteria_set", args=[source.pk]))
    messages.success(request, _("Draft %(set)s created: edit it, then publish it.") % {"set": clone})
    return HttpResponseRedirect(reverse("criteria_set", args=[clone.pk]))


@login_required
@require_POST
def target_confirm_view(request: HttpRequest, pk: int, target_pk: int) -> HttpResponse:
    criteria_set = access_sets.get_set_for_user(request.user, pk, write=True)
    target = Target.objects.filter(pk=target_pk, indicator__criteria_set=criteria_set).first()
    back = reverse("criteria_set", args=[criteria_set.pk]) + "#targets"
    if target is None:
        messages.error(request, MSG_TARGET_GONE)
        return HttpResponseRedirect(back)
    try:
        target_confirm(target=target, user=request.user)
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("Target of %(code)s confirmed.") % {"code": target.indicator.code})
    return HttpResponseRedirect(back)


@login_required
@require_POST
def set_publish(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = access_sets.get_set_for_user(request.user, pk, write=True)
    form = PublishForm(request.POST)
    form.is_valid()
    try:
        criteria_set_publish_checked(criteria_set=criteria_set, user=request.user, accept_unconfirmed=form.accepted())
    except ValidationError as exc:
        criteria_set.refresh_from_db()
        if criteria_set.status != SetStatus.DRAFT:  # published meanwhile (a second click): no section to show
            _error_messages(request, exc)
            return HttpResponseRedirect(reverse("criteria_set", args=[criteria_set.pk]))
        # The page again with the refusal in the publish section, where the user pressed the
        # button: a message at the top of a long page was scrolled out of sight by "#publish".
        pending = unconfirmed_targets(criteria_set)
        context = _detail_context(request, criteria_set, editable=True, draft=True, pending=pending)
        context["publish_errors"] = _publish_errors(criteria_set, exc)
        return render(request, "criteria/sets/detail.html", context, status=400)
    messages.success(request, _("%(set)s is published; it can no longer change.") % {"set": criteria_set})
    return HttpResponseRedirect(reverse("criteria_set", args=[criteria_set.pk]))


def _publish_errors(criteria_set: CriteriaSet, exc: ValidationError) -> list[dict]:
    """Every reason publishing was refused (``PublishRefused.blockers``), each with a link to what
    to change: the row on the set's page (named as the page names it), or the header's form."""
    errors = []
    for blocker in getattr(exc, "blockers", None) or [ValidationError(m) for m in exc.messages]:
        row, link, url = getattr(blocker, "row", None), "", ""
        if isinstance(row, CriteriaSet):
            link, url = _("Edit the header and decision"), reverse("criteria_set_edit", args=[criteria_set.pk])
        elif row is not None:
            link, url = capfirst(row_label(row)), set_row_url(criteria_set, row_anchor(row))
        errors.append({"text": blocker.messages[0], "link": link, "url": url})
    return errors


@login_required
@require_POST
def set_retire(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = access_sets.get_set_for_user(request.user, pk, write=True)
    form = RetireForm(request.POST)
    back = reverse("criteria_set", args=[criteria_set.pk])
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return HttpResponseRedirect(back + "#retire")
    try:
        criteria_set_retire(criteria_set=criteria_set, user=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("%(set)s is retired: no new assessment starts against it.") % {"set": criteria_set})
    return HttpResponseRedirect(back)
