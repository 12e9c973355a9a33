"""Writes of OCOP products: enter, change, remove — each one transaction, permission checked here.

Who: anyone who may write the product's commune (``communes.access.can_write_unit``): its
commune officers, the district committee above it, the province office; a viewer reads only.
Refusals are ``ValidationError``s keyed by field with the ``MSG_*`` constants; a change based
on an old version raises ``ntm_portal.errors.StaleWriteError`` (with ``current``) and saves nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, fields

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes import access
from communes.models import AdministrativeUnit, Level
from communes.text import sort_key
from ntm_portal.errors import StaleWriteError
from ocop import rating, validity
from ocop.models import OcopProduct, RatingLevel, Stage, Stars

MSG_NOT_COMMUNE = _("Choose a commune: OCOP products belong to a commune.")
MSG_NO_WRITE = _("You may not enter OCOP products for this commune.")
MSG_CERTIFIED_NEEDS = _("A certified product needs this.")
MSG_ONLY_CERTIFIED = _("Only a certified product has this; leave it empty until the product is certified.")
MSG_FUTURE_DATE = _("The certificate date cannot be in the future.")
MSG_BEFORE_PROGRAMME = _(
    "The OCOP programme started on %(started)s (QĐ 490/QĐ-TTg): a certificate cannot be dated before it."
)
MSG_SAME_PRODUCT = _(
    "%(commune)s already has “%(name)s” by %(producer)s: open it to change it rather than entering it again."
)
DUPLICATE = "duplicate"
MSG_UNIT_ENDED = _(
    "%(unit)s ceased to exist on %(ended)s: a product certified after that belongs to the commune it became part of."
)
MSG_NO_DISTRICTS = _("District councils no longer rate products after 1 July 2025 (districts were abolished).")
MSG_FIVE_STARS_CENTRAL = _("Only the central council rates a product 5 stars.")
MSG_KEEPS_CERTIFICATE = _(
    "A certified product keeps its certificate (it runs out by itself after 36 months): correct the "
    "certificate if it was entered wrongly, or remove the product if it was entered by mistake."
)
MSG_POINTS_RANGE = _("The council scores a product from 0 to %(max)s points.")
MSG_POINTS_NO_STAR = _("%(points)s points gives no star: a product is certified from %(low)s points.")
MSG_POINTS_GIVE_STARS = _("%(points)s points gives %(stars)s stars (%(low)s–%(high)s points).")
MSG_STALE = _("This product was changed in the meantime by someone else; here is what is stored now.")
MSG_GONE = _("This product was removed in the meantime by someone else; nothing was saved.")
MSG_STALE_DELETE = _(
    "This product was changed in the meantime by someone else; nothing was removed. Here is what is stored now."
)


@dataclass(frozen=True)
class ProductInput:
    commune: AdministrativeUnit
    name: str
    producer: str
    category: str
    stage: str = Stage.IDEA
    stars: int | None = None
    points: int | None = None  # the council's score, where known: it gives the stars
    rating_level: str = ""
    certificate_number: str = ""
    certificate_date: datetime.date | None = None


INPUT_FIELDS = tuple(f.name for f in fields(ProductInput))


def check_input(data: ProductInput, *, today: datetime.date | None = None) -> None:
    """The rules a form can show at its fields, before anything is written."""
    today = today or timezone.localdate()
    errors: dict[str, list] = {}
    if data.commune.level != Level.COMMUNE:
        errors["commune"] = [MSG_NOT_COMMUNE]
    certificate = ("stars", "rating_level", "certificate_number", "certificate_date")
    if data.stage == Stage.CERTIFIED:
        for name in certificate:
            if getattr(data, name) in (None, ""):
                errors.setdefault(name, []).append(MSG_CERTIFIED_NEEDS)
    else:
        for name in certificate:
            if getattr(data, name) not in (None, ""):
                errors.setdefault(name, []).append(MSG_ONLY_CERTIFIED)
    if data.certificate_date and data.certificate_date > today:
        errors.setdefault("certificate_date", []).append(MSG_FUTURE_DATE)
    if data.certificate_date and data.certificate_date < validity.PROGRAMME_STARTED:
        started = f"{validity.PROGRAMME_STARTED:%d/%m/%Y}"
        errors.setdefault("certificate_date", []).append(MSG_BEFORE_PROGRAMME % {"started": started})
    # A product certified before a merger stays with the commune of today (its successor); one
    # certified after its commune ended cannot belong to it.
    ended = data.commune.valid_to
    if data.certificate_date and ended and data.certificate_date > ended:
        errors.setdefault("certificate_date", []).append(
            MSG_UNIT_ENDED % {"unit": data.commune.name, "ended": f"{ended:%d/%m/%Y}"}
        )
    if (
        data.rating_level == RatingLevel.DISTRICT
        and data.certificate_date
        and data.certificate_date >= validity.DISTRICTS_ENDED
    ):
        errors.setdefault("rating_level", []).append(MSG_NO_DISTRICTS)
    if data.stars == Stars.FIVE and data.rating_level and data.rating_level != RatingLevel.CENTRAL:
        errors.setdefault("rating_level", []).append(MSG_FIVE_STARS_CENTRAL)
    _check_points(data, errors)
    if errors:
        raise ValidationError(errors)


def _check_points(data: ProductInput, errors: dict[str, list]) -> None:
    """The council's score, where given, is a certified product's and gives its stars."""
    if data.points is None:
        return
    if data.stage != Stage.CERTIFIED:
        errors.setdefault("points", []).append(MSG_ONLY_CERTIFIED)
    elif not 0 <= data.points <= rating.MAX_POINTS:
        errors.setdefault("points", []).append(MSG_POINTS_RANGE % {"max": rating.MAX_POINTS})
    elif (stars := rating.stars_for(data.points)) is None:
        low = rating.STAR_POINTS[min(rating.STAR_POINTS)][0]
        errors.setdefault("points", []).append(MSG_POINTS_NO_STAR % {"points": data.points, "low": low})
    elif data.stars is not None and data.stars != stars:
        low, high = rating.STAR_POINTS[stars]
        params = {"points": data.points, "stars": stars, "low": low, "high": high}
        errors.setdefault("stars", []).append(MSG_POINTS_GIVE_STARS % params)


def _same_text(a: str, b: str) -> bool:
    """The same words, whatever their case and spacing (the key the list sorts names by)."""
    return sort_key(a) == sort_key(b)


def _duplicate(message, product: OcopProduct, **params) -> ValidationError:
    params |= {"name": product.name, "commune": product.commune.name, "pk": product.pk}
    return ValidationError(message, code=DUPLICATE, params=params)


def check_not_entered_twice(data: ProductInput, *, exclude: int | None = None) -> None:
    """A product is entered once: refuse one its commune already has (same name and producer).
    The refusal's ``params["pk"]`` is the product already entered (``duplicates_of``). Called
    under ``_lock_province``, so two identical requests sent at once cannot both pass. A
    certificate number is not checked: one provincial decision certifies several products on one
    date, and offices record its number for each."""
    name_sort = sort_key(data.name)
    others = OcopProduct.objects.select_related("commune").exclude(pk=exclude)
    for product in others.filter(commune=data.commune, name_sort=name_sort):
        if _same_text(product.producer, data.producer):
            raise ValidationError({"name": [_duplicate(MSG_SAME_PRODUCT, product, producer=product.producer)]})


def duplicates_of(exc: ValidationError) -> dict[str, int]:
    """The field and the product already entered of each "entered twice" refusal in ``exc``."""
    found: dict[str, int] = {}
    for name, errors in getattr(exc, "error_dict", {}).items():
        for error in errors:
            if error.code == DUPLICATE:
                found[name] = error.params["pk"]
    return found


def _refuse_all(*checks) -> None:
    """Run every check and refuse once with what each refused, every field's message at once (an
    officer who mistyped the date and entered the product twice is told both, not one by one)."""
    errors: dict[str, list] = {}
    for check in checks:
        try:
            check()
        except ValidationError as exc:
            exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _keeps_certificate(current: OcopProduct, data: ProductInput) -> None:
    """A certified product stays certified: its certificate would be erased, and the stars
    counted in past months with it."""
    if current.stage == Stage.CERTIFIED and data.stage != Stage.CERTIFIED:
        raise ValidationError({"stage": [ValidationError(MSG_KEEPS_CERTIFICATE, code="certified")]})


def _lock_province(commune: AdministrativeUnit) -> None:
    """Serialise the writes of a province's products inside the caller's transaction, so that
    the same form sent twice at once (a double click, a resent page) is checked against the
    first one's row.
    ``FOR NO KEY UPDATE`` does not block writes of rows that refer to the unit; SQLite
    serialises writers anyway."""
    province = AdministrativeUnit.objects.select_for_update(no_key=True).filter(code=commune.province_code)
    list(province.values_list("pk", flat=True))


def _check_write(user, commune: AdministrativeUnit) -> None:
    if not access.can_write_unit(user, commune):
        raise PermissionDenied(MSG_NO_WRITE)


def _apply(product: OcopProduct, data: ProductInput, user) -> OcopProduct:
    for name in INPUT_FIELDS:
        setattr(product, name, getattr(data, name))
    product.name, product.producer = product.name.strip(), product.producer.strip()
    product.certificate_number = product.certificate_number.strip()
    product.entered_by = user if getattr(user, "is_authenticated", False) else None
    product.changed_at = timezone.now()
    product.full_clean()
    product.save()
    return product


@transaction.atomic
def product_create(*, data: ProductInput, user) -> OcopProduct:
    _check_write(user, data.commune)
    _lock_province(data.commune)
    _refuse_all(lambda: check_input(data), lambda: check_not_entered_twice(data))
    product = OcopProduct(version=1)
    product.entered_at = timezone.now()
    return _apply(product, data, user)


@transaction.atomic
def product_update(*, product: OcopProduct, data: ProductInput, user, expected_version: int) -> OcopProduct:
    """Change every field; moving a product to another commune needs the right to write both."""
    _check_write(user, product.commune)
    _check_write(user, data.commune)
    current = OcopProduct.objects.select_for_update().select_related("commune").filter(pk=product.pk).first()
    if current is None:
        raise ValidationError(MSG_GONE, code="gone")
    if current.version != expected_version:
        raise StaleWriteError(MSG_STALE, current=current)
    _lock_province(data.commune)
    _refuse_all(
        lambda: check_input(data),
        lambda: _keeps_certificate(current, data),
        lambda: check_not_entered_twice(data, exclude=current.pk),
    )
    current.version += 1
    return _apply(current, data, user)


@transaction.atomic
def product_delete(*, product: OcopProduct, user, expected_version: int | None = None) -> None:
    """Remove a product entered by mistake. With ``expected_version`` (the page's confirmation),
    a product changed since the reader saw it is not removed: ``StaleWriteError`` with ``current``."""
    _check_write(user, product.commune)
    current = OcopProduct.objects.select_for_update().select_related("commune").filter(pk=product.pk).first()
    if current is None:
        return  # removed meanwhile by someone else: what was asked is done
    if expected_version is not None and current.version != expected_version:
        raise StaleWriteError(MSG_STALE_DELETE, current=current)
    current.delete()
