"""API tokens: hashed at rest, expiring, revoked on a password change.

A key is 40 random hex characters, shown to its owner once; the database keeps its SHA-256
(a key has 160 random bits, so a fast hash is enough — there is nothing to guess from). A
backup or a database leak therefore holds no usable key. Keys expire after ``API_TOKEN_DAYS``
and all of a user's keys stop working when their password changes.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from ntm_portal.models import ApiToken

MSG_EXPIRED = _("This API token has expired; create a new one on your profile page.")


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_issue(*, user, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user`` beside any other; returns it and its key (shown once)."""
    key = secrets.token_hex(20)
    lifetime = datetime.timedelta(days=days if days is not None else settings.API_TOKEN_DAYS)
    token = ApiToken.objects.create(
        user=user, key_hash=key_hash(key), prefix=key[:8], expires_at=timezone.now() + lifetime
    )
    return token, key


@transaction.atomic
def token_replace(*, user) -> tuple[ApiToken, str]:
    """A fresh token for ``user``; every previous one stops working."""
    ApiToken.objects.filter(user=user).delete()
    return token_issue(user=user)


class HashedTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``, looked up by the key's hash."""

    def authenticate_credentials(self, key: str):
        token = ApiToken.objects.select_related("user").filter(key_hash=key_hash(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed(MSG_EXPIRED)
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token


@receiver(pre_save, sender=get_user_model(), dispatch_uid="ntm_revoke_tokens_on_password_change")
def _revoke_tokens_on_password_change(sender, instance, update_fields=None, raw=False, **kwargs) -> None:
    if raw or instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    stored = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        ApiToken.objects.filter(user_id=instance.pk).delete()
