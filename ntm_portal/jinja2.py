"""The Jinja2 environment of the second template engine (``TEMPLATES``, ``jinja2``).

Long loops use it, where Django's engine cost about four times as much (issue 20): the
assessment sheet's indicator rows (``criteria/templatetags/sheet.py``, 57 rows or more a page),
the dashboard map's points (``reports/templatetags/report_map.py``, 8,000 for the country),
and the rows of a dashboard's tables placed by ``{% jinja "….jinja" name=value %}``
(``criteria/templatetags/ntm.py``): the drill-down by unit, the lagging criteria, the units
due and the funds by unit. Django's gettext and ngettext serve ``_()``/``ngettext()``; escaping
is on; the number filters of ``ntm_portal.numbers`` (``money``, ``number``, ``percent``,
``share_of``), ``vi`` (Vietnamese data marked ``lang="vi"`` on an English page, as the Django
filter), ``url(name, *args)`` (Django's ``reverse``) and ``url_for(name)`` are there.
``makemessages`` does not read ``.jinja`` files: give a template its words from Python
(``criteria.display.ROW_LABELS``, ``DashboardPlans.due_words``), where the catalogues find them.
"""

from __future__ import annotations

from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language, gettext, ngettext
from jinja2 import Environment, Undefined

from ntm_portal.language import vietnamese
from ntm_portal.numbers import money, number, share_of, vn_percent

# ``url`` reverses a name once per language and script prefix with this placeholder, then
# writes each row's argument in its place: a dashboard links hundreds of rows (reverse: ~11 µs).
_HOLE = "2147483647"
_PATTERNS: dict[tuple[str, str | None, str], str] = {}


def _pattern(name: str) -> str:
    key = (name, get_language(), get_script_prefix())
    pattern = _PATTERNS.get(key)
    if pattern is None:
        pattern = _PATTERNS[key] = reverse(name, args=[_HOLE])
    return pattern


def url_for(name: str):
    """``reverse(name, args=[arg])`` as a function of ``arg``, the name looked up once, for a
    loop: ``{% set link = url_for("assessment") %}`` then ``link(row.id)``. An id or a code of
    digits is written into the pattern; anything else goes through ``reverse``."""
    pattern = _pattern(name)

    def link(arg) -> str:
        text = str(arg)
        return pattern.replace(_HOLE, text) if text.isdigit() else reverse(name, args=[arg])

    return link


def url(name: str, *args) -> str:
    """Django's ``reverse(name, args=args)``; one argument through ``url_for``."""
    return url_for(name)(args[0]) if len(args) == 1 else reverse(name, args=args)


def environment(**options) -> Environment:
    # Django's backend picks DebugUndefined under DEBUG, which prints "{{ x }}" for a missing
    # attribute; the rows rely on a missing one reading as empty, as in Django's engine.
    options["undefined"] = Undefined
    options.pop("autoescape", None)  # always on, whatever the settings say
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.filters.update(money=money, number=number, percent=vn_percent, share_of=share_of)
    env.filters["vi"] = vietnamese  # Vietnamese data on any page (ntm_portal.language)
    env.globals.update(url=url, url_for=url_for)
    return env
