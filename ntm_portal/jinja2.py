"""The Jinja2 environment of the second template engine (``TEMPLATES``, ``jinja2``).

Long loops use it, where Django's engine cost about four times as much (issue 20): the
assessment sheet's indicator rows (``criteria/templatetags/sheet.py``, 57 rows or more a page),
the dashboard map's points (``reports/templatetags/report_map.py``, 8,000 for the country),
and the rows of a dashboard's tables placed by ``{% jinja "….jinja" name=value %}``
(``criteria/templatetags/ntm.py``): the drill-down by unit and the units due. Django's
gettext and ngettext serve ``_()``/``ngettext()``; escaping is on; the number filters of
``ntm_portal.numbers`` (``number``, ``percent``, ``share_of``) and ``url(name, *args)``
(Django's ``reverse``) are there. ``makemessages`` does not
read ``.jinja`` files: give a template its words from Python (``criteria.display.ROW_LABELS``),
where the catalogues find them.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext, ngettext
from jinja2 import Environment, Undefined

from ntm_portal.numbers import number, share_of, vn_percent


def url(name: str, *args) -> str:
    return reverse(name, args=args)


def environment(**options) -> Environment:
    # Django's backend picks DebugUndefined under DEBUG, which prints "{{ x }}" for a missing
    # attribute; the rows rely on a missing one reading as empty, as in Django's engine.
    options["undefined"] = Undefined
    options.pop("autoescape", None)  # always on, whatever the settings say
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.filters.update(number=number, percent=vn_percent, share_of=share_of)
    env.globals["url"] = url
    return env
