"""Import from Excel: the template, every check, the preview, all or nothing, idempotence."""

import datetime
import io
import json
import re
import time
import zipfile
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from communes.models import UnitSuccession, UnitType
from communes.tests.factories import CommuneFactory
from criteria.models import AssessmentState, HistoryEntry, IndicatorValue
from criteria.services import ValueEntry, assessment_create, assessment_record_values, assessment_set_state
from criteria.services.in_force import set_in_force_choose
from criteria.tests.factories import make_set
from reports.importing import layout
from reports.importing.checks import ReadRow, ReadValues, check_template
from reports.importing.reader import read_template
from reports.importing.template import import_template, template_bounds
from reports.models import ImportBatch, ImportStatus, JobStatus, ReportJob
from reports.tests.excel.helpers import fill, rezip, zip_of

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture
def a25(tree, personas, criteria_set):
    """Commune A has a 2025 assessment with 1.1 = có; commune B has none yet."""
    a = assessment_create(unit=tree.a, criteria_set=criteria_set, year=YEAR, user=personas.officer_a)
    assessment_record_values(assessment=a, entries=[ValueEntry("1.1", "có")], user=personas.officer_a)
    return a


@pytest.fixture
def office(client, personas):
    client.force_login(personas.district_d1)
    return client


def template(unit, criteria_set, year=YEAR):
    return import_template(unit=unit, criteria_set=criteria_set, year=year)


def upload(client, content, criteria_set, *, code="401", year=YEAR, name="so-lieu.xlsx"):
    return client.post(
        reverse("reports:import", args=[code]),
        {"criteria_set": criteria_set.pk, "year": year, "file": SimpleUploadedFile(name, content)},
    )


def checked(content: bytes, unit, criteria_set, user):
    """The check of an uploaded file of ``unit``'s template, as the upload runs it."""
    return check_template(
        read_template(content, bounds=template_bounds(unit, criteria_set, YEAR)),
        unit=unit,
        criteria_set=criteria_set,
        year=YEAR,
        user=user,
    )


def batch_of(response) -> ImportBatch:
    assert response.status_code == 302, response.content.decode()[:3000]
    return ImportBatch.objects.latest("pk")


def stored(assessment) -> dict:
    return {
        v.indicator.code: v.value
        for v in IndicatorValue.objects.filter(assessment=assessment).select_related("indicator")
    }


# --- The template ---------------------------------------------------------------------------------


def test_the_template_has_a_row_per_commune_and_a_column_per_indicator(tree, criteria_set, a25):
    book = load_workbook(io.BytesIO(template(tree.d1, criteria_set)))
    ws = book[layout.DATA_SHEET]
    assert [c.value for c in ws[layout.CODES_ROW]] == [
        "ma_don_vi",
        "ten_don_vi",
        "thuoc",
        "trang_thai",
        "1.1",
        "2.1",
        "2.2",
        "3.1",
        "3.2",
    ]
    assert ws.cell(layout.NAMES_ROW, 5).value == "1.1 Có quy hoạch"
    assert ws.cell(layout.HINTS_ROW, 5).value == "Có / Không"
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=layout.FIRST_DATA_ROW)]
    assert [r[:3] for r in rows] == [["40101", "Xã Cẩm Thạch", "Huyện Một"], ["40102", "Xã Đức Lĩnh", "Huyện Một"]]
    assert rows[0][4] == "Có"  # today's value, filled in
    assert ws.freeze_panes == f"C{layout.FIRST_DATA_ROW}"
    lists = [v for v in ws.data_validations.dataValidation if v.type == "list"]
    assert [(v.formula1, str(v.sqref).split(":")[0]) for v in lists] == [('"Có,Không"', "E7")]
    assert book[layout.META_SHEET].sheet_state == "hidden"


@pytest.fixture
def apart(tree):
    """Under district 401, beside its two rural communes: a ward and a township (listed apart,
    never assessed against the NTM sets), a commune that ended before 2025 and one from 2026."""
    return SimpleNamespace(
        ward=CommuneFactory(code="40103", name="Phường Thử Nghiệm", type=UnitType.PHUONG, parent=tree.d1),
        township=CommuneFactory(code="40104", name="Thị trấn Thử", type=UnitType.THI_TRAN, parent=tree.d1),
        ended=CommuneFactory(code="40105", name="Xã Đã Nhập", parent=tree.d1, valid_to=datetime.date(2024, 12, 31)),
        later=CommuneFactory(code="40106", name="Xã Mới", parent=tree.d1, valid_from=datetime.date(2026, 1, 1)),
    )


def test_the_template_lists_only_the_units_the_set_can_assess_that_year(tree, criteria_set, apart):
    """No ward, no township, no commune of another year: exactly the units an upload may carry
    values for (``communes.filters.assessable_q``), so the template sent back as it is imports."""
    book = load_workbook(io.BytesIO(template(tree.province, criteria_set)))
    codes = [row[0].value for row in book[layout.DATA_SHEET].iter_rows(min_row=layout.FIRST_DATA_ROW)]
    assert codes == ["40201", "40101", "40102"]  # by district: Huyện Hai, then Huyện Một
    assert dict(book[layout.META_SHEET].iter_rows(values_only=True))["rows"] == 3
    assert template_bounds(tree.province, criteria_set, YEAR).units == 3
    later = load_workbook(io.BytesIO(template(tree.d1, criteria_set, year=2026)))[layout.DATA_SHEET]
    assert [r[0].value for r in later.iter_rows(min_row=layout.FIRST_DATA_ROW)] == ["40101", "40102", "40106"]


def test_the_template_of_a_province_with_a_ward_and_a_township_imports_as_handed_out(
    office, tree, criteria_set, a25, apart
):
    batch = batch_of(upload(office, fill(template(tree.d1, criteria_set), {("40102", "2.2"): "75,5"}), criteria_set))
    assert batch.status == ImportStatus.READY and batch.errors == []
    assert [(c["unit"], c["code"], c["new"]) for c in batch.changes] == [("40102", "2.2", "75.5")]


def test_the_template_is_for_readers_of_the_unit(client, personas, tree, criteria_set):
    url = reverse("reports:import_template", args=["401"]) + f"?criteria_set={criteria_set.pk}&year={YEAR}"
    client.force_login(personas.viewer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="mau-nhap-TEST-SET-v1-401-{YEAR}.xlsx"'
    client.force_login(personas.district_d2)
    assert client.get(url).status_code == 404


def test_the_upload_page_states_the_size_limit(office, tree, criteria_set):
    html = office.get(reverse("reports:import", args=["401"])).content.decode()
    assert "at most 5 MB" in html
    assert 'enctype="multipart/form-data"' in html


def test_the_page_offers_the_communes_set_in_force_first(office, tree, criteria_set):
    """The set the district's communes are assessed against this year is chosen already (in
    both forms); the other sets stay in the list."""
    html = office.get(reverse("reports:import", args=["401"])).content.decode()
    selected = re.findall(r'<option value="(\d+)" selected>', html)
    assert selected == [str(criteria_set.pk)] * 2


def test_a_reader_cannot_upload(client, personas, tree, criteria_set):
    client.force_login(personas.viewer)
    assert "not import into it" in client.get(reverse("reports:import", args=["401"])).content.decode()
    response = upload(client, template(tree.d1, criteria_set), criteria_set)
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, tree):
    response = client.get(reverse("reports:import", args=["401"]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- Preview, confirmation, history -----------------------------------------------------------------


def test_an_upload_is_previewed_and_nothing_is_written_before_confirmation(office, tree, criteria_set, a25):
    history = HistoryEntry.objects.count()
    content = fill(
        template(tree.d1, criteria_set), {("40101", "2.1"): "85,5", ("40102", "1.1"): "Không", ("40102", "3.1"): 12}
    )
    batch = batch_of(upload(office, content, criteria_set))
    assert batch.status == ImportStatus.READY
    assert [(c["unit"], c["code"], c["old"], c["new"], c["cell"]) for c in batch.changes] == [
        ("40101", "2.1", "", "85.5", "F7"),
        ("40102", "1.1", "", "Không", "E8"),
        ("40102", "3.1", "", "12", "H8"),
    ]
    assert batch.starts == [{"unit": "40102", "unit_name": "Xã Đức Lĩnh"}]
    assert batch.preview["unchanged"] == 1  # A's 1.1 = Có, filled in by the template
    assert HistoryEntry.objects.count() == history
    html = office.get(reverse("reports:import_batch", args=["401", batch.pk])).content.decode()
    # The value as the file takes it, in every language (an English "1,500" would be typed back as 1,5).
    assert "Preview: what will change" in html and "85,5" in html and "Confirm and record these values" in html


def test_the_preview_keeps_each_name_once_and_lists_every_change_with_its_names(office, tree, criteria_set, a25):
    cells = {(unit, code): 50 for unit in ("40101", "40102") for code in ("2.1", "3.1")}
    batch = batch_of(upload(office, fill(template(tree.d1, criteria_set), cells), criteria_set))
    # A province's file changes ten thousand values: each kept as a plain row, the names aside.
    assert batch.preview["changes"][0] == ["40101", "2.1", "", "50", "F7"]
    assert batch.preview["names"]["units"] == {"40101": tree.a.name, "40102": tree.b.name}
    assert sorted(batch.preview["names"]["indicators"]) == ["2.1", "3.1"]
    assert batch.change_count == 4
    listed = batch.changes_listed(2)
    assert [(c["unit_name"], c["code"], c["new"]) for c in listed] == [
        (tree.a.name, "2.1", "50"),
        (tree.a.name, "3.1", "50"),
    ]
    assert listed[0]["indicator"] == criteria_set.indicators.get(code="2.1").name
    html = office.get(reverse("reports:import_batch", args=["401", batch.pk])).content.decode()
    assert tree.b.name in html and "4 values to record for 2 units" in html


def test_confirming_records_every_value_as_the_uploading_user(office, personas, tree, criteria_set, a25):
    content = fill(template(tree.d1, criteria_set), {("40101", "2.1"): 90, ("40102", "1.1"): "x"})
    batch = batch_of(upload(office, content, criteria_set))
    response = office.post(reverse("reports:import_apply", args=["401", batch.pk]), follow=True)
    assert "The import was applied: 2 values recorded." in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED and batch.applied_at is not None
    assert stored(a25)["2.1"] == 90
    b = tree.b.assessments.get(year=YEAR)
    assert stored(b) == {"1.1": True}
    entries = HistoryEntry.objects.filter(kind="value", user=personas.district_d1)
    assert entries.count() == 2
    assert all(f"import no. {batch.pk}" in e.comment for e in entries)
    a25.refresh_from_db()
    assert a25.criteria_met == 2  # criterion 1 (1.1) and criterion 2 (2.1 ≥ 80; 2.2 is optional)


def test_a_second_confirmation_changes_nothing(office, tree, criteria_set, a25):
    batch = batch_of(upload(office, fill(template(tree.d1, criteria_set), {("40101", "2.1"): 90}), criteria_set))
    office.post(reverse("reports:import_apply", args=["401", batch.pk]))
    history = HistoryEntry.objects.count()
    response = office.post(reverse("reports:import_apply", args=["401", batch.pk]), follow=True)
    assert "already applied; nothing was changed" in response.content.decode()
    assert HistoryEntry.objects.count() == history


def test_uploading_the_same_file_again_changes_nothing(office, tree, criteria_set, a25):
    content = fill(template(tree.d1, criteria_set), {("40101", "2.1"): 90, ("40102", "3.2"): 0})
    first = batch_of(upload(office, content, criteria_set))
    office.post(reverse("reports:import_apply", args=["401", first.pk]))
    history, values = HistoryEntry.objects.count(), list(IndicatorValue.objects.values_list("pk", "version"))
    again = batch_of(upload(office, content, criteria_set))
    assert again.changes == [] and again.starts == []
    assert (
        "The file matches the data: applying it changes nothing."
        in office.get(reverse("reports:import_batch", args=["401", again.pk])).content.decode()
    )
    office.post(reverse("reports:import_apply", args=["401", again.pk]))
    assert HistoryEntry.objects.count() == history
    assert list(IndicatorValue.objects.values_list("pk", "version")) == values


def test_a_change_made_after_the_preview_asks_for_a_new_confirmation(office, personas, tree, criteria_set, a25):
    content = fill(template(tree.d1, criteria_set), {("40101", "2.1"): 90, ("40101", "2.2"): 5})
    batch = batch_of(upload(office, content, criteria_set))
    # The officer saves the file's own 2.1 after the preview: no conflict, but the preview moved.
    assessment_record_values(assessment=a25, entries=[ValueEntry("2.1", "90")], user=personas.officer_a)
    history = HistoryEntry.objects.count()
    response = office.post(reverse("reports:import_apply", args=["401", batch.pk]), follow=True)
    assert "The data changed since the preview" in response.content.decode()
    assert HistoryEntry.objects.count() == history
    batch.refresh_from_db()
    assert batch.status == ImportStatus.READY
    assert [(c["code"], c["old"], c["new"]) for c in batch.changes] == [("2.2", "", "5")]
    office.post(reverse("reports:import_apply", args=["401", batch.pk]))
    assert stored(a25) == {"1.1": True, "2.1": 90, "2.2": 5}


def test_a_value_left_unchanged_but_changed_by_someone_after_the_preview_is_refused_at_confirmation(
    office, personas, tree, criteria_set, a25
):
    """The template carries A's 1.1 = Có as stored; an officer sets it to Không after the preview.
    Confirming would have put Có back unseen (QA): the file predates the change, so it no longer
    passes the checks, and the cell says who changed it."""
    batch = batch_of(upload(office, fill(template(tree.d1, criteria_set), {("40101", "2.1"): 90}), criteria_set))
    assert batch.preview["unchanged"] == 1
    assessment_record_values(assessment=a25, entries=[ValueEntry("1.1", "không")], user=personas.officer_a)
    history = HistoryEntry.objects.count()
    response = office.post(reverse("reports:import_apply", args=["401", batch.pk]), follow=True)
    assert "no longer passes the checks" in response.content.decode()
    assert HistoryEntry.objects.count() == history
    assert stored(a25) == {"1.1": False}
    batch.refresh_from_db()
    assert batch.status == ImportStatus.INVALID
    assert [(e["cell"], e["message"].split(" by ")[0]) for e in batch.errors] == [
        ("E7", "The value of 1.1 for Xã Cẩm Thạch was changed to Không")
    ]


def test_confirming_records_the_values_that_were_checked_even_if_the_stored_file_changed(
    office, tree, criteria_set, a25
):
    content = fill(template(tree.d1, criteria_set), {("40101", "2.1"): "85,5", ("40102", "3.1"): 12})
    batch = batch_of(upload(office, content, criteria_set))
    other = fill(template(tree.d1, criteria_set), {("40101", "2.1"): 10, ("40102", "3.1"): 1})
    with open(batch.file.path, "wb") as kept:
        kept.write(other)
    response = office.post(reverse("reports:import_apply", args=["401", batch.pk]), follow=True)
    assert "The import was applied: 2 values recorded." in response.content.decode()
    assert stored(a25)["2.1"] == Decimal("85.5")
    assert stored(tree.b.assessments.get(year=YEAR)) == {"3.1": 12}
    batch.refresh_from_db()
    assert batch.checked_values == {}  # kept only until applied


def test_a_batch_checked_before_its_values_were_kept_is_applied_from_its_file(office, tree, criteria_set, a25):
    batch = batch_of(upload(office, fill(template(tree.d1, criteria_set), {("40101", "2.1"): 90}), criteria_set))
    ImportBatch.objects.filter(pk=batch.pk).update(checked_values={})
    response = office.post(reverse("reports:import_apply", args=["401", batch.pk]), follow=True)
    assert "The import was applied: 1 value recorded." in response.content.decode()
    assert stored(a25)["2.1"] == 90


def test_checking_and_confirming_take_as_many_queries_for_three_rows_as_for_one(
    client, personas, tree, criteria_set, a25
):
    for commune in (tree.b, tree.c):
        assessment_create(unit=commune, criteria_set=criteria_set, year=YEAR, user=personas.province_office)
    client.force_login(personas.province_office)
    client.get(reverse("reports:import", args=["40"]))  # the session is settled before counting
    three_rows = template(tree.province, criteria_set)
    book = load_workbook(io.BytesIO(three_rows))
    for row in book[layout.DATA_SHEET].iter_rows(min_row=layout.FIRST_DATA_ROW):
        if row[0].value != "40101":
            for cell in row:
                cell.value = None
    one_row = io.BytesIO()
    book.save(one_row)

    def queries(content, rows) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as checking:
            batch = batch_of(upload(client, content, criteria_set, code="40"))
        with CaptureQueriesContext(connection) as confirming:
            client.post(reverse("reports:import_apply", args=["40", batch.pk]))
        batch.refresh_from_db()
        assert (batch.rows, batch.status) == (rows, ImportStatus.APPLIED)
        return len(checking), len(confirming)

    assert queries(one_row.getvalue(), 1) == queries(three_rows, 3)


def test_checking_a_changed_number_takes_no_more_queries_than_a_changed_percentage(
    client, personas, tree, criteria_set, a25
):
    """A number is checked against its unit's target (``check_plausible_for``): the targets come
    with the set's structure, not one query per indicator."""
    client.force_login(personas.district_d1)
    client.get(reverse("reports:import", args=["401"]))  # the session is settled before counting

    def checking(values) -> int:
        with CaptureQueriesContext(connection) as captured:
            batch = batch_of(upload(client, fill(template(tree.d1, criteria_set), values), criteria_set))
        assert batch.status == ImportStatus.READY, batch.errors
        return len(captured)

    checking({("40101", "2.1"): 90})  # the set's structure read once, as every later request finds it
    assert checking({("40101", "3.1"): "41,5", ("40101", "2.2"): 12}) == checking({("40101", "2.1"): 91})


def test_an_assessment_locked_after_the_preview_makes_the_file_fail(office, personas, tree, criteria_set, a25):
    batch = batch_of(upload(office, fill(template(tree.d1, criteria_set), {("40101", "2.1"): 90}), criteria_set))
    assessment_set_state(assessment=a25, state=AssessmentState.SUBMITTED, user=personas.officer_a)
    response = office.post(reverse("reports:import_apply", args=["401", batch.pk]), follow=True)
    assert "no longer passes the checks" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.INVALID
    assert "submitted and can no longer be edited" in batch.errors[0]["message"]
    assert "2.1" not in stored(a25)


def test_applying_is_all_or_nothing(office, tree, criteria_set, a25, monkeypatch):
    """A refusal after the batch was written (the last step) rolls back every commune's values,
    the assessment started for the import and the history."""
    from django.core.exceptions import ValidationError

    from reports.importing import services

    real = services.assessments_record_values
    calls = []

    def refusing_after_writing(**kwargs):
        calls.append([assessment.unit.code for assessment, _entries in kwargs["batches"]])
        real(**kwargs)
        raise ValidationError("refused for the test")

    monkeypatch.setattr(services, "assessments_record_values", refusing_after_writing)
    content = fill(template(tree.d1, criteria_set), {("40101", "2.1"): 90, ("40102", "1.1"): "Có"})
    batch = batch_of(upload(office, content, criteria_set))
    history = HistoryEntry.objects.count()
    response = office.post(reverse("reports:import_apply", args=["401", batch.pk]), follow=True)
    assert "Nothing was written: refused for the test" in response.content.decode()
    assert calls == [["40101", "40102"]]  # one batch for the whole file
    assert "2.1" not in stored(a25)  # the first assessment's write was rolled back
    assert not tree.b.assessments.exists()
    assert HistoryEntry.objects.count() == history
    batch.refresh_from_db()
    assert batch.status == ImportStatus.READY


def test_percent_typed_with_a_percent_sign_in_excel(office, tree, criteria_set, a25):
    content = fill(template(tree.d1, criteria_set), {}, cells={"F7": 0.855})
    book = load_workbook(io.BytesIO(content))
    book[layout.DATA_SHEET]["F7"].number_format = "0.0%"
    out = io.BytesIO()
    book.save(out)
    batch = batch_of(upload(office, out.getvalue(), criteria_set))
    assert [c["new"] for c in batch.changes] == ["85.5"]


def test_checked_values_keep_every_digit_through_json():
    read = ReadValues(
        code_column=1,
        columns=[(5, "1.1"), (6, "2.1"), (7, "3.1"), (8, "3.2")],
        rows=[
            ReadRow(7, "40101", [(5, "1.1", False), (6, "2.1", Decimal("85.5")), (8, "3.2", Decimal("0.0001"))]),
            ReadRow(8, "40102", [(7, "3.1", Decimal("31003700000"))]),
            ReadRow(9, "40103"),
        ],
    )
    again = ReadValues.from_json(json.loads(json.dumps(read.as_json())))
    assert again == read


# --- Every error, with sheet, row, column and reason ---------------------------------------------------


def errors_of(office, content, criteria_set) -> list[tuple]:
    batch = batch_of(upload(office, content, criteria_set))
    assert batch.status == ImportStatus.INVALID
    assert not HistoryEntry.objects.filter(comment__contains="import").exists()
    return [(e["sheet"], e["row"], e["column"], e["message"]) for e in batch.errors]


def test_value_errors_are_listed_cell_by_cell(office, tree, criteria_set, a25):
    content = fill(
        template(tree.d1, criteria_set),
        {("40101", "2.1"): "120", ("40101", "3.1"): "nhiều", ("40102", "1.1"): "có lẽ", ("40102", "3.2"): -1},
        cells={"H8": "=1+1"},
    )
    errors = errors_of(office, content, criteria_set)
    assert errors == [
        ("Số liệu", 7, "F", "2.1: a percentage must be between 0 and 100."),
        ("Số liệu", 7, "H", "3.1: “nhiều” is not a number."),
        ("Số liệu", 8, "E", "1.1: “có lẽ” is not a yes/no answer (có / không)."),
        ("Số liệu", 8, "H", "A formula is not accepted: type the value itself."),
        ("Số liệu", 8, "I", "3.2: the value cannot be negative."),
    ]
    html = office.get(reverse("reports:import_batch", args=["401", ImportBatch.objects.get().pk])).content.decode()
    assert "5 errors: nothing was written" in html and "Confirm" not in html


def test_unit_errors(office, personas, tree, criteria_set, a25):
    content = fill(
        template(tree.d1, criteria_set),
        {},
        cells={
            "A9": "99999",
            "E9": "Có",  # unknown
            "A10": "40201",
            "E10": "Có",  # commune C is in district 402
            "A11": "40101-01",
            "E11": "Có",  # a village
            "A12": "40102",
            "E12": "Có",  # B twice
            "E13": "Có",  # values without a unit
        },
    )
    errors = errors_of(office, content, criteria_set)
    assert [(e[1], e[2], e[3]) for e in errors] == [
        (9, "A", "No unit of Huyện Một has the code “99999”."),
        # Commune C, of the other district, read alike: its name and existence not revealed.
        (10, "A", "No unit of Huyện Một has the code “40201”."),
        (11, "A", "Thôn Bắc is not a unit of the level this criteria set is for (commune)."),
        (12, "A", "Xã Đức Lĩnh is listed twice (also on row 8)."),
        (13, "A", "The unit code is missing."),
    ]


def test_a_unit_the_uploader_reads_outside_the_file_s_unit_is_named(client, personas, tree, criteria_set, a25):
    """The province office reads commune C: the row says where it lies instead."""
    client.force_login(personas.province_office)
    content = fill(template(tree.d1, criteria_set), {}, cells={"A9": "40201", "E9": "Có"})
    errors = errors_of(client, content, criteria_set)
    assert [(e[1], e[2], e[3]) for e in errors] == [(9, "A", "Xã Ân Phú is not inside Huyện Một.")]


def test_an_empty_row_of_a_unit_the_set_cannot_assess_changes_nothing_and_is_skipped(
    office, tree, criteria_set, a25, apart
):
    """An older template's rows of a ward, a township or a commune of another year, left empty,
    ask for nothing: the rest of the file imports."""
    content = fill(
        template(tree.d1, criteria_set),
        {("40101", "2.2"): "75,5"},
        cells={"A9": "40103", "B9": "Phường Thử Nghiệm", "A10": "40104", "D10": "Nháp", "A11": "40105"},
    )
    batch = batch_of(upload(office, content, criteria_set))
    assert batch.status == ImportStatus.READY and batch.errors == []
    assert [(c["unit"], c["code"]) for c in batch.changes] == [("40101", "2.2")]
    office.post(reverse("reports:import_apply", args=["401", batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED
    assert stored(a25)["2.2"] == Decimal("75.5")
    assert not apart.ward.assessments.exists() and not apart.township.assessments.exists()


def test_values_on_a_row_of_a_unit_the_set_cannot_assess_are_refused_at_that_row(
    office, tree, criteria_set, a25, apart
):
    content = fill(
        template(tree.d1, criteria_set),
        {("40101", "2.2"): "75,5"},
        cells={"A9": "40103", "F9": 80, "A10": "40104", "H10": "nhiều", "A11": "40105", "E11": "Có"},
    )
    errors = errors_of(office, content, criteria_set)
    assert [(e[1], e[2], e[3]) for e in errors] == [
        (
            9,
            "A",
            "Phường Thử Nghiệm is a Ward (phường): only rural communes (xã) are assessed against the NTM commune sets.",
        ),
        (
            10,
            "A",
            "Thị trấn Thử is a Township (thị trấn): only rural communes (xã) are assessed against the NTM commune "
            "sets.",
        ),
        # As starting the assessment on its page says it, naming the day the commune ended.
        (11, "A", "Xã Đã Nhập existed only until 31/12/2024: no assessment can be started for 2025."),
    ]


def test_the_template_of_another_set_sent_back_unchanged_skips_the_units_assessed_against_the_first(
    office, personas, tree, criteria_set, a25
):
    """Commune A's 2025 assessment is against the first set: its empty row in the other set's
    template asks for nothing; a value on it is refused (see the next section's test)."""
    other = make_set(code="OTHER-SET")
    set_in_force_choose(
        province=tree.province, year=YEAR, criteria_set=other, basis="KH 1", user=personas.province_office
    )
    batch = batch_of(upload(office, fill(template(tree.d1, other), {("40102", "2.1"): 90}), other))
    assert batch.status == ImportStatus.READY and batch.errors == []
    assert [c["unit"] for c in batch.changes] == ["40102"]


def test_an_indicator_not_in_the_set_and_a_locked_assessment(office, personas, tree, criteria_set, a25):
    assessment_set_state(assessment=a25, state=AssessmentState.SUBMITTED, user=personas.officer_a)
    content = fill(template(tree.d1, criteria_set), {("40101", "2.1"): 90}, cells={"J6": "9.9", "J8": 1})
    errors = errors_of(office, content, criteria_set)
    assert [(e[1], e[2], e[3]) for e in errors] == [
        (6, "J", "Indicator “9.9” is not in the criteria set Thử."),
        # At the cell typed into, not the unit's code (QA).
        (7, "F", "The assessment of Xã Cẩm Thạch is submitted and can no longer be edited."),
    ]


def test_a_locked_assessment_with_unchanged_values_is_no_error(office, personas, tree, criteria_set, a25):
    assessment_set_state(assessment=a25, state=AssessmentState.SUBMITTED, user=personas.officer_a)
    batch = batch_of(upload(office, template(tree.d1, criteria_set), criteria_set))
    assert batch.status == ImportStatus.READY and batch.changes == []


def test_a_unit_outside_the_writing_scope_is_an_error(personas, tree, criteria_set, a25):
    content = fill(template(tree.d1, criteria_set), {("40101", "2.1"): 90})
    plan = checked(content, tree.d1, criteria_set, personas.viewer)
    assert [(e["row"], e["column"], e["message"]) for e in plan.errors] == [
        (7, "A", "You may not change the data of Xã Cẩm Thạch."),
        (8, "A", "You may not change the data of Xã Đức Lĩnh."),
    ]


def test_an_income_typed_in_dong_is_an_error_at_its_cell_when_the_file_is_checked(personas, tree, criteria_set, a25):
    """3.1 is counted in triệu đồng (target 45 in 2025): 45.200.000 is refused at the check, as recording
    would refuse it, not found only when the import is confirmed; a plausible value beside it is
    not an error."""
    content = fill(template(tree.d1, criteria_set), {("40101", "3.1"): "45.200.000", ("40102", "3.1"): "45,2"})
    plan = checked(content, tree.d1, criteria_set, personas.district_d1)
    with translation.override("en"):
        assert [(e["row"], e["column"], e["message"]) for e in plan.errors] == [
            (
                7,
                "H",
                "3.1: 45.200.000 is more than 50 times the target (45 triệu đồng). Check the unit it is counted in.",
            )
        ]


def test_values_for_a_commune_formed_from_one_assessed_that_year_are_an_error_at_its_row(
    personas, tree, criteria_set, a25
):
    """Commune A is assessed for 2025; Xã Hợp Nhất, formed from it on 1 July 2025, cannot start a
    2025 assessment: the year's template leaves it out, and a row added for it by hand is an
    error at its row when the file is checked, before anything is confirmed."""
    tree.a.valid_to = datetime.date(2025, 6, 30)
    tree.a.save(update_fields=["valid_to"])
    new = CommuneFactory(code="40100", name="Xã Hợp Nhất", parent=tree.d1, valid_from=datetime.date(2025, 7, 1))
    UnitSuccession.objects.create(predecessor=tree.a, successor=new, date=datetime.date(2025, 7, 1))
    book = load_workbook(io.BytesIO(template(tree.d1, criteria_set)))
    listed = [row[0].value for row in book[layout.DATA_SHEET].iter_rows(min_row=layout.FIRST_DATA_ROW)]
    assert listed == ["40101", "40102"]  # not the new commune: its 2025 place is A's
    content = fill(
        template(tree.d1, criteria_set), {("40102", "2.1"): 85}, extra_rows=[("40100", "Xã Hợp Nhất", "", "", None, 90)]
    )
    plan = checked(content, tree.d1, criteria_set, personas.district_d1)
    [error] = plan.errors
    assert error["cell"].startswith("A") and error["message"].startswith(
        "Xã Cẩm Thạch already has its standard assessment for 2025, and Xã Hợp Nhất was formed from it"
    )


def test_errors_read_in_vietnamese(client, personas, tree, criteria_set, a25, vi_language):
    client.force_login(personas.district_d1)
    content = fill(template(tree.d1, criteria_set), {("40101", "2.1"): "120"})
    batch = batch_of(upload(client, content, criteria_set))
    assert batch.language == "vi"
    assert batch.errors[0]["message"] == "2.1: tỷ lệ phần trăm phải từ 0 đến 100."


def test_errors_checked_in_vietnamese_read_in_the_readers_language(client, personas, tree, criteria_set, a25, apart):
    """Each error keeps its reason in every language: the page words it in the reader's,
    whichever language the file was checked in."""
    client.force_login(personas.district_d1)
    content = fill(template(tree.d1, criteria_set), {("40101", "2.1"): "120"}, cells={"A9": "40103", "F9": 80})
    with translation.override("vi"):
        batch = batch_of(upload(client, content, criteria_set))
        url = reverse("reports:import_batch", args=["401", batch.pk])
        vietnamese = client.get(url).content.decode()
    assert batch.language == "vi"
    assert [e["message"] for e in batch.errors] == [
        "2.1: tỷ lệ phần trăm phải từ 0 đến 100.",
        "Phường Thử Nghiệm là Phường: chỉ các xã được đánh giá theo bộ tiêu chí xã nông thôn mới.",
    ]
    assert "2.1: tỷ lệ phần trăm phải từ 0 đến 100." in vietnamese
    english = client.get(reverse("reports:import_batch", args=["401", batch.pk])).content.decode()
    assert "2.1: a percentage must be between 0 and 100." in english
    assert (
        "Phường Thử Nghiệm is a Ward (phường): only rural communes (xã) are assessed against the NTM commune sets."
        in english
    )
    assert "tỷ lệ phần trăm" not in english


def test_an_error_kept_before_its_languages_is_shown_as_it_was_kept(office, tree, criteria_set):
    batch = batch_of(upload(office, fill(template(tree.d1, criteria_set), {("40101", "2.1"): "120"}), criteria_set))
    batch.errors = [{**e, "message": "2.1: tỷ lệ phần trăm phải từ 0 đến 100."} for e in batch.errors]
    for error in batch.errors:
        del error["messages"]
    batch.save()
    html = office.get(reverse("reports:import_batch", args=["401", batch.pk])).content.decode()
    assert "2.1: tỷ lệ phần trăm phải từ 0 đến 100." in html


def test_the_preview_shows_numbers_as_vietnamese_write_them(client, personas, tree, criteria_set, a25, vi_language):
    client.force_login(personas.district_d1)
    batch = batch_of(upload(client, fill(template(tree.d1, criteria_set), {("40101", "2.1"): "85,5"}), criteria_set))
    assert batch.changes[0]["new"] == "85.5"  # kept language-neutral
    html = client.get(reverse("reports:import_batch", args=["401", batch.pk])).content.decode()
    assert '<td class="num">85,5</td>' in html


# --- Wrong or hostile files: refused, nothing stored, nothing written ----------------------------------


def refused(office, content, criteria_set, message, **kwargs):
    response = upload(office, content, criteria_set, **kwargs)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert not HistoryEntry.objects.filter(comment__contains="import").exists()


def test_an_empty_file_is_refused_as_empty(office, criteria_set):
    refused(office, b"", criteria_set, "The file is empty.")


def test_a_file_that_is_not_a_workbook_is_refused(office, criteria_set):
    refused(office, b"%PDF-1.4 not a workbook", criteria_set, "This file is not an Excel workbook (.xlsx).")


def test_a_renamed_zip_is_refused(office, criteria_set):
    refused(office, zip_of({"readme.txt": b"hello"}), criteria_set, "a zip archive, not an Excel workbook")


def test_a_word_document_is_refused(office, criteria_set):
    content = zip_of(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
            "xl/workbook.xml": b"<workbook/>",
        }
    )
    refused(office, content, criteria_set, "a zip archive, not an Excel workbook")


# Files an office saves instead of the .xlsx: made by LibreOffice from a workbook (.xls, .ods),
# and a .csv as Excel writes one (UTF-8 with its mark, or Windows-1258 on a Vietnamese Windows).
FILES = Path(__file__).parent / "files"
OTHER_FORMATS = {
    "xls": (FILES / "saved-as.xls").read_bytes(),
    "ods": (FILES / "saved-as.ods").read_bytes(),
    "csv": (FILES / "saved-as.csv").read_bytes(),
}
SAVE_AS = "Open it in Excel or LibreOffice and save it as an Excel Workbook (.xlsx), then upload that file."


def test_an_old_excel_workbook_is_refused_saying_how_to_save_it_as_xlsx(office, criteria_set):
    """QA: ".xls" only read "This file is not an Excel workbook (.xlsx)"."""
    assert OTHER_FORMATS["xls"].startswith(b"\xd0\xcf\x11\xe0")
    message = "This file is an Excel 97–2003 workbook (.xls), not an Excel workbook (.xlsx). " + SAVE_AS
    refused(office, OTHER_FORMATS["xls"], criteria_set, message)


def test_an_opendocument_spreadsheet_is_refused_saying_how_to_save_it_as_xlsx(office, criteria_set):
    """QA: ".ods" read "This file is a zip archive, not an Excel workbook (.xlsx)"."""
    message = "This file is an OpenDocument spreadsheet (.ods), not an Excel workbook (.xlsx). " + SAVE_AS
    refused(office, OTHER_FORMATS["ods"], criteria_set, message)


@pytest.mark.parametrize(
    "content",
    [
        OTHER_FORMATS["csv"],
        b"\xef\xbb\xbf" + "ma_don_vi,tieu_chi_dat\r\n40101,Có\r\n".encode(),
        "Năm;Đơn\r\n2019;40101\r\n".encode("cp1258"),
        "Mã đơn vị\t2019\r\n".encode("utf-16"),
    ],
    ids=["csv", "utf-8-with-mark", "windows-1258", "unicode-text"],
)
def test_a_text_file_is_refused_saying_to_copy_its_values_into_the_template(office, criteria_set, content):
    refused(office, content, criteria_set, "This file is text (such as .csv), not an Excel workbook (.xlsx).")
    refused(office, content, criteria_set, "download the template from this page, copy the values into it")


def test_a_password_protected_workbook_saved_by_excel_is_refused_as_such(office, criteria_set):
    """Excel encrypts an .xlsx into an OLE2 file holding an "EncryptedPackage" stream."""
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "EncryptedPackage".encode("utf-16-le") + b"\0\0"
    refused(office, content, criteria_set, "Password-protected workbooks are not accepted.")


def test_a_word_97_document_is_not_called_an_old_workbook(office, criteria_set):
    word = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)
    word += "WordDocument".encode("utf-16-le") + b"\0\0" + "Book".encode("utf-16-le") + b"\0\0"
    refused(office, word, criteria_set, "This file is not an Excel workbook (.xlsx).")


def test_a_decompression_bomb_is_refused_unread(office, tree, criteria_set):
    bomb = rezip(template(tree.d1, criteria_set), add={"xl/media/padding.bin": b"\0" * (45 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    refused(office, bomb, criteria_set, "possible decompression bomb")


def test_a_part_larger_than_it_declares_is_refused(tree, criteria_set):
    from django.core.exceptions import ValidationError

    content = template(tree.d1, criteria_set)
    archive = zipfile.ZipFile(io.BytesIO(content))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    # Shrink the declared size in the central directory; the data stays as it is.
    patched = bytearray(content)
    position = patched.find(b"PK\x01\x02")
    while position != -1:
        name_length = int.from_bytes(patched[position + 28 : position + 30], "little")
        name = bytes(patched[position + 46 : position + 46 + name_length]).decode()
        if name == info.filename:
            patched[position + 24 : position + 28] = (100).to_bytes(4, "little")
        position = patched.find(b"PK\x01\x02", position + 4)
    with pytest.raises(ValidationError) as caught:
        read_template(bytes(patched), bounds=template_bounds(tree.d1, criteria_set, YEAR))
    assert caught.value.code in {"bomb", "damaged"}


def test_a_workbook_with_macros_is_refused(office, tree, criteria_set):
    content = rezip(template(tree.d1, criteria_set), add={"xl/vbaProject.bin": b"macro"})
    refused(office, content, criteria_set, "Workbooks with macros are not accepted")


def test_xml_entities_are_refused(office, tree, criteria_set):
    content = template(tree.d1, criteria_set)
    workbook_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/workbook.xml").decode()
    laughs = '<!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    workbook_xml = (
        workbook_xml.replace("?>", "?>" + laughs, 1) if workbook_xml.startswith("<?xml") else laughs + workbook_xml
    )
    refused(
        office,
        rezip(content, replace={"xl/workbook.xml": workbook_xml.encode()}),
        criteria_set,
        "XML constructs that are not accepted",
    )


def test_a_file_over_the_limit_is_refused(office, criteria_set):
    refused(office, b"PK\x03\x04" + b"\0" * (5 * 1024 * 1024), criteria_set, "The file is larger than 5 MB.")


def test_a_sheet_far_larger_than_the_template_is_refused(office, tree, criteria_set):
    bounds = template_bounds(tree.d1, criteria_set, YEAR)
    assert bounds.units == 2  # communes A and B: the area ends at row 7 + 2 + 200 - 1
    next_row, next_column = bounds.last_row + 1, get_column_letter(bounds.last_column + 1)
    content = fill(template(tree.d1, criteria_set), {}, cells={f"E{next_row}": "Có"})
    refused(office, content, criteria_set, f"has data far beyond the template (cell E{next_row})")
    content = fill(template(tree.d1, criteria_set), {}, cells={f"{next_column}7": 1})
    refused(office, content, criteria_set, f"has data far beyond the template (cell {next_column}7)")
    # Further out nothing is read; the sheet's declared size gives it away.
    content = fill(template(tree.d1, criteria_set), {}, cells={"E5000": "Có"})
    refused(office, content, criteria_set, "has values far beyond the template, in E5000: delete them")
    content = fill(template(tree.d1, criteria_set), {}, cells={"BZ7": 1})
    refused(office, content, criteria_set, "has values far beyond the template, in BZ7: delete them")


def _with_sheet_xml(content: bytes, change) -> bytes:
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    return rezip(content, replace={"xl/worksheets/sheet1.xml": change(sheet).encode()})


def test_a_declared_dimension_of_a_million_rows_is_refused_without_walking_them(office, tree, criteria_set):
    """The probe's 12.8 KB file: ``<dimension ref="A1:XFD1048576"/>`` and an empty last row."""

    def bomb(sheet: str) -> str:
        sheet = re.sub(r"<dimension [^>]*/>", "", sheet)
        sheet = re.sub(r"(<worksheet[^>]*>)", r'\1<dimension ref="A1:XFD1048576"/>', sheet, count=1)
        return sheet.replace("</sheetData>", '<row r="1048576"/></sheetData>')

    content = _with_sheet_xml(template(tree.d1, criteria_set), bomb)
    started = time.process_time()
    refused(office, content, criteria_set, "extends far beyond the template (to cell XFD1048576)")
    assert time.process_time() - started < 1.0


def test_an_empty_row_far_below_is_not_walked_even_without_a_dimension(tree, criteria_set):
    def no_dimension(sheet: str) -> str:
        sheet = re.sub(r"<dimension [^>]*/>", "", sheet)
        return sheet.replace(
            "</sheetData>", '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
        )

    content = _with_sheet_xml(template(tree.d1, criteria_set), no_dimension)
    started = time.process_time()
    read = read_template(content, bounds=template_bounds(tree.d1, criteria_set, YEAR))
    assert time.process_time() - started < 1.0
    assert [row for row, _cells in read.rows] == [7, 8]  # the template's two communes, nothing else


def test_the_row_limit_comes_from_the_server_not_from_the_files_meta_sheet(office, tree, criteria_set):
    content = template(tree.d1, criteria_set)
    book = load_workbook(io.BytesIO(fill(content, {}, cells={"E400": "Có"})))
    meta = book[layout.META_SHEET]
    for row in meta.iter_rows():
        if row[0].value in {"rows", "columns"}:
            row[1].value = 200000
    out = io.BytesIO()
    book.save(out)
    refused(office, out.getvalue(), criteria_set, "far beyond the template")


def test_a_workbook_that_is_not_a_portal_template_is_refused(office, criteria_set):
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "ma_don_vi"
    out = io.BytesIO()
    book.save(out)
    refused(office, out.getvalue(), criteria_set, "is not an import template of the portal")


def test_a_template_of_another_set_unit_or_year_is_refused(office, tree, criteria_set):
    other_set = make_set(code="OTHER", year_from=2021, year_to=2030)
    refused(
        office,
        template(tree.d1, other_set),
        criteria_set,
        "This template is for the criteria set Thử v1 (1/QĐ-TEST), not",
    )
    # Huyện Hai lies outside the district's area: its name is not revealed, only the file's code.
    refused(office, template(tree.d2, criteria_set), criteria_set, "This template is for 402, not Huyện Một (401).")
    refused(
        office, template(tree.d1, criteria_set, 2024), criteria_set, "This template is for the year 2024, not 2025."
    )


def _meta_set(content: bytes, **values) -> bytes:
    """The template with these rows of its hidden meta sheet changed (as a user may edit them)."""
    book = load_workbook(io.BytesIO(content))
    for row in book[layout.META_SHEET].iter_rows():
        if row[0].value in values:
            row[1].value = values[row[0].value]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_template_of_another_unit_is_named_from_the_database_where_the_user_reads_that_unit(
    client, personas, tree, criteria_set
):
    """QA: a file whose meta sheet named another commune's code kept this commune's name, and the
    refusal read "for Xã Liên Sơn (DEMO-X002), not Xã Liên Sơn (DEMO-X001)"."""
    client.force_login(personas.province_office)
    content = _meta_set(template(tree.d1, criteria_set), unit="402")  # unit_name still "Huyện Một"
    refused(client, content, criteria_set, "This template is for Huyện Hai (402), not Huyện Một (401).")


def test_a_template_naming_a_unit_outside_the_area_shows_only_its_code(office, tree, criteria_set):
    content = _meta_set(template(tree.d1, criteria_set), unit="40201", unit_name="Xã Ân Phú")
    response = upload(office, content, criteria_set)
    assert response.status_code == 400
    assert "This template is for 40201, not Huyện Một (401)." in response.content.decode()
    assert "Ân Phú" not in response.content.decode()


def test_a_larger_template_of_another_set_is_told_apart_by_its_set_not_its_size(
    office, tree, criteria_set, monkeypatch
):
    """QA: the villages' template uploaded for the communes' set was refused as data "far beyond
    the template" (its 315 rows reach further): the meta sheet is read first."""
    from communes.tests.factories import VillageFactory

    monkeypatch.setattr(layout, "EXTRA_ROWS", 0)  # the margin a real province's file is far beyond

    for n in range(1, 8):
        VillageFactory(code=f"40101-9{n}", name=f"Thôn {n}", parent=tree.a)
    villages = make_set(code="VILLAGES", level="village", year_from=2021, year_to=2030)
    refused(office, template(tree.d1, villages), criteria_set, "This template is for the criteria set")


def test_a_year_outside_the_set_is_refused(office, tree, criteria_set):
    refused(
        office, template(tree.d1, criteria_set), criteria_set, "applies to the years 2021–2030, not 2031", year=2031
    )


# --- Large imports run in the background --------------------------------------------------------------


def test_a_large_import_is_checked_and_applied_in_the_background(
    office, personas, tree, criteria_set, a25, immediate_tasks, monkeypatch
):
    from reports import views_import

    monkeypatch.setattr(views_import, "INLINE_MAX_ROWS", 1)
    content = fill(template(tree.d1, criteria_set), {("40101", "2.1"): 90, ("40102", "1.1"): "Có"})
    response = upload(office, content, criteria_set)
    check = ReportJob.objects.get(kind="import_check")
    assert response["Location"] == reverse("reports:job", args=[check.pk])
    assert check.status == JobStatus.DONE and check.user == personas.district_d1
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.READY and batch.job == check and len(batch.changes) == 2
    assert reverse("reports:import_batch", args=["401", batch.pk]) in office.get(response["Location"]).content.decode()

    response = office.post(reverse("reports:import_apply", args=["401", batch.pk]))
    apply = ReportJob.objects.get(kind="import_apply")
    assert response["Location"] == reverse("reports:job", args=[apply.pk])
    assert apply.status == JobStatus.DONE and apply.params["outcome"] == "applied"
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED
    assert stored(a25)["2.1"] == 90
    assert HistoryEntry.objects.filter(kind="value", user=personas.district_d1).count() == 2


def test_a_background_confirmation_that_wrote_nothing_says_so_on_the_jobs_page(
    office, personas, tree, criteria_set, a25, immediate_tasks, monkeypatch
):
    """QA: a value changed on the sheet between the preview and a background confirmation:
    nothing was written, as it should be, but the job's page said only "Done"."""
    from reports import views_import

    monkeypatch.setattr(views_import, "INLINE_MAX_ROWS", 1)
    content = fill(template(tree.d1, criteria_set), {("40101", "2.1"): 90, ("40102", "1.1"): "Có"})
    checked = office.get(upload(office, content, criteria_set)["Location"]).content.decode()
    assert "The file passed the checks: 2 changes to review and confirm." in checked
    batch = ImportBatch.objects.get()
    # Commune B's assessment is started on its page meanwhile: the file no longer starts it.
    assessment_create(unit=tree.b, criteria_set=criteria_set, year=YEAR, user=personas.officer_b)
    response = office.post(reverse("reports:import_apply", args=["401", batch.pk]))
    page = office.get(response["Location"]).content.decode()
    assert "The data changed since the preview. Nothing was written" in page
    assert "2.1" not in stored(a25)


def test_a_second_confirmation_of_a_large_import_shows_its_job_and_never_applies_it_inline(
    office, personas, tree, criteria_set, a25, immediate_tasks, monkeypatch, settings
):
    """QA: confirmed from two tabs, the first queued the job and the second applied all 24,462
    values inside the request (13 s); the queued job then found nothing to do."""
    from reports import views_import

    monkeypatch.setattr(views_import, "INLINE_MAX_ROWS", 1)
    content = fill(template(tree.d1, criteria_set), {("40101", "2.1"): 90, ("40102", "1.1"): "Có"})
    upload(office, content, criteria_set)  # checked at once (the immediate backend)
    batch = ImportBatch.objects.get()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}  # no worker

    first = office.post(reverse("reports:import_apply", args=["401", batch.pk]))
    second = office.post(reverse("reports:import_apply", args=["401", batch.pk]))
    apply = ReportJob.objects.get(kind="import_apply")
    assert first["Location"] == second["Location"] == reverse("reports:job", args=[apply.pk])
    page = office.get(second["Location"]).content.decode()
    assert "This import is being applied in the background: this is its job." in page
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLYING and apply.status == JobStatus.QUEUED
    assert "2.1" not in stored(a25)  # nothing written inside the request


def test_a_background_check_that_found_errors_says_so_on_the_jobs_page(
    office, tree, criteria_set, a25, immediate_tasks, monkeypatch
):
    from reports import views_import

    monkeypatch.setattr(views_import, "INLINE_MAX_ROWS", 1)
    content = fill(template(tree.d1, criteria_set), {("40101", "2.1"): "abc", ("40102", "2.1"): 120})
    page = office.get(upload(office, content, criteria_set)["Location"]).content.decode()
    assert "The check found 2 errors: nothing will be written" in page


def test_someone_elses_batch_is_404(client, office, personas, tree, criteria_set, a25):
    batch = batch_of(upload(office, fill(template(tree.d1, criteria_set), {("40101", "2.1"): 90}), criteria_set))
    client.force_login(personas.province_office)
    assert client.get(reverse("reports:import_batch", args=["401", batch.pk])).status_code == 404
    assert client.post(reverse("reports:import_apply", args=["401", batch.pk])).status_code == 404


def test_a_unit_already_assessed_at_the_tier_against_another_set_is_refused_not_duplicated(
    office, personas, tree, criteria_set, a25
):
    other = make_set(code="OTHER-SET")  # another standard set: the import would start a second assessment
    set_in_force_choose(
        province=tree.province, year=YEAR, criteria_set=criteria_set, basis="KH 1", user=personas.province_office
    )
    content = fill(template(tree.d1, other), {("40101", "2.1"): 90, ("40102", "2.1"): 85})
    errors = errors_of(office, content, other)
    assert [(e[1], e[2], e[3]) for e in errors] == [
        (
            7,
            "A",
            "Xã Cẩm Thạch already has its 2025 assessment at this tier, against Thử (1/QĐ-TEST): one assessment "
            "per unit, tier and year. Download the template for that set.",
        ),
        (
            8,
            "A",
            "The set in force for 2025 is Thử (1/QĐ-TEST). To assess Xã Đức Lĩnh against another set, start its "
            "assessment on its page with a reason, then import its values.",
        ),
    ]
    assert a25.unit.assessments.count() == 1


def test_the_set_in_force_starts_without_a_reason_and_another_set_is_started_on_the_page_first(
    office, personas, tree, criteria_set
):
    """The shared rule: starting against another set than the one in force needs a reason,
    which the values sheet has no place for."""
    other = make_set(code="OTHER-SET")
    set_in_force_choose(
        province=tree.province, year=YEAR, criteria_set=other, basis="KH 1", user=personas.province_office
    )
    refused = errors_of(office, fill(template(tree.d1, criteria_set), {("40101", "2.1"): 90}), criteria_set)
    assert [(e[1], e[2]) for e in refused] == [(7, "A")] and "start its assessment on its page" in refused[0][3]
    batch = batch_of(upload(office, fill(template(tree.d1, other), {("40101", "2.1"): 90}), other))
    assert batch.status == ImportStatus.READY and [s["unit"] for s in batch.starts] == ["40101"]


def test_a_refused_application_is_told_in_the_readers_language(client, personas, tree, criteria_set, a25, monkeypatch):
    """QA: "Nothing was written: …" was kept in the uploader's language only; it is kept in
    each, like the errors of the check, and a batch refused before that shows as it was kept."""
    from django.core.exceptions import ValidationError

    from criteria.services import MSG_STALE
    from reports.importing import services

    def refusing(**kwargs):
        raise ValidationError(MSG_STALE, params={"indicator": "2.1", "user": "xa1", "value": "90"})

    monkeypatch.setattr(services, "assessments_record_values", refusing)
    client.force_login(personas.district_d1)
    content = fill(template(tree.d1, criteria_set), {("40101", "2.1"): 80})
    with translation.override("vi"):
        batch = batch_of(upload(client, content, criteria_set))
        url = reverse("reports:import_batch", args=["401", batch.pk])
        applied = client.post(reverse("reports:import_apply", args=["401", batch.pk]), follow=True)
        vietnamese = client.get(url).content.decode()
    told = "Chưa ghi gì: 2.1 vừa được xa1 sửa (hiện là: 90)."
    assert told in applied.content.decode() and told in vietnamese
    english = client.get(reverse("reports:import_batch", args=["401", batch.pk])).content.decode()
    assert "Nothing was written: 2.1 was changed by xa1 in the meantime (now: 90)." in english
    assert "Chưa ghi gì" not in english
    ImportBatch.objects.filter(pk=batch.pk).update(message_worded={})  # kept before its languages
    assert told in client.get(url).content.decode()


def test_a_year_that_has_not_begun_is_refused_at_the_year_field(office, tree, criteria_set):
    """Its rows would start assessments ahead of their year, which the services refuse: the
    import said "Nothing was written" only when confirmed."""
    next_year = datetime.date.today().year + 1
    response = office.get(
        reverse("reports:import_template", args=["401"]), {"criteria_set": criteria_set.pk, "year": next_year}
    )
    assert (
        response["Content-Type"].startswith("text/html") and f"{next_year} has not begun" in response.content.decode()
    )
    uploaded = upload(
        office, fill(template(tree.d1, criteria_set), {("40101", "2.1"): 90}), criteria_set, year=next_year
    )
    assert uploaded.status_code == 400 and f"{next_year} has not begun" in uploaded.content.decode()


def test_the_english_preview_writes_numbers_as_the_file_takes_them(office, tree, criteria_set, a25):
    """QA: the English preview showed "1,500", which typed back into the file reads as 1,5."""
    batch = batch_of(upload(office, fill(template(tree.d1, criteria_set), {("40101", "3.1"): "1.500,5"}), criteria_set))
    html = office.get(reverse("reports:import_batch", args=["401", batch.pk])).content.decode()
    assert '<td class="num">1.500,5</td>' in html and "1,500.5" not in html


def test_an_applied_import_says_what_it_recorded_not_what_it_will(office, tree, criteria_set, a25):
    """QA: after applying, the page still said "12 values to record" under a column "Now"."""
    batch = batch_of(upload(office, fill(template(tree.d1, criteria_set), {("40101", "2.1"): 90}), criteria_set))
    office.post(reverse("reports:import_apply", args=["401", batch.pk]))
    html = office.get(reverse("reports:import_batch", args=["401", batch.pk])).content.decode()
    assert "1 change recorded; each sheet's history names this import." in html
    assert "to record" not in html and ">Before<" in html


def test_a_district_that_ended_opens_its_import_on_the_last_year_it_existed(office, personas, tree, criteria_set):
    """QA: a district ended on 30/06/2025 offered 2026, and its template link answered 400."""
    tree.d1.valid_to = datetime.date(2025, 6, 30)
    tree.d1.save()
    html = office.get(reverse("reports:import", args=["401"])).content.decode()
    years = re.findall(r'<input type="number" name="year" value="(\d+)"', html)
    assert years and set(years) == {"2025"}, years
    response = office.get(
        reverse("reports:import_template", args=["401"]), {"criteria_set": criteria_set.pk, "year": 2025}
    )
    assert response.status_code == 200
    # A district still in existence opens on this year.
    office.force_login(personas.district_d2)
    html = office.get(reverse("reports:import", args=["402"])).content.decode()
    assert f'name="year" value="{timezone.localdate().year}"' in html


def test_the_template_form_names_a_one_year_set_s_year_once():
    """QA: a set of one year read "2024–2024" in the choice of a set."""
    from criteria.models import CriteriaSet
    from reports.importing.forms import SetChoiceField

    one_year = CriteriaSet(
        code="X", version=1, short_name="Thử", decision_number="1/QĐ", level="commune", year_from=2024, year_to=2024
    )
    label = SetChoiceField(queryset=CriteriaSet.objects.none()).label_from_instance(one_year)
    assert label == "Thử v1 (1/QĐ) · Commune · 2024"
