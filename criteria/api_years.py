"""The year an API endpoint reads: the pages' rule (``criteria.years.validate_year_shown``,
2010 to this year), as a serializer field and a list filter, so that ``/api/v1/progress/``,
``plan/``, ``funds/``, ``funds/summary/`` and ``assessments/`` refuse a year no page shows with
the same 400 at ``year`` ("The year must be between 2010 and 2026.") instead of answering it.

Years planned ahead (registered target years, province target periods, the sets in force) are
not read years and do not use these.
"""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from criteria.years import validate_year_shown
from ntm_portal.api_fields import IntegerFilter

# The schema's words for ``validate_year_shown`` (``criteria.years.FIRST_YEAR``: 2010).
MSG_YEARS_READ = _("From 2010 to the current year: a year that has not begun is refused (400).")


def _help(help_text) -> str:
    return format_lazy("{} {}", help_text, MSG_YEARS_READ) if help_text else MSG_YEARS_READ


class YearShownField(serializers.IntegerField):
    """A year to read: one the pages show; another answers 400 at the field, naming the years
    that are."""

    def __init__(self, **kwargs) -> None:
        kwargs["help_text"] = _help(kwargs.get("help_text"))
        kwargs.setdefault("validators", [validate_year_shown])
        super().__init__(**kwargs)


class YearShownFilter(IntegerFilter):
    """``?year=`` of a list: as ``YearShownField``; a year no page shows is refused, not answered
    with an empty list."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs["help_text"] = _help(kwargs.get("help_text"))
        kwargs.setdefault("validators", [validate_year_shown])
        # The rule names the range; bounds here would add a second message to the same refusal.
        kwargs.setdefault("min_value", None)
        kwargs.setdefault("max_value", None)
        super().__init__(*args, **kwargs)
