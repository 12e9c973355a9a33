"""The API's session authentication, with its CSRF refusals in the client's language.

DRF's ``SessionAuthentication.enforce_csrf`` refuses with ``"CSRF Failed: " + reason``, the
reason being one of Django's English constants (``django.middleware.csrf.REASON_*``); an API
client that asked for Vietnamese got that English. The refusal here is the same check, its
reason mapped to a translated message.
"""

from __future__ import annotations

from django.middleware import csrf
from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import CSRFCheck, SessionAuthentication

MSG_CSRF_TOKEN_MISSING = _(
    "CSRF check failed: the CSRF token is missing. Send it in the X-CSRFToken header, or use an API token."
)
MSG_CSRF_TOKEN_INCORRECT = _(
    "CSRF check failed: the CSRF token is incorrect or expired. Reload the page and try again."
)
MSG_CSRF_NO_COOKIE = _("CSRF check failed: the CSRF cookie is not set. Reload the page and try again.")
MSG_CSRF_REFERER = _("CSRF check failed: the request's Referer header is missing or not from this site.")
MSG_CSRF_ORIGIN = _("CSRF check failed: the request's origin is not a trusted origin of this site.")
MSG_CSRF_OTHER = _("CSRF check failed.")

# Reasons carrying the offending address ("… - %s does not match …") are told by their start.
_ORIGIN_PREFIX = csrf.REASON_BAD_ORIGIN.split("%s")[0]
_REFERER_PREFIX = csrf.REASON_BAD_REFERER.split("%s")[0]  # every "Referer checking failed - …"


def csrf_message(reason: str):
    """The translated message for one of Django's CSRF failure reasons."""
    if reason == csrf.REASON_CSRF_TOKEN_MISSING:
        return MSG_CSRF_TOKEN_MISSING
    if reason == csrf.REASON_NO_CSRF_COOKIE:
        return MSG_CSRF_NO_COOKIE
    if reason.startswith(_ORIGIN_PREFIX):
        return MSG_CSRF_ORIGIN
    if reason.startswith(_REFERER_PREFIX):
        return MSG_CSRF_REFERER
    # "CSRF token from POST has incorrect length.", "… from the 'X-Csrftoken' HTTP header incorrect."
    if reason.startswith("CSRF token from "):
        return MSG_CSRF_TOKEN_INCORRECT
    return MSG_CSRF_OTHER


class PortalSessionAuthentication(SessionAuthentication):
    def enforce_csrf(self, request) -> None:
        check = CSRFCheck(lambda request: None)
        check.process_request(request)  # populates request.META["CSRF_COOKIE"]
        reason = check.process_view(request, None, (), {})
        if reason:
            raise exceptions.PermissionDenied(csrf_message(reason))


class PortalSessionScheme(SessionScheme):
    """The schema documents it as the session cookie it is (drf-spectacular matches exact
    classes)."""

    target_class = PortalSessionAuthentication
