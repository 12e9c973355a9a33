"""The OCOP pages' forms: the list's filters, the product form (errors at the field) and the
confirmation of a removal."""

from __future__ import annotations

from django import forms
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit
from ocop.models import Category, RatingLevel, Stage, Stars, Status
from ocop.services import ProductInput


class CommuneField(forms.ModelChoiceField):
    def label_from_instance(self, unit: AdministrativeUnit) -> str:
        return f"{unit.name} ({unit.code})"


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Find a product, producer or certificate"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *Status.choices])
    stars = forms.TypedChoiceField(
        label=_("Stars"), required=False, coerce=int, empty_value=None, choices=[("", _("All")), *Stars.choices]
    )
    commune = forms.ChoiceField(label=_("Commune"), required=False)

    def __init__(self, data, *, communes: list[tuple[str, str]]) -> None:
        super().__init__(data)
        self.fields["commune"].choices = [("", _("All")), *communes]


class LinkedBoundField(BoundField):
    """A field whose refusal can link to what it refers to (``form.links``: the product entered
    already)."""

    @property
    def error_link(self) -> dict | None:
        return self.form.links.get(self.name)


class ProductForm(forms.Form):
    bound_field_class = LinkedBoundField

    commune = CommuneField(label=_("Commune"), queryset=AdministrativeUnit.objects.none(), empty_label=None)
    name = forms.CharField(label=_("Product"), max_length=200)
    producer = forms.CharField(
        label=_("Producer"), max_length=200, help_text=_("The cooperative, enterprise or household that makes it.")
    )
    category = forms.ChoiceField(label=_("Product group"), choices=Category.choices)
    stage = forms.ChoiceField(label=_("Status"), choices=Stage.choices, initial=Stage.IDEA)
    stars = forms.TypedChoiceField(
        label=_("Stars"), required=False, coerce=int, empty_value=None, choices=[("", "—"), *Stars.choices]
    )
    points = forms.IntegerField(
        label=_("Points"),
        required=False,
        help_text=_("The council's score, where known: 50–69 points give 3 stars, 70–89 four, 90–100 five."),
    )
    rating_level = forms.ChoiceField(label=_("Rated at"), required=False, choices=[("", "—"), *RatingLevel.choices])
    certificate_number = forms.CharField(label=_("Certificate number"), required=False, max_length=60)
    certificate_date = forms.DateField(label=_("Certificate date"), required=False, help_text=_("dd/mm/yyyy"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, communes, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes
        self.links: dict[str, dict] = {}  # field → {"url", "text"}

    def product_input(self) -> ProductInput:
        data = self.cleaned_data
        return ProductInput(
            commune=data["commune"],
            name=data["name"],
            producer=data["producer"],
            category=data["category"],
            stage=data["stage"],
            stars=data.get("stars"),
            points=data.get("points"),
            rating_level=data.get("rating_level") or "",
            certificate_number=data.get("certificate_number") or "",
            certificate_date=data.get("certificate_date"),
        )


class DeleteForm(forms.Form):
    """The version of the product the reader saw when confirming its removal."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
