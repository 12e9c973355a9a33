"""Session lifetime (an inactivity timeout and an absolute limit after sign-in), where a signed-out
user is sent, the request body cap and private caching of signed-in answers."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import resolve_url
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_htmx.http import HttpResponseClientRedirect

from ntm_portal.api_errors import page_not_found

SIGNED_IN_AT = "ntm_signed_in_at"
LAST_SEEN_AT = "ntm_last_seen_at"
# Writing the session on every request would be wasteful; a minute of slack is harmless.
TOUCH_EVERY_SECONDS = 60


@receiver(user_logged_in)
def _remember_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN_AT] = now


class SessionTimeoutMiddleware:
    """Sign the user out after ``SESSION_IDLE_TIMEOUT`` idle or ``SESSION_MAX_AGE`` after sign-in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            signed_in = request.session.get(SIGNED_IN_AT, now)
            last_seen = request.session.get(LAST_SEEN_AT, now)
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT.total_seconds()
            too_old = now - signed_in > settings.SESSION_MAX_AGE.total_seconds()
            if idle or too_old:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)  # the API answers 401/403 as JSON itself
                messages.info(request, _("Your session has ended; please sign in again."))
                return redirect_to_login(request.get_full_path())
            if SIGNED_IN_AT not in request.session:
                request.session[SIGNED_IN_AT] = now
            if now - last_seen >= TOUCH_EVERY_SECONDS or LAST_SEEN_AT not in request.session:
                request.session[LAST_SEEN_AT] = now
        return self.get_response(request)


def _same_site_path(url: str | None, request: HttpRequest) -> str | None:
    """The path (and query) of ``url`` when it points at this site, else None."""
    if not url:
        return None
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return None
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class SignInRedirectMiddleware:
    """Send a signed-out user back to the *page* they were on after signing in.

    ``login_required`` (and the session timeout) answer with a 302 to the sign-in page whose
    ``next`` is the URL requested. For a save made with htmx that is wrong twice over: htmx
    follows the 302 inside the XMLHttpRequest and swaps the sign-in page into the row, and
    ``next`` names a POST-only endpoint. So an htmx request gets ``HX-Redirect`` (htmx loads
    the sign-in page as a whole page) with ``next`` set to the page on screen, where
    static/js/portal.js re-sends the value it kept; a plain form POST gets ``next`` set to the
    page the form was on (its Referer).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 302 or request.path.startswith("/api/"):
            return response
        login_path = urlsplit(resolve_url(settings.LOGIN_URL)).path
        if urlsplit(response["Location"]).path != login_path:
            return response
        htmx = getattr(request, "htmx", None)
        if htmx:
            page = _same_site_path(htmx.current_url, request) or request.get_full_path()
            return HttpResponseClientRedirect(redirect_to_login(page)["Location"])
        if request.method == "POST":
            page = _same_site_path(request.headers.get("Referer"), request)
            if page:
                return redirect_to_login(page)
        return response


class PortalNotFoundMiddleware:
    """The project's "not found" answers (``handler404``) in development too.

    With ``DEBUG`` on, Django answers ``Http404`` and an address that matches no route with its
    technical page (HTML, in English, for developers) and never calls ``handler404``. Users of
    ``make run`` should see the page they will see in production, and an API client the API's
    JSON error: so a view's 404 goes to ``handler404``, and an ``/api/`` address that matches no
    route is answered here, before the technical page. A portal URL that matches no pattern
    keeps the technical page, which lists the patterns.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.DEBUG and request.path.startswith("/api/"):
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404 as exc:
                return page_not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if settings.DEBUG and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None


MSG_BODY_TOO_LARGE = gettext_lazy("The request is larger than %(limit)s MB and was refused unread.")


class RequestBodyLimitMiddleware:
    """Refuse a request whose declared body exceeds ``MAX_REQUEST_BODY_MB`` before anything reads it.

    Django caps form fields (``DATA_UPLOAD_MAX_MEMORY_SIZE``) but streams uploaded files to
    disk whatever their size, and the forms refuse a large file only once it is all there. The
    reverse proxy (``client_max_body_size``) is the first line; this is the second.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit_mb = settings.MAX_REQUEST_BODY_MB
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit_mb * 1024 * 1024:
            # Answered before LocaleMiddleware: the request's own language, as it would pick it.
            with translation.override(translation.get_language_from_request(request, check_path=True)):
                message = str(MSG_BODY_TOO_LARGE % {"limit": limit_mb})
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class PrivateCacheMiddleware:
    """Answers to a signed-in user (session or API token) are never stored by a browser or a proxy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or "HTTP_AUTHORIZATION" in request.META:
            patch_cache_control(response, private=True, no_store=True)
            patch_vary_headers(response, ["Cookie", "Authorization"])
        return response
