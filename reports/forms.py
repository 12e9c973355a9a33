"""The query string of the reports pages: year, tier, bucket, search, sort, page.

A bad value falls back to its default instead of failing the page: these are links people
bookmark and edit by hand, and a dashboard that answers is worth more than an error. The year
is read by ``criteria.years.year_shown``, the rule of every page's ``?year=``: a year no page
shows (not begun, before the programme, not a year) is not given; the page shows its default
year and says so (``criteria.years.warn_year_not_shown``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext as _

from criteria.models import Tier
from criteria.years import year_shown
from reports.selectors import NO_DATA_BUCKET, SORTS, BucketFilter

_BUCKET = re.compile(r"^(\d{1,3})-(\d{1,3})$")


class ReportFilterForm(forms.Form):
    tier = forms.ChoiceField(choices=Tier.choices, required=False)
    bucket = forms.CharField(max_length=7, required=False)
    total = forms.IntegerField(min_value=1, max_value=999, required=False)
    q = forms.CharField(max_length=100, required=False)
    held = forms.BooleanField(required=False)  # only the communes holding the title (``?held=1``)
    sort = forms.ChoiceField(choices=[(s, s) for s in SORTS], required=False)
    page = forms.IntegerField(min_value=1, required=False)

    def clean_bucket(self) -> BucketFilter | None:
        text = self.cleaned_data["bucket"].strip()
        if text == "none":
            return NO_DATA_BUCKET
        match = _BUCKET.match(text)
        if not match or int(match[1]) > int(match[2]):
            return None
        return BucketFilter(int(match[1]), int(match[2]))


@dataclass(frozen=True)
class Filters:
    year: int
    tier: str = Tier.STANDARD
    bucket: BucketFilter | None = None
    q: str = ""
    sort: str = "name"
    page: int = 1
    held: bool = False

    def list_arguments(self) -> dict:
        """What ``communes_page`` filters and sorts on, for the list, the matrix and their export."""
        return {
            "year": self.year,
            "tier": self.tier,
            "bucket": self.bucket,
            "q": self.q,
            "sort": self.sort,
            "held": self.held,
        }

    def query(self, **changes) -> str:
        """Year and tier plus ``changes`` (bucket, q, sort, page, held) as a query string for links."""
        values = {"year": self.year, "tier": self.tier, **changes}
        bucket = values.pop("bucket", None)
        if bucket is not None:
            values["bucket"] = bucket_param(bucket)
            if bucket.total is not None:
                values["total"] = bucket.total
        values["held"] = 1 if values.get("held") else None
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def bucket_param(bucket: BucketFilter) -> str:
    return "none" if bucket == NO_DATA_BUCKET else f"{bucket.low}-{bucket.high}"


def bucket_label(bucket: BucketFilter | None) -> str:
    """A list's bucket as the communes list and its export head it: "15–18", "19 / 19" when
    the year mixes scales (``total``), "No data"; "" for every commune."""
    if bucket is None:
        return ""
    if bucket == NO_DATA_BUCKET:
        return _("No data")
    label = f"{bucket.low}–{bucket.high}" if bucket.low != bucket.high else str(bucket.low)
    return f"{label} / {bucket.total}" if bucket.total else label


def read_filters(params, *, default_year: int | None = None) -> tuple[Filters, bool]:
    """The filters in ``params``; the flag says whether a year was given that a page shows
    (``year_shown``): without it the caller finds its default year and, for a page, calls
    ``warn_year_not_shown`` with it.

    The year falls back to ``default_year`` when given; callers that need a query to find
    the default pass none and fill it in themselves (``Filters(year=0)`` until then).
    """
    form = ReportFilterForm(params)
    form.is_valid()  # invalid fields are simply missing from cleaned_data
    data = form.cleaned_data
    bucket = data.get("bucket")
    if bucket is not None and bucket != NO_DATA_BUCKET and data.get("total"):
        bucket = bucket._replace(total=data["total"])
    year = year_shown(params.get("year"))
    return (
        Filters(
            year=year or default_year or 0,
            tier=data.get("tier") or Tier.STANDARD,
            bucket=bucket,
            q=data.get("q") or "",
            sort=data.get("sort") or "name",
            page=data.get("page") or 1,
            held=bool(data.get("held")),
        ),
        year is not None,
    )
