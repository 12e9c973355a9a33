"""A confirmation step for actions that cannot simply be taken back.

The form of such an action posts as usual; the view answers with ``confirm_page`` — what will
happen, in words, and the same fields again with ``confirmed=1`` — until the user confirms.
A plain page, so it works without JavaScript; the service is called only once confirmed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRMED = "confirmed"


def is_confirmed(request: HttpRequest) -> bool:
    return request.POST.get(CONFIRMED) == "1"


def confirm_page(
    request: HttpRequest,
    *,
    title: str,
    consequences: Sequence[str],
    action_url: str,
    fields: Mapping[str, object],
    button: str,
    cancel_url: str,
    danger: bool = False,
    changed: str = "",
) -> HttpResponse:
    """``changed``: said first, when the page is shown again because what it said changed."""
    context = {
        "title": title,
        "consequences": consequences,
        "action_url": action_url,
        "fields": {name: "" if value is None else value for name, value in fields.items()},
        "button": button,
        "cancel_url": cancel_url,
        "danger": danger,
        "changed": changed,
    }
    return render(request, "confirm.html", context)
