"""What the cluster test concludes from what the clients saw and what the database holds.

Pure functions, no Django and no database: ``bench/cluster.py`` reads the rows and calls them,
``bench/tests/test_cluster_check.py`` feeds them made-up rows.

Saves. Each save the driver sends writes one value with a note that is unique to that request
(its token) and carries the version it was based on. The client classifies every request:

* ``applied`` — the portal answered that it saved it (API 200, an htmx row without conflict),
  or, after a broken answer, a reload showed the token stored;
* ``refused`` — the portal answered that it did not apply it (409 stale version, 429, 400);
* ``unknown`` — no usable answer (the node died mid-request, a 502 from the proxy, a 5xx):
  applied at most once, or not at all.

Every value change writes one history row and bumps the version by one, in the transaction
that holds the assessment's row lock, so a slot's history rows in id order are its versions
``initial + 1, initial + 2, …``. Nothing lost and nothing applied twice then means: each applied
token is in the history exactly once, exactly at the version it was based on (no save applied
over a version it did not see); a refused token never; an unknown one at most once, at its
version; no row the clients did not send; each row's old value and note are the previous row's
new ones; and the stored value, note and version are those of the last row.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

APPLIED, REFUSED, UNKNOWN = "applied", "refused", "unknown"


@dataclass(frozen=True)
class Save:
    slot: tuple[int, str]  # (assessment id, indicator code)
    token: str  # the note, unique to this request
    value: str
    expected_version: int
    outcome: str  # APPLIED, REFUSED or UNKNOWN
    reloaded: bool = False  # applied as far as the client knows only from a reload after no answer


@dataclass(frozen=True)
class Row:
    """A value's history row (``criteria_historyentry``) or its stored state."""

    value: str
    note: str
    old_value: str = ""
    old_note: str = ""


@dataclass(frozen=True)
class Stored:
    value: str
    note: str
    version: int


@dataclass
class SaveReport:
    problems: list[str] = field(default_factory=list)
    applied: int = 0
    refused: int = 0
    reloaded_applied: int = 0
    unknown_applied: int = 0
    unknown_not_applied: int = 0
    history_rows: int = 0


def same_value(a: str, b: str) -> bool:
    """History keeps ``85.5``; the client typed ``85.50`` or ``85,5``: equal as numbers."""
    if a == b:
        return True
    try:
        return Decimal(a.replace(",", ".")) == Decimal(b.replace(",", "."))
    except InvalidOperation:
        return False


def check_saves(
    saves: list[Save], initial: dict[tuple[int, str], Stored], history: dict[tuple[int, str], list[Row]], final: dict
) -> SaveReport:
    """Compare the clients' saves with the history rows written since the run began (in id
    order, per slot) and the stored values; every slot the clients wrote is in ``initial``."""
    report = SaveReport()
    by_token = {}
    for save in saves:
        if save.token in by_token:
            report.problems.append(f"the driver reused the token {save.token!r}")
        by_token[save.token] = save
    for slot in sorted(initial):
        report.problems.extend(_check_slot(slot, initial[slot], history.get(slot, []), final.get(slot), by_token))
        report.history_rows += len(history.get(slot, []))
    found = Counter(row.note for rows in history.values() for row in rows)
    for save in saves:
        n = found[save.token]
        if save.slot not in initial:
            report.problems.append(f"{save.token}: its slot {save.slot} was not read before the run")
        if save.outcome == APPLIED:
            report.applied += 1
            report.reloaded_applied += save.reloaded
            if n == 0:
                report.problems.append(f"LOST: {save.token} was answered as saved but is not in the history")
        elif save.outcome == REFUSED:
            report.refused += 1
            if n:
                report.problems.append(f"{save.token} was refused but is in the history {n} time(s)")
        elif n:
            report.unknown_applied += 1
        else:
            report.unknown_not_applied += 1
        if n > 1:
            report.problems.append(f"TWICE: {save.token} is in the history {n} times")
    return report


def _check_slot(slot, initial: Stored, rows: list[Row], stored: Stored | None, by_token: dict) -> list[str]:
    problems = []
    name = f"assessment {slot[0]} indicator {slot[1]}"
    previous = Row(initial.value, initial.note)
    for index, row in enumerate(rows):
        save = by_token.get(row.note)
        version = initial.version + index + 1
        if save is None:
            problems.append(f"{name}: history row {index + 1} ({row.note!r}) was not sent by any client")
        elif save.slot != slot:
            problems.append(f"{name}: history row {row.note!r} belongs to {save.slot}")
        elif save.expected_version != version - 1:
            problems.append(
                f"{name}: {row.note} was based on version {save.expected_version} but applied as version {version}"
            )
        elif not same_value(row.value, save.value):
            problems.append(f"{name}: {row.note} stored {row.value!r}, the client sent {save.value!r}")
        if row.old_note != previous.note or not same_value(row.old_value, previous.value):
            problems.append(
                f"{name}: history row {index + 1} starts from {row.old_value!r}/{row.old_note!r}, "
                f"not from the previous {previous.value!r}/{previous.note!r} (an update was lost)"
            )
        previous = row
    if stored is None:
        if rows:
            problems.append(f"{name}: {len(rows)} history rows but no stored value")
        return problems
    if stored.version != initial.version + len(rows):
        problems.append(
            f"{name}: stored version {stored.version}, expected {initial.version} + {len(rows)} history rows"
        )
    if stored.note != previous.note or not same_value(stored.value, previous.value):
        problems.append(
            f"{name}: stored {stored.value!r}/{stored.note!r} but the last history row says "
            f"{previous.value!r}/{previous.note!r}"
        )
    return problems


# --- Jobs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """A bulletin job as stored: its ``ReportJob`` status and its queue task's."""

    id: str
    status: str  # ReportJob: queued, running, done, failed
    task_status: str  # django-tasks: READY, RUNNING, SUCCESSFUL, FAILED
    worker_ids: tuple[str, ...] = ()
    has_file: bool = False
    error: str = ""


@dataclass
class JobReport:
    problems: list[str] = field(default_factory=list)
    by_status: Counter = field(default_factory=Counter)
    recovered: list[str] = field(default_factory=list)
    not_requested: int = 0


def check_jobs(requested: set[str], jobs: list[Job], *, killed_worker: str, stuck: set[str]) -> JobReport:
    """Every job the clients requested exists; none is left waiting or running; a finished one
    has its file (or a failure message); each job the killed worker held (``stuck``) was run
    again by another worker and finished."""
    report = JobReport()
    stored = {job.id: job for job in jobs}
    for missing in sorted(requested - set(stored)):
        report.problems.append(f"job {missing} was answered as started but is not stored")
    report.not_requested = len(set(stored) - requested)
    failed_statuses = defaultdict(list)
    for job in jobs:
        report.by_status[job.status] += 1
        if job.status == "done":
            if job.task_status != "SUCCESSFUL" or not job.has_file:
                report.problems.append(f"job {job.id} done but task {job.task_status}, file {job.has_file}")
        elif job.status == "failed":
            failed_statuses[job.error or "(no message)"].append(job.id)
        else:
            report.problems.append(f"job {job.id} left {job.status} (task {job.task_status})")
    for message, ids in failed_statuses.items():
        report.problems.append(f"{len(ids)} job(s) failed: {message}")
    for job_id in sorted(stuck):
        job = stored.get(job_id)
        if job is None:
            report.problems.append(f"stuck job {job_id} is not stored")
            continue
        others = [w for w in job.worker_ids if w != killed_worker]
        if killed_worker not in job.worker_ids or not others:
            report.problems.append(f"stuck job {job_id} was not run again by another worker: {job.worker_ids}")
        elif job.status == "done":
            report.recovered.append(job_id)
    if not stuck:
        report.problems.append("no job was running on the killed worker: nothing was recovered")
    return report


# --- Answers ---------------------------------------------------------------------------------

# What each kind of request may answer; "error" is a broken connection, 502 the proxy's own
# answer when the node died with the request in hand.
EXPECTED = {
    "save api": {"200", "409"},
    "save htmx": {"200"},
    "reload api": {"200"},
    "job start": {"302"},
    "job status": {"200"},
}


def unexpected(statuses: dict[str, int]) -> dict[str, int]:
    found = {}
    for key, n in statuses.items():
        kind, status = key.rsplit(" ", 1)
        if status not in EXPECTED.get(kind, set()) | {"502", "error"}:
            found[key] = n
    return found
