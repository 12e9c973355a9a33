"""Section 2 of the bulletin, written from the figures in the offices' own phrasing (no ORM).

"Duy trì 17 xã đã đạt chuẩn nông thôn mới; có 03 xã đạt từ 15–18 tiêu chí, 50 xã đạt từ
10–14 tiêu chí, 68 xã đạt từ 5–9 tiêu chí, còn 01 xã dưới 5 tiêu chí." Counts under ten take
a leading zero (a number of criteria does not: "dưới 5 tiêu chí") and none is said in words
("chưa có xã nào đạt chuẩn…", never "0 xã");
percentages and averages one decimal with a comma ("12,0"); money in đồng with dots
(``ntm_portal.numbers``). Every figure is a field of ``BulletinData``, which comes from the
figures engine: nothing is counted here. Call under ``translation.override("vi")``.
"""

from __future__ import annotations

from typing import NamedTuple

from django.utils import timezone

from ntm_portal.numbers import count_of, money_text, share_percent, vn_number, vn_percent
from plans.selectors.common import PLAN_COUNTS, PLAN_TARGETS
from reports.bulletin.shapes import BucketLine, BulletinData, FundsTable, TierLine

TIER_PHRASES = {
    "standard": "nông thôn mới",
    "advanced": "nông thôn mới nâng cao",
    "model": "nông thôn mới kiểu mẫu",
}
VILLAGES = "thôn, bản"
LAGGING_SHOWN = 5
SECTION = "2"  # the bulletin's section of results: its parts are 2.1, 2.2, …


class Paragraph(NamedTuple):
    heading: str  # "" for a paragraph under the previous heading
    text: str


def _date(day) -> str:
    return f"{day:%d/%m/%Y}"


def _scope(data: BulletinData) -> str:
    if data.unit_code is None:
        return "cả nước"
    return "toàn tỉnh" if data.unit_level == "province" else "toàn huyện"


def bucket_phrase(line: BucketLine) -> str:
    """ "đạt 19 tiêu chí", "đạt từ 15–18 tiêu chí", "dưới 5 tiêu chí"; the scale is named when a
    year mixes set sizes (the label then carries it: "15–18 / 19"). A threshold of criteria is no
    count of units: never padded ("dưới 05" would read as the "03 xã" of the counts around it)."""
    suffix = f" (bộ {line.total} tiêu chí)" if " / " in line.label else ""
    if line.low == 0:
        return f"dưới {line.high + 1} tiêu chí{suffix}"
    if line.low == line.high:
        return f"đạt {line.low} tiêu chí{suffix}"
    return f"đạt từ {line.low}–{line.high} tiêu chí{suffix}"


def buckets_sentence(tier: TierLine, year: int) -> str:
    """ "có 03 xã đạt từ 15–18 tiêu chí, …, còn 01 xã dưới 5 tiêu chí" over the non-empty buckets."""
    parts = [f"{count_of(b.count, 'xã')} {bucket_phrase(b)}" for b in tier.buckets if b.count]
    if not parts:
        return f"chưa có xã nào có số liệu đánh giá năm {year}"
    if len(parts) > 1 and tier.buckets and tier.buckets[-1].count:
        parts[-1] = "còn " + parts[-1]
    return "có " + ", ".join(parts)


def new_among_held(new: int, held: int, noun: str = "xã") -> str:
    """After the titles held, those recognised in the month among them: ", trong đó 02 xã được
    công nhận trong tháng", ", cả 12 xã đều được công nhận trong tháng" (of one: ", được công nhận
    trong tháng"); "" when none is new, or when more were recognised than hold the title (one
    revoked since: the month's recognitions are then told in a sentence of their own)."""
    if not new or new > held:
        return ""
    if new == held:
        return (
            f", cả {count_of(held, noun)} đều được công nhận trong tháng"
            if held > 1
            else ", được công nhận trong tháng"
        )
    return f", trong đó {count_of(new, noun)} được công nhận trong tháng"


def held_phrase(held: int, new: int) -> str:
    """The communes holding the standard title, as an office words it: "Duy trì 17 xã đã đạt
    chuẩn nông thôn mới" only when every one held it before the month (QA: "Duy trì 12 xã …" of
    12 recognised that very month); otherwise the running total and the month's among them:
    "Lũy kế có 17 xã đạt chuẩn nông thôn mới, trong đó 02 xã được công nhận trong tháng", "Lũy kế
    có 12 xã đạt chuẩn nông thôn mới, cả 12 xã đều được công nhận trong tháng"."""
    if not held:
        return "Chưa có xã nào đạt chuẩn nông thôn mới"
    if not new:
        return f"Duy trì {count_of(held, 'xã')} đã đạt chuẩn nông thôn mới"
    return f"Lũy kế có {count_of(held, 'xã')} đạt chuẩn nông thôn mới{new_among_held(new, held)}"


def communes_paragraph(data: BulletinData) -> str:
    standard = data.tiers[0]
    total = data.communes_total
    held = held_phrase(standard.recognised, standard.new)
    text = (
        f"Tính đến ngày {_date(timezone.localdate(data.cutoff))}, {_scope(data)} {_has(total, 'xã')} "
        f"(không tính phường, thị trấn, đặc khu). {held}; {buckets_sentence(standard, data.year)}."
    )
    if 0 < standard.with_data < total:  # none with data: the buckets' sentence has said so
        text += f" {count_of(total - standard.with_data, 'xã')} chưa có số liệu đánh giá năm {data.year}."
    if standard.recognised and (share := share_percent(standard.recognised, total)):
        text += f" Tỷ lệ xã đạt chuẩn nông thôn mới: {share}."
    if standard.average is not None:
        text += f" Bình quân đạt {average_text(standard.average)} tiêu chí/xã{on_scales(standard)}."
    if standard.new and not new_among_held(standard.new, standard.recognised):
        text += f" Trong tháng có {count_of(standard.new, 'xã')} được công nhận đạt chuẩn nông thôn mới."
    return text


def on_scales(tier: TierLine) -> str:
    """After an average of a year mixing scales, which they are: it is on none of them."""
    return f" (các xã đánh giá theo bộ {tier.scales})" if tier.scales else ""


def average_text(value) -> str:
    """An average of criteria per commune, wherever the bulletin writes one (its sentences and
    its Word tables): always one place, rounded half up — "12,0", "16,3" (16,25) — as the table
    beside the text shows it; "" for none."""
    return "" if value is None else vn_number(value, 1)


def tier_paragraph(tier: TierLine, data: BulletinData) -> str:
    """The advanced or model tier: titles held, new this month, the year's standing at the tier."""
    phrase = TIER_PHRASES[tier.tier]
    if not tier.recognised and not tier.with_data:
        return f"Chưa có xã nào đạt chuẩn {phrase}; chưa có xã nào đánh giá theo bộ tiêu chí năm {data.year}."
    if tier.recognised:
        text = f"Có {count_of(tier.recognised, 'xã')} đã đạt chuẩn {phrase}"
        share = share_percent(tier.recognised, data.communes_total)
        text += f" (chiếm {share} số xã)" if share else ""
    else:
        text = f"Chưa có xã nào đạt chuẩn {phrase}"
    if tier.new:
        text += new_among_held(tier.new, tier.recognised) or f"; {count_of(tier.new, 'xã')} được công nhận trong tháng"
    if tier.with_data:
        text += (
            f"; năm {data.year} có {count_of(tier.with_data, 'xã')} đánh giá theo bộ tiêu chí xã {phrase}: "
            f"{buckets_sentence(tier, data.year)}"
        )
        if tier.average is not None:
            text += f"; bình quân {average_text(tier.average)} tiêu chí/xã{on_scales(tier)}"
    return text + "."


def villages_paragraph(data: BulletinData) -> str:
    parts = []
    for tier in data.tiers:
        if tier.villages_recognised or tier.tier == "standard":
            part = f"{_has(tier.villages_recognised, VILLAGES)} đạt chuẩn {TIER_PHRASES[tier.tier]}"
            if tier.villages_new:
                part += f" ({count_of(tier.villages_new, VILLAGES)} được công nhận trong tháng)"
            parts.append(part)
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def _has(count: int, noun: str) -> str:
    """ "có 17 xã", "có 03 xã" — and for none, the offices' sentence: "chưa có xã nào" (never "0 xã")."""
    return f"có {count_of(count, noun)}" if count else f"chưa có {noun} nào"


def districts_paragraph(data: BulletinData) -> str:
    """The districts holding the title on the cut-off, and those recognised in the month as the
    communes' are told: "Có 02/05 huyện đạt chuẩn nông thôn mới (40,0%), trong đó 01 huyện được
    công nhận trong tháng" (``new_among_held``; in a sentence of its own when one was revoked since)."""
    if not data.districts_total:
        return ""
    recognised, new = data.districts_recognised or 0, data.districts_new or 0
    if not recognised:
        text = f"Chưa có huyện nào đạt chuẩn nông thôn mới (trong số {count_of(data.districts_total, 'huyện')})"
    else:
        text = (
            f"Có {count_of(recognised, '')}/{vn_number(data.districts_total)} huyện đạt chuẩn nông thôn mới"
            f" ({share_percent(recognised, data.districts_total)})"
        )
    if new:
        text += new_among_held(new, recognised, "huyện") or f"; {count_of(new, 'huyện')} được công nhận trong tháng"
    return text + "."


def _decided(line) -> tuple[str, str]:
    unit = f"{line.name} ({line.parent})" if line.parent else line.name
    decision = f"Quyết định số {line.decision_number}"
    if line.decision_date:
        decision += f" ngày {_date(line.decision_date)}"
    return unit, decision


def _revocation(line) -> str:
    """ "Xã Hồng An (Huyện Đồng Lộc): danh hiệu NTM (đánh giá năm 2024) công nhận tại Quyết định số
    107/QĐ-UBND ngày 12/03/2024, thu hồi theo Quyết định số 15/QĐ-UBND ngày 20/05/2025": the
    decision revoked, then the revoking one where its number is known (else its date)."""
    unit = f"{line.name} ({line.parent})" if line.parent else line.name
    text = f"{unit}: danh hiệu {line.tier} (đánh giá năm {line.year})"
    if line.revoked_number:
        text += f" công nhận tại Quyết định số {line.revoked_number}"
        text += f" ngày {_date(line.revoked_date)}" if line.revoked_date else ""
    if line.decision_number:
        text += f", thu hồi theo Quyết định số {line.decision_number}"
        text += f" ngày {_date(line.decision_date)}" if line.decision_date else ""
    elif line.decision_date:
        text += f", thu hồi từ ngày {_date(line.decision_date)}"
    return text


def newly_paragraph(data: BulletinData) -> str:
    """The month's decisions, each with its number and date: recognitions, then revocations."""
    month = data.month.label
    if not data.newly:
        text = f"Trong tháng {month} không có quyết định công nhận mới."
    else:
        listed = []
        for line in data.newly:
            unit, decision = _decided(line)
            listed.append(f"{unit} đạt chuẩn {line.tier} năm {line.year}, {decision}")
        text = (
            f"Trong tháng {month} có {count_of(len(data.newly), 'đơn vị')} được công nhận: " + "; ".join(listed) + "."
        )
    if data.revoked:
        listed = [_revocation(line) for line in data.revoked]
        text += f" Có {count_of(len(data.revoked), 'đơn vị')} bị thu hồi danh hiệu: " + "; ".join(listed) + "."
    return text


def lagging_paragraph(data: BulletinData) -> str:
    shown = [line for line in data.lagging if line.not_met][:LAGGING_SHOWN]
    if not shown:
        return ""
    parts = [f"tiêu chí số {line.number} ({line.name}) {count_of(line.not_met, 'xã')}" for line in shown]
    return "Các tiêu chí còn nhiều xã chưa đạt: " + ", ".join(parts) + "."


def funds_paragraph(funds: list[FundsTable], month_label: str) -> str:
    """From the plans app's funds-by-source table: (source, in the month, to date, share %), total last."""
    if not funds or not funds[0].rows:
        return ""
    *sources, total = funds[0].rows
    _label, in_month, to_date, _share = total
    parts = [
        f"{label.lower() if label[:1].isupper() and label[1:2].islower() else label} {money_text(amount)}"
        + (f" ({vn_percent(share)})" if share is not None else "")
        for label, _month, amount, share in sources
        if amount
    ]
    text = f"Tổng nguồn vốn huy động từ đầu năm đến hết tháng {month_label}: {money_text(to_date)}"
    if in_month:
        text += f" (trong tháng: {money_text(in_month)})"
    return text + (f"; gồm: {', '.join(parts)}." if parts else ".")


def targets_paragraphs(data: BulletinData) -> list[str]:
    """From the plans app: province targets against results (target, planned, actual, share %,
    and the verdict the annex and the pages show: "…: kế hoạch 50, thực hiện 17 (34,0%), chưa
    đạt"; "…: kế hoạch 0, thực hiện 0, chưa đủ số liệu: 59 xã chưa có số liệu năm 2025"), then the
    units due counted per level and tier ("Xã · Đạt chuẩn: đến hạn 04, đã đạt 02, …"; a zero after
    the units due is left out)."""
    out = []
    for table in data.plan:
        if table.kind == PLAN_TARGETS:
            lines = [
                f"{label}: kế hoạch {vn_number(planned)}, "
                + (
                    "chưa có số liệu thực hiện"
                    if actual is None
                    else f"thực hiện {vn_number(actual)}"
                    + (f" ({vn_percent(share)})" if share is not None else "")
                    + (f", {verdict[:1].lower()}{verdict[1:]}" if verdict else "")
                )
                for label, planned, actual, share, verdict in table.rows
            ]
        elif table.kind == PLAN_COUNTS:
            lines = [
                f"{level} · {tier}: "
                + ", ".join(
                    f"{heading[:1].lower()}{heading[1:]} {count_of(n, '')}"
                    for n_column, (heading, n) in enumerate(zip(table.headers[2:], counts, strict=True))
                    if n or n_column == 0
                )
                for level, tier, *counts in table.rows
            ]
        else:
            continue
        if lines:
            out.append(f"{table.title}: " + "; ".join(lines) + ".")
    return out


def _by_stars(lines, attribute: str) -> str:
    return "; ".join(
        f"{line.stars} sao: {vn_number(getattr(line, attribute))}" for line in lines if getattr(line, attribute)
    )


def ocop_paragraph(data: BulletinData) -> str:
    """ "Đến ngày 31/03/2025, toàn tỉnh có 09 sản phẩm OCOP còn hiệu lực chứng nhận (3 sao: 6; 4 sao:
    3), …" from ``ocop.selectors.ocop_counts``; nothing when the unit has no product for the month.
    Ideas and products being rated are "Hiện có" only in the current month: of a past month the
    sentence says they are those entered by its cut-off, at their stage today."""
    ocop = data.ocop
    if ocop is None or ocop.empty:
        return ""
    certified = f"có {count_of(ocop.certified, 'sản phẩm')} OCOP" if ocop.certified else "chưa có sản phẩm OCOP nào"
    text = f"Đến ngày {_date(ocop.last)}, {_scope(data)} {certified} còn hiệu lực chứng nhận"
    text += f" ({_by_stars(ocop.by_stars, 'certified')})." if ocop.certified else "."
    if ocop.new:
        text += (
            f" Trong tháng có {count_of(ocop.new, 'sản phẩm')} được chứng nhận mới ({_by_stars(ocop.by_stars, 'new')})."
        )
    others = []
    if ocop.ideas:
        others.append(f"{count_of(ocop.ideas, 'ý tưởng')} sản phẩm")
    if ocop.rating:
        others.append(f"{count_of(ocop.rating, 'sản phẩm')} đang đánh giá, phân hạng")
    if others and ocop.stages_of_the_period:
        text += " Hiện có " + " và ".join(others) + "."
    elif others:
        # A stage has no history: of a past month only the entry is known, the stage is today's.
        text += (
            " Giai đoạn ý tưởng và đánh giá, phân hạng của sản phẩm không được lưu theo thời gian: trong các sản"
            f" phẩm đã ghi nhận đến ngày {_date(ocop.last)}, đến ngày {_date(ocop.stages_on)} có "
            + " và ".join(others)
            + "."
        )
    if ocop.expired:
        text += f" {count_of(ocop.expired, 'sản phẩm')} đã hết hạn chứng nhận (36 tháng), cần đánh giá lại."
    return text


def _numbered(parts: list[list[Paragraph]]) -> list[Paragraph]:
    """The parts written, numbered 2.1, 2.2, … in the order written: a part left out (nothing to
    say) takes no number, so the numbers run on. A part is its titled paragraph, then those under it."""
    out = []
    for number, ((title, text), *under) in enumerate(parts, 1):
        out.append(Paragraph(f"{SECTION}.{number}. {title}", text))
        out.extend(under)
    return out


def results(data: BulletinData) -> list[Paragraph]:
    """Section 2, paragraph by paragraph: communes at every tier, villages, districts, new
    recognitions with their decisions, lagging criteria, funds by source, OCOP; each part
    numbered among those written (``_numbered``)."""
    communes = [Paragraph("Xã đạt chuẩn nông thôn mới", communes_paragraph(data))]
    communes += [Paragraph(f"Xã {TIER_PHRASES[tier.tier]}", tier_paragraph(tier, data)) for tier in data.tiers[1:]]
    districts = districts_paragraph(data)  # none after 1 July 2025: districts were abolished
    villages = [Paragraph("Thôn, bản và huyện" if districts else "Thôn, bản", villages_paragraph(data))]
    if districts:
        villages.append(Paragraph("", districts))
    parts = [communes, villages, [Paragraph("Công nhận mới trong tháng", newly_paragraph(data))]]
    if lagging := lagging_paragraph(data):
        parts.append([Paragraph("Các tiêu chí còn nhiều xã chưa đạt", lagging)])
    if funds := funds_paragraph(data.funds, data.month.label):
        parts.append([Paragraph("Huy động nguồn lực", funds)])
    if ocop := ocop_paragraph(data):
        parts.append([Paragraph("Sản phẩm OCOP", ocop)])
    return _numbered(parts)
