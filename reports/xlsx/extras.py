"""What a sheet has beside its rows: data validations (import templates) and native charts."""

from __future__ import annotations

import math
from collections.abc import Sequence

from xlsxwriter.utility import xl_cell_to_rowcol

from reports.xlsx.shapes import Chart, Validation, clean_text

PIXELS_PER_ROW = 20  # a row of the default height

_OPERATORS = {
    "between": "between",
    "notBetween": "not between",
    "equal": "==",
    "notEqual": "!=",
    "greaterThan": ">",
    "lessThan": "<",
    "greaterThanOrEqual": ">=",
    "lessThanOrEqual": "<=",
}


def validation(ws, rule: Validation) -> None:
    """A data-validation rule (import templates), in XlsxWriter's terms."""
    first, _sep, last = rule.sqref.partition(":")
    first_row, first_col = xl_cell_to_rowcol(first)
    last_row, last_col = xl_cell_to_rowcol(last or first)
    options: dict = {"validate": rule.type, "ignore_blank": True}
    if rule.type == "list":
        options["source"] = rule.formula1
    else:
        criteria = _OPERATORS[rule.operator or "between"]
        options["criteria"] = criteria
        if criteria in ("between", "not between"):
            options["minimum"], options["maximum"] = float(rule.formula1), float(rule.formula2)
        else:
            options["value"] = float(rule.formula1)
    if rule.error:
        options["error_message"] = rule.error[:255]
    else:
        options["show_error"] = False
    if rule.prompt:
        options["input_message"] = rule.prompt[:255]
    ws.data_validation(first_row, first_col, last_row, last_col, options)


def _chart_width(widths: dict[int, float]) -> int:
    """The pixels of the sheet's columns (as Excel draws a width of n characters), at least 480."""
    return max(480, min(900, sum(int(w * 7 + 5) for w in widths.values())))


def insert_charts(book, ws, next_row: int, widths: dict[int, float], table_rows: list, charts: Sequence[Chart]) -> int:
    """Each chart under the tables (``next_row`` is the first row after them), drawn from the
    rows its table landed on (``table_rows``); the last row they cover (0-based)."""
    row = next_row + 1
    name = ws.get_name()
    width = _chart_width(widths)
    for spec in charts:
        first, last = table_rows[spec.table] if spec.table < len(table_rows) else (0, -1)
        if last < first:
            continue  # a table without rows draws nothing
        subtype = {"subtype": "stacked"} if spec.stacked else {}
        chart = book.add_chart({"type": spec.kind, **subtype})
        header = first - 1
        for col in spec.values:
            series = {
                "name": [name, header, col],
                "categories": [name, first, spec.categories, last, spec.categories],
                "values": [name, first, col, last, col],
            }
            if spec.kind == "pie":
                series["data_labels"] = {"percentage": True}
            elif len(spec.values) == 1:
                series["data_labels"] = {"value": True}
            chart.add_series(series)
        chart.set_title({"name": clean_text(spec.title), "name_font": {"size": 12}})
        if spec.kind != "pie":
            chart.set_y_axis({"name": spec.y_title, "num_format": "#,##0", "major_gridlines": {"visible": True}})
            chart.set_legend({"position": "bottom"} if len(spec.values) > 1 else {"none": True})
        chart.set_size({"width": width, "height": spec.height})
        ws.insert_chart(row, 0, chart, {"object_position": 1})
        row += math.ceil(spec.height / PIXELS_PER_ROW) + 1
    return row - 1 if charts else next_row - 1
