"""Import from Excel: a template older than the values it would overwrite, and how cells are quoted.

QA: huyen1 downloaded a template (2.1 = 100), the commune officer then saved 2.1 = 90, and
huyen1 uploaded the old file with another cell edited: the preview listed "90 → 100" among the
intended changes and confirming put 100 back. A cell whose value was changed after the file's
template was made is now an error at that cell, naming who changed it, to what and when.
"""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from criteria.models import HistoryEntry
from criteria.services import ValueEntry, assessment_create, assessment_record_values
from reports.importing import layout
from reports.importing.checks import check_template
from reports.importing.reader import read_template
from reports.importing.template import import_template, template_bounds
from reports.models import ImportBatch, ImportStatus
from reports.tests.excel.helpers import fill

pytestmark = pytest.mark.django_db

YEAR = 2025


def at(hour: int, minute: int = 0, second: int = 0, micro: int = 0, day: int = 5) -> datetime.datetime:
    """A moment of December 2025 in the portal's time zone (Vietnam)."""
    return timezone.make_aware(datetime.datetime(2025, 12, day, hour, minute, second, micro))


@pytest.fixture
def office(client, personas):
    client.force_login(personas.district_d1)
    return client


@pytest.fixture
def officer(personas):
    officer = personas.officer_a
    officer.last_name, officer.first_name = "Nguyễn Văn", "A"
    officer.save()
    return officer


@pytest.fixture
def a25(tree, officer, criteria_set):
    """Commune A's 2025 assessment: 1.1 = có and 2.1 = 100, saved at 08:00 on 05/12/2025."""
    a = assessment_create(unit=tree.a, criteria_set=criteria_set, year=YEAR, user=officer, at=at(7))
    entries = [ValueEntry("1.1", "có"), ValueEntry("2.1", "100")]
    assessment_record_values(assessment=a, entries=entries, user=officer, at=at(8))
    return a


def meta_set(content: bytes, **values) -> bytes:
    """The template with these rows of its hidden meta sheet changed (None: the row removed)."""
    book = load_workbook(io.BytesIO(content))
    for row in book[layout.META_SHEET].iter_rows():
        if row[0].value in values:
            if values[row[0].value] is None:
                row[0].value = row[1].value = None
            else:
                row[1].value = values[row[0].value]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_at(moment: datetime.datetime, tree, criteria_set) -> bytes:
    """District 1's template as downloaded at ``moment`` (its meta sheet says so)."""
    content = import_template(unit=tree.d1, criteria_set=criteria_set, year=YEAR)
    return meta_set(
        content,
        generated_at=f"{timezone.localtime(moment):%Y-%m-%dT%H:%M:%S}",
        generated_at_utc=moment.astimezone(datetime.UTC).isoformat(),
    )


def upload(client, content, criteria_set, *, code="401"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("reports:import", args=[code]),
        {"criteria_set": criteria_set.pk, "year": YEAR, "file": SimpleUploadedFile("so-lieu.xlsx", content)},
    )


def batch_of(response) -> ImportBatch:
    assert response.status_code == 302, response.content.decode()[:3000]
    return ImportBatch.objects.latest("pk")


def values_of(assessment) -> dict:
    return {v.indicator.code: v.value for v in assessment.values.select_related("indicator")}


def errors_of(batch) -> list[tuple[str, str]]:
    return [(e["cell"], e["message"]) for e in batch.errors]


# --- A value changed after the template was made --------------------------------------------


def test_a_value_saved_after_the_template_was_downloaded_is_a_conflict_at_its_cell(
    office, officer, tree, criteria_set, a25
):
    content = fill(template_at(at(9), tree, criteria_set), {("40101", "2.2"): 5})  # only 2.2 edited
    assessment_record_values(assessment=a25, entries=[ValueEntry("2.1", "90")], user=officer, at=at(10, 15))
    history = HistoryEntry.objects.count()

    batch = batch_of(upload(office, content, criteria_set))

    assert batch.status == ImportStatus.INVALID
    assert errors_of(batch) == [
        (
            "F7",
            "The value of 2.1 for Xã Cẩm Thạch was changed to 90 by Nguyễn Văn A at 10:15 05/12/2025, after the "
            "template was downloaded (09:00): the file has 100. Download a new template, or write 90 again to keep "
            "that value.",
        )
    ]
    page = office.get(reverse("reports:import_batch", args=["401", batch.pk])).content.decode()
    assert "changed to 90 by Nguyễn Văn A at 10:15 05/12/2025" in page
    assert "Confirm and record these values" not in page
    # Nothing is applied while the conflict remains: all or nothing.
    response = office.post(reverse("reports:import_apply", args=["401", batch.pk]))
    assert response.status_code in (302, 400, 409)
    assert values_of(a25) == {"1.1": True, "2.1": 90}
    assert HistoryEntry.objects.count() == history


def test_writing_the_stored_value_again_or_a_fresh_template_imports(office, officer, tree, criteria_set, a25):
    old = template_at(at(9), tree, criteria_set)
    assessment_record_values(assessment=a25, entries=[ValueEntry("2.1", "90")], user=officer, at=at(10, 15))

    # The cell equal to the stored value is never a conflict.
    kept = batch_of(upload(office, fill(old, {("40101", "2.1"): 90, ("40101", "2.2"): 5}), criteria_set))
    assert kept.status == ImportStatus.READY, kept.errors
    assert [(c["code"], c["old"], c["new"]) for c in kept.changes] == [("2.2", "", "5")]

    # A fresh template holds 90: the office may write 95 over it.
    fresh = import_template(unit=tree.d1, criteria_set=criteria_set, year=YEAR)
    batch = batch_of(upload(office, fill(fresh, {("40101", "2.1"): 95}), criteria_set))
    assert [(c["code"], c["old"], c["new"]) for c in batch.changes] == [("2.1", "90", "95")]
    office.post(reverse("reports:import_apply", args=["401", batch.pk]))
    assert values_of(a25)["2.1"] == 95


def test_a_value_the_same_office_imported_since_the_template_is_a_conflict_too(
    office, personas, tree, criteria_set, a25
):
    personas.district_d1.last_name, personas.district_d1.first_name = "Trần Thị", "B"
    personas.district_d1.save()
    old = template_at(at(9), tree, criteria_set)
    first = batch_of(upload(office, fill(old, {("40101", "2.1"): 80}), criteria_set))
    office.post(reverse("reports:import_apply", args=["401", first.pk]))
    first.refresh_from_db()
    assert first.status == ImportStatus.APPLIED
    imported_at = HistoryEntry.objects.filter(comment__contains=f"no. {first.pk}").get().at

    # The same old file, another cell edited: its 2.1 (100) predates the import of 80.
    again = batch_of(upload(office, fill(old, {("40101", "2.2"): 5}), criteria_set))
    local = timezone.localtime(imported_at)
    assert errors_of(again) == [
        (
            "F7",
            f"The value of 2.1 for Xã Cẩm Thạch was changed to 80 by Trần Thị B at {local:%H:%M %d/%m/%Y}, after "
            "the template was downloaded (09:00 05/12/2025): the file has 100. Download a new template, or write 80 "
            "again to keep that value.",
        )
    ]
    assert values_of(a25)["2.1"] == 80


def test_a_note_changed_or_a_value_changed_and_back_since_the_template_is_no_conflict(
    office, officer, tree, criteria_set, a25
):
    old = template_at(at(9), tree, criteria_set)
    assessment_record_values(assessment=a25, entries=[ValueEntry("2.1", "100", note="Đo lại")], user=officer, at=at(10))
    assessment_record_values(assessment=a25, entries=[ValueEntry("1.1", "không")], user=officer, at=at(10, 5))
    assessment_record_values(assessment=a25, entries=[ValueEntry("1.1", "có")], user=officer, at=at(10, 6))
    batch = batch_of(upload(office, fill(old, {("40101", "2.1"): 95, ("40101", "1.1"): "Không"}), criteria_set))
    assert batch.status == ImportStatus.READY, batch.errors
    assert [(c["code"], c["old"], c["new"]) for c in batch.changes] == [("1.1", "Có", "Không"), ("2.1", "100", "95")]


def test_a_value_emptied_since_the_template_asks_to_empty_the_cell(office, officer, tree, criteria_set, a25):
    """A file cannot write an empty value (an empty cell changes nothing): it keeps one by being empty."""
    old = template_at(at(9), tree, criteria_set)
    assessment_record_values(assessment=a25, entries=[ValueEntry("2.1", "")], user=officer, at=at(10, 15))
    batch = batch_of(upload(office, fill(old, {("40101", "2.2"): 7}), criteria_set))
    assert errors_of(batch) == [
        (
            "F7",
            "The value of 2.1 for Xã Cẩm Thạch was changed to (empty) by Nguyễn Văn A at 10:15 05/12/2025, after "
            "the template was downloaded (09:00): the file has 100. Download a new template, or empty the cell to "
            "keep that value.",
        )
    ]


def test_an_older_template_is_judged_by_its_time_to_the_second(office, officer, tree, criteria_set, a25):
    """Templates made before the exact moment was kept say when to the second, in Vietnam's time:
    a value saved within that second counts as later (downloading again costs little; a value
    overwritten unseen is lost)."""
    content = import_template(unit=tree.d1, criteria_set=criteria_set, year=YEAR)
    assessment_record_values(assessment=a25, entries=[ValueEntry("2.1", "90")], user=officer, at=at(10, 15, 0, 400_000))
    same_second = meta_set(content, generated_at="2025-12-05T10:15:00", generated_at_utc=None)
    batch = batch_of(upload(office, fill(same_second, {("40101", "2.2"): 5}), criteria_set))
    assert [cell for cell, _message in errors_of(batch)] == ["F7"]
    assert "after the template was downloaded (10:15)" in batch.errors[0]["message"]

    # A template that says it was made in the next second came after the change: its 100 is typed over 90.
    next_second = meta_set(content, generated_at="2025-12-05T10:15:01", generated_at_utc=None)
    batch = batch_of(upload(office, fill(next_second, {("40101", "2.2"): 5}), criteria_set))
    assert batch.status == ImportStatus.READY, batch.errors
    assert [(c["code"], c["old"], c["new"]) for c in batch.changes] == [("2.1", "90", "100"), ("2.2", "", "5")]


def test_a_template_that_does_not_say_when_it_was_made_is_refused(office, tree, criteria_set, a25):
    content = meta_set(
        import_template(unit=tree.d1, criteria_set=criteria_set, year=YEAR), generated_at=None, generated_at_utc=None
    )
    response = upload(office, content, criteria_set)
    assert response.status_code == 400
    assert "is not an import template of the portal" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_conflict_arising_after_the_preview_is_found_at_confirmation(office, officer, tree, criteria_set, a25):
    batch = batch_of(upload(office, fill(template_at(at(9), tree, criteria_set), {("40101", "2.2"): 5}), criteria_set))
    assert batch.status == ImportStatus.READY
    assessment_record_values(assessment=a25, entries=[ValueEntry("2.1", "90")], user=officer, at=at(10, 15))
    response = office.post(reverse("reports:import_apply", args=["401", batch.pk]), follow=True)
    assert "no longer passes the checks" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.INVALID
    assert [cell for cell, _message in errors_of(batch)] == ["F7"]
    assert values_of(a25) == {"1.1": True, "2.1": 90}


def test_a_batch_kept_without_its_templates_time_reads_it_from_its_file_at_confirmation(
    office, officer, tree, criteria_set, a25
):
    batch = batch_of(upload(office, fill(template_at(at(9), tree, criteria_set), {("40101", "2.2"): 5}), criteria_set))
    kept = dict(batch.checked_values)
    del kept["generated_at"], kept["generated_exact"]  # as a batch checked before this release kept them
    ImportBatch.objects.filter(pk=batch.pk).update(checked_values=kept)
    assessment_record_values(assessment=a25, entries=[ValueEntry("2.1", "90")], user=officer, at=at(10, 15))
    office.post(reverse("reports:import_apply", args=["401", batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.INVALID
    assert values_of(a25)["2.1"] == 90


def test_conflicts_take_one_query_however_many(personas, officer, tree, criteria_set, a25):
    b = assessment_create(unit=tree.b, criteria_set=criteria_set, year=YEAR, user=personas.officer_b, at=at(7))
    assessment_record_values(
        assessment=b, entries=[ValueEntry("1.1", "có"), ValueEntry("2.1", "50")], user=personas.officer_b, at=at(8)
    )
    content = fill(template_at(at(9), tree, criteria_set), {("40101", "2.2"): 5, ("40102", "2.2"): 5})
    user = personas.district_d1

    def check() -> tuple[int, list[str]]:
        with CaptureQueriesContext(connection) as captured:
            read = read_template(content, bounds=template_bounds(tree.d1, criteria_set, YEAR))
            plan = check_template(read, unit=tree.d1, criteria_set=criteria_set, year=YEAR, user=user)
        return len(captured), [e["cell"] for e in plan.errors]

    check()  # the set's structure is read once per process
    none = check()
    assessment_record_values(assessment=a25, entries=[ValueEntry("2.1", "90")], user=officer, at=at(10))
    one = check()
    entries = [ValueEntry("1.1", "không"), ValueEntry("2.1", "60")]
    assessment_record_values(assessment=b, entries=entries, user=personas.officer_b, at=at(10))
    assessment_record_values(assessment=a25, entries=[ValueEntry("1.1", "không")], user=officer, at=at(10, 1))
    four = check()
    assert (none[1], one[1], four[1]) == ([], ["F7"], ["E7", "F7", "E8", "F8"])
    assert four[0] == one[0] == none[0] + 1  # the history of the values written since, in one query


# --- How a cell is quoted ----------------------------------------------------------------------


def test_a_date_in_a_number_cell_is_quoted_as_a_vietnamese_date(office, tree, criteria_set, a25):
    fresh = import_template(unit=tree.d1, criteria_set=criteria_set, year=YEAR)
    content = fill(fresh, {}, cells={"F7": datetime.datetime(2025, 3, 4), "E8": datetime.datetime(2025, 3, 4, 8, 30)})
    batch = batch_of(upload(office, content, criteria_set))
    assert errors_of(batch) == [
        (
            "F7",
            "2.1: Excel stored this cell as a date or a time (04/03/2025), not as the value typed: format the cell "
            "as a number or as text and type the value again.",
        ),
        (
            "E8",
            "1.1: Excel stored this cell as a date or a time (04/03/2025 08:30), not as the value typed: format the "
            "cell as a number or as text and type the value again.",
        ),
    ]


def test_values_far_below_the_template_are_named_at_their_cells(office, tree, criteria_set):
    fresh = import_template(unit=tree.d1, criteria_set=criteria_set, year=YEAR)
    response = upload(office, fill(fresh, {}, cells={"E400": "Có", "AA1000": 5}), criteria_set)
    assert response.status_code == 400
    page = response.content.decode()
    assert "has values far beyond the template, in E400, AA1000: delete them" in page
    assert "BI" not in page.split("far beyond the template")[1][:40]

    many = {f"E{row}": 1 for row in (400, 401, 402, 403, 404)}
    response = upload(office, fill(fresh, {}, cells=many), criteria_set)
    assert "in E400, E401, E402, …: delete them" in response.content.decode()


def test_an_overlong_cell_is_quoted_cut_short(office, tree, criteria_set, a25):
    fresh = import_template(unit=tree.d1, criteria_set=criteria_set, year=YEAR)
    content = fill(fresh, {}, cells={"F7": "quá dài " * 400, "A9": "9" * 3000, "E9": "Có"})
    batch = batch_of(upload(office, content, criteria_set))
    messages = dict(errors_of(batch))
    quoted = messages["F7"].removeprefix("2.1: “").removesuffix("” is not a number.")
    assert quoted.startswith("quá dài quá dài") and quoted.endswith("…") and len(quoted) == 50
    assert messages["A9"] == f"No unit of Huyện Một has the code “{'9' * 49}…”."
    assert max(len(m) for m in messages.values()) < 200
