"""Pages: commune groups of the 2026–2030 set — the province's list and each commune's group.

Reads and writes go through ``criteria.services.commune_groups``; who may set a group is
``commune_group_refusal`` there (the province office, for a commune of the 2026–2030 period),
everyone who reads the commune sees its group, basis and history.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from communes import access
from communes.models import AdministrativeUnit, Level
from criteria.forms import CommuneGroupForm
from criteria.services.commune_groups import (
    commune_group_history,
    commune_group_of,
    commune_group_refusal,
    commune_group_set,
    province_commune_groups,
)
from criteria.views import _breadcrumbs
from ntm_portal.errors import StaleWriteError, stale_among


@login_required
@require_http_methods(["GET"])
def province_commune_groups_page(request: HttpRequest, code: str) -> HttpResponse:
    """The province's communes with their group and its basis, searchable, by pages."""
    province = access.get_unit_for_user(request.user, code)
    if province.level != Level.PROVINCE:
        raise Http404(_("Commune groups are listed for a province."))
    query = request.GET.get("q", "")[:100]
    page = province_commune_groups(province, query=query, page=request.GET.get("page"))
    context = {
        "unit": province,
        "page": page,
        "q": query,
        "query": urlencode({"q": query}) if query else "",
        "can_set": access.sets_commune_group(request.user, province),
        "breadcrumbs": _breadcrumbs(province, request.user),
    }
    return render(request, "criteria/commune_groups.html", context)


def _initial(assignment) -> dict:
    if assignment is None:
        return {"version": 0}
    return {
        "group": assignment.group,
        "condition": assignment.condition,
        "decision_number": assignment.decision_number,
        "decision_date": assignment.decision_date,
        "version": assignment.version,
    }


def _save(request: HttpRequest, commune: AdministrativeUnit, form: CommuneGroupForm) -> bool:
    """Apply a valid form through the service; refusals become the form's field errors."""
    data = form.cleaned_data
    try:
        commune_group_set(
            unit=commune,
            group=data["group"],
            condition=data["condition"],
            decision_number=data["decision_number"],
            decision_date=data["decision_date"],
            note=data["note"],
            user=request.user,
            expected_version=data["version"],
        )
    except StaleWriteError as exc:
        form.add_error(None, exc)
        return False
    except ValidationError as exc:
        for field, errors in (exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}).items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def commune_group_page(request: HttpRequest, code: str) -> HttpResponse:
    """A commune's group, its basis and history; the province office sets it here."""
    commune = access.get_unit_for_user(request.user, code)
    if commune.level != Level.COMMUNE:
        raise Http404(_("Only a commune has a commune group."))
    refusal = commune_group_refusal(request.user, commune)
    assignment = commune_group_of(commune)
    status = 200
    form = CommuneGroupForm(initial=_initial(assignment)) if refusal is None else None
    if request.method == "POST" and isinstance(refusal, PermissionDenied):
        raise refusal
    if request.method == "POST" and refusal is not None:
        status = 400  # a commune outside 2026–2030: the page says why, with no form
    elif request.method == "POST":
        form = CommuneGroupForm(request.POST)
        if form.is_valid() and _save(request, commune, form):
            messages.success(request, _("The commune's group is saved with its basis."))
            return HttpResponseRedirect(reverse("commune_group", args=[commune.code]))
        status = 409 if form.is_bound and stale_among(form.non_field_errors().as_data()) else 400
        assignment = commune_group_of(commune)
    breadcrumbs = _breadcrumbs(commune, request.user)
    context = {
        "unit": commune,
        "assignment": assignment,
        "form": form,
        # Why the province office has no form here: a commune the 2026–2030 groups leave out.
        "no_group": refusal.messages[0] if isinstance(refusal, ValidationError) else "",
        "history": commune_group_history(commune),
        # The province's list, when the user may open the province.
        "province": breadcrumbs[0] if breadcrumbs[0].level == Level.PROVINCE else None,
        "breadcrumbs": breadcrumbs,
    }
    return render(request, "criteria/commune_group.html", context, status=status)
