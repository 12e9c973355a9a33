"""``{% indicator_rows rows %}``: the assessment sheet's indicator rows, in one loop.

The one row template, ``criteria/partials/indicator_rows.jinja``, serves the page (a
criterion's rows) and the htmx response after a save (the row saved). It is a Jinja2
template because Django's engine spent about 45 ms of the page on these rows (issue 20);
every string comes prepared (``row.text``, ``display.row_labels``), so the loop only places
them.
"""

from __future__ import annotations

from django import template
from django.template import engines
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from criteria import display

register = template.Library()

ROWS_TEMPLATE = "criteria/partials/indicator_rows.jinja"


@register.simple_tag(takes_context=True)
def indicator_rows(context: template.Context, rows) -> SafeString:
    """``row_state`` in the context (a dict with ``code``, ``errors``, ``conflict``, ``typed``,
    ``evidence_errors``, ``evidence_open``) belongs to the one row whose save was refused or
    whose evidence just changed."""
    assessment = context["assessment"]
    labels = display.row_labels()
    values = {
        "rows": rows,
        "state": context.get("row_state"),
        "can_edit": context.get("can_enter_values", context.get("can_edit")),
        "labels": labels,
        "evidence_accept": context.get("evidence_accept", ""),
        "evidence_help": labels.evidence_help
        % {"types": context.get("evidence_types", ""), "size": context.get("evidence_max_mb", "")},
        "assessment_url": reverse("assessment", args=[assessment.pk]),
        "shown_value": display.shown_value,
        "csrf_input": _csrf_input(context),
    }
    rendered = engines["jinja2"].get_template(ROWS_TEMPLATE).render(values)
    return mark_safe(rendered)  # noqa: S308 - escaped by Jinja2 (autoescape on)


def _csrf_input(context: template.Context) -> SafeString:
    """The page's one token, as ``{% csrf_token %}`` writes it (the Jinja2 backend's
    ``csrf_input`` would mask a new token for every form: 150 a page)."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":  # noqa: S105 - Django's marker for "no token", not a secret
        return SafeString("")
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
