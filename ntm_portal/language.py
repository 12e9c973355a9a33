"""The portal's two languages: the language switch, and a message worded in each language.

The switch is Django's ``set_language``, with the page it returns to read in that page's own
language.

Django translates ``next`` by resolving it under the language active for the switch's own
request. With ``prefix_default_language=False`` an address without a prefix (``/i18n/setlang/``)
is always Vietnamese, so ``/en/ocop/`` never resolved and Vietnamese led back to the English
page. The language of ``next``'s prefix is made active for the switch, and ``/en/ocop/``
becomes ``/ocop/``.

The sign-in page's own ``next`` (``/en/accounts/login/?next=/reports/…``) is a query the switch
leaves as it is: signing in leads to it in the sign-in page's language (``in_language``).
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.views.i18n import set_language as django_set_language


def _language_of(url: str) -> str:
    """The language an address of the portal is read in: its prefix's, else the default."""
    return translation.get_language_from_path(urlsplit(url).path) or settings.LANGUAGE_CODE


def set_language(request):
    with translation.override(_language_of(request.POST.get("next", request.GET.get("next", "")))):
        return django_set_language(request)


def in_language(url: str, language: str) -> str:
    """The portal's ``url`` (path, query kept) read in ``language``: ``/reports/X/?year=2025`` in
    English is ``/en/reports/X/?year=2025``. An address the portal does not know is kept."""
    # Resolved in its own language: an address without a prefix resolves only in Vietnamese.
    with translation.override(_language_of(url)):
        return translate_url(url, language)


def vietnamese(text) -> SafeString:
    """Text that is Vietnamese whatever the page's language — names of units, criteria, indicators
    and sets, notes and reasons typed by officers — as a page prints it: on a page in another
    language, ``<span lang="vi">…</span>``, so a screen reader reads it with Vietnamese
    pronunciation (WCAG 3.1.2); on a Vietnamese page, the text alone. Escaped; for element
    content only (an attribute or ``<title>`` takes no markup). The templates' ``vi`` filter,
    in both engines."""
    if text is None or text == "" or (translation.get_language() or "").startswith("vi"):
        return conditional_escape("" if text is None else text)
    return format_html('<span lang="vi">{}</span>', text)


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
