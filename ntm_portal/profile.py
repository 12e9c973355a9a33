"""The user's own page: who they are, where they work, and their API token.

A token lets a script call ``/api/v1/…`` as the user (``Authorization: Token <key>``). The
key is shown once, right after it is created; afterwards only its creation date is shown. The
user can replace or revoke it here; administrators manage every token in the admin.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from communes.access import memberships_of

MSG_TOKEN_CREATED = _("Your new API token is shown below. Copy it now: it will not be shown again.")
MSG_TOKEN_REVOKED = _("Your API token was revoked; scripts using it can no longer sign in.")
MSG_NO_TOKEN = _("You have no API token to revoke.")

# The new key travels to the next page view through the session and is removed when shown.
_NEW_KEY = "profile_new_api_token"


@transaction.atomic
def token_replace(*, user) -> Token:
    """A fresh token for ``user``; any previous one stops working."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            request.session[_NEW_KEY] = token_replace(user=request.user).key
            messages.success(request, MSG_TOKEN_CREATED)
        elif action == "revoke":
            deleted, _rows = Token.objects.filter(user=request.user).delete()
            request.session.pop(_NEW_KEY, None)
            if deleted:
                messages.success(request, MSG_TOKEN_REVOKED)
            else:
                messages.info(request, MSG_NO_TOKEN)
        return redirect("profile")

    token = Token.objects.filter(user=request.user).first()
    new_key = request.session.pop(_NEW_KEY, None)
    context = {
        "token": token,
        "new_key": new_key if token is not None and new_key == token.key else None,
        "memberships": memberships_of(request.user),
    }
    return render(request, "account/profile.html", context)
