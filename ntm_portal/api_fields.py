"""Pieces every app's API shares: bounded whole-number filters, a raw value as typed, a stored
number as JSON, ids from the URL, choices shown as named enums and the "unit and everything
below it" filter (with the unit looked up by code). The error answers and their schema are in ``api_errors``."""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django import forms
from django.db import models
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from communes.access import MSG_NOT_FOUND
from communes.models import AdministrativeUnit, subtree_q
from ntm_portal.numbers import rounded

MSG_RAW_VALUE = _("Enter text, a number, true, false or null.")

BIGINT_MAX = 2**63 - 1  # ids (BigAutoField)
INT_MAX = 2**31 - 1  # integer columns: versions, counts
# An id in a URL: at most 18 digits, always below BIGINT_MAX, so that an id no row could have
# matches no route (the API's JSON 404) and never reaches a query, on any database.
ID_PATTERN = r"[0-9]{1,18}"


class IdConverter:
    """``<id:pk>`` in the API's routes: a whole number of ``ID_PATTERN``."""

    regex = ID_PATTERN

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(value)


class IntegerFilter(django_filters.NumberFilter):
    """A whole number within the database's range (no decimals, no overflow)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(*args, **kwargs)


@extend_schema_field(
    {
        "oneOf": [{"type": "string", "maxLength": 100}, {"type": "number"}, {"type": "boolean"}],
        "nullable": True,
        "description": (
            "A number, true/false, or text as typed on the page: Vietnamese style, “85,5”, “31.003.700.000”, "
            "“có”/“không”. Empty text or null clears the value. “không áp dụng” (or “n/a”) sets a conditional "
            "indicator (“nếu có”) not applicable; the note must then say why."
        ),
    }
)
class RawValueField(serializers.Field):
    """The value as a user or a spreadsheet gives it; ``evaluation.parse_value`` reads it."""

    default_error_messages = {"invalid": MSG_RAW_VALUE}

    def to_internal_value(self, data):
        if isinstance(data, bool | int | float) or (isinstance(data, str) and len(data) <= 100):
            return data
        self.fail("invalid")

    def to_representation(self, value):
        return value


def json_number(value: Decimal | bool | None) -> int | float | bool | None:
    """A stored value as JSON: a boolean for yes/no, a number otherwise (85 rather than 85.0000)."""
    if value is None or isinstance(value, bool):
        return value
    return int(value) if value == value.to_integral_value() else float(value)


@extend_schema_field({"type": "number", "nullable": True})
class NumberOutField(serializers.Field):
    def to_representation(self, value):
        return json_number(value)


class RoundedDecimalField(serializers.DecimalField):
    """A figure kept exact until shown (an average of 100 / 22 = 4.5454…), given with the
    field's places rounded half up by ``ntm_portal.numbers.rounded``, as the pages round it: 4.55,
    and 4.13 for 4.125 (DRF's own rounding is the banker's: 4.12). Output only."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("coerce_to_string", False)
        super().__init__(**kwargs)

    def quantize(self, value: Decimal) -> Decimal:
        return rounded(value, self.decimal_places)


def checked_id(pk: int | str) -> int:
    """An id from the URL, or 404 when no row could have it (instead of a database overflow)."""
    if not str(pk).isdigit() or int(pk) > BIGINT_MAX:
        raise Http404(MSG_NOT_FOUND)
    return int(pk)


def username_or_none(user) -> str | None:
    """Who entered a row, as the API names them (their login); None for the system."""
    return user.get_username() if user is not None else None


def unit_or_none(code: str) -> AdministrativeUnit | None:
    """The unit with this code, its path only (one query), for subtree filters (``subtree_q``).

    Not scoped on purpose: callers intersect the subtree with a queryset that already is, so an
    unknown code and a code outside the user's area both give an empty list.
    """
    return AdministrativeUnit.objects.only("path").filter(code=code).first()


_ENUM_FIELDS: dict[str, type[serializers.Field]] = {}


def enum_output(choices: type[models.Choices], component: str, *, blank: bool = False) -> serializers.Field:
    """A read-only choice shown in the schema as one named enum, shared wherever it appears.

    ``blank``: the field may also be empty ("" for text, null for numbers).
    """
    field_class = _ENUM_FIELDS.get(component)
    if field_class is None:
        numeric = issubclass(choices, models.IntegerChoices)
        schema: dict = {"type": "integer" if numeric else "string", "enum": list(choices.values)}
        if blank and numeric:
            schema["nullable"] = True
            schema["enum"].append(None)
        elif blank:
            schema["enum"].append("")
        base = serializers.IntegerField if numeric else serializers.CharField
        field_class = extend_schema_field(schema, component_name=component)(type(f"{component}Field", (base,), {}))
        _ENUM_FIELDS[component] = field_class
    return field_class(read_only=True)


class WithinFilterMixin:
    """``?within=<unit code>``: rows of that unit and every unit below it (an unknown code, or
    one outside the user's area, gives an empty list: the queryset is already scoped)."""

    def filter_within(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        unit = unit_or_none(value)
        return queryset.filter(subtree_q(unit, "unit__")) if unit else queryset.none()
