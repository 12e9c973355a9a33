"""Products for tests, written straight to the table (the services are tested on their own)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from ocop.models import OcopProduct, RatingLevel, Stage


def make_product(
    commune,
    name: str = "Mật ong bạc hà",
    *,
    stars: int | None = None,
    certified: datetime.date | None = None,
    stage: str | None = None,
    level: str = RatingLevel.PROVINCE,
    producer: str = "HTX Đồng Tâm",
    category: str = "food",
    entered: datetime.datetime | None = None,
) -> OcopProduct:
    stage = stage or (Stage.CERTIFIED if certified else Stage.IDEA)
    now = entered or timezone.now()
    product = OcopProduct(
        commune=commune,
        name=name,
        producer=producer,
        category=category,
        stage=stage,
        entered_at=now,
        changed_at=now,
    )
    if stage == Stage.CERTIFIED:
        product.stars = stars or 3
        product.rating_level = RatingLevel.CENTRAL if product.stars == 5 else level
        product.certificate_number = f"{product.stars}/QĐ-UBND"
        product.certificate_date = certified
    product.save()
    return product
