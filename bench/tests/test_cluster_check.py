"""The cluster test's verdicts (bench/cluster_check.py) on made-up client records and rows:
each kind of loss or duplication the run is meant to catch is caught, and a clean run passes."""

from bench.cluster_check import APPLIED, REFUSED, UNKNOWN, Job, Row, Save, Stored, check_jobs, check_saves, unexpected

SLOT = (7, "2.1")
START = Stored("40", "before", 3)


def _row(value, note, old_value, old_note):
    return Row(value, note, old_value, old_note)


def _clean():
    """Two racing clients from version 3: a applied (→4), b refused, b retried (→5), c unknown."""
    saves = [
        Save(SLOT, "a1", "55", 3, APPLIED),
        Save(SLOT, "b1", "60", 3, REFUSED),
        Save(SLOT, "b2", "60", 4, APPLIED),
        Save(SLOT, "a2", "70", 5, UNKNOWN),
    ]
    history = {SLOT: [_row("55", "a1", "40", "before"), _row("60", "b2", "55", "a1")]}
    return saves, history, {SLOT: Stored("60", "b2", 5)}


def test_a_clean_race_passes_and_is_counted():
    saves, history, final = _clean()
    report = check_saves(saves, {SLOT: START}, history, final)
    assert report.problems == []
    assert (report.applied, report.refused, report.unknown_not_applied, report.history_rows) == (2, 1, 1, 2)


def test_an_applied_save_missing_from_the_history_is_reported_lost():
    saves, history, final = _clean()
    saves.append(Save(SLOT, "a3", "80", 5, APPLIED))
    problems = check_saves(saves, {SLOT: START}, history, final).problems
    assert any(p.startswith("LOST: a3") for p in problems)


def test_a_save_in_the_history_twice_is_reported():
    saves, history, _final = _clean()
    history[SLOT].append(_row("60", "b2", "60", "b2"))
    problems = check_saves(saves, {SLOT: START}, history, {SLOT: Stored("60", "b2", 6)}).problems
    assert any(p.startswith("TWICE: b2") for p in problems)


def test_a_save_applied_over_a_version_it_did_not_see_is_reported():
    # b2 was based on version 3 (it should have been refused) but was written as version 5.
    saves, history, final = _clean()
    saves[2] = Save(SLOT, "b2", "60", 3, APPLIED)
    problems = check_saves(saves, {SLOT: START}, history, final).problems
    assert any("b2 was based on version 3 but applied as version 5" in p for p in problems)


def test_an_overwrite_that_skipped_a_row_breaks_the_chain():
    saves, history, final = _clean()
    history[SLOT][1] = _row("60", "b2", "40", "before")  # starts from the state before a1
    problems = check_saves(saves, {SLOT: START}, history, final).problems
    assert any("an update was lost" in p for p in problems)


def test_a_refused_save_found_in_the_history_is_reported():
    saves, history, _final = _clean()
    history[SLOT].append(_row("60", "b1", "60", "b2"))
    problems = check_saves(saves, {SLOT: START}, history, {SLOT: Stored("60", "b1", 6)}).problems
    assert any("b1 was refused but is in the history" in p for p in problems)


def test_an_unknown_save_may_be_applied_once_at_its_version():
    saves, history, _final = _clean()
    history[SLOT].append(_row("70", "a2", "60", "b2"))
    report = check_saves(saves, {SLOT: START}, history, {SLOT: Stored("70", "a2", 6)})
    assert report.problems == []
    assert (report.unknown_applied, report.unknown_not_applied) == (1, 0)


def test_a_row_no_client_sent_is_reported():
    saves, history, _final = _clean()
    history[SLOT].append(_row("1", "someone else", "60", "b2"))
    problems = check_saves(saves, {SLOT: START}, history, {SLOT: Stored("1", "someone else", 6)}).problems
    assert any("was not sent by any client" in p for p in problems)


def test_a_stored_value_other_than_the_last_row_or_a_wrong_version_is_reported():
    saves, history, _final = _clean()
    problems = check_saves(saves, {SLOT: START}, history, {SLOT: Stored("55", "a1", 5)}).problems
    assert any("but the last history row says '60'/'b2'" in p for p in problems)
    problems = check_saves(saves, {SLOT: START}, history, {SLOT: Stored("60", "b2", 4)}).problems
    assert any("stored version 4, expected 3 + 2 history rows" in p for p in problems)


def test_values_equal_as_numbers_match_whatever_their_spelling():
    saves = [Save(SLOT, "a1", "55.50", 3, APPLIED)]
    history = {SLOT: [_row("55.5", "a1", "40", "before")]}
    assert check_saves(saves, {SLOT: START}, history, {SLOT: Stored("55.5", "a1", 4)}).problems == []


def _jobs():
    return [
        Job("j1", "done", "SUCCESSFUL", ("w1",), has_file=True),
        Job("j2", "done", "SUCCESSFUL", ("w2", "w1"), has_file=True),
    ]


def test_jobs_all_done_with_the_stuck_one_run_again_by_the_other_worker_pass():
    report = check_jobs({"j1", "j2"}, _jobs(), killed_worker="w2", stuck={"j2"})
    assert report.problems == []
    assert report.recovered == ["j2"]


def test_a_job_left_running_or_waiting_or_missing_is_reported():
    jobs = [*_jobs(), Job("j3", "running", "RUNNING", ("w2",)), Job("j4", "queued", "READY")]
    problems = check_jobs({"j1", "j2", "j3", "j4", "j5"}, jobs, killed_worker="w2", stuck={"j2"}).problems
    assert "job j3 left running (task RUNNING)" in problems
    assert "job j4 left queued (task READY)" in problems
    assert "job j5 was answered as started but is not stored" in problems


def test_a_stuck_job_not_rerun_by_another_worker_or_no_stuck_job_at_all_is_reported():
    jobs = [Job("j1", "done", "SUCCESSFUL", ("w2",), has_file=True)]
    assert any("was not run again" in p for p in check_jobs({"j1"}, jobs, killed_worker="w2", stuck={"j1"}).problems)
    assert any("nothing was recovered" in p for p in check_jobs({"j1"}, jobs, killed_worker="w2", stuck=set()).problems)


def test_a_done_job_without_its_file_or_a_failed_job_is_reported():
    jobs = [Job("j1", "done", "SUCCESSFUL", ("w1",)), Job("j2", "failed", "FAILED", ("w2", "w1"), error="boom")]
    problems = check_jobs({"j1", "j2"}, jobs, killed_worker="w2", stuck={"j2"}).problems
    assert "job j1 done but task SUCCESSFUL, file False" in problems
    assert "1 job(s) failed: boom" in problems


def test_answers_other_than_each_kind_s_own_a_502_or_a_broken_connection_are_unexpected():
    statuses = {"save api 409": 3, "save api 502": 1, "save htmx error": 2, "save htmx 302": 1, "job start 429": 1}
    assert unexpected(statuses) == {"save htmx 302": 1, "job start 429": 1}
