"""The user's own page: who they are, where they work, and their API token.

A token lets a script call ``/api/v1/…`` as the user (``Authorization: Token <key>``). The
key is shown once, right after it is created; afterwards only its creation and expiry dates
are shown (only its hash is stored: ``ntm_portal/tokens.py``). The user can replace or revoke
it here; administrators manage every token in the admin.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from communes.access import memberships_of
from ntm_portal.models import ApiToken
from ntm_portal.tokens import key_hash, token_replace

MSG_TOKEN_CREATED = _("Your new API token is shown below. Copy it now: it will not be shown again.")
MSG_TOKEN_REVOKED = _("Your API token was revoked; scripts using it can no longer sign in.")
MSG_NO_TOKEN = _("You have no API token to revoke.")

# The new key travels to the next page view through the session and is removed when shown.
_NEW_KEY = "profile_new_api_token"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            request.session[_NEW_KEY] = token_replace(user=request.user)[1]
            messages.success(request, MSG_TOKEN_CREATED)
        elif action == "revoke":
            deleted, _rows = ApiToken.objects.filter(user=request.user).delete()
            request.session.pop(_NEW_KEY, None)
            if deleted:
                messages.success(request, MSG_TOKEN_REVOKED)
            else:
                messages.info(request, MSG_NO_TOKEN)
        return redirect("profile")

    token = ApiToken.objects.filter(user=request.user).first()
    new_key = request.session.pop(_NEW_KEY, None)
    context = {
        "token": token,
        "new_key": new_key if token is not None and new_key and key_hash(new_key) == token.key_hash else None,
        "memberships": memberships_of(request.user),
    }
    return render(request, "account/profile.html", context)
