"""Forms of the province office's criteria-set workspace (``criteria/views_sets.py``)."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from communes.models import Region
from criteria import evaluation
from criteria.models import CriteriaSet, Criterion, CriterionGroup, Indicator, Target
from criteria.services.set_editing import HEADER_FIELDS, ROW_FIELDS
from ntm_portal.numbers import vn_number


class CloneForm(forms.Form):
    province = forms.CharField(widget=forms.HiddenInput, required=False)
    code = forms.CharField(
        label=_("Code of the new set"),
        required=False,
        max_length=40,
        help_text=_(
            "Left empty: the province's code before the original's (a new version of your own set keeps its code)."
        ),
    )


class PublishForm(forms.Form):
    accept_unconfirmed = forms.BooleanField(label=_("Publish with these targets unconfirmed"), required=False)
    unconfirmed_count = forms.IntegerField(min_value=0, widget=forms.HiddenInput, required=False)

    def accepted(self) -> int:
        """The number of unconfirmed targets the user accepted (0 when not ticked)."""
        if not self.cleaned_data.get("accept_unconfirmed"):
            return 0
        return self.cleaned_data.get("unconfirmed_count") or 0


class RetireForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the set retired"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the set is retired (e.g. the decision that replaces it).")},
    )


# --- Editing a draft set (criteria/views_sets_edit.py) ---------------------------------------


class RowStateMixin(forms.Form):
    """The row as it was when the form was shown (``set_editing.row_state``): the service
    refuses the write if the row changed since."""

    row_state = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class SetHeaderForm(RowStateMixin, forms.ModelForm):
    decision_pdf = forms.FileField(
        label=_("Issuing decision (PDF)"), required=False, help_text=_("Replaces the file attached before, if any.")
    )

    class Meta:
        model = CriteriaSet
        fields = HEADER_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"decision_date": _("dd/mm/yyyy"), "effective_date": _("dd/mm/yyyy")}


class NewSetForm(forms.ModelForm):
    class Meta:
        model = CriteriaSet
        fields = ("code", "level", "tier", *HEADER_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"decision_date": _("dd/mm/yyyy"), "effective_date": _("dd/mm/yyyy")}


class GroupForm(RowStateMixin, forms.ModelForm):
    class Meta:
        model = CriterionGroup
        fields = ROW_FIELDS[CriterionGroup]


class CriterionForm(RowStateMixin, forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ROW_FIELDS[Criterion]

    def __init__(self, *args, criteria_set: CriteriaSet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = criteria_set.groups.order_by("position", "code")


class IndicatorForm(RowStateMixin, forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ROW_FIELDS[Indicator]
        widgets = {"name": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, criteria_set: CriteriaSet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = criteria_set.criteria.order_by("number")


class TargetForm(RowStateMixin, forms.ModelForm):
    value_text = forms.CharField(
        label=_("Target value"),
        required=False,
        max_length=40,
        help_text=_("Vietnamese style: 31.003.700.000 or 6,5. For yes/no compared with “=”: 1 for yes, 0 for no."),
    )

    error_fields = {"value": "value_text"}  # the service's refusals of the value, shown at the field typed

    class Meta:
        model = Target
        fields = tuple(f for f in ROW_FIELDS[Target] if f != "value")  # typed as ``value_text``
        help_texts = {"to_verify": _("Untick once checked against the decision text: your name and the time are kept.")}

    def __init__(self, *args, criteria_set: CriteriaSet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = criteria_set.indicators.order_by("criterion__number", "position", "code")
        if self.instance.pk and self.instance.value is not None:
            self.initial.setdefault("value_text", vn_number(self.instance.value))

    def clean_value_text(self):
        raw = (self.cleaned_data.get("value_text") or "").strip()
        if not raw:
            return None
        return evaluation.parse_value(raw, evaluation.ValueType.NUMBER, indicator=capfirst(_("target")))

    def _post_clean(self):
        super()._post_clean()
        self.instance.value = self.cleaned_data.get("value_text")


ROW_FORMS = {
    "groups": (CriterionGroup, GroupForm),
    "criteria": (Criterion, CriterionForm),
    "indicators": (Indicator, IndicatorForm),
    "targets": (Target, TargetForm),
}


class PreviewForm(forms.Form):
    """The commune the preview imagines: its region, group and year."""

    region = forms.ChoiceField(label=_("Region"), choices=[("", "—"), *Region.choices], required=False)
    commune_group = forms.TypedChoiceField(
        label=_("Commune group"),
        choices=[("", "—"), *[(g, str(g)) for g in evaluation.COMMUNE_GROUPS]],
        coerce=int,
        empty_value=None,
        required=False,
    )
    year = forms.IntegerField(label=_("Year"), min_value=2010, max_value=2100, required=False)
    disadvantaged = forms.BooleanField(label=_("Especially disadvantaged commune"), required=False)
