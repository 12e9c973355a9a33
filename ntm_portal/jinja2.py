"""The Jinja2 environment of the second template engine (``TEMPLATES``, ``jinja2``).

Two loops use it, where Django's engine cost about four times as much (issue 20): the
assessment sheet's indicator rows (``criteria/templatetags/sheet.py``, 57 rows or more a page)
and the dashboard map's points (``reports/templatetags/report_map.py``, 8,000 for the
country). Django's
gettext and ngettext serve ``_()``/``ngettext()``; escaping is on. ``makemessages`` does not
read ``.jinja`` files: give a template its words from Python (``criteria.display.ROW_LABELS``),
where the catalogues find them.
"""

from __future__ import annotations

from django.utils.translation import gettext, ngettext
from jinja2 import Environment, Undefined


def environment(**options) -> Environment:
    # Django's backend picks DebugUndefined under DEBUG, which prints "{{ x }}" for a missing
    # attribute; the rows rely on a missing one reading as empty, as in Django's engine.
    options["undefined"] = Undefined
    options.pop("autoescape", None)  # always on, whatever the settings say
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    return env
