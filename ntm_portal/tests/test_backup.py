import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.core.serializers import xml_serializer
from django.db import connection, connections
from django.db.models import Count, Q

from communes.models import AdministrativeUnit
from criteria.models import Assessment, AssessmentLog, Evidence, HistoryEntry, HistoryKind, IndicatorValue
from criteria.services import (
    ValueEntry,
    assessment_create,
    assessment_record_values,
    assessment_transition,
    evidence_attach,
)
from reports.selectors import progress_summary

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot(province):
    summary = progress_summary(unit=province, year=2025, tier="standard")
    history = list(
        HistoryEntry.objects.order_by("pk").values_list(
            "assessment__unit__code", "kind", "old_value", "new_value", "user__username", "at"
        )
    )
    values = sorted(
        IndicatorValue.objects.values_list(
            "assessment__unit__code", "indicator__code", "value_decimal", "value_bool", "version"
        )
    )
    return (
        summary,
        history,
        values,
        list(AssessmentLog.objects.order_by("pk").values_list("state", "criteria_met", "at")),
    )


def test_a_backup_restored_into_an_empty_database_gives_the_same_figures_and_history(
    personas, tree, assessment, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    assessment_record_values(
        assessment=assessment,
        entries=[ValueEntry("2.1", "85"), ValueEntry("3.1", "50"), ValueEntry("3.2", "0")],
        user=personas.officer_a,
    )
    evidence_attach(
        assessment=assessment, code="1.1", upload=SimpleUploadedFile("bb.pdf", b"%PDF-1.4 x"), user=personas.officer_a
    )
    assessment_transition(assessment=assessment, action="submit", user=personas.officer_a)
    before = snapshot(tree.province)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))

    call_command("flush", interactive=False, verbosity=0)
    for file in (tmp_path / "media").rglob("*.pdf"):
        file.unlink()
    assert not Assessment.objects.exists()

    call_command("restore", str(archive))
    province = AdministrativeUnit.objects.get(code=tree.province.code)
    assert snapshot(province) == before
    evidence = Evidence.objects.get()
    assert evidence.file.read() == b"%PDF-1.4 x"
    assert before[0].communes_with_data == 1 and len(before[1]) >= 5


def test_restore_refuses_a_database_that_already_has_data(tree, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))
    with pytest.raises(CommandError, match="already holds portal data"):
        call_command("restore", str(archive))


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    bogus = tmp_path / "x.tar.gz"
    bogus.write_bytes(b"not a tarball")
    with pytest.raises(CommandError, match="not a portal backup"):
        call_command("restore", str(bogus))


def _consistency_faults() -> list[str]:
    """What a recomputation from the stored rows disagrees with: each assessment's count of
    criteria met against its results, and each value's version against its history."""
    faults = []
    for a in Assessment.objects.annotate(met=Count("results", filter=Q(results__met=True))):
        if a.criteria_met != a.met:
            faults.append(f"assessment {a.unit.code}: {a.criteria_met} stored, {a.met} results met")
    counts = (
        HistoryEntry.objects.filter(kind=HistoryKind.VALUE)
        .values("assessment_id", "indicator_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    history = {(c["assessment_id"], c["indicator_id"]): c["n"] for c in counts}
    for v in IndicatorValue.objects.all():
        if v.version != history.get((v.assessment_id, v.indicator_id), 0):
            faults.append(
                f"value {v.pk}: version {v.version}, {history.get((v.assessment_id, v.indicator_id))} changes"
            )
    return faults


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: writers running in other connections during the backup",
)
def test_a_backup_taken_while_officers_save_restores_figures_that_agree_with_a_recomputation(
    personas, tree, criteria_set, tmp_path, settings, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"
    assessments = [
        assessment_create(unit=unit, criteria_set=criteria_set, year=2025, user=user)
        for unit, user in ((tree.a, personas.officer_a), (tree.b, personas.officer_b))
    ]
    stop = threading.Event()
    saves = [0, 0]

    def officer(n: int, assessment, user) -> None:
        try:
            while not stop.is_set():
                values = ("90", "có", "60") if saves[n] % 2 else ("10", "không", "5")
                entries = [ValueEntry(code, raw) for code, raw in zip(("2.1", "1.1", "3.1"), values, strict=True)]
                assessment_record_values(assessment=assessment, entries=entries, user=user)
                saves[n] += 1
        finally:
            connections.close_all()

    # Slow the dump down so that it spans many saves.
    end_object = xml_serializer.Serializer.end_object
    monkeypatch.setattr(
        xml_serializer.Serializer, "end_object", lambda self, obj: (time.sleep(0.003), end_object(self, obj))[1]
    )
    writers = [
        threading.Thread(target=officer, args=(0, assessments[0], personas.officer_a)),
        threading.Thread(target=officer, args=(1, assessments[1], personas.officer_b)),
    ]
    for t in writers:
        t.start()
    try:
        time.sleep(0.3)
        before = sum(saves)
        call_command("backup", str(tmp_path / "backup.tar.gz"))
        during = sum(saves) - before
    finally:
        stop.set()
        for t in writers:
            t.join(timeout=30)
    assert during >= 10, "the writers must have saved while the backup ran"

    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(tmp_path / "backup.tar.gz"))
    assert IndicatorValue.objects.exists()
    assert _consistency_faults() == []
