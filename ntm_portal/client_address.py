"""The client's address as the portal sees it, behind zero or more reverse proxies.

Each trusted proxy (nginx with ``$proxy_add_x_forwarded_for``) appends the address it
received the request from to ``X-Forwarded-For``. With ``PROXY_COUNT = n`` the client is the
n-th entry from the right; anything to its left was written by the client and is ignored, so
a forged header cannot make one client pass for another. With no proxy the header is ignored
altogether. The sign-in lockout (django-axes) and the API throttles (DRF ``NUM_PROXIES``)
read the address the same way.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    count = settings.PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR")
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        # Fewer hops than trusted proxies: the request did not come through all of them.
        return remote
    return forwarded[-count]
