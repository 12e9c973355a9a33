"""Section 2 of the Word bulletin, written from plain figures (no database)."""

import dataclasses
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from ocop.selectors import OcopCounts, StarLine
from reports.bulletin import writing
from reports.bulletin.month import Month
from reports.bulletin.shapes import BucketLine, BulletinData, FundsTable, LaggingLine, NewLine, TierLine


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def buckets(*counts):
    bounds = [(19, 19), (15, 18), (10, 14), (5, 9), (0, 4)]
    labels = ["19", "15–18", "10–14", "5–9", "dưới 5"]
    return [BucketLine(label, n, low, high, 19) for label, n, (low, high) in zip(labels, counts, bounds, strict=True)]


def seed_province(**changes) -> BulletinData:
    """The seed document's province at the end of 2022 (DOMAIN.md): 139 communes, 17 kept NTM."""
    standard = TierLine("standard", "NTM", 122, 17, 0, Decimal("10.52"), buckets(0, 3, 50, 68, 1), 16, 0)
    advanced = TierLine("advanced", "NTM nâng cao", 0, 0, 0, None, [], 0, 0)
    model = TierLine("model", "NTM kiểu mẫu", 0, 0, 0, None, [], 0, 0)
    data = BulletinData(
        unit_name="Tỉnh Thử",
        unit_code="99",
        unit_level="province",
        month=Month(2022, 12),
        year=2022,
        cutoff=timezone.make_aware(datetime.datetime(2022, 12, 31, 23, 59, 59)),
        current=False,
        communes_total=139,
        with_data=122,
        recognised={"standard": 17, "advanced": 0, "model": 0},
        new={"standard": 0, "advanced": 0, "model": 0},
        average=Decimal("10.52"),
        villages_recognised=16,
        villages_new=0,
        districts_total=None,
        districts_recognised=None,
        tiers=[standard, advanced, model],
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def test_the_seed_documents_sentence_is_written_as_the_office_wrote_it():
    # As the document, but for its "dưới 05 tiêu chí": a number of criteria is not padded as a
    # count of communes is ("01 xã").
    text = writing.communes_paragraph(seed_province())
    assert (
        "Duy trì 17 xã đã đạt chuẩn nông thôn mới; có 03 xã đạt từ 15–18 tiêu chí, 50 xã đạt từ 10–14 tiêu chí, "
        "68 xã đạt từ 5–9 tiêu chí, còn 01 xã dưới 5 tiêu chí." in text
    )
    assert text.startswith("Tính đến ngày 31/12/2022, toàn tỉnh có 139 xã (không tính phường, thị trấn, đặc khu).")
    assert "17 xã chưa có số liệu đánh giá năm 2022." in text
    assert "Tỷ lệ xã đạt chuẩn nông thôn mới: 12,2%." in text
    assert "Bình quân đạt 10,5 tiêu chí/xã." in text
    assert writing.villages_paragraph(seed_province()) == "Có 16 thôn, bản đạt chuẩn nông thôn mới."


def with_standard(**changes) -> BulletinData:
    """The seed province with its standard tier changed (``TierLine`` fields)."""
    data = seed_province()
    standard, *others = data.tiers
    return seed_province(tiers=[standard._replace(**changes), *others])


@pytest.mark.parametrize(
    ("recognised", "new", "held", "after"),
    [
        (17, 0, "Duy trì 17 xã đã đạt chuẩn nông thôn mới;", None),
        (17, 2, "Lũy kế có 17 xã đạt chuẩn nông thôn mới, trong đó 02 xã được công nhận trong tháng;", None),
        (12, 12, "Lũy kế có 12 xã đạt chuẩn nông thôn mới, cả 12 xã đều được công nhận trong tháng;", None),
        (1, 1, "Lũy kế có 01 xã đạt chuẩn nông thôn mới, được công nhận trong tháng;", None),
        # recognised in the month and revoked since: the month's recognition is told on its own
        (0, 1, "Chưa có xã nào đạt chuẩn nông thôn mới;", "Trong tháng có 01 xã được công nhận"),
    ],
)
def test_titles_held_are_kept_only_when_none_was_recognised_in_the_month(recognised, new, held, after):
    """QA: 12/2019 wrote "Duy trì 12 xã đã đạt chuẩn … Trong tháng có 12 xã được công nhận" of 12
    recognised that very month: "Duy trì" (kept) is for titles held from before the month."""
    text = writing.communes_paragraph(with_standard(recognised=recognised, new=new))
    assert held in text
    assert ("Duy trì" in text) == (new == 0 and recognised > 0)
    assert ("Trong tháng có" in text) == (after is not None)
    if after:
        assert after in text


def test_a_higher_tier_all_recognised_in_the_month_says_so_once():
    data = seed_province()
    standard, advanced, model = data.tiers
    data = seed_province(tiers=[standard, advanced._replace(recognised=2, new=2), model])
    text = writing.tier_paragraph(data.tiers[1], data)
    assert text.startswith(
        "Có 02 xã đã đạt chuẩn nông thôn mới nâng cao (chiếm 1,4% số xã), cả 02 xã đều được công nhận trong tháng."
    )


def test_a_year_without_assessments_says_so_once():
    """QA (12/2021, and a district): "chưa có xã nào có số liệu đánh giá năm 2021. 170 xã chưa có
    số liệu đánh giá năm 2021." — the same thing twice."""
    data = with_standard(with_data=0, average=None, buckets=buckets(0, 0, 0, 0, 0))
    data.communes_total, data.year = 170, 2021
    text = writing.communes_paragraph(data)
    assert "Duy trì 17 xã đã đạt chuẩn nông thôn mới; chưa có xã nào có số liệu đánh giá năm 2021." in text
    assert text.count("số liệu đánh giá năm 2021") == 1


def test_funds_are_written_by_source_in_dong():
    funds = FundsTable(
        "Nguồn vốn",
        ["Nguồn", "Trong tháng", "Lũy kế", "Tỷ lệ (%)"],
        [
            ["Ngân sách huyện", 0, Decimal(650000000), Decimal("2.1")],
            ["Dân góp", Decimal(1000000), Decimal(13055000000), Decimal("42.1")],
            ["Doanh nghiệp", 0, 0, None],
            ["Tổng cộng", Decimal(1000000), Decimal(31003700000), Decimal(100)],
        ],
    )
    assert writing.funds_paragraph([funds], "12/2022") == (
        "Tổng nguồn vốn huy động từ đầu năm đến hết tháng 12/2022: 31.003.700.000 đồng (trong tháng: 1.000.000 đồng); "
        "gồm: ngân sách huyện 650.000.000 đồng (2,1%), dân góp 13.055.000.000 đồng (42,1%)."
    )


def test_a_unit_without_ocop_products_has_no_ocop_paragraph():
    data = seed_province()
    assert data.ocop is None and writing.ocop_paragraph(data) == ""
    assert not any("OCOP" in p.text for p in writing.results(data))


def test_a_mixed_scale_names_its_set():
    line = BucketLine("15–18 / 19", 3, 15, 18, 19)
    assert writing.bucket_phrase(line) == "đạt từ 15–18 tiêu chí (bộ 19 tiêu chí)"


FUNDS = FundsTable(
    "Nguồn vốn",
    ["Nguồn", "Trong tháng", "Lũy kế", "Tỷ lệ (%)"],
    [["Dân góp", 0, Decimal(1000000), Decimal(100)], ["Tổng cộng", 0, Decimal(1000000), Decimal(100)]],
)
OCOP = OcopCounts(
    first=datetime.date(2022, 12, 1),
    last=datetime.date(2022, 12, 31),
    by_stars=(StarLine(3, 2, 0), StarLine(4, 0, 0), StarLine(5, 0, 0)),
    certified=2,
    new=0,
    expired=0,
    ideas=0,
    rating=0,
    stages_on=datetime.date(2022, 12, 31),  # read on the month's last day: the current month
)


def numbered_headings(data: BulletinData) -> list[str]:
    return [p.heading for p in writing.results(data) if p.heading[:1].isdigit()]


def test_a_bulletin_without_funds_numbers_its_parts_consecutively():
    data = seed_province(lagging=[LaggingLine(1, "Quy hoạch", 12)], ocop=OCOP)
    assert numbered_headings(data) == [
        "2.1. Xã đạt chuẩn nông thôn mới",
        "2.2. Thôn, bản",
        "2.3. Công nhận mới trong tháng",
        "2.4. Các tiêu chí còn nhiều xã chưa đạt",
        "2.5. Sản phẩm OCOP",
    ]


def test_with_funds_the_funds_keep_their_number_and_the_later_parts_follow():
    data = seed_province(lagging=[LaggingLine(1, "Quy hoạch", 12)], funds=[FUNDS], ocop=OCOP)
    assert numbered_headings(data)[3:] == [
        "2.4. Các tiêu chí còn nhiều xã chưa đạt",
        "2.5. Huy động nguồn lực",
        "2.6. Sản phẩm OCOP",
    ]


def test_a_part_with_nothing_to_say_takes_no_number():
    # No lagging criterion (every commune meets every criterion), funds recorded, no OCOP product.
    data = seed_province(funds=[FUNDS])
    assert [h.split(" ", 1)[0] for h in numbered_headings(data)] == ["2.1.", "2.2.", "2.3.", "2.4."]
    assert numbered_headings(data)[-1] == "2.4. Huy động nguồn lực"
    # The tiers' paragraphs stay under 2.1, unnumbered.
    assert [p.heading for p in writing.results(data)][:3] == [
        "2.1. Xã đạt chuẩn nông thôn mới",
        "Xã nông thôn mới nâng cao",
        "Xã nông thôn mới kiểu mẫu",
    ]


def test_the_villages_part_names_districts_only_when_there_are_any():
    """After 1 July 2025 a province has no districts: its part 2.2 is about villages alone."""
    with_districts = seed_province(districts_total=10, districts_recognised=3)
    without = seed_province(districts_total=0, districts_recognised=None)
    assert numbered_headings(with_districts)[1] == "2.2. Thôn, bản và huyện"
    assert numbered_headings(without)[1] == "2.2. Thôn, bản"
    assert not any("huyện đạt chuẩn" in p.text for p in writing.results(without))


@pytest.mark.parametrize(
    ("recognised", "new", "sentence"),
    [
        (3, 0, "Có 03/10 huyện đạt chuẩn nông thôn mới (30,0%)."),
        (3, 1, "Có 03/10 huyện đạt chuẩn nông thôn mới (30,0%), trong đó 01 huyện được công nhận trong tháng."),
        (1, 1, "Có 01/10 huyện đạt chuẩn nông thôn mới (10,0%), được công nhận trong tháng."),
        # recognised in the month and revoked since: told apart, never "trong đó" more than are held
        (0, 1, "Chưa có huyện nào đạt chuẩn nông thôn mới (trong số 10 huyện); 01 huyện được công nhận trong tháng."),
    ],
)
def test_the_districts_sentence_gives_those_recognised_in_the_month(recognised, new, sentence):
    """QA: the month a district was recognised, its decision was listed but the sentence on
    districts (and the summary sheet) never said it was new."""
    data = seed_province(districts_total=10, districts_recognised=recognised, districts_new=new)
    assert writing.districts_paragraph(data) == sentence


def test_a_province_target_without_a_result_says_so_instead_of_an_empty_figure():
    """QA: "Tỷ lệ thôn được công nhận (%): kế hoạch 60,5, thực hiện ." """
    plan = FundsTable(
        "Chỉ tiêu của tỉnh 2021–2025",
        ["Chỉ tiêu", "Kế hoạch", "Thực hiện", "Tỷ lệ đạt (%)", "Đạt"],
        [
            ["Số xã đạt chuẩn", 50, 3, Decimal("6.0"), "Chưa đạt"],
            ["Tỷ lệ thôn được công nhận (%)", 60.5, None, None, "Chưa có số liệu"],
        ],
        kind="targets",
    )
    (text,) = writing.targets_paragraphs(seed_province(plan=[plan]))
    assert text == (
        "Chỉ tiêu của tỉnh 2021–2025: Số xã đạt chuẩn: kế hoạch 50, thực hiện 3 (6,0%), chưa đạt; "
        "Tỷ lệ thôn được công nhận (%): kế hoạch 60,5, chưa có số liệu thực hiện."
    )


def test_a_province_target_says_its_verdict_and_why_it_cannot_be_told():
    """QA: "Số xã dưới 15 tiêu chí …: kế hoạch 0, thực hiện 0" with 59 of 60 communes without
    figures read as met; the sentence now carries the verdict the annex and the pages show."""
    plan = FundsTable(
        "Chỉ tiêu của tỉnh 2021–2025",
        ["Chỉ tiêu", "Kế hoạch", "Thực hiện", "Tỷ lệ đạt (%)", "Đạt"],
        [
            [
                "Số xã dưới 15 tiêu chí (chỉ tiêu: không còn xã nào)",
                0,
                0,
                None,
                "Chưa đủ số liệu: 59 xã chưa có số liệu năm 2025",
            ]
        ],
        kind="targets",
    )
    (text,) = writing.targets_paragraphs(seed_province(plan=[plan]))
    assert text == (
        "Chỉ tiêu của tỉnh 2021–2025: Số xã dưới 15 tiêu chí (chỉ tiêu: không còn xã nào): kế hoạch 0, "
        "thực hiện 0, chưa đủ số liệu: 59 xã chưa có số liệu năm 2025."
    )


def test_a_state_on_a_day_follows_the_decisions_dates():
    from criteria.figures import state_on

    recognised, revoked = datetime.date(2024, 2, 18), datetime.date(2024, 3, 20)
    # ``logged``: the state its log had at the end of the day (None: no dossier yet)
    jan, feb, mar = datetime.date(2024, 1, 31), datetime.date(2024, 2, 29), datetime.date(2024, 3, 31)
    assert state_on("recognised", recognised, None, jan, logged="appraised") == "appraised"
    assert state_on("recognised", recognised, None, jan, logged="recognised") == "appraised"  # awaits its date
    assert state_on("recognised", recognised, None, jan, logged="submitted") == "submitted"
    assert state_on("recognised", recognised, None, jan, logged=None, summary=True) == "draft"
    assert state_on("revoked", recognised, revoked, feb, logged="revoked") == "recognised"
    assert state_on("revoked", recognised, revoked, mar, logged="revoked") == "revoked"
    assert state_on("submitted", None, None, mar, logged="submitted") == "submitted"
    assert state_on("verified", None, None, jan, logged=None) == "no_dossier"


def test_no_commune_at_a_tier_is_said_in_words_never_as_zero():
    """QA: "Có 0 xã đã đạt chuẩn nông thôn mới nâng cao": offices write "chưa có xã nào đạt…"."""
    advanced = TierLine("advanced", "NTM nâng cao", 5, 0, 0, Decimal("12.4"), buckets(0, 2, 3, 0, 0), 0, 0)
    standard = TierLine("standard", "NTM", 122, 0, 0, Decimal("10.52"), buckets(0, 3, 50, 68, 1), 0, 0)
    data = seed_province(
        tiers=[standard, advanced, seed_province().tiers[2]], districts_total=5, districts_recognised=0
    )
    texts = [p.text for p in writing.results(data)]
    assert not any(" 0 " in t or " 0/" in t or "0,0%" in t for t in texts), texts
    assert writing.tier_paragraph(advanced, data).startswith(
        "Chưa có xã nào đạt chuẩn nông thôn mới nâng cao; năm 2022 có 05 xã đánh giá"
    )
    assert "(không tính phường, thị trấn, đặc khu). Chưa có xã nào đạt chuẩn nông thôn mới; có 03 xã" in (
        writing.communes_paragraph(data)
    )
    assert writing.villages_paragraph(data) == "Chưa có thôn, bản nào đạt chuẩn nông thôn mới."
    assert writing.districts_paragraph(data) == "Chưa có huyện nào đạt chuẩn nông thôn mới (trong số 05 huyện)."
    ocop = dataclasses.replace(OCOP, certified=0, by_stars=(StarLine(3, 0, 0),), ideas=2)
    assert writing.ocop_paragraph(seed_province(ocop=ocop)).startswith(
        "Đến ngày 31/12/2022, toàn tỉnh chưa có sản phẩm OCOP nào còn hiệu lực chứng nhận. Hiện có 02 ý tưởng"
    )
    # Counts under ten keep their leading zero.
    assert "Có 07 xã đã đạt chuẩn nông thôn mới nâng cao" in writing.tier_paragraph(
        advanced._replace(recognised=7), data
    )


def test_averages_are_written_with_one_place_as_the_table_beside_them():
    """QA: "bình quân 12 tiêu chí/xã" beside a Word table showing "12,0"."""
    advanced = TierLine("advanced", "NTM nâng cao", 5, 2, 0, Decimal("12"), buckets(0, 2, 3, 0, 0), 0, 0)
    data = seed_province(tiers=[seed_province().tiers[0], advanced, seed_province().tiers[2]])
    assert "; bình quân 12,0 tiêu chí/xã." in writing.tier_paragraph(advanced, data)
    standard = data.tiers[0]._replace(average=Decimal("15.65"))
    assert "Bình quân đạt 15,7 tiêu chí/xã." in writing.communes_paragraph(
        seed_province(tiers=[standard, *data.tiers[1:]])
    )
    assert [writing.average_text(v) for v in (Decimal(12), Decimal("16.25"), None)] == ["12,0", "16,3", ""]


def test_a_revocation_names_the_decision_it_revokes_and_the_revoking_one():
    """QA: "Xã Hồng An (Huyện Đồng Lộc) (danh hiệu NTM, đánh giá năm 2024)" named neither decision."""
    revoked = NewLine(
        "Xã Hồng An",
        "Xã",
        "Huyện Đồng Lộc",
        "Thử",
        "NTM",
        2024,
        "15/QĐ-UBND",
        datetime.date(2022, 12, 20),
        revoked_number="107/QĐ-UBND",
        revoked_date=datetime.date(2022, 3, 12),
    )
    text = writing.newly_paragraph(seed_province(revoked=[revoked]))
    assert text.endswith(
        "Có 01 đơn vị bị thu hồi danh hiệu: Xã Hồng An (Huyện Đồng Lộc): danh hiệu NTM (đánh giá năm 2024) công nhận "
        "tại Quyết định số 107/QĐ-UBND ngày 12/03/2022, thu hồi theo Quyết định số 15/QĐ-UBND ngày 20/12/2022."
    )
    unknown = revoked._replace(decision_number="")
    assert "107/QĐ-UBND ngày 12/03/2022, thu hồi từ ngày 20/12/2022." in writing.newly_paragraph(
        seed_province(revoked=[unknown])
    )


def test_the_cut_off_day_is_vietnams_day_not_utcs():
    """A current month's bulletin read at 00:52 on 6 December in Vietnam (17:52 UTC on the 5th) is
    "tính đến ngày 06/12/2026", the day its decisions and the workbook's heading are dated."""
    moment = datetime.datetime(2026, 12, 5, 17, 52, tzinfo=datetime.UTC)
    text = writing.communes_paragraph(seed_province(cutoff=moment, month=Month(2026, 12), year=2026))
    assert text.startswith("Tính đến ngày 06/12/2026,")
