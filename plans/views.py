"""The plans page of a unit: registered targets, province targets, the funds grid and the
rolled-up plan against result and funds.

Every unit comes through ``communes.access``; every write through ``plans.services``; every
figure through ``plans.selectors``. Works without JavaScript: each form posts, a success
redirects back, a refusal shows the whole page again with the message at the field.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from communes import access
from communes.models import AdministrativeUnit, Level
from criteria.models import Tier
from criteria.years import PageYear, lifetime_notice, page_year_of
from ntm_portal.forms import add_service_errors
from ntm_portal.numbers import as_typed, vn_number
from plans import selectors
from plans.forms import (
    MSG_PROVINCE_TARGET_REBASED,
    FundsGridForm,
    ProvinceTargetForm,
    RegisteredTargetForm,
    SearchForm,
    WithdrawTargetForm,
    YearForm,
)
from plans.models import ProvinceTarget
from plans.services import (
    MSG_FUNDS_NO_PERMISSION,
    MSG_PROVINCE_TARGET_NO_PERMISSION,
    MSG_TARGET_NO_PERMISSION,
    FundCell,
    PeriodTakenError,
    ProvinceTargetInput,
    StaleWriteError,
    can_enter_funds,
    can_enter_province_targets,
    can_set_registered_target,
    funds_record,
    province_target_save,
    registered_target_set,
    registered_target_withdraw,
)
from plans.services.permissions import user_name


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Straight to the user's unit; a user with several units (or none) chooses."""
    memberships = access.memberships_of(request.user)
    units = list({m.unit.pk: m.unit for m in memberships}.values())
    if len(units) == 1:
        return redirect("plans:unit", code=units[0].code)
    if access.is_administrator(request.user):
        units += [
            u for u in AdministrativeUnit.objects.filter(level=Level.PROVINCE).in_vietnamese_order() if u not in units
        ]
    return render(request, "plans/home.html", {"units": units})


# --- The page -------------------------------------------------------------------------------


def _query(request: HttpRequest, **overrides) -> str:
    """The page's query (year, search, page) for links and form actions."""
    params = {k: request.GET.get(k, "") for k in ("year", "q", "page")}
    params.update(overrides)
    return urlencode({k: v for k, v in params.items() if v not in ("", None)})


def _page_url(request: HttpRequest, unit: AdministrativeUnit, anchor: str = "") -> str:
    query = _query(request)
    return reverse("plans:unit", args=[unit.code]) + (f"?{query}" if query else "") + (f"#{anchor}" if anchor else "")


def _grid_context(request, unit, year, *, form=None, stale=None, errors=None) -> dict:
    """The funds grid with, after a refusal, what was typed and why at each cell."""
    grid = selectors.funds_grid(unit=unit, year=year)
    errors = errors or {}
    stale = stale or {}
    for row in grid.rows:
        for cell in row.cells:
            shown = as_typed(cell.amount) if cell.amount is not None else ""
            cell.shown, cell.was, cell.seen_version = shown, shown, cell.version
            cell.typed, cell.errors, cell.conflict = shown, [], None
            if form is not None:
                cell.typed = form.data.get(f"a-{cell.key}", shown)
                cell.was = form.data.get(f"was-{cell.key}", shown)
                cell.seen_version = form.data.get(f"v-{cell.key}", cell.version)
            if cell.key in stale:
                # Shown with what is stored now; saving again keeps the value typed, knowingly.
                cell.conflict = {"messages": errors.get(cell.key, []), "current": stale[cell.key]}
                cell.was, cell.seen_version = shown, cell.version
            else:
                cell.errors = errors.get(cell.key, [])
    return {"grid": grid, "grid_errors": errors.get("year", []) + errors.get("__all__", [])}


def _page(
    request: HttpRequest, unit: AdministrativeUnit, *, status: int = 200, chosen: PageYear | None = None, **extra
) -> HttpResponse:
    """The page for ``?year=`` (``chosen``: already read by a view that wrote; ``year``: the
    funds grid's year posted)."""
    user = request.user
    chosen = chosen or page_year_of(request, unit)
    year = extra.pop("year", None) or chosen.year
    shown = {"year": year} if request.GET.get("year") else {}
    search = SearchForm(request.GET)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    targets = selectors.targets_page(unit=unit, year=year, q=q, page=request.GET.get("page") or 1)
    failed_target = extra.pop("failed_target", None)
    rows = [targets.own] if targets.own else []
    for row in rows + list(targets.page.object_list):
        row.can_edit = can_set_registered_target(user, row.unit)
        row.failed = failed_target if failed_target and failed_target["unit"] == row.unit.code else None
    context = {
        "unit": unit,
        "year": year,
        "years": chosen.options,
        "search": search,
        "targets": targets,
        "page": targets.page,
        # The year shown, not a refused one typed into the address, travels on in links and forms.
        "query": _query(request, page="", **shown),
        "action_query": _query(request, **shown),
        "breadcrumbs": [u for u in unit.ancestors() if access.can_read_unit(user, u)] + [unit],
        "can_enter_funds": can_enter_funds(user, unit),
        **lifetime_notice(unit, year),
    }
    context["plans"] = plans = selectors.dashboard_sections(unit=unit, year=year)
    context["due"] = selectors.due_listing(plans, request.GET)
    if unit.level == Level.PROVINCE:
        editable = can_enter_province_targets(user, unit)
        failed = extra.pop("failed_province_target", None)
        holding = selectors.communes_holding(unit, year) if editable else None
        items = []
        for target in selectors.province_targets(province=unit):
            form = None
            if editable:
                form = (
                    failed["form"]
                    if failed and failed["pk"] == target.pk
                    else _province_target_form(holding=holding, year=year, target=target)
                )
            items.append(
                {
                    "target": target,
                    "form": form,
                    "conflict": failed and failed["pk"] == target.pk and failed["conflict"],
                }
            )
        new_form = None
        if editable:
            new_form = (
                failed["form"] if failed and failed["pk"] is None else _province_target_form(holding=holding, year=year)
            )
        context.update(province_targets=items, new_province_target_form=new_form, can_enter_province_targets=editable)
    if "grid" not in extra:
        extra.update(_grid_context(request, unit, year))
    context.update(extra)
    return render(request, "plans/unit.html", context, status=status)


def _province_target_form(
    *, holding: dict[str, int], year: int, target: ProvinceTarget | None = None, data=None
) -> ProvinceTargetForm:
    """A province target's form (``target=None``: a new period), as shown on the page or as
    posted (``data``): the same ids and the same figures beside each count either way (QA: the
    form shown again after a 409 had lost "Holding it in 2025: N")."""
    auto_id = f"id_pt{target.pk}_%s" if target else "id_new_%s"
    initial = _province_target_shown(target) if target is not None else None
    return ProvinceTargetForm(data, auto_id=auto_id, initial=initial, holding=holding, year=year)


def _province_target_shown(target: ProvinceTarget) -> dict:
    """A stored province target's figures as its form shows them."""
    return {
        "version": target.version,
        "period_from": target.period_from,
        "period_to": target.period_to,
        "communes_standard": target.communes_standard,
        "communes_advanced": target.communes_advanced,
        "communes_model": target.communes_model,
        "min_criteria": target.min_criteria,
        "villages_recognised_share": vn_number(target.villages_recognised_share)
        if target.villages_recognised_share is not None
        else "",
        "basis": target.basis,
    }


@login_required
@require_GET
def unit_page(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, code)
    return _page(request, unit)


# --- Writes ---------------------------------------------------------------------------------


def _target_units(request: HttpRequest, code: str) -> tuple[AdministrativeUnit, AdministrativeUnit]:
    """The page's unit and the unit whose registered target is set or withdrawn (the form's
    ``unit``, within the page's), the user allowed to set its targets: checked before the form,
    so a reader gets 403."""
    page_unit = access.get_unit_for_user(request.user, code)
    target_code = request.POST.get("unit", "")
    target_unit = access.get_unit_for_user(request.user, target_code) if target_code else page_unit
    if not target_unit.is_within(page_unit):
        raise Http404(access.MSG_NOT_FOUND)
    if not can_set_registered_target(request.user, target_unit):
        raise PermissionDenied(MSG_TARGET_NO_PERMISSION)
    return page_unit, target_unit


def _change_target(request: HttpRequest, code: str, form_class, write, done, *, withdraw: bool = False) -> HttpResponse:
    """Set or withdraw a registered target from the plans page: the form, the service
    (``write(target_unit, data)``), and the page again with the refusal at its place (400, a
    stale version 409), or back to the unit's row with ``done(target_unit, data)``."""
    page_unit, target_unit = _target_units(request, code)
    form = form_class(request.POST)
    failed = {"unit": target_unit.code, "tier": request.POST.get("tier", ""), "form": form, "conflict": None}
    if withdraw:
        failed["withdraw"] = True
    if not form.is_valid():
        return _page(request, page_unit, status=400, failed_target=failed)
    try:
        write(target_unit, form.cleaned_data)
    except StaleWriteError as exc:
        failed["conflict"] = {"message": exc.messages[0], "current": exc.current}
        return _page(request, page_unit, status=409, failed_target=failed)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _page(request, page_unit, status=400, failed_target=failed)
    messages.success(request, done(target_unit, form.cleaned_data))
    return HttpResponseRedirect(_page_url(request, page_unit, f"t-{target_unit.code}"))


@login_required
@require_POST
def set_target(request: HttpRequest, code: str) -> HttpResponse:
    def write(unit, data):
        registered_target_set(
            unit=unit,
            tier=data["tier"],
            target_year=data["target_year"],
            basis=data["basis"],
            user=request.user,
            expected_version=data["version"],
        )

    def done(unit, data):
        return _("Saved: %(unit)s plans to reach the %(tier)s tier in %(year)s.") % {
            "unit": unit.name,
            "tier": Tier(data["tier"]).label.lower(),
            "year": data["target_year"],
        }

    return _change_target(request, code, RegisteredTargetForm, write, done)


@login_required
@require_POST
def withdraw_target(request: HttpRequest, code: str) -> HttpResponse:
    """Withdraw a registered target: it leaves the units due and overdue; its history keeps it."""

    def write(unit, data):
        registered_target_withdraw(
            unit=unit, tier=data["tier"], reason=data["reason"], user=request.user, expected_version=data["version"]
        )

    def done(unit, data):
        return _("Withdrawn: the %(tier)s target of %(unit)s.") % {
            "unit": unit.name,
            "tier": Tier(data["tier"]).label.lower(),
        }

    return _change_target(request, code, WithdrawTargetForm, write, done, withdraw=True)


@login_required
@require_POST
def save_province_target(request: HttpRequest, code: str) -> HttpResponse:
    province = access.get_unit_for_user(request.user, code)
    if province.level != Level.PROVINCE:
        raise Http404(access.MSG_NOT_FOUND)
    if not can_enter_province_targets(request.user, province):  # before the form: a reader gets 403, not field errors
        raise PermissionDenied(MSG_PROVINCE_TARGET_NO_PERMISSION)
    pk = request.POST.get("target", "")
    target = None
    if pk:
        if not pk.isdigit():
            raise Http404(access.MSG_NOT_FOUND)
        target = ProvinceTarget.objects.filter(pk=int(pk), province=province).first()
        if target is None:
            raise Http404(access.MSG_NOT_FOUND)
    chosen = page_year_of(request, province)
    year = chosen.year
    holding = selectors.communes_holding(province, year)
    form = _province_target_form(holding=holding, year=year, target=target, data=request.POST)
    failed = {"pk": target.pk if target else None, "form": form, "conflict": None}
    if not form.is_valid():
        return _page(request, province, status=400, chosen=chosen, failed_province_target=failed)
    data = form.cleaned_data
    try:
        province_target_save(
            province=province,
            target=target,
            expected_version=data.get("version") if target else None,
            user=request.user,
            data=ProvinceTargetInput(
                period_from=data["period_from"],
                period_to=data["period_to"],
                communes_standard=data["communes_standard"],
                communes_advanced=data["communes_advanced"],
                communes_model=data["communes_model"],
                min_criteria=data["min_criteria"],
                villages_recognised_share=data["villages_recognised_share"],
                basis=data["basis"],
            ),
        )
    except StaleWriteError as exc:
        # Shown again based on the stored version (as the funds grid): the figures the user did
        # not change take the stored values, those they changed keep what was typed with the
        # stored value named beside them (``ProvinceTargetForm.rebased``); saving again keeps
        # that, knowingly. With the version read first it would be refused again and again.
        again, notes = form.rebased(
            _province_target_shown(exc.current), exc.current.version, user_name(exc.current.entered_by)
        )
        failed["form"] = _province_target_form(holding=holding, year=year, target=target, data=again)
        failed["form"].conflicts = notes
        failed["conflict"] = f"{exc.messages[0]} {MSG_PROVINCE_TARGET_REBASED}"
        return _page(request, province, status=409, chosen=chosen, failed_province_target=failed)
    except PeriodTakenError as exc:
        add_service_errors(form, exc)
        return _page(request, province, status=409, chosen=chosen, failed_province_target=failed)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _page(request, province, status=400, chosen=chosen, failed_province_target=failed)
    messages.success(request, _("Province targets saved."))
    return HttpResponseRedirect(_page_url(request, province, "province-targets"))


@login_required
@require_POST
def save_funds(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, code)
    if not can_enter_funds(request.user, unit):  # before the form: a reader gets 403, not field errors
        raise PermissionDenied(MSG_FUNDS_NO_PERMISSION)
    year_form = YearForm(request.POST)
    year = year_form.cleaned_data.get("year") if year_form.is_valid() else None
    form = FundsGridForm(request.POST)
    if year is None or not form.is_valid():
        errors = {"year": [_("The form was incomplete; please reload the page.")]}
        chosen = page_year_of(request, unit)
        year = year or chosen.year
        return _page(
            request,
            unit,
            status=400,
            chosen=chosen,
            year=year,
            **_grid_context(request, unit, year, form=form, errors=errors),
        )
    cells = [
        FundCell(month=month, source=source, raw=typed, expected_version=version)
        for month, source, typed, version in form.changed_cells()
    ]
    try:
        funds_record(unit=unit, year=year, cells=cells, user=request.user)
    except StaleWriteError as exc:
        errors = {key: [str(m) for m in msgs] for key, msgs in exc.message_dict.items()}
        extra = _grid_context(request, unit, year, form=form, stale=exc.current, errors=errors)
        return _page(request, unit, status=409, year=year, funds_conflict=True, **extra)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        extra = _grid_context(request, unit, year, form=form, errors=errors)
        return _page(request, unit, status=400, year=year, funds_failed=True, **extra)
    if cells:
        messages.success(request, _("Funds saved."))
    else:
        messages.info(request, _("Nothing was changed."))
    return HttpResponseRedirect(reverse("plans:unit", args=[unit.code]) + "?" + urlencode({"year": year}) + "#funds")
