"""Forms of the province office's criteria-set workspace (``criteria/views_sets.py``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


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
