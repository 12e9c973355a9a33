"""The import scenarios: a province office uploads its own template and applies it.

``province_import`` uploads the template as downloaded (every value unchanged: checked,
nothing written). ``import_changed`` uploads a workbook that changes every value of every
editable assessment of the province — yes/no flipped, each number moved to another valid
value — so applying writes a province's worth of values, history, results and logs. Each
run must change values, so runs alternate between that workbook and the original values
(changed → original → changed …), and the scenario ends on the original: the database is
left with the values it had (plus the history of the runs, which is append-only). A file older
than the values it changes is refused (a stale cell), so before each run, untimed, the office
downloads a fresh template and types into it the values of the run (``_changed_before``), as
a person would. After the runs, ``check`` verifies that every applied batch recorded every
change and that the values stored are the original ones again, so the scenario cannot pass by
writing nothing.

Both go through the pages as a person would: GET the template, POST the file (checked inline
for a province), POST the confirmation (the apply the view calls).
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.urls import resolve, reverse

from bench import env, reference, reference_import
from bench.context import Context
from bench.scenarios import YEAR, Goal, Scenario, _get, _name_missing

SET_CODE = "QD318-2022-XA-NTM"


def _import_prepare(ctx: Context) -> None:
    from criteria.models import CriteriaSet

    ctx.import_set = CriteriaSet.objects.get(code=SET_CODE, version=1).pk
    ctx.workbook = _template(ctx)


def _upload_and_apply(ctx: Context, workbook: bytes) -> int:
    """Upload ``workbook`` (checked inline for a province), then apply it; the batch's id.
    The office's upload count is forgotten first: the runs upload far more than a person may."""
    from ntm_portal.ratelimit import reset

    reset("import_upload", ctx.province_client.session["_auth_user_id"])
    upload = io.BytesIO(workbook)
    upload.name = f"{ctx.province.code}-{YEAR}.xlsx"
    page = reverse("reports:import", args=[ctx.province.code])
    response = ctx.province_client.post(page, {"criteria_set": ctx.import_set, "year": YEAR, "file": upload})
    batch = resolve(response.get("Location", "-").split("?")[0]) if response.status_code == 302 else None
    if batch is None or batch.url_name != "import_batch":
        raise RuntimeError(f"upload: HTTP {response.status_code} {response.get('Location', '')} (not checked inline)")
    apply = reverse("reports:import_apply", args=[ctx.province.code, batch.kwargs["pk"]])
    response = ctx.province_client.post(apply)
    if response.status_code != 302:
        raise RuntimeError(f"apply: HTTP {response.status_code}")
    return batch.kwargs["pk"]


FILLED = {"yes_no": "Có", "percent": 90.0}  # for an empty cell; other numbers get 50


def _changed(value, value_type: str):
    """Another valid value of the same type (a value for an empty cell)."""
    from reports.importing import layout

    if value in (None, ""):
        return FILLED.get(value_type, 50.0)
    if value_type == "yes_no":
        return layout.NO if value == layout.YES else layout.YES
    number = Decimal(str(value))
    if value_type == "percent":
        return float(100 - number if number != 50 else 40)
    return float(number + 1)


def _template(ctx: Context) -> bytes:
    """The province's template as the office downloads it now."""
    template = reverse("reports:import_template", args=[ctx.province.code])
    return _get(ctx.province_client, f"{template}?criteria_set={ctx.import_set}&year={YEAR}")


def _changed_workbook(ctx: Context, *, every: bool = False, source: bytes | None = None) -> tuple[bytes, int]:
    """The template (``source``, or the one downloaded first) with every value of every editable
    assessment changed, and how many; ``every``: every cell of every row changed or filled in."""
    from openpyxl import load_workbook

    from criteria.models import Assessment, Indicator
    from reports.importing import layout

    editable = set(
        Assessment.objects.within(ctx.province)
        .filter(criteria_set_id=ctx.import_set, year=YEAR, state__in=["draft", "returned"])
        .values_list("unit__code", flat=True)
    )
    types = dict(Indicator.objects.filter(criteria_set_id=ctx.import_set).values_list("code", "value_type"))
    book = load_workbook(io.BytesIO(source or ctx.workbook))
    sheet = book[layout.DATA_SHEET]
    columns = {cell.column: cell.value for cell in sheet[layout.CODES_ROW] if cell.value in types}
    changed = 0
    for row in sheet.iter_rows(min_row=layout.FIRST_DATA_ROW):
        if row[0].value not in editable and not (every and row[0].value):
            continue
        for cell in row:
            if cell.column in columns and (every or cell.value not in (None, "")):
                cell.value = _changed(cell.value, types[columns[cell.column]])
                changed += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), changed


def _changed_prepare(ctx: Context) -> None:
    _import_prepare(ctx)
    ctx.changed_workbook, ctx.changed_count = _changed_workbook(ctx)
    if not ctx.changed_count:
        raise RuntimeError("no value of an editable assessment to change")
    ctx.import_turns = []


def _with_values_of(template: bytes, original: bytes) -> bytes:
    """``template`` (a fresh download) with the data cells of ``original`` (the same units and
    indicators, downloaded before the runs) typed into it."""
    from openpyxl import load_workbook

    from reports.importing import layout

    book = load_workbook(io.BytesIO(template))
    sheet = book[layout.DATA_SHEET]
    source = load_workbook(io.BytesIO(original), read_only=True)[layout.DATA_SHEET]
    first = len(layout.FIXED_COLUMNS)  # the first value column, counted from 0
    for number, values in enumerate(source.iter_rows(min_row=layout.FIRST_DATA_ROW, values_only=True)):
        row = layout.FIRST_DATA_ROW + number
        if not values or values[0] is None:
            continue
        if sheet.cell(row=row, column=1).value != values[0]:
            raise RuntimeError(f"row {row}: {values[0]} in the original, another unit in the template")
        for column, value in enumerate(values[first:], first + 1):
            sheet.cell(row=row, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _changed_before(ctx: Context) -> None:
    """Untimed, before each run: a fresh template, with every value changed (forth) or with the
    original values typed back (back). An old file would be refused: its cells predate the
    values the last run wrote."""
    forth = len(ctx.import_turns) % 2 == 0
    fresh = _template(ctx)
    ctx.next_workbook = _changed_workbook(ctx, source=fresh)[0] if forth else _with_values_of(fresh, ctx.workbook)


def _changed_run(ctx: Context) -> None:
    """Apply the changed workbook, or the original values after it: either way every value moves."""
    ctx.import_turns.append(_upload_and_apply(ctx, ctx.next_workbook))


def _changed_check(ctx: Context) -> list[str]:
    """Every run recorded every change; the stored values are the original ones again."""
    from reports.models import ImportBatch, ImportStatus

    if len(ctx.import_turns) % 2:
        _changed_before(ctx)
        _changed_run(ctx)
    problems = []
    for batch in ImportBatch.objects.filter(pk__in=ctx.import_turns).defer("checked_values"):
        if batch.status != ImportStatus.APPLIED or batch.change_count != ctx.changed_count:
            problems.append(f"batch {batch.pk}: {batch.status}, {batch.change_count} of {ctx.changed_count} changes")
    original = _data_rows(ctx.workbook)
    _import_prepare(ctx)  # the template as the database gives it now
    if _data_rows(ctx.workbook) != original:
        problems.append("the values stored after the last run are not the original ones")
    return problems


def _data_rows(workbook: bytes) -> list[tuple]:
    from reports.importing import layout

    sheets = dict(reference.workbook_cells(workbook))
    return sheets[layout.DATA_SHEET][layout.FIRST_DATA_ROW - 1 :]


def _province_prepare(ctx: Context) -> None:
    _import_prepare(ctx)
    ctx.province_workbook, ctx.province_count = _changed_workbook(ctx, every=True)


def _province_run(ctx: Context) -> None:
    """Inside a transaction rolled back at the end: every assessment of the province a draft,
    then the workbook changing (or filling in) every one of its values, the checks its commit
    would run, and a count of the values it wrote."""
    import time

    from django.db import transaction
    from django.utils import timezone

    from criteria.models import Assessment, IndicatorValue

    with transaction.atomic():
        assessments = Assessment.objects.within(ctx.province).filter(criteria_set_id=ctx.import_set, year=YEAR)
        assessments.update(state="draft")
        started = timezone.now()
        time.sleep(0.001)  # the values written carry a later moment than ``started``
        _upload_and_apply(ctx, ctx.province_workbook)
        env.check_deferred_constraints()  # what the office's commit would check
        written = IndicatorValue.objects.filter(assessment__in=assessments, updated_at__gt=started).count()
        transaction.set_rollback(True)
    if written != ctx.province_count:
        raise RuntimeError(f"{written} values written of {ctx.province_count}")


def import_scenarios() -> list[Scenario]:
    def missing(ctx: Context) -> str | None:
        return (
            _name_missing("reports:import", ctx.province.code)
            or _name_missing("reports:import_template", ctx.province.code)
            or _name_missing("reports:import_apply", ctx.province.code, 1)
        )

    unchanged = Scenario(
        "province_import",
        "the province's own template workbook (values unchanged): upload, check, apply",
        Goal(5000, 3),
        missing,
        prepare=_import_prepare,
        run=lambda ctx: _upload_and_apply(ctx, ctx.workbook),
        reference=lambda ctx: reference_import.read_only(ctx.workbook),
        reference_name="openpyxl read-only, same file",
    )
    changed = Scenario(
        "import_changed",
        "a workbook changing every value of every draft of the province (alternating with the original): "
        "upload, check, apply",
        Goal(5000, 3),
        missing,
        prepare=_changed_prepare,
        before=_changed_before,
        run=_changed_run,
        reference=lambda ctx: reference_import.read_only(ctx.changed_workbook),
        reference_name="openpyxl read-only, same file",
        check=_changed_check,
    )
    every = Scenario(
        "import_changed_province",
        "every 2025 standard assessment of the province made a draft, and a workbook changing or filling in every "
        "value (193 × 57): upload, check, apply, count what was written; rolled back",
        Goal(5000, 3),
        missing,
        prepare=_province_prepare,
        run=_province_run,
        reference=lambda ctx: reference_import.read_only(ctx.province_workbook),
        reference_name="openpyxl read-only, same file",
    )

    def writes_missing(ctx: Context) -> str | None:
        from django.db import connection

        if connection.vendor != "postgresql":
            return "PostgreSQL only: the writing reference is PostgreSQL's SQL (COPY)"
        return missing(ctx)

    def read_and_write(ctx: Context) -> int:
        written = reference_import.read_and_write(
            ctx.province_workbook,
            set_id=ctx.import_set,
            year=YEAR,
            user_id=ctx.province_client.session["_auth_user_id"],
        )
        if written != ctx.province_count:
            raise RuntimeError(f"the reference wrote {written} values of {ctx.province_count}")
        return written

    # The same runs against a floor that writes: reading the file is not all an import must do.
    every_writes = Scenario(
        "import_changed_province_writes",
        "as import_changed_province, against reading the file and writing its values and their history in plain SQL",
        Goal(5000, 3),
        writes_missing,
        prepare=_province_prepare,
        run=_province_run,
        reference=read_and_write,
        reference_name="openpyxl read-only + values and history written by COPY, one update and one insert, foreign keys checked, rolled back",
    )
    return [unchanged, changed, every, every_writes]
