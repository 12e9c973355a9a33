"""Districts newly recognised in a period (DOMAIN.md: "Newly recognised in a period"), where the
communes' and villages' new are shown: the dashboard's card, ``/api/v1/progress/``, the
dashboard's export, the bulletin's *Tổng hợp* row and its Word sentence about districts.

QA (DEMO, Huyện Lâm Xuyên recognised by 789/QĐ-TTg of 20/06/2025): the 06/2025 bulletin's
*Tổng hợp* read "Huyện đạt chuẩn NTM | 1 | (empty) | 20%" while its own *Công nhận mới* sheet and
the Word bulletin listed the district's decision.

On the ``known`` dataset (``reports/tests/conftest.py``): district 401 (Huyện Một) recognised
on 01/12/2023, district 402 not; nothing else happens to the districts.
"""

import datetime
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from communes.models import AdministrativeUnit, Level
from criteria.figures import recognised_during
from reports import bulletin
from reports.bulletin import Month
from reports.selectors import progress_summary
from reports.tests.excel.conftest import open_book, rows_of

pytestmark = pytest.mark.django_db

DISTRICTS_ROW = "Huyện đạt chuẩn NTM"


@pytest.fixture
def office(personas):
    client = Client()
    client.force_login(personas.province_office)
    return client


def summary_rows(content: bytes) -> dict[str, tuple]:
    return {row[0]: row[1:] for row in rows_of(open_book(content)["Tổng hợp"], 5) if isinstance(row[0], str)}


def districts_sentence(content: bytes) -> str:
    text = [p.text for p in Document(io.BytesIO(content)).paragraphs]
    return next(p for p in text if "huyện" in p and "đạt chuẩn nông thôn mới" in p)


def test_the_bulletin_of_the_month_a_district_was_recognised_gives_it_as_new(known):
    december, _cut = bulletin.bulletin_build(unit=known.tree.province, month=Month(2023, 12), user=None)
    assert summary_rows(december)[DISTRICTS_ROW] == (1, 1, pytest.approx(0.5))
    listed = [row[1] for row in rows_of(open_book(december)["Công nhận mới"], 5)]
    assert "Huyện Một" in listed  # the month's own list of decisions agrees
    docx, _data = bulletin.bulletin_docx(unit=known.tree.province, month=Month(2023, 12), user=None)
    assert districts_sentence(docx) == ("Có 01/2 huyện đạt chuẩn nông thôn mới (50,0%), được công nhận trong tháng.")


def test_a_month_after_the_districts_recognition_gives_none_new(known):
    january, _cut = bulletin.bulletin_build(unit=known.tree.province, month=Month(2024, 1), user=None)
    assert summary_rows(january)[DISTRICTS_ROW] == (1, 0, pytest.approx(0.5))
    docx, _data = bulletin.bulletin_docx(unit=known.tree.province, month=Month(2024, 1), user=None)
    assert districts_sentence(docx) == "Có 01/2 huyện đạt chuẩn nông thôn mới (50,0%)."


def test_the_figure_is_the_vocabularys_newly_recognised(known):
    """The statement's count is ``criteria.figures.recognised_during``'s districts (its ORM twin)."""
    province = known.tree.province
    for first, last in (
        (datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)),
        (datetime.date(2023, 12, 1), datetime.date(2023, 12, 31)),
        (datetime.date(2023, 11, 1), datetime.date(2023, 11, 30)),
        (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)),
    ):
        orm = (
            recognised_during(first, last)
            .filter(unit__level=Level.DISTRICT, unit__path__startswith=province.path, tier="standard")
            .values("unit")
            .distinct()
            .count()
        )
        summary = progress_summary(
            unit=province, year=first.year, tier="standard", cutoff=last, new_period=(first, last)
        )
        assert summary.districts_new == orm
    assert orm == 0 and summary.districts_new == 0  # 2024: nothing new
    assert AdministrativeUnit.objects.filter(level=Level.DISTRICT, path__startswith=province.path).count() == 2


def test_the_dashboards_district_card_says_how_many_are_new(office, known):
    html = office.get(reverse("reports:dashboard", args=["40"]), {"year": 2023}, HTTP_ACCEPT_LANGUAGE="en")
    html = html.content.decode()
    card = html[html.index("Districts holding the title") :]
    card = card[: card.index('<p class="figure-change">')]
    assert re.search(r'<p class="figure-of">1 district newly recognised this year</p>', card)
    next_year = office.get(reverse("reports:dashboard", args=["40"]), {"year": 2024}).content.decode()
    card = next_year[next_year.index("Districts holding the title") :]
    assert "newly recognised" not in card[: card.index('<p class="figure-change">')]


def test_the_dashboards_export_gives_the_districts_new_in_the_year(office, known):
    response = office.get(reverse("reports:export", args=["40", "dashboard"]) + "?year=2023&tier=standard")
    headline = {r[0]: r[1:] for r in rows_of(open_book(response.content)["Tổng hợp"], 4)}
    assert headline["Huyện mới đạt chuẩn trong năm"][0] == 1
