"""Display helpers: Vietnamese numbers, values, outcomes and history entries."""

import datetime

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communes.people import full_name as _full_name
from criteria.models import Comparison, ValueType
from ntm_portal.numbers import money, vn_number

register = template.Library()


register.filter("vn_number", vn_number)
register.filter("money", money)


@register.filter
def input_text(row) -> str:
    """What the value field shows: the stored value written as an officer would type it."""
    if row.value is not None and row.value.not_applicable:
        return _("not applicable")
    if row.value is None or row.value.value is None:
        return ""
    if row.indicator.value_type == ValueType.YES_NO:
        return "yes" if row.value.value_bool else "no"
    return vn_number(row.value.value_decimal)


@register.filter
def field_value(row, typed) -> str:
    """The text a value field shows: what the user just typed (after an error), else the stored value."""
    if typed:
        return typed.get("value", "")
    return input_text(row)


@register.filter
def shown_value(value, value_type: str) -> str:
    if value is None:
        return "—"
    if value_type == ValueType.YES_NO:
        return _("Yes") if value else _("No")
    if value_type == ValueType.MONEY:
        return money(value)
    return vn_number(value)


@register.filter
def history_value(text: str) -> str:
    """History stores language-neutral values ("yes", "85.5"); show them in the page's language."""
    if text == "yes":
        return _("Yes")
    if text == "no":
        return _("No")
    if text == "n/a":
        return _("Not applicable")
    return vn_number(text) if text else "—"


@register.filter
def target_text(row) -> str:
    """“≥ 80 %”, “đạt”, or a dash when no target applies."""
    indicator = row.indicator
    if indicator.comparison == Comparison.MET:
        return _("met (đạt)")
    if row.target is None or row.target.value is None:
        return "—"
    symbol = Comparison(indicator.comparison).label
    unit = f" {indicator.unit}" if indicator.unit else ""
    value = (
        shown_value(row.target.value, indicator.value_type)
        if indicator.value_type != ValueType.YES_NO
        else (_("Yes") if row.target.value else _("No"))
    )
    return f"{symbol} {value}{unit}"


@register.filter
def timeuntil_delta(delta) -> str:
    """A cool-off period as “15 phút” / “15 minutes”."""
    if delta is None:
        return ""
    minutes = max(1, round(delta.total_seconds() / 60))
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


@register.filter
def full_name(user) -> str:
    """A person as the portal names them: "Nguyễn Thị Lan" (see communes.people)."""
    return _full_name(user)


@register.filter
def iso_date(text: str):
    """A date the history stores as ``YYYY-MM-DD``, as a date for the ``date`` filter."""
    try:
        return datetime.date.fromisoformat(text)
    except (TypeError, ValueError):
        return text
