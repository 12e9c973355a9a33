"""OCOP products ("Mỗi xã một sản phẩm"): one row per product of a commune, from idea to certificate.

The status a product has on a day is read, not stored: ``stage`` says how far it went
(idea, rating in progress, certified) and a certified product is expired on the days after its
certificate ran out (``ocop.validity``). Invariants are database constraints.
"""

from __future__ import annotations

import datetime
import operator
from functools import reduce

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit, subtree_q
from communes.text import fold, sort_key
from ocop import rating, validity


class Category(models.TextChoices):
    """The six product groups of the OCOP programme."""

    FOOD = "food", _("Food")
    DRINKS = "drinks", _("Drinks")
    HERBS = "herbs", _("Herbal products")
    TEXTILES = "textiles", _("Fabrics and garments")
    CRAFTS = "crafts", _("Souvenirs, furniture and decoration")
    TOURISM = "tourism", _("Community tourism services and destinations")


class Stars(models.IntegerChoices):
    THREE = 3, _("3 stars")
    FOUR = 4, _("4 stars")
    FIVE = 5, _("5 stars")


class RatingLevel(models.TextChoices):
    """The council that rated the product. District councils ended on 1 July 2025."""

    DISTRICT = "district", _("District level")
    PROVINCE = "province", _("Province level")
    CENTRAL = "central", _("Central level")


class Stage(models.TextChoices):
    """How far a product went; what is stored."""

    IDEA = validity.IDEA, _("Idea")
    RATING = validity.RATING, _("Rating in progress")
    CERTIFIED = validity.CERTIFIED, _("Certified")


class Status(models.TextChoices):
    """The status on a day: the stage, or expired for a certificate that ran out."""

    IDEA = validity.IDEA, _("Idea")
    RATING = validity.RATING, _("Rating in progress")
    CERTIFIED = validity.CERTIFIED, _("Certified")
    EXPIRED = validity.EXPIRED, _("Expired")


class OcopProductQuerySet(models.QuerySet):
    def within(self, unit: AdministrativeUnit | None) -> OcopProductQuerySet:
        """Products of the communes of ``unit`` (or of the country, for None)."""
        return self.filter(subtree_q(unit, "commune__"))

    def certified_valid_on(self, day: datetime.date) -> OcopProductQuerySet:
        """Certified by ``day`` and not expired on it."""
        return self.filter(
            stage=Stage.CERTIFIED,
            certificate_date__lte=day,
            certificate_date__gte=validity.earliest_valid_certificate(day),
        )

    def with_status(self, day: datetime.date) -> OcopProductQuerySet:
        """Annotate ``status``: the stage, or "expired" for a certificate that ran out by ``day``."""
        expired = Q(stage=Stage.CERTIFIED, certificate_date__lt=validity.earliest_valid_certificate(day))
        return self.annotate(
            status=Case(When(expired, then=Value(Status.EXPIRED)), default=F("stage"), output_field=models.CharField())
        )

    def of_status(self, status: str, day: datetime.date) -> OcopProductQuerySet:
        earliest = validity.earliest_valid_certificate(day)
        if status == Status.EXPIRED:
            return self.filter(stage=Stage.CERTIFIED, certificate_date__lt=earliest)
        if status == Status.CERTIFIED:
            return self.filter(stage=Stage.CERTIFIED, certificate_date__gte=earliest)
        return self.filter(stage=status)

    def search(self, text: str) -> OcopProductQuerySet:
        """Name, producer or certificate number containing ``text``, ignoring case and diacritics."""
        folded = fold(text)
        return self.filter(search_text__contains=folded) if folded else self


class OcopProduct(models.Model):
    commune = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="ocop_products"
    )
    name = models.CharField(_("product"), max_length=200)
    producer = models.CharField(
        _("producer"), max_length=200, help_text=_("The cooperative, enterprise or household that makes it.")
    )
    category = models.CharField(_("product group"), max_length=20, choices=Category.choices)
    stage = models.CharField(_("status"), max_length=20, choices=Stage.choices, default=Stage.IDEA)
    stars = models.PositiveSmallIntegerField(_("stars"), choices=Stars.choices, null=True, blank=True)
    # The council's score, where it is known (certificates entered before it was recorded have
    # none): it gives the stars (``ocop.rating``).
    points = models.PositiveSmallIntegerField(_("points"), null=True, blank=True)
    rating_level = models.CharField(_("rated at"), max_length=20, choices=RatingLevel.choices, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    certificate_date = models.DateField(_("certificate date"), null=True, blank=True)
    # Vietnamese order and search without diacritics, on SQLite too (communes.text), kept by save().
    name_sort = models.CharField(max_length=1000, editable=False, default="")
    search_text = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField(default=1)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered at"))
    changed_at = models.DateTimeField(_("changed at"))

    objects = OcopProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("OCOP product")
        verbose_name_plural = _("OCOP products")
        ordering = ["name_sort", "pk"]
        indexes = [models.Index(fields=["stage", "certificate_date"], name="ocop_stage_date")]
        constraints = [
            models.CheckConstraint(condition=Q(category__in=Category.values), name="ocop_category_known"),
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="ocop_stage_known"),
            models.CheckConstraint(
                condition=Q(stars__isnull=True) | Q(stars__in=Stars.values), name="ocop_stars_3_to_5"
            ),
            models.CheckConstraint(
                condition=Q(rating_level="") | Q(rating_level__in=RatingLevel.values), name="ocop_level_known"
            ),
            # A certified product has its rating and certificate; any other has neither.
            models.CheckConstraint(
                condition=(
                    Q(stage=Stage.CERTIFIED, stars__isnull=False, certificate_date__isnull=False)
                    & ~Q(rating_level="")
                    & ~Q(certificate_number="")
                )
                | (
                    ~Q(stage=Stage.CERTIFIED)
                    & Q(stars__isnull=True, certificate_date__isnull=True, rating_level="", certificate_number="")
                ),
                name="ocop_certificate_iff_certified",
            ),
            models.CheckConstraint(
                condition=~Q(rating_level=RatingLevel.DISTRICT) | Q(certificate_date__lt=validity.DISTRICTS_ENDED),
                name="ocop_no_district_rating_after_2025_07",
            ),
            models.CheckConstraint(
                condition=Q(points__isnull=True)
                | reduce(
                    operator.or_,
                    (
                        Q(stage=Stage.CERTIFIED, stars=stars, points__gte=low, points__lte=high)
                        for stars, (low, high) in rating.STAR_POINTS.items()
                    ),
                ),
                name="ocop_points_give_the_stars",
            ),
            models.CheckConstraint(
                condition=~Q(stars=Stars.FIVE) | Q(rating_level=RatingLevel.CENTRAL), name="ocop_five_stars_central"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name_sort = sort_key(self.name)
        self.search_text = fold(f"{self.name} | {self.producer} | {self.certificate_number}")
        super().save(*args, **kwargs)

    @property
    def valid_until(self) -> datetime.date | None:
        return validity.valid_until(self.certificate_date) if self.certificate_date else None

    def status_on(self, day: datetime.date) -> str:
        return validity.status_on(self.stage, self.certificate_date, day)
