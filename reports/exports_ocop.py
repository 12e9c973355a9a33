"""The OCOP products of a unit as a workbook: the list, then the figures by stars.

The figures are ``ocop.selectors.ocop_counts`` for the year to date, the dashboard's own; the
list is ``ocop.selectors.products_listed`` over the reader's area. Headers and labels are
Vietnamese (the files travel between offices); text never starts a formula (``reports.xlsx``);
dates are cells formatted dd/mm/yyyy.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from communes import access
from communes.models import AdministrativeUnit
from communes.people import full_name
from ocop.models import Category, OcopProduct, RatingLevel, Status
from ocop.selectors import OcopCounts, ocop_counts, products_listed, year_period
from reports import xlsx
from reports.bulletin.other_sheets import ocop_other_rows

TITLE = "Sản phẩm OCOP"


def ocop_export_name(unit: AdministrativeUnit, day: datetime.date) -> str:
    return f"ocop-{unit.code}-{day:%Y-%m-%d}.xlsx"


def _rows(products):
    for number, p in enumerate(products.iterator(chunk_size=500), start=1):
        yield (
            number,
            p.name,
            p.producer,
            p.commune.name,
            p.commune.code,
            str(Category(p.category).label),
            str(Status(p.status).label),
            p.stars,
            p.points,
            str(RatingLevel(p.rating_level).label) if p.rating_level else None,
            p.certificate_number or None,
            p.certificate_date,
            p.valid_until,
        )


def _list_sheet(products, heading: list[str]) -> xlsx.Sheet:
    columns = [
        xlsx.Column("STT", 6, xlsx.INT),
        xlsx.Column("Sản phẩm", 28, xlsx.WRAP),
        xlsx.Column("Chủ thể", 24, xlsx.WRAP),
        xlsx.Column("Xã", 18, xlsx.WRAP),
        xlsx.Column("Mã xã", 9),
        xlsx.Column("Nhóm sản phẩm", 20, xlsx.WRAP),
        xlsx.Column("Tình trạng", 14, xlsx.WRAP),
        xlsx.Column("Số sao", 7, xlsx.INT),
        xlsx.Column("Điểm", 7, xlsx.INT),
        xlsx.Column("Cấp đánh giá", 14, xlsx.WRAP),
        xlsx.Column("Số giấy chứng nhận", 16, xlsx.WRAP),
        xlsx.Column("Ngày chứng nhận", 12, xlsx.DATE),
        xlsx.Column("Hiệu lực đến", 12, xlsx.DATE),
    ]
    table = xlsx.Table(columns=columns, rows=_rows(products))
    return xlsx.Sheet(title="Danh sách sản phẩm", heading=heading, tables=[table], freeze_columns=2)


def _stars_sheet(counts: OcopCounts, heading: list[str]) -> xlsx.Sheet:
    period = f"{counts.first:%d/%m/%Y}–{counts.last:%d/%m/%Y}"
    table = xlsx.Table(
        columns=[
            xlsx.Column("Hạng sao", 12),
            xlsx.Column(f"Còn hiệu lực ngày {counts.last:%d/%m/%Y}", 18, xlsx.INT),
            xlsx.Column(f"Mới chứng nhận {period}", 22, xlsx.INT),
        ],
        rows=[(f"{line.stars} sao", line.certified, line.new) for line in counts.by_stars],
        total=("Tổng", counts.certified, counts.new),
    )
    others = xlsx.Table(
        columns=[xlsx.Column("Khác", 34, xlsx.WRAP), xlsx.Column("Số sản phẩm", 14, xlsx.INT)],
        rows=ocop_other_rows(counts),
    )
    return xlsx.Sheet(title="Theo hạng sao", heading=heading, tables=[table, others], landscape=False)


@xlsx.in_vietnamese
def ocop_export(*, unit: AdministrativeUnit, user, day: datetime.date | None = None) -> bytes:
    """Every product of the communes of ``unit`` the user may read, with its status on ``day``
    (today, or the last day of the year the dashboard shows), and that year's figures by stars
    to ``day`` — the dashboard panel's ``ocop_counts``."""
    day = day or timezone.localdate()
    products = access.scope_queryset(user, OcopProduct.objects.within(unit), unit_field="commune")
    counts = ocop_counts(unit, year_period(day.year, day))
    now = xlsx.excel_datetime(timezone.now())
    heading = [f"{TITLE} — {unit.name}", f"Tình trạng ngày {day:%d/%m/%Y} · số liệu lúc {now:%H:%M %d/%m/%Y}"]
    by = full_name(user)
    properties = xlsx.Properties(
        title=f"{TITLE} — {unit.name}",
        subject="Nông thôn mới · OCOP",
        creator=by or "Cổng thông tin NTM",
        category="Trích xuất số liệu",
        created=timezone.now(),
        last_modified_by=by,
    )
    # In Vietnamese (the decorator): the labels of groups, statuses and levels.
    sheets = [_list_sheet(products_listed(products, day=day), heading), _stars_sheet(counts, heading)]
    return xlsx.build_workbook(sheets, properties)
