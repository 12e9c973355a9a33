"""Forms of the plans page. They read what was typed; the rules (ranges, who may write, the
ladder of tiers, stale versions) live in ``plans.services``, whose errors the views put
back at each field."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from criteria.models import Tier
from plans.models import PROVINCE_TARGET_FIELDS, FundSource, cell_key

YEAR_FIELD_MAX = 9999
MSG_WHOLE_YEAR = _("Enter a year such as 2025.")
MSG_WHOLE_NUMBER = _("Enter a whole number.")


class YearField(forms.IntegerField):
    """A year typed by a person: a whole number; its range is the service's business, whose
    message ("between 2010 and 2035") says more than Django's bounds would."""

    default_error_messages = {"invalid": MSG_WHOLE_YEAR}

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", forms.NumberInput(attrs={"class": "year-input", "inputmode": "numeric"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and not 0 <= value <= YEAR_FIELD_MAX:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return value


class CountField(forms.IntegerField):
    default_error_messages = {"invalid": MSG_WHOLE_NUMBER}

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", forms.NumberInput(attrs={"class": "count-input", "inputmode": "numeric"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and abs(value) > 10**6:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return value


class YearForm(forms.Form):
    year = YearField(label=_("Year"), required=False)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Find a unit"), required=False, max_length=100)


class RegisteredTargetForm(forms.Form):
    """One tier of one unit; ``version`` is the target's version the user saw (0: none yet)."""

    unit = forms.CharField(widget=forms.HiddenInput, max_length=30)
    tier = forms.ChoiceField(choices=Tier.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=0, max_value=2**31, widget=forms.HiddenInput)
    target_year = YearField(label=_("Target year"))
    # Not required here: the service says what is missing, together with any other refusal.
    basis = forms.CharField(
        label=_("Decision or plan"),
        max_length=300,
        required=False,
        help_text=_("For example: Kế hoạch 12/KH-UBND ngày 15/01/2022"),
    )


class WithdrawTargetForm(forms.Form):
    """Withdraw one tier's target of one unit; ``version`` as for ``RegisteredTargetForm``."""

    unit = forms.CharField(widget=forms.HiddenInput, max_length=30)
    tier = forms.ChoiceField(choices=Tier.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=0, max_value=2**31, widget=forms.HiddenInput)
    # Not required here: the service says what is missing.
    reason = forms.CharField(
        label=_("Why it is withdrawn"),
        max_length=300,
        required=False,
        help_text=_("The decision that drops or replaces the target, or the reason."),
    )


MSG_CUMULATIVE = _(
    "The total number of communes holding the title at the end of the period, not the number added during it. "
    "0: no target for this tier."
)
MSG_HOLDING_NOW = _("Holding it in %(year)s: %(count)s.")
COUNT_FIELDS = ("communes_standard", "communes_advanced", "communes_model")
MSG_PROVINCE_TARGET_REBASED = _(
    "The figures you did not change now show the stored values; where you both changed a figure, yours is kept "
    "and the stored value is named beside it."
)
MSG_FIELD_CHANGED_MEANWHILE = _("Changed by %(user)s in the meantime: now %(now)s (it was %(was)s).")
MSG_FIELD_KEPT_YOURS = _(
    "Saved by %(user)s in the meantime: %(now)s. Your value is kept; saving again replaces the stored one."
)


class ConflictBoundField(BoundField):
    """A field that can say, after a stale write, what is stored now (``form.conflicts``)."""

    @property
    def conflict(self) -> str:
        return self.form.conflicts.get(self.name, "")


class ProvinceTargetForm(forms.Form):
    """A province's targets for a period. Each count of communes is the cumulative total the
    dashboards compare it with (QA: a plan's "5 more communes" entered as 5 read "17 (340 %)
    met"); given ``holding`` (``communes_holding``) and its ``year``, each count's help adds the
    figure it is compared with. Set when the form is made, so a bound form (shown again after a
    refusal, its fields already read) says it too.

    Each figure carries the value the form was shown with (Django's ``show_hidden_initial``:
    ``initial-<name>``), so that after a stale write ``rebased`` can tell the figures the user
    changed from those they left alone."""

    bound_field_class = ConflictBoundField

    version = forms.IntegerField(min_value=0, max_value=2**31, widget=forms.HiddenInput, required=False)
    period_from = YearField(label=_("From year"), show_hidden_initial=True)
    period_to = YearField(label=_("To year"), show_hidden_initial=True)
    communes_standard = CountField(
        label=_("Communes holding the standard at the end of the period (total)"),
        initial=0,
        help_text=MSG_CUMULATIVE,
        show_hidden_initial=True,
    )
    communes_advanced = CountField(
        label=_("Communes holding the advanced tier at the end of the period (total)"),
        initial=0,
        help_text=MSG_CUMULATIVE,
        show_hidden_initial=True,
    )
    communes_model = CountField(
        label=_("Communes holding the model tier at the end of the period (total)"),
        initial=0,
        help_text=MSG_CUMULATIVE,
        show_hidden_initial=True,
    )
    min_criteria = CountField(
        label=_("No commune under this many criteria"),
        required=False,
        help_text=_("Leave empty for no such target."),
        show_hidden_initial=True,
    )
    villages_recognised_share = forms.CharField(
        label=_("Share of villages recognised (%)"),
        required=False,
        max_length=20,
        help_text=_("For example 62,5. Leave empty for no such target."),
        show_hidden_initial=True,
    )
    basis = forms.CharField(label=_("Decision or plan"), max_length=300, required=False, show_hidden_initial=True)

    def __init__(self, *args, holding: dict[str, int] | None = None, year: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.conflicts: dict[str, str] = {}
        if holding is not None:
            for name in COUNT_FIELDS:
                now = MSG_HOLDING_NOW % {"year": year, "count": holding.get(name) or 0}
                self.fields[name].help_text = f"{MSG_CUMULATIVE} {now}"

    def _differs(self, name: str, a: str | None, b: str | None) -> bool:
        field = self.fields[name]
        try:
            return (field.to_python(a) or "") != (field.to_python(b) or "")
        except ValidationError:
            return (a or "").strip() != (b or "").strip()

    def rebased(self, stored: dict[str, object], version: int, by: str) -> tuple[QueryDict, dict[str, str]]:
        """After a stale write: the data to show the form again with, based on ``stored`` (the
        figures as saved meanwhile, as the form shows them) and its ``version``, and a note per
        figure that differs.

        A figure the user left as the form showed it takes the stored value (someone else's
        change is not undone by a save that never touched it); a figure the user changed keeps
        what was typed, and where the stored value moved too, the note names it. Without the
        value the form was shown with (a client that does not post it), a figure counts as
        changed."""
        data = self.data.copy()
        notes: dict[str, str] = {}
        for name in PROVINCE_TARGET_FIELDS:
            typed = self.data.get(name, "")
            was = self.data.get(self.add_initial_prefix(name))
            now = "" if stored[name] is None else str(stored[name])
            shown_now = now or str(_("No target"))
            user_changed = was is None or self._differs(name, typed, was)
            if not user_changed:
                data[name] = now
                if self._differs(name, was, now):
                    notes[name] = MSG_FIELD_CHANGED_MEANWHILE % {
                        "user": by,
                        "now": shown_now,
                        "was": was or str(_("No target")),
                    }
            elif self._differs(name, typed, now) and (was is None or self._differs(name, was, now)):
                notes[name] = MSG_FIELD_KEPT_YOURS % {"user": by, "now": shown_now}
            data[self.add_initial_prefix(name)] = now
        data["version"] = str(version)
        return data, notes


class FundsGridForm(forms.Form):
    """The funds grid: for each month and source, the amount as typed, the amount as shown
    when the page was read (to tell which cells were changed) and the version of that cell.

    Field names: ``a-<month>-<source>``, ``was-<month>-<source>``, ``v-<month>-<source>``.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for month in range(1, 13):
            for source in FundSource.values:
                key = cell_key(month, source)
                self.fields[f"a-{key}"] = forms.CharField(required=False, max_length=40, strip=True)
                self.fields[f"was-{key}"] = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
                self.fields[f"v-{key}"] = forms.IntegerField(
                    required=False, min_value=0, max_value=2**31, widget=forms.HiddenInput
                )

    def changed_cells(self) -> list[tuple[int, str, str, int]]:
        """(month, source, typed text, version seen) for each cell whose text was changed."""
        cells = []
        for month in range(1, 13):
            for source in FundSource.values:
                key = cell_key(month, source)
                typed = self.cleaned_data.get(f"a-{key}") or ""
                was = self.cleaned_data.get(f"was-{key}") or ""
                if typed.strip() != was.strip():
                    cells.append((month, source, typed, self.cleaned_data.get(f"v-{key}") or 0))
        return cells
