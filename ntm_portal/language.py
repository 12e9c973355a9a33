"""The language switch: Django's ``set_language``, with the page it returns to read in that
page's own language.

Django translates ``next`` by resolving it under the language active for the switch's own
request. With ``prefix_default_language=False`` an address without a prefix (``/i18n/setlang/``)
is always Vietnamese, so ``/en/ocop/`` never resolved and Vietnamese led back to the English
page. The language of ``next``'s prefix is made active for the switch, and ``/en/ocop/``
becomes ``/ocop/``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from django.views.i18n import set_language as django_set_language


def set_language(request):
    next_path = urlsplit(request.POST.get("next", request.GET.get("next", ""))).path
    with translation.override(translation.get_language_from_path(next_path) or settings.LANGUAGE_CODE):
        return django_set_language(request)
