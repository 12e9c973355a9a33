"""Rows for ``ntm_portal/tests/test_authorization_matrix.py``: the Excel pages against every persona.

Each entry is ``name: (method, url(objects), expected answers, data(objects) or None)``, the
answers in the matrix's persona order (anonymous, officer_a, officer_b, district_a,
district_other, province, viewer). The matrix adds them with
``MATRIX.update({name: Row(*spec) for name, spec in EXCEL_ROWS.items()})``.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.urls import reverse

from communes.models import AdministrativeUnit
from reports.bulletin import Month, bulletin_issue
from reports.importing.template import import_template
from reports.models import ImportBatch, ImportStatus, IssuedBulletin, ReportJob

MONTH = "2025-03"
D1_READ = (302, 404, 404, 200, 404, 200, 200)
D1_READ_POST = (302, 404, 404, 302, 404, 302, 302)
SUPERUSER_ONLY = (302, 403, 403, 403, 403, 403, 403)
PROVINCE_OWN = (302, 404, 404, 404, 404, 200, 404)  # the province office's own job
DISTRICT_OWN = (302, 404, 404, 200, 404, 404, 403)  # district_a's own import batch


def _d1() -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(code="401")


def _issued(o) -> IssuedBulletin:
    return IssuedBulletin.objects.first() or bulletin_issue(unit=_d1(), month=Month(2025, 3), user=o.province)


def _job(o) -> ReportJob:
    job = ReportJob.objects.filter(user=o.province).first()
    if job is None:
        job = ReportJob.objects.create(kind="bulletin", user=o.province, unit=_d1(), status="done")
        job.result_name = "ban-tin.xlsx"
        job.result.save("ban-tin.xlsx", ContentFile(b"PK\x03\x04"))
    return job


def _batch(o) -> ImportBatch:
    batch = ImportBatch.objects.first()
    if batch is None:
        content = import_template(unit=_d1(), criteria_set=o.assessment.criteria_set, year=2025)
        batch = ImportBatch(
            user=o.district_a,
            unit=_d1(),
            criteria_set=o.assessment.criteria_set,
            year=2025,
            original_name="so-lieu.xlsx",
            size=len(content),
            sha256="0" * 64,
            status=ImportStatus.INVALID,
        )
        batch.file.save("so-lieu.xlsx", ContentFile(content))
    return batch


EXCEL_ROWS = {
    "reports:bulletin": ("GET", lambda o: reverse("reports:bulletin", args=["401"]), D1_READ, None),
    "reports:bulletin_xlsx": ("GET", lambda o: reverse("reports:bulletin_xlsx", args=["401", MONTH]), D1_READ, None),
    "reports:bulletin_docx": ("GET", lambda o: reverse("reports:bulletin_docx", args=["401", MONTH]), D1_READ, None),
    "reports:bulletin_text": (
        "POST",
        lambda o: reverse("reports:bulletin_text", args=["401", MONTH]),
        # The office's text: the province office, and the district's own committee; a viewer is refused.
        (302, 404, 404, 302, 404, 302, 403),
        lambda o: {"issuer": "VPĐP NTM HUYỆN", "place": "Một"},
    ),
    "reports:bulletin_issue": (
        "POST",
        lambda o: reverse("reports:bulletin_issue", args=["401", MONTH]),
        # Only the province office issues; a reader is refused, an outsider does not see the unit.
        (302, 404, 404, 403, 404, 302, 403),
        lambda o: {"confirmed": "1"},
    ),
    "reports:bulletin_generate": (
        "POST",
        lambda o: reverse("reports:bulletin_generate", args=["401", MONTH]),
        D1_READ_POST,
        None,
    ),
    "reports:national_bulletin": ("GET", lambda o: reverse("reports:national_bulletin"), SUPERUSER_ONLY, None),
    "reports:national_bulletin_xlsx": (
        "GET",
        lambda o: reverse("reports:national_bulletin_xlsx", args=[MONTH]),
        SUPERUSER_ONLY,
        None,
    ),
    "reports:national_bulletin_generate": (
        "POST",
        lambda o: reverse("reports:national_bulletin_generate", args=[MONTH]),
        SUPERUSER_ONLY,
        None,
    ),
    "reports:issued_bulletin": (
        "GET",
        lambda o: reverse("reports:issued_bulletin", args=[_issued(o).pk]),
        D1_READ,
        None,
    ),
    "reports:issued_bulletin_docx": (
        "GET",
        lambda o: reverse("reports:issued_bulletin_docx", args=[_issued(o).pk]),
        D1_READ,
        None,
    ),
    "reports:job": ("GET", lambda o: reverse("reports:job", args=[_job(o).pk]), PROVINCE_OWN, None),
    "reports:job_status": ("GET", lambda o: reverse("reports:job_status", args=[_job(o).pk]), PROVINCE_OWN, None),
    "reports:job_download": ("GET", lambda o: reverse("reports:job_download", args=[_job(o).pk]), PROVINCE_OWN, None),
    "reports:export": (
        "GET",
        lambda o: reverse("reports:export", args=["401", "dashboard"]) + "?year=2025",
        D1_READ,
        None,
    ),
    "reports:national_export": (
        "GET",
        lambda o: reverse("reports:national_export", args=["dashboard"]) + "?year=2025",
        SUPERUSER_ONLY,
        None,
    ),
    "reports:import": ("GET", lambda o: reverse("reports:import", args=["401"]), D1_READ, None),
    "reports:import_template": (
        "GET",
        lambda o: (
            reverse("reports:import_template", args=["401"]) + f"?criteria_set={o.assessment.criteria_set_id}&year=2025"
        ),
        D1_READ,
        None,
    ),
    "reports:import_summary_template": (
        "GET",
        lambda o: reverse("reports:import_summary_template", args=["401"]) + "?year=2024&tier=standard",
        D1_READ,
        None,
    ),
    # Without a file: refused at the form (400) for those who may write the district.
    "reports:import_summary": (
        "POST",
        lambda o: reverse("reports:import_summary", args=["401"]),
        (302, 404, 404, 400, 404, 400, 403),
        lambda o: {"year": 2024},
    ),
    "reports:import_batch": (
        "GET",
        lambda o: reverse("reports:import_batch", args=["401", _batch(o).pk]),
        DISTRICT_OWN,
        None,
    ),
    "reports:import_apply": (
        "POST",
        lambda o: reverse("reports:import_apply", args=["401", _batch(o).pk]),
        (302, 404, 404, 302, 404, 404, 403),
        None,
    ),
}
