"""OCOP products of the demo province (``manage.py seed_demo``): certified 3★ and 4★, one 5★, one
rated by a district council before 1 July 2025 whose certificate ran out, two ideas and one
being rated — entered through the services by the province office.

Deterministic: the same communes (the first of today's communes, by code) get the same products.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from communes.models import AdministrativeUnit, Level
from ocop.models import OcopProduct
from ocop.services import ProductInput, product_create
from ocop.validity import add_months

D = datetime.date
# name, producer, category, stage, stars, level, certificate number, certificate date: a date,
# or months before today (so that the demo keeps valid certificates whenever it is seeded).
PRODUCTS = (
    ("Mật ong hoa nhãn", "HTX Ong mật Đồng Tâm", "food", "certified", 3, "province", "1021/QĐ-UBND", 20),
    ("Chè búp khô", "HTX Chè Bình Minh", "drinks", "certified", 4, "province", "2210/QĐ-UBND", 14),
    ("Nước mắm cá cơm", "Công ty TNHH Hải Phong", "food", "certified", 5, "central", "1560/QĐ-BNN", 5),
    ("Tinh dầu bưởi", "Hộ kinh doanh Lê Thị Hoa", "herbs", "certified", 3, "province", "845/QĐ-UBND", 8),
    ("Bánh đa vừng", "HTX Nông nghiệp Yên Phú", "food", "certified", 4, "province", "1833/QĐ-UBND", 2),
    ("Gỗ mỹ nghệ", "Công ty CP Mộc Việt", "crafts", "certified", 3, "province", "577/QĐ-UBND", 30),
    # Rated by a district council before districts ended; its certificate ran out in 2025.
    (
        "Thổ cẩm dệt tay",
        "Tổ hợp tác dệt Bản Mòng",
        "textiles",
        "certified",
        3,
        "district",
        "312/QĐ-UBND",
        D(2022, 3, 4),
    ),
    ("Du lịch cộng đồng làng cổ", "HTX Dịch vụ du lịch Làng Xưa", "tourism", "idea", None, "", "", None),
    ("Rượu men lá", "Hộ kinh doanh Hà Văn Sơn", "drinks", "idea", None, "", "", None),
    ("Miến dong", "HTX Miến dong Phú Lộc", "food", "rating", None, "", "", None),
)


def seed_ocop_demo(province: AdministrativeUnit, user) -> list[OcopProduct]:
    """The demo products, spread over the province's communes of today."""
    today = timezone.localdate()
    communes = list(
        AdministrativeUnit.objects.subtree(province).filter(level=Level.COMMUNE).valid_on(today).order_by("code")
    )
    if not communes:
        return []
    made = []
    for index, (name, producer, category, stage, stars, level, number, when) in enumerate(PRODUCTS):
        day = add_months(today, -when) if isinstance(when, int) else when
        data = ProductInput(
            commune=communes[index % len(communes)],
            name=name,
            producer=producer,
            category=category,
            stage=stage,
            stars=stars,
            rating_level=level,
            certificate_number=number,
            certificate_date=day,
        )
        made.append(product_create(data=data, user=user))
    return made


def reset_ocop_demo(province: AdministrativeUnit) -> None:
    OcopProduct.objects.within(province).delete()
