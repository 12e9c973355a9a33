"""The benchmark scenarios: each one request (or call) a user would make, and its reference.

A scenario whose feature is not built yet reports why instead of failing: it only needs its
URL to resolve (pages) or its callable to import (selectors). The paths of features still to
come (issue 6: bulletin, import) are the constants below, the one place to adjust if they
land under another shape.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.test import Client
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from bench import reference
from bench.context import Context

YEAR, TIER = 2025, "standard"
BULLETIN_MONTH = "2025-12"
BULLETIN_PATH = "/reports/bulletin/{code}/{month}.xlsx"
MATRIX_SHEET = "Xã - tiêu chí"  # the bulletin's commune-by-criterion sheet


@dataclass
class Goal:
    """What the README promises: a time (ms), a ratio to the reference, a memory (MB)."""

    max_ms: float | None = None
    max_ratio: float | None = None
    max_mb: float | None = None

    def text(self) -> str:
        parts = []
        if self.max_ms is not None:
            parts.append(f"<{self.max_ms:g} ms")
        if self.max_ratio is not None:
            parts.append(f"≤{self.max_ratio:g}× ref")
        if self.max_mb is not None:
            parts.append(f"<{self.max_mb:g} MB")
        return ", ".join(parts) or "none set"


@dataclass
class Scenario:
    name: str
    description: str
    goal: Goal
    missing: Callable[[Context], str | None]  # why it cannot run yet, or None
    prepare: Callable[[Context], None] = lambda ctx: None
    run: Callable[[Context], object] = lambda ctx: None
    before: Callable[[Context], None] = lambda ctx: None  # before each run, untimed
    reference: Callable[[Context], object] | None = None
    reference_name: str = ""
    check: Callable[[Context], list[str]] | None = None  # reference and ours agree?
    memory: bool = False  # measured in a fresh process: peak RSS instead of time
    state: dict = field(default_factory=dict)


# --- Availability ----------------------------------------------------------------------------

# Why a scenario is skipped when its feature is not there yet (a scenario the database cannot
# run says why in its own words).
NOT_BUILT = "feature not built yet"


def _url_missing(path: str) -> str | None:
    try:
        resolve(path.split("?", 1)[0])
    except Resolver404:
        return f"{NOT_BUILT}: no URL matches {path.split('?', 1)[0]}"
    return None


def _name_missing(name: str, *args: object) -> str | None:
    try:
        reverse(name, args=args)
    except NoReverseMatch:
        return f"{NOT_BUILT}: URL {name!r} does not exist"
    return None


def _callable_missing(dotted: str) -> str | None:
    module, _dot, attribute = dotted.rpartition(".")
    try:
        getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError):
        return f"{NOT_BUILT}: {dotted} cannot be imported"
    return None


def _selector(name: str) -> Callable:
    return getattr(importlib.import_module("reports.selectors"), name)


# --- Requests --------------------------------------------------------------------------------


def _get(client: Client, path: str, **headers: str) -> bytes:
    response = client.get(path, headers=headers)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path}: HTTP {response.status_code}")
    return b"".join(response) if response.streaming else response.content


def _dashboard_path(ctx: Context, code: str | None) -> str:
    if code is None:
        return f"{reverse('reports:national')}?year={YEAR}&tier={TIER}"
    return f"{reverse('reports:dashboard', args=[code])}?year={YEAR}&tier={TIER}"


def _bulletin_path(code: str) -> str:
    return BULLETIN_PATH.format(code=code, month=BULLETIN_MONTH)


# --- Dashboards ------------------------------------------------------------------------------


def _dashboard_scenarios() -> list[Scenario]:
    def sql(path_of: Callable[[Context], str | None]) -> Callable[[Context], object]:
        return lambda ctx: reference.dashboard_numbers(path_of(ctx), YEAR, TIER)

    def check(path_of: Callable[[Context], str | None], unit_of: Callable[[Context], object]):
        def run(ctx: Context) -> list[str]:
            summary = _selector("progress_summary")(unit=unit_of(ctx), year=YEAR, tier=TIER)
            return reference.compare_with_summary(reference.dashboard_numbers(path_of(ctx), YEAR, TIER), summary)

        return run

    def province_path(ctx: Context) -> str:
        return ctx.province.path

    def province(ctx: Context):
        return ctx.province

    def country(ctx: Context) -> None:
        return None

    def after_save(name: str, description: str, goal: Goal, code_of: Callable[[Context], str | None]) -> Scenario:
        """The page right after an officer of the province saved a value: the province's kept
        figures are computed again (``reports.selectors.cache``), the others' read."""
        return Scenario(
            name,
            description,
            goal,
            lambda ctx: _name_missing("reports:national"),
            prepare=_record_prepare,
            before=_record_run,
            run=lambda ctx: _get(
                ctx.province_client if code_of(ctx) else ctx.admin_client, _dashboard_path(ctx, code_of(ctx))
            ),
        )

    return [
        after_save(
            "province_dashboard_after_save",
            "the province dashboard right after one of its officers saved a value",
            Goal(max_ms=100),
            lambda ctx: ctx.province.code,
        ),
        after_save(
            "national_dashboard_after_save",
            "the country's dashboard right after an officer of the province saved a value",
            Goal(max_ms=250),
            lambda ctx: None,
        ),
        Scenario(
            "national_dashboard_cold",
            "the country's dashboard with no figures kept (all of them computed, then kept)",
            Goal(),
            lambda ctx: _name_missing("reports:national"),
            before=_forget_kept_figures,
            run=lambda ctx: _get(ctx.admin_client, _dashboard_path(ctx, None)),
        ),
        Scenario(
            "province_dashboard",
            "GET /reports/<province>/?year=2025&tier=standard as the province office",
            Goal(max_ms=100),
            lambda ctx: _name_missing("reports:dashboard", ctx.province.code),
            run=lambda ctx: _get(ctx.province_client, _dashboard_path(ctx, ctx.province.code)),
            reference=sql(province_path),
            reference_name="one SQL query",
            check=check(province_path, province),
        ),
        Scenario(
            "province_dashboard_selectors",
            "reports.selectors.progress_summary(unit=<province>, year=2025, tier=standard)",
            Goal(max_ratio=2),
            lambda ctx: _callable_missing("reports.selectors.progress_summary"),
            run=lambda ctx: _selector("progress_summary")(unit=ctx.province, year=YEAR, tier=TIER),
            reference=sql(province_path),
            reference_name="one SQL query",
        ),
        Scenario(
            "national_dashboard",
            "GET /reports/national/?year=2025&tier=standard as a superuser",
            Goal(max_ms=500),
            lambda ctx: _name_missing("reports:national"),
            run=lambda ctx: _get(ctx.admin_client, _dashboard_path(ctx, None)),
            reference=sql(lambda ctx: None),
            reference_name="one SQL query",
            check=check(lambda ctx: None, country),
        ),
        Scenario(
            "national_dashboard_selectors",
            "reports.selectors.progress_summary(unit=None, year=2025, tier=standard)",
            Goal(),
            lambda ctx: _callable_missing("reports.selectors.progress_summary"),
            run=lambda ctx: _selector("progress_summary")(unit=None, year=YEAR, tier=TIER),
            reference=sql(lambda ctx: None),
            reference_name="one SQL query",
        ),
        Scenario(
            "api_progress",
            "GET /api/v1/progress/?unit=<province>&year=2025&tier=standard as the province office",
            Goal(),
            lambda ctx: _name_missing("api:progress"),
            run=lambda ctx: _get(
                ctx.province_client, f"{reverse('api:progress')}?unit={ctx.province.code}&year={YEAR}&tier={TIER}"
            ),
            reference=sql(province_path),
            reference_name="one SQL query",
        ),
    ]


def _forget_kept_figures(ctx: Context) -> None:
    from reports.models import FiguresCacheEntry

    FiguresCacheEntry.objects.all().delete()


# --- Data entry ------------------------------------------------------------------------------


def _record_prepare(ctx: Context) -> None:
    ctx.record_state = ctx.recording_target()


def _record_run(ctx: Context) -> None:
    """Save a yes/no value, flipping it each time: the criterion's result changes too."""
    target = ctx.record_state
    target.flip = not target.flip
    response = ctx.officer_client.post(
        reverse("record_value", args=[target.assessment_id, target.code]),
        {"value": "có" if target.flip else "không", "note": "", "version": target.version},
        headers={"HX-Request": "true"},
    )
    if response.status_code != 200 or b"conflict" in response.content.lower():
        raise RuntimeError(f"record_value: HTTP {response.status_code}")
    target.version += 1


def _entry_scenarios() -> list[Scenario]:
    return [
        Scenario(
            "assessment_page",
            "GET /assessments/<id>/ (a 2025 standard assessment, 57 indicators) as its commune officer",
            Goal(max_ms=100),
            lambda ctx: _name_missing("assessment", 1),
            run=lambda ctx: _get(ctx.officer_client, reverse("assessment", args=[ctx.assessment_id])),
        ),
        Scenario(
            "record_value",
            "POST one value (htmx) with validation, recomputation, history and logs, as the officer",
            Goal(max_ms=30),
            lambda ctx: _name_missing("record_value", 1, "1.1"),
            prepare=_record_prepare,
            run=_record_run,
        ),
    ]


# --- Workbooks -------------------------------------------------------------------------------
#
# The country's bulletin is built by a background job (``reports.tasks``), so its scenario
# times the job's work, ``reports.bulletin.bulletin_build(unit=None, …)``, in-process; a
# province's is served by its URL. The import goes through the pages as a person would:
# download the province's template, upload it (the check), apply it.

BULLETIN_BUILD = "reports.bulletin.bulletin_build"


def _national_bulletin(ctx: Context) -> bytes:
    module = importlib.import_module("reports.bulletin")
    month = module.Month.parse(BULLETIN_MONTH)
    content, _cutoff = module.bulletin_build(unit=None, month=month, user=ctx.admin)
    return content


def _province_bulletin(ctx: Context) -> bytes:
    return _get(ctx.province_client, _bulletin_path(ctx.province.code))


def _province_bulletin_reference(ctx: Context) -> bytes:
    year, month = (int(part) for part in BULLETIN_MONTH.split("-"))
    ctx.gathered = reference.bulletin_gathering(ctx.province.path, year, month)
    return reference.write_only(ctx.cells["province_bulletin"])


def _province_bulletin_check(ctx: Context) -> list[str]:
    if not ctx.gathered:
        _province_bulletin_reference(ctx)
    return reference.matrix_differences(ctx.gathered, ctx.cells["province_bulletin"], MATRIX_SHEET)


def _bulletin_scenarios() -> list[Scenario]:
    def prepare(name: str, build: Callable[[Context], bytes]) -> Callable[[Context], None]:
        def run(ctx: Context) -> None:
            ctx.cells[name] = reference.workbook_cells(build(ctx))

        return run

    province = Scenario(
        "province_bulletin",
        f"GET {BULLETIN_PATH} for the province ({BULLETIN_MONTH}) as its office",
        Goal(1000, 2),
        lambda ctx: _url_missing(_bulletin_path(ctx.province.code)),
        prepare=prepare("province_bulletin", _province_bulletin),
        run=_province_bulletin,
        reference=_province_bulletin_reference,
        reference_name="its figures by plain SQL + openpyxl write-only, same cells",
        check=_province_bulletin_check,
    )
    national = Scenario(
        "national_bulletin",
        f"{BULLETIN_BUILD}(unit=None, month={BULLETIN_MONTH}): the background job's work",
        Goal(15000),
        lambda ctx: _callable_missing(BULLETIN_BUILD),
        prepare=prepare("national_bulletin", _national_bulletin),
        run=_national_bulletin,
        reference=lambda ctx: reference.write_only(ctx.cells["national_bulletin"]),
        reference_name="openpyxl write-only, same cells",
    )
    memory = Scenario(
        "national_bulletin_memory",
        "peak RSS of a fresh process building the national bulletin once",
        Goal(max_mb=300),
        national.missing,
        memory=True,
    )
    return [province, national, memory]


def all_scenarios() -> list[Scenario]:
    from bench.imports import import_scenarios

    return [*_dashboard_scenarios(), *_entry_scenarios(), *_bulletin_scenarios(), *import_scenarios()]


def _peak_rss_mb() -> float:
    """This process's resident high-water mark (VmHWM). Not ru_maxrss: Linux carries the
    parent's peak over fork and exec into it, so a child of a big process would report that."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def memory_probe(ctx: Context) -> dict:
    """Build the national bulletin once in this process; report its peak resident memory."""
    before = _peak_rss_mb()
    _national_bulletin(ctx)
    return {"baseline_mb": round(before, 1), "peak_mb": round(_peak_rss_mb(), 1)}
