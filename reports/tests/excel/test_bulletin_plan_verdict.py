"""A province target "no commune under N criteria" while communes of the year have no figures:
not met, and the same words on the plans page, the dashboard's plan section, /api/v1/plan/, the
bulletin's Kế hoạch sheet and its Word sentence and table (QA: 1 of 60 communes assessed read
"Đạt", the bulletin "kế hoạch 0, thực hiện 0")."""

import io

import pytest
from django.utils import translation
from docx import Document

from plans.models import ProvinceTarget
from plans.selectors import plan_summary
from plans.tests.factories import make_assessment, make_set
from reports import bulletin
from reports.bulletin import Month
from reports.tests.excel.conftest import open_book

pytestmark = pytest.mark.django_db

DECEMBER = Month(2024, 12)


@pytest.fixture
def short_of_figures(tree):
    """2024: A 19/19 recognised, B 16/19, C no assessment; "none under 15" for 2021–2025."""
    standard = make_set(code="S")
    make_assessment(tree.a, standard, 2024, 19, "recognised")
    make_assessment(tree.b, standard, 2024, 16)
    ProvinceTarget.objects.create(
        province=tree.province,
        period_from=2021,
        period_to=2025,
        communes_standard=2,
        min_criteria=15,
        basis="NQ 05",
        entered_at="2021-01-01T00:00:00Z",
    )
    return standard


def min_line(province, year=2024):
    (progress,) = plan_summary(unit=province, year=year).province
    return next(line for line in progress.lines if line.key == "min_criteria")


def test_none_under_n_is_met_only_when_every_commune_of_the_year_has_figures(tree, short_of_figures):
    line = min_line(tree.province)
    assert (line.actual, line.met, line.without_figures) == (0, None, 1)
    assert line.verdict == "Not enough data: 1 commune without figures for 2024"
    make_assessment(tree.c, short_of_figures, 2024, 17)
    line = min_line(tree.province)
    assert (line.actual, line.met, line.without_figures, line.verdict) == (0, True, 0, "Met")


def test_one_under_n_is_not_met_whatever_the_communes_without_figures_hold(tree, short_of_figures):
    tree.b.assessments.update(criteria_met=12)
    line = min_line(tree.province)
    assert (line.actual, line.met, line.without_figures) == (1, False, 1)
    assert line.verdict == "Not yet (1 commune without figures for 2024)"


def test_a_year_without_any_figures_is_not_met_either(tree, short_of_figures):
    line = min_line(tree.province, 2023)
    assert (line.actual, line.met, line.without_figures) == (None, None, 3)
    assert line.verdict == "Not enough data: 3 communes without figures for 2023"


def test_the_page_the_dashboard_the_api_and_the_bulletin_give_the_same_verdict(
    client, tree, personas, short_of_figures
):
    client.force_login(personas.province_office)
    with translation.override("vi"):
        line = min_line(tree.province)
        verdict, label = line.verdict, line.label
    assert line.met is None and line.without_figures == 1

    plans_page = client.get("/plans/40/", {"year": 2024}).content.decode()
    dashboard = client.get("/reports/40/", {"year": 2024}).content.decode()
    for html in (plans_page, dashboard):
        row = html.split(label)[1].split("</tr>")[0]
        assert verdict in row and "badge-met" not in row

    api = client.get("/api/v1/plan/", {"unit": "40", "year": 2024}).json()
    (api_line,) = [x for target in api["province"] for x in target["lines"] if x["key"] == "min_criteria"]
    assert (api_line["met"], api_line["without_figures"], api_line["verdict"]) == (None, 1, verdict)

    content, _cutoff = bulletin.bulletin_build(unit=tree.province, month=DECEMBER, user=None)
    sheet = [row for row in open_book(content)["Kế hoạch"].iter_rows(values_only=True) if row and row[0] == label]
    assert sheet == [(label, 0, 0, None, verdict)]

    content, _data = bulletin.bulletin_docx(unit=tree.province, month=DECEMBER, user=None)
    document = Document(io.BytesIO(content))
    assert any(
        f"{label}: kế hoạch 0, thực hiện 0, {verdict[:1].lower()}{verdict[1:]}" in p.text for p in document.paragraphs
    )
    cells = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert [label, "0", "0", "", verdict] in cells
