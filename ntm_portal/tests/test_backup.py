import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from communes.models import AdministrativeUnit
from criteria.models import Assessment, AssessmentLog, Evidence, HistoryEntry, IndicatorValue
from criteria.services import ValueEntry, assessment_record_values, assessment_transition, evidence_attach
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
