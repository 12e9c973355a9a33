"""The form of the office's text of a bulletin; errors in the page's language, at the field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.bulletin.text import FIELDS, Draft

TEXT_MAX = 20000  # characters of one section: several pages


class BulletinTextForm(forms.Form):
    superior = forms.CharField(label=_("Superior body"), max_length=200, required=False)
    issuer = forms.CharField(label=_("Issuing body"), max_length=200)
    number = forms.CharField(label=_("Number"), max_length=60, required=False, help_text=_("For example 05/BT-VPĐP."))
    place = forms.CharField(label=_("Place"), max_length=100)
    dated = forms.DateField(label=_("Date of the document"), required=False, help_text=_("dd/mm/yyyy"))
    official_form = forms.BooleanField(label=_("Official-report form (with the national motto)"), required=False)
    direction = forms.CharField(
        label=_("1. Direction and management"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=TEXT_MAX,
        required=False,
    )
    shortcomings = forms.CharField(
        label=_("3. Shortcomings and limitations"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX,
        required=False,
    )
    tasks = forms.CharField(
        label=_("4. Tasks for the coming period"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=TEXT_MAX,
        required=False,
    )
    signer_title = forms.CharField(label=_("Signer's title"), max_length=200, required=False)
    signer_name = forms.CharField(label=_("Signer's name"), max_length=200, required=False)
    recipients = forms.CharField(
        label=_("Recipients"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )

    @classmethod
    def of(cls, draft: Draft) -> BulletinTextForm:
        return cls(initial={name: getattr(draft, name) for name in FIELDS})

    def draft(self) -> Draft:
        return Draft(**{name: self.cleaned_data[name] for name in FIELDS})
