"""The client's address as the portal sees it, behind zero or more reverse proxies.

Each trusted proxy (nginx with ``$proxy_add_x_forwarded_for``) appends the address it
received the request from to ``X-Forwarded-For``. With ``PROXY_COUNT = n`` the client is the
n-th entry from the right; anything to its left was written by the client and is ignored, so
a forged header cannot make one client pass for another. With no proxy the header is ignored
altogether.

The sign-in lockout reads the address with django-ipware (``django-axes[ipware]``), set up by
``ipware_reading``; the API throttles read it with DRF's ``NUM_PROXIES``, which
takes the same entry. ``ntm_portal/tests/test_signin_limits.py`` holds the two equal.
"""

from __future__ import annotations


def ipware_reading(proxy_count: int) -> tuple[int | None, tuple[str, ...]]:
    """django-ipware's proxy count and headers that read the client ``proxy_count`` entries
    from the right: ``AXES_IPWARE_PROXY_COUNT, AXES_IPWARE_META_PRECEDENCE_ORDER``.

    django-ipware counts the proxies *inside* the header (client, proxy1, …, proxyN-1: the last
    proxy is ``REMOTE_ADDR``), so n trusted proxies are n - 1 to it; with ``IPWARE_STRICT`` off
    it takes that entry from the right whatever a client wrote to its left.
    """
    if proxy_count <= 0:
        return None, ("REMOTE_ADDR",)
    return proxy_count - 1, ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
