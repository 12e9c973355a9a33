"""The template and upload forms of the import page.

The upload form refuses a wrong or hostile file before anything is stored: too large, not an
.xlsx, a renamed zip, a decompression bomb, a sheet far larger than the template, or a
template of another set, unit or year.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communes.access import can_read_unit
from communes.models import AdministrativeUnit, Level
from criteria.models import CriteriaSet, Tier
from criteria.services import province_of
from criteria.services.assessments import MSG_YEAR_NOT_BEGUN
from criteria.years import year_begun
from reports.importing import layout
from reports.importing.reader import MSG_NOT_TEMPLATE, UploadedTemplate, read_template
from reports.importing.summary_template import summary_template_bounds
from reports.importing.template import template_bounds
from reports.importing.values_read import generated_moment

FIRST_YEAR, LAST_YEAR = 2010, 2100
LEVELS_UNDER = {
    Level.PROVINCE: (Level.DISTRICT, Level.COMMUNE, Level.VILLAGE),
    Level.DISTRICT: (Level.DISTRICT, Level.COMMUNE, Level.VILLAGE),
    Level.COMMUNE: (Level.COMMUNE, Level.VILLAGE),
    Level.VILLAGE: (Level.VILLAGE,),
}

MSG_YEAR_OUTSIDE = _("The set %(set)s applies to %(years)s, not %(year)s.")
MSG_TOO_LARGE = _("The file is larger than %(limit)s MB.")
MSG_EMPTY = _("The file is empty.")
MSG_LIMIT = _("An .xlsx workbook of at most %(limit)s MB.")
MSG_OTHER_SET = _("This template is for the criteria set %(found)s, not %(expected)s.")
MSG_OTHER_UNIT = _("This template is for %(found)s, not %(expected)s.")
MSG_OTHER_YEAR = _("This template is for the year %(found)s, not %(expected)s.")


def importable_sets(unit: AdministrativeUnit):
    """Published sets for units at or below ``unit``'s level that apply inside its province."""
    province = province_of(unit)
    issuers = Q(issuer__isnull=True) | (Q(issuer=province) if province is not None else Q(pk__in=[]))
    return (
        CriteriaSet.objects.published()
        .filter(issuers, level__in=LEVELS_UNDER.get(unit.level, ()))
        .order_by("-year_from", "level", "tier", "code", "-version")
    )


class SetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: CriteriaSet) -> str:
        return f"{obj.label} · {obj.get_level_display()} · {obj.years}"


class TemplateForm(forms.Form):
    criteria_set = SetChoiceField(queryset=CriteriaSet.objects.none(), label=_("Criteria set"))
    year = forms.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR, label=_("Year"))

    def __init__(self, *args, unit: AdministrativeUnit, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.fields["criteria_set"].queryset = importable_sets(unit)

    def clean(self) -> dict:
        data = super().clean()
        criteria_set, year = data.get("criteria_set"), data.get("year")
        if year is not None and not year_begun(year):
            # Its values would start assessments for that year, which are never started ahead.
            self.add_error("year", ValidationError(MSG_YEAR_NOT_BEGUN, code="future", params={"year": year}))
        if criteria_set is not None and year is not None and not criteria_set.year_from <= year <= criteria_set.year_to:
            raise ValidationError(
                MSG_YEAR_OUTSIDE,
                code="year",
                params={"set": criteria_set.label, "years": criteria_set.years_in_words, "year": year},
            )
        return data


class UploadForm(TemplateForm):
    file = forms.FileField(
        label=_("Filled-in template (.xlsx)"),
        allow_empty_file=True,  # refused in clean_file as empty (MSG_EMPTY), not as no file chosen
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    template: UploadedTemplate | None = None
    content: bytes = b""

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["file"].help_text = MSG_LIMIT % {"limit": layout.MAX_UPLOAD_MB}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > layout.MAX_UPLOAD_BYTES:
            raise ValidationError(MSG_TOO_LARGE, code="too_large", params={"limit": layout.MAX_UPLOAD_MB})
        if upload.size == 0:
            raise ValidationError(MSG_EMPTY, code="empty")
        upload.seek(0)
        self.content = upload.read(layout.MAX_UPLOAD_BYTES + 1)
        return upload

    def clean(self) -> dict:
        data = super().clean()
        if self.errors or not self.content:
            return data
        criteria_set, year = data["criteria_set"], data["year"]

        def same_template(template: UploadedTemplate) -> None:
            if template.meta_int("set_id") != criteria_set.pk:
                params = {"found": template.meta.get("set", "?"), "expected": criteria_set.label}
                raise ValidationError(MSG_OTHER_SET, code="other_set", params=params)
            _check_unit_and_year(template, self.unit, year, self.user)
            if generated_moment(template.meta)[0] is None:
                # Every template the portal hands out says when it was made: without it, no value
                # written since could be told from one the file changes (``checks``).
                raise ValidationError(MSG_NOT_TEMPLATE, code="not_template")

        try:
            self.template = read_template(
                self.content, bounds=template_bounds(self.unit, criteria_set, year), check_meta=same_template
            )
        except ValidationError as exc:
            self.add_error("file", exc)
        return data


# --- The criteria-level sheet: summary records of past years ---------------------------------


class SummaryTemplateForm(forms.Form):
    year = forms.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR, label=_("Year"))
    tier = forms.ChoiceField(choices=Tier.choices, label=_("Tier"), initial=Tier.STANDARD)

    def __init__(self, *args, unit: AdministrativeUnit, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit


class SummaryUploadForm(forms.Form):
    """The filled-in criteria-level template; refused before anything is stored when it is not
    one (or one of another unit or year), too large, or hostile."""

    year = forms.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR, label=_("Year of the template"))
    file = UploadForm.base_fields["file"]

    template: UploadedTemplate | None = None
    content: bytes = b""
    clean_file = UploadForm.clean_file

    def __init__(self, *args, unit: AdministrativeUnit, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.user = user
        self.fields["file"].help_text = MSG_LIMIT % {"limit": layout.MAX_UPLOAD_MB}

    def clean(self) -> dict:
        data = super().clean()
        if self.errors or not self.content:
            return data
        bounds = summary_template_bounds(self.unit, data["year"])
        try:
            self.template = read_template(
                self.content,
                bounds=bounds,
                template_format=layout.SUMMARY_FORMAT,
                check_meta=lambda template: _check_unit_and_year(template, self.unit, data["year"], self.user),
            )
        except ValidationError as exc:
            self.add_error("file", exc)
        return data


def _check_unit_and_year(template: UploadedTemplate, unit: AdministrativeUnit, year: int, user) -> None:
    """The file is the template of this unit and year (its meta sheet), or the refusal."""
    meta = template.meta
    if meta.get("unit") != unit.code:
        params = {"found": _unit_named_in_file(meta.get("unit"), user), "expected": f"{unit.name} ({unit.code})"}
        raise ValidationError(MSG_OTHER_UNIT, code="other_unit", params=params)
    if template.meta_int("year") != year:
        params = {"found": meta.get("year", "?"), "expected": year}
        raise ValidationError(MSG_OTHER_YEAR, code="other_year", params=params)


def _unit_named_in_file(code: str | None, user) -> str:
    """The unit a template's meta sheet names, as a refusal may show it to ``user``: its name
    from the database (never the file's ``unit_name``, which may belong to another code) when
    the user may read that unit; otherwise only the code the file holds, so that no name from
    outside the user's area is revealed."""
    if not code:
        return "?"
    other = AdministrativeUnit.objects.filter(code=code).first()
    if other is not None and can_read_unit(user, other):
        return f"{other.name} ({other.code})"
    return str(code)
