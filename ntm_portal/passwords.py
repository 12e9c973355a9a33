"""The portal's password rules where Django's own cannot be translated.

Django 5.2's ``MinimumLengthValidator`` formats its message with ``%d`` plural forms that
Django's Vietnamese catalogue lacks, so "This password is too short…" stayed English on the
Vietnamese password change page. This one says it through the project's catalogue (a named
``%(min_length)d`` placeholder, filled by the ``ValidationError``'s params).
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        )
