"""The portal's two languages: the language switch, and a message worded in each language.

The switch is Django's ``set_language``, with the page it returns to read in that page's own
language.

Django translates ``next`` by resolving it under the language active for the switch's own
request. With ``prefix_default_language=False`` an address without a prefix (``/i18n/setlang/``)
is always Vietnamese, so ``/en/ocop/`` never resolved and Vietnamese led back to the English
page. The language of ``next``'s prefix is made active for the switch, and ``/en/ocop/``
becomes ``/ocop/``.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from django.views.i18n import set_language as django_set_language


def set_language(request):
    next_path = urlsplit(request.POST.get("next", request.GET.get("next", ""))).path
    with translation.override(translation.get_language_from_path(next_path) or settings.LANGUAGE_CODE):
        return django_set_language(request)


def worded(message, params: Mapping | None = None) -> dict[str, str]:
    """``message`` (a lazy translation; ``%`` ``params`` when given) in each language of the portal:
    text kept to be shown later in its reader's language (an import's messages)."""
    texts = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            texts[language] = str(message) % params if params is not None else str(message)
    return texts


def in_every_language(message, params: Mapping | None = None) -> set[str]:
    """``message`` as any language of the portal words it: how a word stored in its writer's
    language (a history's "removed", a recorded reason) is recognised, whichever that was."""
    return set(worded(message, params).values())
