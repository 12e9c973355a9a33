"""Import of the criteria-level sheet: summary records of past years, checked cell by cell and
applied through ``assessment_record_summary``, all or nothing."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from criteria.models import Assessment, CriterionResult, HistoryEntry, HistoryKind
from criteria.services.in_force import set_in_force_choose
from criteria.services.summary import assessment_record_summary
from criteria.tests.factories import make_set
from reports.importing import layout
from reports.importing.summary_read import parse_numbers
from reports.importing.summary_template import import_summary_template, numbers_text
from reports.importing.template import import_template
from reports.models import ImportBatch, ImportKind, ImportStatus, JobStatus, ReportJob
from reports.tests.excel.helpers import fill

pytestmark = pytest.mark.django_db

YEAR = 2019
REPORT = {layout.SOURCE_NUMBER: "25/BC-UBND", layout.SOURCE_DATE: "15/01/2020"}


@pytest.fixture
def old(tree):
    """The only commune set covering 2016–2020, hence the set in force for 2019."""
    return make_set(code="OLD-2016", year_from=2016, year_to=2020)


@pytest.fixture
def office(client, personas):
    client.force_login(personas.district_d1)
    return client


def template(unit, year=YEAR, tier="standard"):
    return import_summary_template(unit=unit, year=year, tier=tier)


def row(unit: str, **cells) -> dict:
    """``fill``'s values for one unit's row: the report's cells, by column code."""
    return {(unit, code): value for code, value in (REPORT | cells).items()}


def upload(client, content, *, code="401", year=YEAR, name="tong-hop.xlsx"):
    return client.post(
        reverse("reports:import_summary", args=[code]), {"year": year, "file": SimpleUploadedFile(name, content)}
    )


def batch_of(response) -> ImportBatch:
    assert response.status_code == 302, response.content.decode()[:3000]
    return ImportBatch.objects.latest("pk")


def errors_of(client, content, **kw) -> list[tuple[str, str]]:
    batch = batch_of(upload(client, content, **kw))
    assert batch.status == ImportStatus.INVALID
    return [(e["cell"], e["message"]) for e in batch.errors]


# --- The template -----------------------------------------------------------------------------


def test_the_template_has_a_row_per_rural_commune_with_the_set_in_force_filled_in(tree, old):
    book = load_workbook(io.BytesIO(template(tree.d1)))
    ws = book[layout.DATA_SHEET]
    assert [c.value for c in ws[layout.CODES_ROW]] == list(layout.SUMMARY_COLUMNS)
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=layout.FIRST_DATA_ROW) if r[0].value]
    assert [(r[0], r[3], r[4], r[5], r[6]) for r in rows] == [
        ("40101", YEAR, "chuẩn", "OLD-2016", None),
        ("40102", YEAR, "chuẩn", "OLD-2016", None),
    ]
    meta = dict(book[layout.META_SHEET].iter_rows(values_only=True))
    assert (meta["format"], meta["unit"], meta["year"]) == (layout.SUMMARY_FORMAT, "401", YEAR)


def test_criteria_numbers_are_written_and_read_as_runs():
    assert numbers_text([1, 2, 3, 5, 7, 8]) == "1-3, 5, 7, 8"
    assert parse_numbers("1-3, 5; 7 8") == [1, 2, 3, 5, 7, 8]
    assert parse_numbers(4.0) == [4]
    for bad in ("1-x", "0", "5-2", "101", True):
        with pytest.raises(ValueError):
            parse_numbers(bad)


def test_the_template_is_for_readers_and_the_upload_for_writers(client, personas, tree, old):
    client.force_login(personas.viewer)
    url = reverse("reports:import_summary_template", args=["401"])
    response = client.get(url, {"year": YEAR, "tier": "standard"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('-401-2019-standard.xlsx"')
    assert upload(client, template(tree.d1)).status_code == 403
    assert not ImportBatch.objects.exists()


# --- Preview, confirmation, idempotence -------------------------------------------------------


def test_an_upload_is_previewed_then_recorded_as_flagged_summary_records(office, personas, tree, old):
    content = fill(
        template(tree.d1),
        row("40101", **{layout.MET: "1, 3", layout.BASICALLY_MET: 2, layout.COUNT: 2})
        | row("40102", **{layout.MET: "1-3", layout.SOURCE_DATE: datetime.datetime(2020, 2, 1)}),
    )
    batch = batch_of(upload(office, content))
    assert (batch.kind, batch.status, batch.criteria_set) == (ImportKind.SUMMARY, ImportStatus.READY, None)
    assert [(c["unit"], c["code"], c["new"]) for c in batch.changes] == [
        ("40101", "2019", "met 2/3; basically met: 2"),
        ("40102", "2019", "met 3/3"),
    ]
    assert not Assessment.objects.exists()  # nothing before the confirmation
    page = office.get(reverse("reports:import_batch", args=["401", batch.pk])).content.decode()
    assert "Confirm and record these summary records" in page

    response = office.post(reverse("reports:import_apply", args=["401", batch.pk]), follow=True)
    assert "2 summary records recorded" in response.content.decode()
    a = Assessment.objects.get(unit=tree.a, year=YEAR)
    assert (a.summary, a.criteria_met, a.criteria_basically_met, a.criteria_set) == (True, 2, 1, old)
    assert (a.source_number, a.source_date) == ("25/BC-UBND", datetime.date(2020, 1, 15))
    assert CriterionResult.objects.get(assessment=a, criterion__number=2).basically_met
    created = HistoryEntry.objects.get(assessment=a, kind=HistoryKind.CREATED)
    assert created.user == personas.district_d1 and "25/BC-UBND" in created.comment
    b = Assessment.objects.get(unit=tree.b, year=YEAR)
    assert (b.criteria_met, b.source_date) == (3, datetime.date(2020, 2, 1))


def test_the_template_sent_back_unchanged_or_after_applying_changes_nothing(office, tree, old):
    assert batch_of(upload(office, template(tree.d1))).changes == []
    content = fill(template(tree.d1), row("40101", **{layout.MET: "1"}))
    office.post(reverse("reports:import_apply", args=["401", batch_of(upload(office, content)).pk]))
    assert Assessment.objects.filter(summary=True).count() == 1
    again = batch_of(upload(office, template(tree.d1)))  # now filled in with the record
    assert (again.status, again.changes, again.preview["unchanged"]) == (ImportStatus.READY, [], 1)
    page = office.get(reverse("reports:import_batch", args=["401", again.pk])).content.decode()
    assert "The file matches the data" in page


def test_applying_is_all_or_nothing(office, tree, old, monkeypatch):
    from django.core.exceptions import ValidationError

    from reports.importing import services

    calls = []

    def failing_second(**kwargs):
        calls.append(kwargs["unit"].code)
        if len(calls) == 2:
            raise ValidationError("refused for the test")
        return assessment_record_summary(**kwargs)

    monkeypatch.setattr(services, "assessment_record_summary", failing_second)
    content = fill(template(tree.d1), row("40101", **{layout.MET: "1"}) | row("40102", **{layout.MET: "2"}))
    batch = batch_of(upload(office, content))
    response = office.post(reverse("reports:import_apply", args=["401", batch.pk]), follow=True)
    assert "Nothing was written: refused for the test" in response.content.decode()
    assert calls == ["40101", "40102"] and not Assessment.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.READY


def test_a_record_made_on_the_page_after_the_preview_makes_the_file_fail(office, personas, tree, old):
    content = fill(template(tree.d1), row("40101", **{layout.MET: "1"}))
    batch = batch_of(upload(office, content))
    assessment_record_summary(
        unit=tree.a,
        criteria_set=old,
        year=YEAR,
        met={2},
        source_number="9/BC",
        source_date=datetime.date(2020, 1, 2),
        user=personas.officer_a,
    )
    office.post(reverse("reports:import_apply", args=["401", batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.INVALID
    assert "already has its summary record of 2019 at this tier (from 9/BC)" in batch.errors[0]["message"]
    assert [e["cell"] for e in batch.errors] == ["A7", "G7", "J7", "K7"]  # each cell that differs
    assert Assessment.objects.get(unit=tree.a).source_number == "9/BC"


# --- Errors, cell by cell -------------------------------------------------------------------


def test_every_cell_that_does_not_hold_together_is_listed_at_its_cell(office, tree, old):
    content = fill(
        template(tree.d1),
        row("40101", **{layout.MET: "1-x", layout.SOURCE_DATE: "31/02/2020", layout.COUNT: "ba"})
        | row("40102", **{layout.MET: "1, 2", layout.BASICALLY_MET: "2", layout.COUNT: 1, layout.SOURCE_NUMBER: None}),
    )
    assert errors_of(office, content) == [
        ("G7", "“1-x” is not a list of criterion numbers (e.g. 1-9, 11)."),
        ("I7", "“ba” is not a whole number of criteria."),
        ("K7", "“31/02/2020” is not a date: write dd/mm/yyyy."),
        ("H8", "Criterion 2 cannot be both met and basically met."),
        ("I8", "The report's count (1) differs from the criteria marked met (2)."),
        ("J8", "Give the number of the report or plan the standing comes from."),
    ]


def append_rows(content: bytes, rows: list[list]) -> bytes:
    """Rows added under the template's, as an office adds a commune's other years."""
    book = load_workbook(io.BytesIO(content))
    ws = book[layout.DATA_SHEET]
    for values in rows:
        ws.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_list_excel_stored_as_a_number_or_a_date_is_refused_not_read_as_its_digits(office, tree, old):
    """QA: "12,10" typed on a Vietnamese Excel is stored as 12.1 and was recorded as criteria 1
    and 12; "1-9" becomes a date. The template keeps those columns as text."""
    import datetime

    book = load_workbook(io.BytesIO(template(tree.d1)))
    assert book[layout.DATA_SHEET]["G7"].number_format == "@"
    content = fill(
        template(tree.d1),
        row("40101", **{layout.MET: 12.1, layout.COUNT: 2})
        | row("40102", **{layout.MET: datetime.datetime(2020, 9, 1), layout.COUNT: 9}),
    )
    assert errors_of(office, content) == [
        (
            "G7",
            "Excel stored this cell as a number or a date (12,1), not as a list of criteria: format the column "
            "as text (the portal's template does) and type the list again, e.g. 1-9; 11.",
        ),
        (
            "G8",
            "Excel stored this cell as a number or a date (01/09/2020), not as a list of criteria: format the "
            "column as text (the portal's template does) and type the list again, e.g. 1-9; 11.",
        ),
    ]


def test_a_commune_that_did_not_exist_in_the_year_is_refused_at_its_row(office, tree, old):
    """QA: a commune formed on 1 July 2025 passed the check of a 2019 record, and confirming
    then failed every time with nothing at the row."""
    import datetime

    from communes.tests.factories import CommuneFactory

    CommuneFactory(code="40190", name="Xã Mới Lập", parent=tree.d1, valid_from=datetime.date(2025, 7, 1))
    content = append_rows(
        template(tree.d1), [["40190", None, None, YEAR, "chuẩn", "", "1", None, 1, "1/BC", "10/01/2020"]]
    )
    errors = errors_of(office, content)
    assert errors[-1] == (
        f"A{errors[-1][0][1:]}",
        # As a summary record on its page says it, naming the day the commune was formed.
        "Xã Mới Lập was formed on 01/07/2025: no standing of 2019 can be recorded for it.",
    )


def test_unit_set_and_year_errors(office, personas, tree, old):
    content = append_rows(
        fill(template(tree.d1), row("40101", **{layout.MET: "1", layout.SET_CODE: "KHONG-CO"})),
        [
            ["40201", None, None, YEAR, "chuẩn", "", "1", None, None, "1/BC", "10/01/2020"],  # another district
            ["40102", None, None, 2022, "chuẩn", "OLD-2016", "1", None, None, "1/BC", "10/01/2023"],
            ["40102", None, None, 2018, "nâng cao", "OLD-2016", "1", None, None, "1/BC", "10/01/2019"],
            ["40199", None, None, 2018, "chuẩn", "", "1", None, None, "1/BC", "10/01/2019"],
            ["40102", None, None, 2019, "cao", "", "1", None, None, "1/BC", "10/01/2020"],
            ["40101", None, None, 2019, "chuẩn", "", "2", None, None, "2/BC", "10/01/2020"],
        ],
    )
    assert errors_of(office, content) == [
        ("F7", "No published criteria set has the code “KHONG-CO” here."),
        ("A9", "No unit of Huyện Một has the code “40201”."),  # another district's: not revealed
        ("D10", "The set Thử (1/QĐ-TEST) applies to the years 2016–2020, not 2022."),
        ("E11", "The set Thử (1/QĐ-TEST) is of another tier."),
        ("A12", "No unit of Huyện Một has the code “40199”."),
        ("E13", "“cao” is not a tier: write chuẩn, nâng cao or kiểu mẫu."),
        ("A14", "Xã Cẩm Thạch has two rows for 2019 at this tier (also row 7)."),
    ]


def test_another_set_than_the_one_in_force_needs_a_reason_in_its_column(office, personas, tree, old):
    new = make_set(code="NEW-2016", year_from=2016, year_to=2020, issuer=tree.province)  # the province's own
    assert not tree.b.assessments.exists() and new
    content = fill(template(tree.d1), row("40101", **{layout.MET: "1", layout.SET_CODE: "OLD-2016"}))
    ((cell, message),) = errors_of(office, content)
    assert cell == "L7" and "say why this unit is assessed against another set" in message
    with_reason = fill(
        template(tree.d1),
        row("40101", **{layout.MET: "1", layout.SET_CODE: "OLD-2016", layout.REASON: "Theo bộ quốc gia"}),
    )
    batch = batch_of(upload(office, with_reason))
    office.post(reverse("reports:import_apply", args=["401", batch.pk]))
    a = Assessment.objects.get(unit=tree.a, year=YEAR)
    assert a.criteria_set == old
    assert "Theo bộ quốc gia" in HistoryEntry.objects.get(assessment=a, kind=HistoryKind.CREATED).comment


def test_the_set_the_province_put_in_force_for_2021_is_filled_in_and_taken(office, personas, tree, old):
    make_set(code="NEW-2021", year_from=2021, year_to=2025)
    set_in_force_choose(
        province=tree.province, year=2021, criteria_set=old, basis="KH 12", user=personas.province_office
    )
    content = fill(template(tree.d1, year=2021), row("40101", **{layout.MET: "1", layout.SOURCE_DATE: "10/02/2022"}))
    batch = batch_of(upload(office, content, year=2021))
    office.post(reverse("reports:import_apply", args=["401", batch.pk]))
    assert Assessment.objects.get(unit=tree.a, year=2021).criteria_set == old


def test_errors_read_in_vietnamese(office, tree, old, vi_language):
    content = fill(template(tree.d1), row("40101", **{layout.MET: "1", layout.SOURCE_DATE: "15/01/2018"}))
    ((cell, message),) = errors_of(office, content)
    assert cell == "K7" and message == "Báo cáo về năm 2019 không thể có ngày trước năm 2019."


def test_a_formula_is_refused_at_its_cell(office, tree, old):
    content = fill(template(tree.d1), row("40101", **{layout.MET: "=1+2"}))
    assert errors_of(office, content) == [("G7", "A formula is not accepted: type the value itself.")]


def test_an_empty_file_is_refused_as_empty(office):
    refused = upload(office, b"")
    assert refused.status_code == 400 and "The file is empty." in refused.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_values_template_or_one_of_another_unit_is_refused_before_anything_is_kept(office, tree, old):
    values = import_template(unit=tree.d1, criteria_set=old, year=YEAR)
    refused = upload(office, values)
    assert refused.status_code == 400 and "not an import template" in refused.content.decode()
    other = upload(office, template(tree.d2), code="401")
    assert other.status_code == 400 and "This template is for 402, not Huyện Một (401)" in other.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_sheet_far_larger_than_the_template_is_refused(office, tree, old):
    content = fill(template(tree.d1), {}, cells={"A900": "40101"})
    response = upload(office, content)
    assert response.status_code == 400 and "far beyond the template" in response.content.decode()


# --- Background, page, queries ----------------------------------------------------------------


def test_a_large_import_is_checked_and_applied_in_the_background(office, tree, old, immediate_tasks, monkeypatch):
    from reports import views_import

    monkeypatch.setattr(views_import, "INLINE_MAX_ROWS", 1)
    content = fill(template(tree.d1), row("40101", **{layout.MET: "1"}) | row("40102", **{layout.MET: "2"}))
    upload(office, content)
    batch = ImportBatch.objects.get()
    assert ReportJob.objects.get(kind="import_check").status == JobStatus.DONE
    assert batch.status == ImportStatus.READY and len(batch.changes) == 2
    office.post(reverse("reports:import_apply", args=["401", batch.pk]))
    assert ReportJob.objects.get(kind="import_apply").params["outcome"] == "applied"
    assert Assessment.objects.filter(summary=True).count() == 2


def test_the_import_page_lists_both_kinds_in_as_many_queries_for_five_batches_as_for_one(
    office, personas, tree, old, criteria_set
):
    batch_of(upload(office, template(tree.d1)))
    office.get(reverse("reports:import", args=["401"]))
    with CaptureQueriesContext(connection) as one:
        page = office.get(reverse("reports:import", args=["401"])).content.decode()
    assert "Summary records (criteria level)" in page and reverse("reports:import_summary", args=["401"]) in page
    values = import_template(unit=tree.d1, criteria_set=criteria_set, year=2025)
    for _ in range(4):
        office.post(
            reverse("reports:import", args=["401"]),
            {"criteria_set": criteria_set.pk, "year": 2025, "file": SimpleUploadedFile("v.xlsx", values)},
        )
    assert ImportBatch.objects.filter(kind=ImportKind.VALUES).count() == 4
    with CaptureQueriesContext(connection) as five:
        page = office.get(reverse("reports:import", args=["401"])).content.decode()
    assert "Indicator values" in page
    assert len(five) == len(one)


def test_checking_takes_as_many_queries_for_two_rows_as_for_one(office, tree, old):
    """Confirming records each row through the service (its rule, its history): a few queries a row."""

    def checking(year, communes) -> int:
        cells = {}
        for code in communes:
            cells |= row(code, **{layout.MET: "1", layout.SOURCE_DATE: f"10/01/{year + 1}"})
        content = fill(template(tree.d1, year=year), cells)
        with CaptureQueriesContext(connection) as queries:
            batch = batch_of(upload(office, content, year=year))
        assert batch.status == ImportStatus.READY and len(batch.changes) == len(communes)
        return len(queries)

    office.get(reverse("reports:import", args=["401"]))
    assert checking(2018, ["40101"]) == checking(2019, ["40101", "40102"])


# --- A row of a recorded summary record (QA: a row contradicting itself passed as "unchanged") --


@pytest.fixture
def recorded(personas, tree, old):
    """Commune A's 2019 summary record: criteria 1 and 2 met, 3 basically met, from 25/BC-UBND."""
    return assessment_record_summary(
        unit=tree.a,
        criteria_set=old,
        year=YEAR,
        met={1, 2},
        basically_met={3},
        source_number="25/BC-UBND",
        source_date=datetime.date(2020, 1, 15),
        user=personas.district_d1,
    )


def test_the_template_hands_out_a_recorded_summary_record_and_sent_back_it_is_unchanged(office, tree, recorded):
    batch = batch_of(upload(office, template(tree.d1)))
    assert (batch.status, batch.changes, batch.preview["unchanged"]) == (ImportStatus.READY, [], 1)


def test_a_prefilled_row_whose_count_contradicts_its_criteria_is_refused_at_the_count(office, tree, recorded):
    """QA: the count changed to 12 on a row listing 13 criteria read "0 to record · 1 unchanged"."""
    content = fill(template(tree.d1), {("40101", layout.COUNT): 1})
    assert errors_of(office, content) == [("I7", "The report's count (1) differs from the criteria marked met (2).")]


def test_each_edit_of_a_prefilled_row_is_refused_at_its_cell_with_its_own_mistake_first(office, tree, recorded):
    """QA: any edit only said "already has its assessment… one per unit, tier and year" at the
    year: the cell's own mistake was never shown."""
    content = fill(
        template(tree.d1),
        {
            ("40101", layout.MET): "1, 2, 4",  # the set has three criteria
            ("40101", layout.BASICALLY_MET): "2, 3",  # 2 is also met
            ("40101", layout.COUNT): 3,
        },
        cells={"J7": None},  # the document's number emptied
    )
    errors = errors_of(office, content)
    assert [cell for cell, _message in errors] == ["A7", "G7", "G7", "H7", "H7", "J7", "J7"]
    own = dict(errors[1:2] + errors[3:4] + errors[5:6])
    assert own == {
        "G7": "The set Thử (1/QĐ-TEST) has no criterion 4.",
        "H7": "Criterion 2 cannot be both met and basically met.",
        "J7": "Give the number of the report or plan the standing comes from.",
    }
    assert errors[2] == ("G7", "The summary record holds “1, 2” here.")
    assert errors[4] == ("H7", "The summary record holds “3” here.")
    assert errors[6] == ("J7", "The summary record holds “25/BC-UBND” here.")


def test_a_prefilled_row_that_differs_names_the_fields_the_record_holds_and_links_it(office, tree, recorded):
    content = fill(
        template(tree.d1),
        {("40101", layout.SOURCE_DATE): "16/01/2020"},
        cells={"H7": None},  # the criteria basically met emptied
    )
    batch = batch_of(upload(office, content))
    assert batch.status == ImportStatus.INVALID
    first, *cells = batch.errors
    assert first["cell"] == "A7" and first["message"] == (
        "Xã Cẩm Thạch already has its summary record of 2019 at this tier (from 25/BC-UBND), and an import "
        "does not change a recorded summary record: this row differs from it in the criteria basically met, "
        "the document's date. Put back what is recorded, or empty the row's criteria, count and document "
        "cells to leave the row out. To correct the record itself, open it and choose “Correct the summary "
        "record”."
    )
    assert [(e["cell"], e["message"]) for e in cells] == [
        ("H7", "The summary record holds “3” here."),
        ("K7", "The summary record holds “15/01/2020” here."),
    ]
    page = office.get(reverse("reports:import_batch", args=["401", batch.pk])).content.decode()
    assert f'<a href="{reverse("assessment", args=[recorded.pk])}">Open the record</a>' in page
    recorded.refresh_from_db()
    assert (recorded.source_date, recorded.criteria_basically_met) == (datetime.date(2020, 1, 15), 1)


def test_a_recognised_summary_record_keeps_its_standing_and_the_refusal_says_so(office, personas, tree, recorded):
    from criteria.models import AssessmentState
    from criteria.services import assessment_set_state

    assessment_set_state(
        assessment=recorded,
        state=AssessmentState.RECOGNISED,
        user=personas.province_office,
        decision_number="30/QĐ-UBND",
        decision_date=datetime.date(2020, 2, 1),
    )
    content = fill(template(tree.d1), {("40101", layout.MET): "1"})
    ((cell, message), *_rest) = errors_of(office, content)
    assert cell == "A7" and message.endswith(
        "This summary record is “recognised”: it is closed by its decision and keeps its report's standing; it can "
        "no longer be returned for correction."
    )


def test_a_record_started_against_another_set_with_a_reason_is_unchanged_with_or_without_it(
    office, personas, tree, old
):
    """The reason is asked to start against another set; the template hands it out empty, the
    file that recorded it gives it again: neither changes anything, another reason does."""
    make_set(code="NEW-2016", year_from=2016, year_to=2020, issuer=tree.province)  # now in force
    first = fill(
        template(tree.d1),
        row("40101", **{layout.MET: "1", layout.SET_CODE: "OLD-2016", layout.REASON: "Theo bộ quốc gia"}),
    )
    office.post(reverse("reports:import_apply", args=["401", batch_of(upload(office, first)).pk]))
    assert Assessment.objects.get(unit=tree.a, year=YEAR).criteria_set == old
    for content in (template(tree.d1), first):
        batch = batch_of(upload(office, content))
        assert (batch.status, batch.preview["unchanged"]) == (ImportStatus.READY, 1), batch.errors
    other = fill(template(tree.d1), {("40101", layout.REASON): "Lý do khác"})
    errors = errors_of(office, other)
    assert [cell for cell, _message in errors] == ["A7", "L7"]
    assert "differs from it in the reason" in errors[0][1]
    assert errors[1][1].startswith("The summary record was started with another reason, or none")


def test_the_history_of_an_imported_summary_record_names_the_file_and_the_import(office, tree, old):
    """QA: the start read "Summary record from 25/BC-UBND", as if typed on the page; a values
    import says "Imported from the workbook … (import no. N)"."""
    content = fill(template(tree.d1), row("40101", **{layout.MET: "1"}))
    batch = batch_of(upload(office, content, name="bao-cao-2019.xlsx"))
    office.post(reverse("reports:import_apply", args=["401", batch.pk]))
    a = Assessment.objects.get(unit=tree.a, year=YEAR)
    created = HistoryEntry.objects.get(assessment=a, kind=HistoryKind.CREATED)
    assert created.comment == (
        f"Summary record from 25/BC-UBND. Imported from the workbook bao-cao-2019.xlsx (import no. {batch.pk})"
    )


def test_an_old_excel_workbook_is_refused_saying_how_to_save_it_as_xlsx(office, tree, old):
    from reports.tests.excel.test_import import OTHER_FORMATS

    response = upload(office, OTHER_FORMATS["xls"], name="tong-hop.xls")
    assert response.status_code == 400
    assert "an Excel 97–2003 workbook (.xls)" in response.content.decode()
    assert "save it as an Excel Workbook (.xlsx)" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_year_before_the_province_s_later_version_takes_effect_is_recorded_on_the_version_then_in_force(
    office, personas, tree
):
    """QA: the 2023 import stored its records against v2 (effective 01/01/2025) — the set column
    names the code only, read as its latest version — and the 2023 recognition was then refused."""
    from criteria.tests.factories import publish_next_version

    v1 = make_set(code="PROVINCE-OWN", year_from=2021, year_to=2025, issuer=tree.province)
    v2 = publish_next_version(
        v1,
        user=personas.province_office,
        decision_number="12/2024/QĐ-UBND",
        decision_date=datetime.date(2024, 12, 20),
        effective_date=datetime.date(2025, 1, 1),
    )
    book = load_workbook(io.BytesIO(template(tree.d1, year=2023)))
    assert book[layout.DATA_SHEET].cell(layout.FIRST_DATA_ROW, 6).value == "PROVINCE-OWN"
    for year, expected in ((2023, v1), (2025, v2)):
        cells = {layout.MET: "1-3", layout.SOURCE_DATE: f"15/01/{year + 1}"}
        content = fill(template(tree.d1, year=year), row("40101", **cells))
        batch = batch_of(upload(office, content, year=year))
        assert batch.status == ImportStatus.READY, batch.errors
        office.post(reverse("reports:import_apply", args=["401", batch.pk]))
        assert Assessment.objects.get(unit=tree.a, year=year).criteria_set == expected
