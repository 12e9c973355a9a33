"""The administrative tree (province → district → commune → village) and who works where.

One table holds every level; proxy models give readable code. A subtree is found without
recursion through ``path``, a materialized path of unit codes (``/01/001/00001/``) kept by
``save()`` and indexed for prefix search on both databases.
"""

from __future__ import annotations

import datetime
import functools
import operator
import re
import unicodedata
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

# The kinds live in communes.choices; every `from communes.models import Level` keeps working.
from communes.choices import (
    COMMUNE_TYPES_APART,
    DEFAULT_TYPE,
    NTM_COMMUNE_TYPES,
    PARENT_LEVELS,
    ROLE_LEVELS,
    TYPES_BY_LEVEL,
    CommuneGroup,
    Level,
    Region,
    Role,
    UnitType,
)

# The unit filters live in communes.filters; every `from communes.models import subtree_q` keeps working.
from communes.filters import (
    assessable_q,
    existed_during_q,
    existed_in_year_q,
    ntm_communes_q,
    search_q,
    search_rank,
    subtree_q,
    valid_on_q,
    year_days,
)
from communes.text import fold, sort_key


def province_code_of(path: str) -> str:
    """The code of the province a unit's path starts with (``/36/3601/`` → ``36``)."""
    return path.strip("/").split("/")[0]


def inherited_region(region: str, parent: AdministrativeUnit | None) -> str:
    """A unit's region: its own, else its parent's. The region decides thresholds (targets by
    region), so a commune added with none would escape every region-based target; the import
    (``communes.importing``) and the admin (``AdministrativeUnit.clean``) both fill it so."""
    return region or (parent.region if parent is not None else "")


CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,29}$")


class UnitQuerySet(models.QuerySet):
    def of_level(self, level: str) -> UnitQuerySet:
        return self.filter(level=level)

    def subtree(self, unit: AdministrativeUnit | None, *, include_self: bool = True) -> UnitQuerySet:
        """The unit and everything below it, in one indexed prefix query (None: the country)."""
        qs = self.filter(subtree_q(unit))
        return qs if include_self or unit is None else qs.exclude(pk=unit.pk)

    def valid_on(self, day: datetime.date) -> UnitQuerySet:
        return self.filter(valid_on_q(day))

    def existed_during(self, first: datetime.date, last: datetime.date) -> UnitQuerySet:
        """Units that existed on at least one day from ``first`` to ``last``."""
        return self.filter(existed_during_q(first, last))

    def existed_in_year(self, year: int) -> UnitQuerySet:
        """Units that existed at some time in ``year`` (a district abolished on 30 June 2025
        existed in 2025, not in 2026)."""
        return self.filter(existed_in_year_q(year))

    def ntm_communes(self) -> UnitQuerySet:
        """Rural communes (xã): the only units commune figures count (see NTM_COMMUNE_TYPES)."""
        return self.filter(ntm_communes_q())

    def assessable(self, level: str, year: int) -> UnitQuerySet:
        """Units a criteria set of ``level`` can assess in ``year`` (``assessable_q``)."""
        return self.filter(assessable_q(level, year))

    def communes_apart(self) -> UnitQuerySet:
        """Wards, townships and special zones: commune-level units listed apart from the figures."""
        return self.filter(level=Level.COMMUNE, type__in=COMMUNE_TYPES_APART)

    def search(self, text: str, *, then: Sequence = ("name_sort", "code")) -> UnitQuerySet:
        """Units whose name contains the text, ignoring case and Vietnamese diacritics, or whose
        code starts with it (``filters.search_q``; ``text.unit_matches`` for units already read),
        ranked (``filters.search_rank``): the code itself, its ``-cu`` form, other codes starting
        with the text, then names; within a rank by ``then`` (Vietnamese order). A caller that
        orders afterwards replaces the ranking (a sort the reader chose); empty text: no change."""
        if not fold(text):
            return self
        return self.filter(search_q(text)).alias(search_rank=search_rank(text)).order_by("search_rank", *then)

    def in_vietnamese_order(self) -> UnitQuerySet:
        return self.order_by("name_sort", "code")

    def province_names(self, codes: Iterable[str]) -> dict[str, str]:
        """The name of each unit's province (the first unit of its path), by unit code: two
        queries, for a page of units from all over the country."""
        paths = dict(self.filter(code__in=set(codes)).values_list("code", "path"))
        of = {code: province_code_of(path) for code, path in paths.items()}
        names = dict(self.filter(code__in=set(of.values())).values_list("code", "name"))
        return {code: names.get(province, "") for code, province in of.items()}


class AdministrativeUnit(models.Model):
    code = models.CharField(
        _("code"),
        max_length=30,
        unique=True,
        validators=[RegexValidator(CODE_PATTERN, _("Use letters, digits, dot, dash or underscore."))],
        help_text=_("The statistics office's code where it exists."),
    )
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    type = models.CharField(_("type"), max_length=16, choices=UnitType.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    region = models.CharField(_("socio-economic region"), max_length=8, choices=Region.choices, blank=True)
    commune_group = models.PositiveSmallIntegerField(
        _("commune group (2026–2030)"), choices=CommuneGroup.choices, null=True, blank=True
    )
    especially_disadvantaged = models.BooleanField(
        _("especially disadvantaged"),
        default=False,
        help_text=_(
            "Especially disadvantaged or safe-zone commune: uses the northern mountain targets where a set says so."
        ),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("Last day the unit existed."))
    # WGS 84 degrees (a point inside the unit, from the statistics office's data via the
    # vietnamadminunits package); drawn by the dashboard map.
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    # Derived, kept by save(): see communes/text.py.
    path = models.CharField(_("path"), max_length=255, editable=False, db_index=True)
    name_search = models.CharField(_("name for search"), max_length=200, editable=False, db_index=True)
    name_sort = models.CharField(_("name for sorting"), max_length=800, editable=False)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["name_sort", "code"]
        indexes = [
            models.Index(fields=["parent", "name_sort"], name="unit_parent_sort_idx"),
            models.Index(fields=["level", "region"], name="unit_level_region_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=functools.reduce(
                    operator.or_, (Q(level=level, type__in=types) for level, types in TYPES_BY_LEVEL.items())
                ),
                name="unit_type_matches_level",
            ),
            models.CheckConstraint(
                condition=Q(level=Level.PROVINCE, parent__isnull=True)
                | (~Q(level=Level.PROVINCE) & Q(parent__isnull=False)),
                name="unit_only_provinces_are_roots",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_to_after_valid_from",
            ),
            models.CheckConstraint(
                condition=Q(commune_group__isnull=True) | Q(level=Level.COMMUNE),
                name="unit_group_only_for_communes",
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="unit_not_its_own_parent"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="unit_coordinates_both_and_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.set_derived_fields()
        old_path = getattr(self, "_stored_path", None)
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # The unit moved (or was re-coded): carry its whole subtree along in one UPDATE.
            AdministrativeUnit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                path=Concat(models.Value(self.path), Substr("path", len(old_path) + 1))
            )
        self._stored_path = self.path

    def clean(self) -> None:
        if self.type and self.level and self.type not in TYPES_BY_LEVEL.get(self.level, ()):
            raise ValidationError({"type": _("This type does not exist at this level.")})
        if self.level == Level.PROVINCE and self.parent_id:
            raise ValidationError({"parent": _("A province has no parent unit.")})
        if self.level != Level.PROVINCE and self.parent is None:
            raise ValidationError({"parent": _("Choose the unit this one belongs to.")})
        if self.parent is not None:
            if self.parent.level not in PARENT_LEVELS.get(self.level, ()):
                raise ValidationError({"parent": _("A unit of this level cannot belong to that level.")})
            if self.pk and self.parent.path.startswith(self.path or "\0"):
                raise ValidationError({"parent": _("A unit cannot belong to itself or to a unit below it.")})
        if self.commune_group and self.level != Level.COMMUNE:
            raise ValidationError({"commune_group": _("Only communes have a commune group.")})
        self.region = inherited_region(self.region, self.parent)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_path = instance.__dict__.get("path")
        return instance

    def set_derived_fields(self) -> None:
        """Fill path and the search and sort keys; bulk paths call this instead of save()."""
        parent_path = self.parent.path if self.parent_id else "/"
        self.path = f"{parent_path}{self.code}/"
        # One spelling of every name: "ẩ" typed as a + ̉ + ̂ (NFD, as macOS writes it) or precomposed.
        self.name = unicodedata.normalize("NFC", self.name)
        self.name_search = fold(self.name)
        self.name_sort = sort_key(self.name)

    @property
    def province_code(self) -> str:
        """The code of its province (its own for a province), read off the path (no query)."""
        return province_code_of(self.path)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def ancestor_codes(self) -> list[str]:
        """Codes from the province down to the parent, read off the path (no query)."""
        return self.path.strip("/").split("/")[:-1]

    def ancestors(self) -> list[AdministrativeUnit]:
        """Units from the province down to the parent, in one query."""
        codes = self.ancestor_codes()
        by_code = {u.code: u for u in AdministrativeUnit.objects.filter(code__in=codes)}
        return [by_code[c] for c in codes if c in by_code]

    def is_within(self, other: AdministrativeUnit) -> bool:
        return self.path.startswith(other.path)

    @property
    def is_ntm_commune(self) -> bool:
        """A rural commune (xã), counted in the programme's commune figures."""
        return self.level == Level.COMMUNE and self.type in NTM_COMMUNE_TYPES

    @property
    def is_ntm_village(self) -> bool:
        """A village of a rural commune, counted in the village figures (``ntm_villages_q``)."""
        return self.level == Level.VILLAGE and self.parent is not None and self.parent.is_ntm_commune

    def assessable_refusal(self, level: str, year: int) -> str | None:
        """Why a criteria set of ``level`` cannot assess this unit in ``year``, or None when it
        can: ``"level"`` (another level), ``"year"`` (the unit did not exist in the year),
        ``"not_rural"`` (a ward, township or special zone), ``"not_rural_village"`` (a village of
        one: a ward's tổ dân phố). ``assessable_q`` on this one unit (no query but, for a
        village, its parent's when not loaded); each caller words the reason its own way."""
        if self.level != level:
            return "level"
        if not self.existed_in_year(year):
            return "year"
        if self.level == Level.COMMUNE and not self.is_ntm_commune:
            return "not_rural"
        if self.level == Level.VILLAGE and not self.is_ntm_village:
            return "not_rural_village"
        return None

    def existed_during(self, first: datetime.date, last: datetime.date) -> bool:
        """``UnitQuerySet.existed_during`` for this one unit (no query)."""
        return self.lifetime_side(first, last) is None

    def lifetime_side(self, first: datetime.date, last: datetime.date) -> str | None:
        """Where the period ``first``–``last`` lies against the unit's lifetime: None when the
        unit existed on a day of it (``existed_during``), ``"before"`` when it ended before the
        unit was formed (``valid_from``), ``"after"`` when it began after the unit ended
        (``valid_to``). What a refusal names: the date the unit was formed, or the one it ended."""
        if self.valid_from is not None and last < self.valid_from:
            return "before"
        if self.valid_to is not None and first > self.valid_to:
            return "after"
        return None

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.existed_during(day, day)

    def has_ended(self, today: datetime.date) -> bool:
        """Whether the unit's last day (``valid_to``) lies before ``today``: it exists no more."""
        return self.valid_to is not None and self.valid_to < today

    def existed_in_year(self, year: int) -> bool:
        return self.existed_during(*year_days(year))

    def predecessors(self) -> models.QuerySet[AdministrativeUnit]:
        return AdministrativeUnit.objects.filter(successions_as_predecessor__successor=self)

    def successors(self) -> models.QuerySet[AdministrativeUnit]:
        return AdministrativeUnit.objects.filter(successions_as_successor__predecessor=self)


class _LevelManager(models.Manager.from_queryset(UnitQuerySet)):
    def __init__(self, level: str) -> None:
        super().__init__()
        self.level = level

    def get_queryset(self) -> UnitQuerySet:
        return super().get_queryset().filter(level=self.level)


class LevelProxy(AdministrativeUnit):
    """Base of the per-level proxies: saving one sets its level (and default type)."""

    LEVEL: str = ""

    class Meta:
        proxy = True
        # Named in the admin's permissions and history, though never edited itself.
        verbose_name = _("administrative unit (by level)")
        verbose_name_plural = _("administrative units (by level)")

    def save(self, *args, **kwargs) -> None:
        self.level = self.LEVEL
        if not self.type:
            self.type = DEFAULT_TYPE[self.LEVEL]
        super().save(*args, **kwargs)


class Province(LevelProxy):
    LEVEL = Level.PROVINCE
    objects = _LevelManager(Level.PROVINCE)

    class Meta:
        proxy = True
        verbose_name = _("province")
        verbose_name_plural = _("provinces")


class District(LevelProxy):
    LEVEL = Level.DISTRICT
    objects = _LevelManager(Level.DISTRICT)

    class Meta:
        proxy = True
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class Commune(LevelProxy):
    LEVEL = Level.COMMUNE
    objects = _LevelManager(Level.COMMUNE)

    class Meta:
        proxy = True
        verbose_name = _("commune")
        verbose_name_plural = _("communes")


class Village(LevelProxy):
    LEVEL = Level.VILLAGE
    objects = _LevelManager(Level.VILLAGE)

    class Meta:
        proxy = True
        verbose_name = _("village")
        verbose_name_plural = _("villages")


class UnitSuccession(models.Model):
    """One link of a merger or split: ``successor`` was formed (in part) from ``predecessor``."""

    predecessor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("former unit"),
        on_delete=models.PROTECT,
        related_name="successions_as_predecessor",
    )
    successor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("new unit"),
        on_delete=models.PROTECT,
        related_name="successions_as_successor",
    )
    date = models.DateField(_("effective date"))
    decision = models.CharField(_("decision"), max_length=200, blank=True)
    main_part = models.BooleanField(
        _("main part"),
        default=True,
        help_text=_(
            "The former unit's main part (or all of it) went into this new unit. "
            "A unit split between several new units has exactly one link marked so."
        ),
    )

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_unique_pair"),
            models.CheckConstraint(condition=~Q(predecessor=models.F("successor")), name="succession_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.date:%d/%m/%Y})"


class Membership(models.Model):
    """``user`` works at ``unit`` in ``role``; their scope is the unit's subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"

    def clean(self) -> None:
        if self.unit_id and self.role and self.unit.level not in ROLE_LEVELS.get(self.role, ()):
            raise ValidationError({"unit": _("This role is held at a unit of another level.")})
