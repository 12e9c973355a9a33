"""The history of a criteria set: who created, edited, confirmed, published or retired it.

Append-only like the assessments' history (``AppendOnlyMixin``; PostgreSQL triggers refuse
UPDATE and DELETE, ``ntm_portal/append_only.py``). Written only by the set services
(``criteria/services/set_workspace.py``, ``criteria/services/set_editing.py``). Imported by
``criteria.models``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from criteria.models import AppendOnlyMixin, AppendOnlyQuerySet


class SetChangeKind(models.TextChoices):
    CREATED = "created", _("Created")
    EDITED = "edited", _("Edited")
    CONFIRMED = "confirmed", _("Target confirmed")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class CriteriaSetChange(AppendOnlyMixin, models.Model):
    criteria_set = models.ForeignKey(
        "criteria.CriteriaSet", verbose_name=_("criteria set"), on_delete=models.PROTECT, related_name="changes"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SetChangeKind.choices)
    subject = models.CharField(_("what"), max_length=200, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("change of a criteria set")
        verbose_name_plural = _("changes of criteria sets")
        base_manager_name = "objects"  # Django's internal queries refuse updates too
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_kind_display()} {self.subject}"
