"""Page: the sheet a commune would see with a set, read-only — for a region, commune group and
year the province office chooses, each indicator with the target that would apply and why."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from communes.models import AdministrativeUnit
from criteria import access_sets, display
from criteria.forms_sets import PreviewForm
from criteria.models import Target
from criteria.selectors import IndicatorRow
from criteria.targets import rule_for_unit


def _choice(form: PreviewForm, criteria_set) -> dict:
    data = form.cleaned_data if form.is_valid() else {}
    year = data.get("year") or criteria_set.year_from
    return {
        "region": data.get("region") or None,
        "group": data.get("commune_group"),
        "year": year,
        "disadvantaged": bool(data.get("disadvantaged")),
    }


def preview_blocks(criteria_set, choice: dict) -> list[dict]:
    """Groups → criteria → rows of (indicator, target text, why it applies, to verify)."""
    indicators = list(criteria_set.indicators.select_related("criterion").order_by("criterion__number", "position"))
    targets: dict[int, list[Target]] = {}
    for t in Target.objects.filter(indicator__criteria_set=criteria_set).order_by("pk"):
        targets.setdefault(t.indicator_id, []).append(t)
    # The unit the office asks about: what it brings to the rule, as a real unit would.
    unit = AdministrativeUnit(
        region=choice["region"] or "",
        commune_group=choice["group"],
        especially_disadvantaged=choice["disadvantaged"],
    )
    blocks = []
    for group in criteria_set.groups.order_by("position", "code"):
        criteria = []
        for criterion in criteria_set.criteria.filter(group=group).order_by("number"):
            rows = []
            for indicator in (i for i in indicators if i.criterion_id == criterion.pk):
                own = targets.get(indicator.pk, [])
                rule, reason = rule_for_unit(
                    [t.as_rule() for t in own], unit=unit, year=choice["year"], criteria_set=criteria_set
                )
                target = next((t for t in own if rule and t.pk == rule.key), None)
                row = IndicatorRow(indicator, target, reason, None, province_set=criteria_set.issuer_id is not None)
                rows.append(
                    {
                        "indicator": indicator,
                        "target": display.target_text(row),
                        "basis": display.target_basis(row),
                        "to_verify": bool(target and target.to_verify),
                    }
                )
            criteria.append({"criterion": criterion, "rows": rows})
        blocks.append({"group": group, "criteria": criteria})
    return blocks


@login_required
@require_GET
def set_preview(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = access_sets.get_set_for_user(request.user, pk)
    form = PreviewForm(request.GET or None)
    choice = _choice(form, criteria_set)
    context = {"set": criteria_set, "form": form, "choice": choice, "blocks": preview_blocks(criteria_set, choice)}
    return render(request, "criteria/sets/preview.html", context)
