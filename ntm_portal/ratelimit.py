"""Rate limits per user: the API (DRF throttles) and the costly page actions.

Counters live in the default cache: the database cache in production (``ntm_cache`` table,
shared by every node), so that two nodes do not each allow the full rate. Limits, per user:

* API: ``API_RATE_USER`` requests (any method), ``API_RATE_WRITE`` writes, and
  ``API_RATE_ANON`` requests per address without a sign-in;
* pages: ``RATE_LIMITS`` below — uploads of import workbooks, evidence files and background
  jobs (a large bulletin, a large import).

Sign-in failures are limited by django-axes (``ntm_portal/signin_limits.py``).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

MSG_TOO_MANY = _("You have done this too often in a short time; please wait %(minutes)s minutes and try again.")


def _parse(rate: str) -> tuple[int, int]:
    count, period = rate.split("/")
    seconds = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}[period]
    return int(count), seconds


def _key(scope: str, ident: object, period: int) -> str:
    return f"ntm-rate:{scope}:{ident}:{int(time.time() // period)}"


def reset(scope: str, ident: object) -> None:
    """Forget ``ident``'s count of ``scope`` in the current window (the benchmark uploads far
    more often than a person may)."""
    cache.delete(_key(scope, ident, _parse(settings.RATE_LIMITS[scope])[1]))


def hit(scope: str, ident: object) -> bool:
    """Count one action of ``scope`` by ``ident``; False once the scope's rate is used up."""
    limit, period = _parse(settings.RATE_LIMITS[scope])
    key = _key(scope, ident, period)
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 1)
        count = 1
    return count <= limit


def refuse_if_too_often(request: HttpRequest, scope: str) -> HttpResponse | None:
    """A 429 page with a message when the signed-in user exceeded ``scope``'s rate."""
    if hit(scope, request.user.pk):
        return None
    _count, period = _parse(settings.RATE_LIMITS[scope])
    message = MSG_TOO_MANY % {"minutes": max(1, period // 60)}
    if getattr(request, "htmx", False):  # answered into the part of the page that asked
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    else:
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = ""
        response = render(request, "429.html", {"message": message, "back": back}, status=429)
    response["Retry-After"] = str(period)
    return response


class _SettingsRate:
    """DRF reads rates once, at import; these read ``settings`` when asked (tests change them)."""

    def get_rate(self):
        return settings.API_THROTTLE_RATES[self.scope]


class ApiUserThrottle(_SettingsRate, UserRateThrottle):
    scope = "user"


class ApiAnonThrottle(_SettingsRate, AnonRateThrottle):
    scope = "anon"


class ApiWriteThrottle(_SettingsRate, UserRateThrottle):
    """Writes only (POST, PUT, PATCH, DELETE), on top of the overall rate."""

    scope = "write"

    def allow_request(self, request, view) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)
