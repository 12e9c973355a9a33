from django import forms
from django.db.models import Case, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from criteria import access_sets
from criteria.models import AssessmentState, CriteriaSet, Tier

YEAR_MIN, YEAR_MAX = 2010, 2100
# The longest note on an indicator value: the sheet and the API accept the same.
NOTE_MAX_LENGTH = 2000


def current_year() -> int:
    return timezone.localdate().year


class YearForm(forms.Form):
    """The year a page shows; a bad or missing year falls back to the current one."""

    year = forms.IntegerField(label=_("Year"), min_value=YEAR_MIN, max_value=YEAR_MAX, required=False)

    def year_or_default(self) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return current_year()


class AssessmentFilterForm(YearForm):
    tier = forms.ChoiceField(label=_("Tier"), choices=[("", _("All tiers")), *Tier.choices], required=False)
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("All states")), *AssessmentState.choices], required=False
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class LabelledSetField(forms.ModelChoiceField):
    """A choice among criteria sets, each named by ``CriteriaSet.label`` (with its version)."""

    def label_from_instance(self, obj: CriteriaSet) -> str:
        return obj.label


class StartAssessmentForm(forms.Form):
    unit = forms.CharField(widget=forms.HiddenInput)
    tier = forms.ChoiceField(choices=Tier.choices, widget=forms.HiddenInput)
    year = forms.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX, widget=forms.HiddenInput)
    prefill = forms.BooleanField(label=_("Pre-fill with last year's values"), required=False)
    # Another set than the one in force (needs a reason); left empty: the set in force.
    criteria_set = LabelledSetField(
        label=_("Another criteria set"), queryset=CriteriaSet.objects.published(), required=False
    )
    reason = forms.CharField(label=_("Why another set"), required=False, max_length=2000)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A set the user may not read is no choice, as an id no set has (its name never said).
        self.fields["criteria_set"].queryset = access_sets.readable_sets(user).published()


class ValueForm(forms.Form):
    value = forms.CharField(label=_("Value"), required=False, max_length=60)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


MSG_CHOOSE_FILE = _("Choose a file to attach.")


class EvidenceForm(forms.Form):
    # An empty file passes here so that the service refuses it as empty (``evidence_attach``),
    # not as no file chosen.
    file = forms.FileField(
        label=_("Evidence file"), allow_empty_file=True, error_messages={"required": MSG_CHOOSE_FILE}
    )


class TransitionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    decision_number = forms.CharField(label=_("Decision number"), required=False, max_length=60)
    decision_date = forms.DateField(label=_("Decision date"), required=False, help_text=_("dd/mm/yyyy"))
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput, required=False)
    # The mark of the values a confirmation showed (criteria.selectors.values_stamp).
    stamp = forms.CharField(widget=forms.HiddenInput, required=False, max_length=80)


class BasicallyMetForm(forms.Form):
    """Mark a criterion basically met ("cơ bản đạt"): why, and by when it should be met."""

    basically_met = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")
    reason = forms.CharField(label=_("Why (the works under way)"), required=False, max_length=2000)
    expected_by = forms.DateField(label=_("Expected to be met by"), required=False, help_text=_("dd/mm/yyyy"))


class SetInForceForm(forms.Form):
    """The province office's choice of the set its units are assessed against in a year."""

    year = forms.IntegerField(label=_("Year"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    criteria_set = LabelledSetField(
        label=_("Criteria set"), queryset=CriteriaSet.objects.none(), empty_label=_("— choose a set —")
    )
    basis = forms.CharField(label=_("Decision or plan (number, date)"), max_length=300)

    def __init__(self, *args, province=None, **kwargs):
        super().__init__(*args, **kwargs)
        from criteria.services.in_force import sets_for_province  # services build on forms' models

        self.fields["criteria_set"].queryset = sets_for_province(province) if province else CriteriaSet.objects.none()


class CommuneGroupForm(forms.Form):
    """The province office's setting of a commune's 2026–2030 group, with its legal basis."""

    group = forms.TypedChoiceField(label=_("Commune group"), coerce=int, choices=())
    condition = forms.ChoiceField(label=_("Condition met (QĐ 51/2025/QĐ-TTg)"), choices=())
    decision_number = forms.CharField(label=_("Deciding document number"), max_length=100)
    decision_date = forms.DateField(label=_("Deciding document date"), help_text=_("dd/mm/yyyy"))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from communes.models import CommuneGroup
        from criteria.models import GroupCondition

        self.fields["group"].choices = [("", "—"), *CommuneGroup.choices]
        self.fields["condition"].choices = [("", "—"), *GroupCondition.choices]


# --- Summary records of the past -------------------------------------------------------------

# How a criterion stands in the report: one mark each (the history of a correction keeps them).
NOT_MET, MET, BASICALLY_MET = "", "met", "basic"
MARK_LABELS = {NOT_MET: _("Not met"), MET: _("Met"), BASICALLY_MET: _("Basically met")}


class SetChoiceField(LabelledSetField):
    in_force_pk: int | None = None  # the set in force, named as such in its option

    def label_from_instance(self, obj: CriteriaSet) -> str:
        label = f"{obj.label} · {obj.years}"
        return f"{label} · {_('the set in force')}" if obj.pk == self.in_force_pk else label


SOURCE_NUMBER_MAX = 60  # Assessment.source_number


class SummaryMarksForm(forms.Form):
    """What an old report says: one ``criterion_<n>`` choice per criterion of the set (not met /
    met / basically met), the count it gives, and the document. Recording a summary record and
    correcting one both ask it."""

    count = forms.IntegerField(
        label=_("Count of criteria met in the report"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Optional: checked against the criteria marked met."),
    )
    source_number = forms.CharField(label=_("Document number"), max_length=SOURCE_NUMBER_MAX)
    source_date = forms.DateField(label=_("Document date"), help_text=_("dd/mm/yyyy"))
    source_file = forms.FileField(label=_("Document file"), required=False)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        marks = list(MARK_LABELS.items())
        for criterion in self.criteria:
            self.fields[f"criterion_{criterion.number}"] = forms.ChoiceField(
                label=f"{criterion.number}. {criterion.name}",
                choices=marks,
                required=False,
                initial=NOT_MET,
                widget=forms.RadioSelect,
            )

    def criterion_fields(self) -> list:
        return [self[f"criterion_{c.number}"] for c in self.criteria]

    def marked(self, mark: str) -> set[int]:
        return {c.number for c in self.criteria if self.cleaned_data.get(f"criterion_{c.number}") == mark}


class SummaryRecordForm(SummaryMarksForm):
    """A unit's standing of a past year from an old report. The year and the tier decide which
    sets are offered (the set in force first); the set decides which criteria are listed."""

    year = forms.IntegerField(label=_("Year"), min_value=YEAR_MIN)
    tier = forms.ChoiceField(label=_("Tier"), choices=Tier.choices)
    criteria_set = SetChoiceField(
        label=_("Criteria set"),
        queryset=CriteriaSet.objects.none(),
        empty_label=None,
        # The year or tier changed without listing their sets again: the set shown was the old one's.
        error_messages={
            "invalid_choice": _(
                "This set is not one for the year and tier chosen: press “Show the criteria” to list theirs."
            )
        },
    )
    reason = forms.CharField(
        label=_("Why another set than the one in force"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    field_order = ["year", "tier", "criteria_set", "reason", "count", "source_number", "source_date", "source_file"]

    def __init__(self, *args, tiers, sets, in_force, criteria, **kwargs):
        super().__init__(*args, criteria=criteria, **kwargs)
        # A record of the past: up to this year (the bound is read per request, not at import).
        self.fields["year"] = forms.IntegerField(label=_("Year"), min_value=YEAR_MIN, max_value=current_year())
        self.fields["tier"].choices = [(t.value, t.label) for t in tiers]
        first = Case(When(pk=in_force.pk if in_force else None, then=0), default=1)
        self.fields["criteria_set"].queryset = CriteriaSet.objects.filter(pk__in=[s.pk for s in sets]).order_by(
            first, "-year_from", "code", "-version"
        )
        self.fields["criteria_set"].in_force_pk = in_force.pk if in_force else None


class SummaryCorrectionForm(SummaryMarksForm):
    """A summary record's report corrected: the marks, count and document (a new file replaces
    the stored one; none keeps it), why, and the version the form was filled in from."""

    comment = forms.CharField(
        label=_("Comment (why it is corrected)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
