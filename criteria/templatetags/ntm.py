"""Display helpers: Vietnamese numbers, values, outcomes and history entries; whether a unit's
name is a link for the user."""

import datetime

from django import template
from django.template import engines
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext

from communes import access
from communes.people import full_name as _full_name
from criteria import display
from criteria.figures import state_on
from criteria.forms import MARK_LABELS
from ntm_portal.language import vietnamese
from ntm_portal.numbers import as_typed, money, vn_number

register = template.Library()


@register.simple_tag
def jinja(template_name: str, **values) -> SafeString:
    """``{% jinja "reports/partials/breakdown_rows.jinja" rows=breakdown %}``: a long loop's
    rows, rendered by the Jinja2 engine with ``values`` (``ntm_portal/jinja2.py`` says why)."""
    rendered = engines["jinja2"].get_template(template_name).render(values)
    return mark_safe(rendered)  # noqa: S308 - escaped by Jinja2 (autoescape on)


register.filter("vn_number", vn_number)
register.filter("money", money)
register.filter("as_typed", as_typed)  # a number as a field or a file takes it, in every language


register.filter("history_value", display.history_value)
register.filter("vi", vietnamese)  # Vietnamese data on any page: {{ unit.name|vi }} (ntm_portal.language)


@register.filter
def any_basically_met(rows) -> bool:
    """``{% if rows|any_basically_met %}``: whether a list of assessments (or of the reports'
    commune rows) shows a bracket of criteria met and basically met, which then needs its key
    (``partials/basically_met_note.html``)."""
    return any(getattr(row, "criteria_basically_met", 0) for row in rows)


@register.filter
def readable_by(unit, user) -> bool:
    """``{% if s|readable_by:user %}``: whether the user may open the pages of ``unit`` and its
    assessments — the rule those pages apply (``communes.access.can_read_unit``), so a unit
    outside the user's area is named without a link that would answer 404."""
    return access.can_read_unit(user, unit)


@register.filter
def history_for(unit, user) -> bool:
    """``{% if unit|history_for:user %}``: the user reads ``unit`` only as the history of a unit of
    theirs formed from it (``communes.access.reads_as_history``): read only."""
    return access.reads_as_history(user, unit)


@register.filter
def ended_for(unit, user):
    """``{% with ended=unit|ended_for:user %}``: the unit that has ended — ``unit`` or the user's
    unit above it — for which the user, who worked there, now only reads ``unit``
    (``communes.access.ended_unit_for``), or None."""
    return access.ended_unit_for(user, unit)


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


@register.filter
def summary_mark(mark: str) -> str:
    """How a criterion stood in a summary record, as its correction's history keeps it."""
    return str(MARK_LABELS.get(mark, mark))


@register.filter
def title_revoked(assessment) -> bool:
    """``{% if a|title_revoked %}``: a recognised dossier whose title a revocation has taken away
    since (``criteria.figures.state_on`` as known today, from ``with_title_revocation``'s
    ``title_revoked_on``: its own, or one recorded on another year's assessment of the unit at
    the tier that carries the same title). Its state stays "recognised" — the dossier was —, but
    the page must not show the title as standing."""
    revoked_on = getattr(assessment, "title_revoked_on", None)
    if assessment.state != "recognised" or revoked_on is None:
        return False
    today = timezone.localdate()
    return state_on(assessment.state, assessment.decision_date, revoked_on, today, logged=assessment.state) == "revoked"
