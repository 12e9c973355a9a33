"""The Word bulletin's charts as PNG images (matplotlib, no display; no ORM).

The workbook has native Excel charts of the same figures; a Word document built by
python-docx cannot hold native charts, so it carries pictures of them. DejaVu Sans, which
matplotlib ships, has every Vietnamese letter.
"""

from __future__ import annotations

import io
from decimal import Decimal

from matplotlib.figure import Figure  # a Figure of its own draws with Agg: no pyplot, no display
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ntm_portal.numbers import vn_number
from reports.bulletin.shapes import BucketLine, FundsTable, TrendLine

WIDTH, HEIGHT, DPI = 6.3, 2.9, 150  # inches: the text width of an A4 page
COLOURS = {"standard": "#2E75B6", "advanced": "#70AD47", "model": "#ED7D31"}
FONT = {"family": "DejaVu Sans", "size": 9}


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    return out.getvalue()


def _figure() -> tuple[Figure, object]:
    figure = Figure(figsize=(WIDTH, HEIGHT))
    axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def tick_text(value: float, _position=None) -> str:
    """An axis tick written as the labels beside it (``vn_number``): 5000 → "5.000", 2.5 →
    "2,5", never matplotlib's "5000" or "2.5". Rounded first: ticks are floats (0.30000000000000004)."""
    return vn_number(Decimal(str(float(round(value, 6)) + 0.0)))  # + 0.0: no "-0"


def _vietnamese_ticks(axis, *, whole: bool = False) -> None:
    """Tick labels in Vietnamese; ``whole``: a count (of communes), ticked at whole numbers only."""
    if whole:
        axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(FuncFormatter(tick_text))


def buckets_chart(buckets: list[BucketLine], without_data: int, title: str) -> bytes:
    """Communes by criteria met (and without data), one bar each, the count on top."""
    return _png(buckets_figure(buckets, without_data, title))


def buckets_figure(buckets: list[BucketLine], without_data: int, title: str) -> Figure:
    figure, axes = _figure()
    labels = [b.label for b in buckets] + ["Chưa có số liệu"]
    counts = [b.count for b in buckets] + [without_data]
    positions = range(len(labels))  # positions, not the labels: "19" must stay a name, not a number
    bars = axes.bar(positions, counts, color=[COLOURS["standard"]] * len(buckets) + ["#BFBFBF"])
    axes.set_xticks(positions, labels)
    axes.bar_label(bars, labels=[f"{c:02d}" if 0 < c < 10 else str(c) for c in counts], fontsize=8)
    axes.set_title(title, fontdict=FONT | {"weight": "bold"})
    axes.set_xlabel("Số tiêu chí đạt", fontdict=FONT)
    axes.set_ylabel("Số xã", fontdict=FONT)
    _vietnamese_ticks(axes.yaxis, whole=True)
    axes.tick_params(labelsize=8)
    return figure


def trend_chart(trend: list[TrendLine], title: str) -> bytes:
    """Communes holding each title, year by year up to the month reported on."""
    return _png(trend_figure(trend, title))


def trend_figure(trend: list[TrendLine], title: str) -> Figure:
    figure, axes = _figure()
    positions = range(len(trend))
    for key, name in (("standard", "NTM"), ("advanced", "NTM nâng cao"), ("model", "NTM kiểu mẫu")):
        values = [getattr(point, key) for point in trend]
        axes.plot(positions, values, marker="o", color=COLOURS[key], label=name)
    axes.set_xticks(positions, [point.label for point in trend])  # "2024", "06/2025": names, not numbers
    axes.set_title(title, fontdict=FONT | {"weight": "bold"})
    axes.set_ylabel("Số xã", fontdict=FONT)
    axes.legend(fontsize=8, frameon=False)
    axes.tick_params(labelsize=8)
    axes.set_ylim(bottom=0)
    _vietnamese_ticks(axes.yaxis, whole=True)
    return figure


def funds_chart(funds: FundsTable, title: str) -> bytes | None:
    """Funds since January by source (horizontal bars, in million đồng); None when nothing is recorded."""
    figure = funds_figure(funds, title)
    return None if figure is None else _png(figure)


def funds_figure(funds: FundsTable, title: str) -> Figure | None:
    sources = [(label, amount) for label, _month, amount, _share in funds.rows[:-1] if amount]
    if not sources:
        return None
    figure, axes = _figure()
    labels = [label for label, _amount in sources][::-1]
    millions = [float(amount) / 1_000_000 for _label, amount in sources][::-1]
    positions = range(len(labels))
    bars = axes.barh(positions, millions, color=COLOURS["standard"])
    axes.set_yticks(positions, labels)
    axes.bar_label(bars, labels=[vn_number(m, 0) for m in millions], fontsize=8, padding=2)
    axes.set_title(title, fontdict=FONT | {"weight": "bold"})
    axes.set_xlabel("Triệu đồng", fontdict=FONT)
    _vietnamese_ticks(axes.xaxis)  # as the bar labels: "25.000", not "25000"
    axes.tick_params(labelsize=8)
    return figure
