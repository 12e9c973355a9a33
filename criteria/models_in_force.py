"""Which published set a province's units are assessed against, per level, tier and year.

A province chooses (the national set or its own), including transitional years: the
2016–2020 set for 2021, when the province says so. Imported by ``criteria.models``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit


class SetInForce(models.Model):
    province = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("province"), on_delete=models.PROTECT, related_name="sets_in_force"
    )
    level = models.CharField(_("level"), max_length=10)
    tier = models.CharField(_("tier"), max_length=10)
    year = models.PositiveSmallIntegerField(_("year"))
    criteria_set = models.ForeignKey(
        "criteria.CriteriaSet", verbose_name=_("criteria set"), on_delete=models.PROTECT, related_name="in_force"
    )
    basis = models.CharField(
        _("basis"), max_length=300, help_text=_("The province's decision or plan that says so (number, date).")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("at"), auto_now=True)

    class Meta:
        verbose_name = _("set in force")
        verbose_name_plural = _("sets in force")
        ordering = ["province", "-year", "level", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["province", "level", "tier", "year"], name="set_in_force_one_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.province} · {self.year} · {self.tier}: {self.criteria_set_id}"
