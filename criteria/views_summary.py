"""Pages: a summary record of the past — a year's standing entered from an old report.

The officers who may write for the unit (``access.get_unit_for_user(..., write=True)``) choose
the year and the tier, then the set (the one in force first; another needs a reason), mark
each criterion met, basically met or not met, and give the source document. Everything is
decided by ``criteria.services.summary.assessment_record_summary``; this page only lays out
its refusals at their fields. A recorded one is corrected on its own page (linked from its
sheet while it is editable) through ``criteria.services.summary_correction.summary_record_correct``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from communes import access
from communes.models import AdministrativeUnit
from criteria import access_sets, evaluation
from criteria.forms import BASICALLY_MET, MARK_LABELS, MET, SummaryCorrectionForm, SummaryRecordForm, current_year
from criteria.models import Assessment, CriteriaSet, Tier
from criteria.services.assessments import DuplicateAssessment, speaking_assessment
from criteria.services.evidence import ALLOWED_TYPES
from criteria.services.in_force import criteria_set_in_force, other_sets
from criteria.services.summary import MSG_NOT_SUMMARY, assessment_record_summary
from criteria.services.summary_correction import (
    CORRECT_LABEL,
    Stored,
    correction_refusal,
    reported_marks,
    summary_record_correct,
)
from criteria.views import _assessment_for, _breadcrumbs
from criteria.years import within_lifetime
from ntm_portal.errors import StaleWriteError

# Where the service's refusals are shown: the criteria marks have no single field.
_FIELD_OF = {"met": None, "basically_met": None}


@dataclass
class SetChoice:
    """What the form offers for the year and tier asked for, and the set whose criteria it lists."""

    year: int
    tier: str
    tiers: list[Tier]
    in_force: CriteriaSet | None
    sets: list[CriteriaSet]
    selected: CriteriaSet | None
    # The set the user had chosen, not one for the year and tier now asked: shown in its stead.
    dropped: CriteriaSet | None = None
    # The set shown followed the year or tier away from the one the form sent (never chosen).
    followed: bool = False

    @property
    def offered(self) -> CriteriaSet | None:
        """The set the form selects when the user has chosen none: the set in force, else the first."""
        return self.in_force or (self.sets[0] if self.sets else None)

    @property
    def tier_label(self) -> str:
        return str(Tier(self.tier).label).lower()


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


# The set the form selected when it was shown (``SetChoice.offered``): a set still equal to it was
# left as offered, not chosen, and follows the year and tier; one that differs is the user's choice.
SET_OFFERED = "set_offered"


def set_choice(unit: AdministrativeUnit, data, user) -> SetChoice:
    """The sets offered for the year and tier in ``data`` (defaults: last year, standard): the set
    in force first, then the other published sets of the unit's level and tier covering it.

    The set selected is the one the user chose, kept while the year and tier offer it; a set left
    as the form offered it (``SET_OFFERED``) follows the year and tier to the set in force for
    them, the one the page names. Without ``SET_OFFERED`` (a link, an older page) the set sent
    is taken as chosen."""
    tiers = [Tier(t) for t in evaluation.tier_ladder(unit.level)]  # a village has no advanced tier
    # Last year by default, or the nearest the unit existed in (an ended commune: its last).
    year = min(max(_int(data.get("year"), within_lifetime(unit, current_year() - 1)), 2010), current_year())
    tier = data.get("tier") if data.get("tier") in {t.value for t in tiers} else Tier.STANDARD
    in_force = criteria_set_in_force(unit=unit, year=year, tier=tier)
    sets = ([in_force] if in_force else []) + other_sets(unit, year, tier, in_force)
    default = in_force or (sets[0] if sets else None)  # SetChoice.offered
    asked = _int(data.get("criteria_set"), 0)
    shown = data.get(SET_OFFERED)
    left_as_offered = shown is not None and _int(shown, 0) == asked
    if not asked:
        return SetChoice(year, tier, tiers, in_force, sets, default)
    if left_as_offered:
        return SetChoice(
            year, tier, tiers, in_force, sets, default, followed=default is not None and default.pk != asked
        )
    chosen = next((s for s in sets if s.pk == asked), None)
    if chosen is not None:
        return SetChoice(year, tier, tiers, in_force, sets, chosen)
    # The user's set is not one for this year and tier: said on the page, never swapped silently.
    # Named only if the user may read it: another province's set is as an id no set has.
    dropped = access_sets.readable_sets(user).filter(pk=asked).first() if shown is not None else None
    return SetChoice(year, tier, tiers, in_force, sets, default, dropped=dropped)


def _form(choice: SetChoice, *args, **kwargs) -> SummaryRecordForm:
    criteria = choice.selected.criteria.order_by("number") if choice.selected else []
    return SummaryRecordForm(
        *args, tiers=choice.tiers, sets=choice.sets, in_force=choice.in_force, criteria=criteria, **kwargs
    )


def _show_refusal(form: SummaryRecordForm | SummaryCorrectionForm, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        target = _FIELD_OF.get(field, field)
        form.add_error(target if target in form.fields else None, errors)


def _record(request: HttpRequest, unit: AdministrativeUnit, form: SummaryRecordForm) -> Assessment | None:
    """The service's answer: the record, or None with its refusals at the form's fields."""
    data = form.cleaned_data
    try:
        return assessment_record_summary(
            unit=unit,
            criteria_set=data["criteria_set"],
            year=data["year"],
            met=form.marked(MET),
            basically_met=form.marked(BASICALLY_MET),
            count=data["count"],
            source_number=data["source_number"],
            source_date=data["source_date"],
            source_file=data["source_file"],
            reason=data["reason"],
            user=request.user,
        )
    except DuplicateAssessment as exc:
        existing = exc.existing
        form.add_error(
            None,
            _(
                "%(unit)s already has its %(tier)s assessment for %(year)s, against %(set)s: one per unit, tier and year."
            )
            % {
                "unit": unit.name,
                "tier": existing.get_tier_display().lower(),
                "year": existing.year,
                "set": existing.criteria_set,
            },
        )
        form.existing = existing
    except ValidationError as exc:
        _show_refusal(form, exc)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def summary_record_new(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, code, write=True)
    data = request.POST if request.method == "POST" else request.GET
    choice = set_choice(unit, data, request.user)
    if request.method == "POST" and choice.followed:
        # The year or tier changed while the set was left as offered: the marks were given
        # against the old set's list. Its own criteria are listed, the marks kept by number.
        data = request.POST.copy()
        data["criteria_set"] = str(choice.selected.pk)
        data[SET_OFFERED] = str(choice.selected.pk)
        form = _form(choice, data, request.FILES)
        form.is_valid()
        form.add_error(
            "criteria_set",
            _(
                "The year or tier changed: the criteria of %(set)s, the set for %(year)s, are listed now; check "
                "the marks and save again."
            )
            % {"year": choice.year, "set": choice.selected.label},
        )
    elif request.method == "POST":
        form = _form(choice, request.POST, request.FILES)
        if form.is_valid() and (assessment := _record(request, unit, form)) is not None:
            messages.success(
                request,
                _("Summary record of %(year)s saved: %(met)s/%(total)s criteria met, as reported in %(source)s.")
                % {
                    "year": assessment.year,
                    "met": assessment.criteria_met,
                    "total": assessment.criteria_total,
                    "source": assessment.source_number,
                },
            )
            return redirect("assessment", pk=assessment.pk)
    else:
        initial = {key: data.get(key) for key in ("count", "source_number", "source_date", "reason") if data.get(key)}
        initial |= {"year": choice.year, "tier": choice.tier, "criteria_set": choice.selected}
        form = _form(choice, initial=initial)
        # Said before the form is filled in: the year already has its assessment at this tier.
        form.existing = speaking_assessment(unit=unit, tier=choice.tier, year=choice.year)
    context = {
        "unit": unit,
        "form": form,
        **_evidence_limits(),
        "choice": choice,
        "year": choice.year,
        "existing": getattr(form, "existing", None),
        "breadcrumbs": _breadcrumbs(unit, request.user),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "criteria/summary_record_form.html", context, status=status)


def _evidence_limits() -> dict:
    return {
        "evidence_types": ", ".join(sorted(ext.lstrip(".") for ext in ALLOWED_TYPES)),
        "evidence_accept": ",".join(sorted(ALLOWED_TYPES)),
        "evidence_max_mb": settings.EVIDENCE_MAX_MB,
    }


# --- Correcting a summary record ------------------------------------------------------------


def _stored_initial(assessment: Assessment) -> dict:
    """The correction form filled in with what the record holds now."""
    marks = {f"criterion_{n}": mark for n, mark in reported_marks(assessment).items()}
    return marks | {
        "source_number": assessment.source_number,
        "source_date": assessment.source_date,
        "version": assessment.version,
    }


def _show_stored(form: SummaryCorrectionForm, stored: Stored) -> None:
    """Beside each field the user typed otherwise, what is stored now (after a stale write)."""
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    stored_date = f"{stored.source_date:%d/%m/%Y}" if stored.source_date else "—"
    for name, now, typed in (
        ("source_number", stored.source_number, data.get("source_number")),
        ("source_date", stored_date, f"{data['source_date']:%d/%m/%Y}" if data.get("source_date") else None),
    ):
        if typed != now:
            form[name].conflict = _("Stored now: %(value)s") % {"value": now}
    for criterion in form.criteria:
        n = criterion.number
        now = MET if n in stored.met else BASICALLY_MET if n in stored.basically_met else ""
        if data.get(f"criterion_{n}", "") != now:
            form[f"criterion_{n}"].conflict = _("Stored now: %(value)s") % {"value": MARK_LABELS[now]}


@login_required
@require_http_methods(["GET", "POST"])
def summary_record_correct_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a summary record's report (marks, count, document) while it is editable.

    Those who may write its unit (404 outside their area, 403 where they only read); everything
    is decided by ``summary_record_correct``; a frozen record says why and who can return it."""
    assessment = _assessment_for(request, pk, write=True)
    if not assessment.summary:
        raise Http404(MSG_NOT_SUMMARY)
    criteria = list(assessment.criteria_set.criteria.order_by("number"))
    status = 200
    if request.method == "POST":
        form = SummaryCorrectionForm(request.POST, request.FILES, criteria=criteria)
        try:
            if form.is_valid():
                corrected = summary_record_correct(
                    assessment=assessment,
                    met=form.marked(MET),
                    basically_met=form.marked(BASICALLY_MET),
                    count=form.cleaned_data["count"],
                    source_number=form.cleaned_data["source_number"],
                    source_date=form.cleaned_data["source_date"],
                    source_file=form.cleaned_data["source_file"],
                    expected_version=form.cleaned_data["version"],
                    comment=form.cleaned_data["comment"],
                    user=request.user,
                )
                messages.success(
                    request,
                    _("Summary record corrected: %(met)s/%(total)s criteria met, as reported in %(source)s.")
                    % {
                        "met": corrected.criteria_met,
                        "total": corrected.criteria_total,
                        "source": corrected.source_number,
                    },
                )
                return redirect("assessment", pk=assessment.pk)
        except StaleWriteError as exc:
            # What was typed stays, re-based on the record as stored now: saving again applies it.
            data = request.POST.copy()
            data["version"] = str(exc.current.version)
            form = SummaryCorrectionForm(data, criteria=criteria)
            form.is_valid()
            form.add_error(None, exc)
            _show_stored(form, exc.current)
            status = 409
        except ValidationError as exc:
            if getattr(exc, "code", None) != "locked":  # a frozen record: the page says why, once, above the form
                _show_refusal(form, exc)
        status = status if status == 409 else 400  # a refusal: the form again, at its fields
        assessment.refresh_from_db()  # the state and version now: a refusal may say why it is frozen
    else:
        form = SummaryCorrectionForm(initial=_stored_initial(assessment), criteria=criteria)
    context = {
        "unit": assessment.unit,
        "assessment": assessment,
        "form": form,
        "refusal": correction_refusal(assessment),
        "correct_label": CORRECT_LABEL,
        **_evidence_limits(),
        "breadcrumbs": _breadcrumbs(assessment.unit, request.user),
    }
    return render(request, "criteria/summary_record_correct.html", context, status=status)


@login_required
@require_GET
def summary_source(request: HttpRequest, pk: int) -> FileResponse:
    """The source document of a summary record, for those who may read the unit."""
    assessment = _assessment_for(request, pk)
    if not assessment.source_file:
        raise Http404(_("This summary record has no source document file."))
    suffix = Path(assessment.source_file.name).suffix.lower()
    name = f"nguon-{assessment.unit.code}-{assessment.year}{suffix}"
    return FileResponse(assessment.source_file.open("rb"), as_attachment=True, filename=name)
