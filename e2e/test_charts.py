"""The dashboard's charts in a browser: on a phone, the lagging criteria's long names stay readable
on the chart's axis (two lines at most, none cut at the edge), and a tooltip names each in full;
an English page's axis writes numbers the Vietnamese way, as the table beside it."""

import pytest

from criteria.models import Criterion
from e2e.conftest import sign_in, step
from reports.tests.conftest import known  # noqa: F401 - the dataset, as a fixture here too

pytestmark = pytest.mark.django_db(transaction=True)

LONG_NAME = "Tổ chức sản xuất và phát triển kinh tế nông thôn"

AXIS = """() => {
  const chart = Chart.getChart(document.querySelector("canvas[data-chart=chart-lagging]"));
  const axis = chart.scales.y, ctx = chart.ctx;
  ctx.save();
  ctx.font = Chart.helpers.toFont(axis.options.ticks.font).string;
  const labels = axis.ticks.map((tick) => [].concat(tick.label));
  const widest = Math.max(...labels.flat().map((line) => ctx.measureText(line).width));
  ctx.restore();
  let full = null;
  try { full = chart.options.plugins.tooltip.callbacks.title([{dataIndex: 0}]); } catch (error) { full = String(error); }
  return {labels, widest, room: axis.width, full};
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_the_lagging_criteria_names_fit_the_charts_axis(open_page, personas, known, width):  # noqa: F811
    Criterion.objects.filter(criteria_set=known.standard, number=13).update(name=LONG_NAME)
    page = open_page(width=width, height=900)
    sign_in(page, "province_office")
    with step(page, f"lagging-chart-{width}"):
        page.goto(page.base + "/en/reports/40/?year=2023&tier=standard")
        axis = page.evaluate(AXIS)
    assert all(1 <= len(lines) <= 2 for lines in axis["labels"]), axis["labels"]
    assert axis["widest"] <= axis["room"], axis  # Chart.js cut what was wider than its axis
    first = " ".join(axis["labels"][0])
    assert first.startswith("13. Tổ chức") and (first == f"13. {LONG_NAME}" or first.endswith("…")), first
    assert axis["full"] == f"13. {LONG_NAME}"  # the tooltip's title
    if width == 1280:
        assert axis["labels"][0] == [f"13. {LONG_NAME}"]  # room enough: one line, as before


FUND_TICKS = """() => {
  const chart = Chart.getChart(document.querySelector("canvas[data-chart=chart-funds-40]"));
  return chart.scales.x.ticks.map((tick) => tick.label);
}"""


def test_an_english_chart_writes_its_numbers_as_the_table_beside_it(open_page, personas):
    """The axis of a funds chart on an English page read "10,000,000,000" beside a table of
    "31.003.700.000 đ": numbers are written the Vietnamese way in every language."""
    from plans.tests.factories import make_fund

    make_fund(personas.officer_a.memberships.get().unit, 2025, 3, "residents", 31_003_700_000)
    page = open_page(width=1280, height=900)
    sign_in(page, "province_office")
    with step(page, "funds-chart-en"):
        page.goto(page.base + "/en/plans/40/?year=2025")
        ticks = page.evaluate(FUND_TICKS)
    assert "31.003.700.000 đ" in page.content()
    assert "10.000.000.000" in ticks and not any("," in tick for tick in ticks), ticks
