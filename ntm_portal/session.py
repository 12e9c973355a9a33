"""Staying signed in: the page warns before the idle timeout and offers to continue.

``session_timing`` tells static/js/portal.js how long the session lasts without a request;
``keep_alive`` is what its "Stay signed in" button posts.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ntm_portal.middleware import LAST_SEEN_AT, TOUCH_EVERY_SECONDS

# The warning shows this long before the session would end (less for a very short timeout).
WARN_BEFORE_SECONDS = 5 * 60


def session_timing(request: HttpRequest) -> dict:
    """Seconds the page may stay idle and when to warn, for signed-in pages only.

    The middleware records the last request at most once a minute, so the server may count
    from up to a minute earlier than the page does: the page counts that minute off.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    idle = int(settings.SESSION_IDLE_TIMEOUT.total_seconds())
    idle -= min(TOUCH_EVERY_SECONDS, idle // 4)
    return {"session_idle_seconds": idle, "session_warn_seconds": min(WARN_BEFORE_SECONDS, idle // 2)}


@login_required
@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """Count this as activity: the idle timeout starts again from now."""
    request.session[LAST_SEEN_AT] = int(time.time())
    if getattr(request, "htmx", False):
        return HttpResponse(status=204)
    back = request.headers.get("Referer", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(back)
    return redirect("home")
