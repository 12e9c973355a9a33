"""Commune groups of the 2026–2030 set (QĐ 51/2025/QĐ-TTg) with their legal basis.

The decision sorts communes into three groups by stated conditions, and the set's targets
differ by group. A province office records each commune's group with the condition the
commune meets and the province's deciding document; ``AdministrativeUnit.commune_group``
carries the group itself (read by the target rule, ``criteria.targets``). The one writer is
``criteria.services.commune_groups.commune_group_set``, which keeps both and appends history.
Imported by ``criteria.models``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit, CommuneGroup
from criteria.models import AppendOnlyMixin, AppendOnlyQuerySet  # defined before it imports this module


class GroupCondition(models.TextChoices):
    """The conditions QĐ 51/2025 states for each group (DOMAIN.md, "2026–2030")."""

    URBANISING = "g1_urbanising", _("Group 1: near-urban, or planned to become a ward")
    # xgettext:no-python-format
    AGRICULTURE_UNDER_10 = "g1_agriculture", _("Group 1: agriculture under 10% of the commune's economy")
    OTHER = "g2_other", _("Group 2: meets neither the conditions of group 1 nor those of group 3")
    MINORITY_MOUNTAIN_II = "g3_zone_ii", _("Group 3: ethnic-minority and mountain area, zone II")
    MINORITY_MOUNTAIN_III = "g3_zone_iii", _("Group 3: ethnic-minority and mountain area, zone III")


GROUP_OF_CONDITION: dict[str, int] = {
    GroupCondition.URBANISING: CommuneGroup.NEAR_URBAN,
    GroupCondition.AGRICULTURE_UNDER_10: CommuneGroup.NEAR_URBAN,
    GroupCondition.OTHER: CommuneGroup.GENERAL,
    GroupCondition.MINORITY_MOUNTAIN_II: CommuneGroup.MOUNTAIN,
    GroupCondition.MINORITY_MOUNTAIN_III: CommuneGroup.MOUNTAIN,
}


def _condition_matches_group() -> Q:
    by_group: dict[int, list[str]] = {}
    for condition, group in GROUP_OF_CONDITION.items():
        by_group.setdefault(int(group), []).append(str(condition))
    query = Q()
    for group, conditions in sorted(by_group.items()):
        query |= Q(group=group, condition__in=sorted(conditions))
    return query


class CommuneGroupAssignment(models.Model):
    """A commune's group now, and why: the condition met and the deciding document."""

    unit = models.OneToOneField(
        AdministrativeUnit, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="group_assignment"
    )
    group = models.PositiveSmallIntegerField(_("commune group"), choices=CommuneGroup.choices)
    condition = models.CharField(_("condition met"), max_length=20, choices=GroupCondition.choices)
    decision_number = models.CharField(_("deciding document number"), max_length=100)
    decision_date = models.DateField(_("deciding document date"))
    version = models.PositiveIntegerField(_("version"), default=1)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    set_at = models.DateTimeField(_("set at"))

    class Meta:
        verbose_name = _("commune group")
        verbose_name_plural = _("commune groups")
        constraints = [
            models.CheckConstraint(condition=_condition_matches_group(), name="communegroup_condition_of_group"),
            models.CheckConstraint(condition=~Q(decision_number=""), name="communegroup_has_decision"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.group}"

    @property
    def basis(self) -> str:
        return f"{self.decision_number}, {self.decision_date:%d/%m/%Y}"


class CommuneGroupChange(AppendOnlyMixin, models.Model):
    """Append-only: every setting of a commune's group (no old group on the first)."""

    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="group_changes"
    )
    old_group = models.PositiveSmallIntegerField(_("old group"), choices=CommuneGroup.choices, null=True, blank=True)
    new_group = models.PositiveSmallIntegerField(_("new group"), choices=CommuneGroup.choices)
    old_condition = models.CharField(_("old condition"), max_length=20, choices=GroupCondition.choices, blank=True)
    new_condition = models.CharField(_("condition met"), max_length=20, choices=GroupCondition.choices)
    decision_number = models.CharField(_("deciding document number"), max_length=100)
    decision_date = models.DateField(_("deciding document date"))
    note = models.TextField(_("note"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("change of a commune group")
        verbose_name_plural = _("changes of commune groups")
        base_manager_name = "objects"  # Django's internal queries refuse updates too
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["unit", "at"], name="groupchange_unit_at_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id} {localtime(self.at):%Y-%m-%d %H:%M} {self.old_group} → {self.new_group}"
