"""What the reports app stores: issued bulletins, background jobs and import batches.

Files (bulletins, job results, uploaded workbooks) get generated names under MEDIA_ROOT and
are served only by views that check the reader's access first; an uploaded name is kept as
data, never as a path.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit
from criteria.models import CriteriaSet


def bulletin_upload_to(instance: IssuedBulletin, filename: str) -> str:
    return f"bulletins/{instance.unit.code}/{instance.month:%Y-%m}-{uuid.uuid4().hex}.xlsx"


def bulletin_docx_upload_to(instance: IssuedBulletin, filename: str) -> str:
    return f"bulletins/{instance.unit.code}/{instance.month:%Y-%m}-{uuid.uuid4().hex}.docx"


def job_upload_to(instance: ReportJob, filename: str) -> str:
    return f"report-jobs/{instance.pk}.xlsx"


def import_upload_to(instance: ImportBatch, filename: str) -> str:
    return f"imports/{instance.unit.code}/{uuid.uuid4().hex}.xlsx"


class IssuedBulletin(models.Model):
    """A monthly bulletin as issued by a province office: the file is kept and served unchanged."""

    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="issued_bulletins"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month reported on."))
    file = models.FileField(_("file"), upload_to=bulletin_upload_to, max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    docx = models.FileField(_("Word document"), upload_to=bulletin_docx_upload_to, max_length=200, blank=True)
    docx_sha256 = models.CharField(_("SHA-256 of the Word document"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"))
    cutoff = models.DateTimeField(_("data as of"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"))

    class Meta:
        verbose_name = _("issued bulletin")
        verbose_name_plural = _("issued bulletins")
        ordering = ["-month", "unit__name_sort"]
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="bulletin_one_per_unit_month")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.month:%m/%Y}"

    @property
    def download_name(self) -> str:
        return f"ban-tin-ntm-{self.unit.code}-{self.month:%Y-%m}.xlsx"

    @property
    def docx_download_name(self) -> str:
        return f"ban-tin-ntm-{self.unit.code}-{self.month:%Y-%m}.docx"


class BulletinText(models.Model):
    """The office's own words in a monthly bulletin, one saved version per row (append-only).

    The latest row of a unit and month is the text; the earlier rows are its history. A month
    without a row starts from the latest text of an earlier month (``reports.bulletin.text``).
    """

    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="bulletin_texts"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month reported on."))
    superior = models.CharField(_("superior body"), max_length=200, blank=True)
    issuer = models.CharField(_("issuing body"), max_length=200)
    number = models.CharField(_("number"), max_length=60, blank=True)
    place = models.CharField(_("place"), max_length=100)
    dated = models.DateField(_("date of the document"), null=True, blank=True)
    official_form = models.BooleanField(_("official-report form (national motto)"), default=False)
    direction = models.TextField(_("1. Direction and management"), blank=True)
    shortcomings = models.TextField(_("Shortcomings and limitations"), blank=True)
    tasks = models.TextField(_("Tasks for the coming month"), blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=200, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=200, blank=True)
    recipients = models.TextField(_("recipients"), blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("saved by"), on_delete=models.PROTECT, related_name="+"
    )
    saved_at = models.DateTimeField(_("saved at"))

    class Meta:
        verbose_name = _("bulletin text")
        verbose_name_plural = _("bulletin texts")
        ordering = ["-saved_at", "-pk"]
        indexes = [models.Index(fields=["unit", "month", "saved_at"], name="bulletin_text_unit_month")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.month:%m/%Y} · {localtime(self.saved_at):%d/%m/%Y %H:%M}"


class JobKind(models.TextChoices):
    BULLETIN = "bulletin", _("Monthly bulletin")
    IMPORT_CHECK = "import_check", _("Checking an import")
    IMPORT_APPLY = "import_apply", _("Applying an import")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting in the queue")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


FINISHED_JOB_STATES = (JobStatus.DONE, JobStatus.FAILED)

# The steps of applying an import as the status page names them, in order (the names are
# ``reports.importing.services.STEP_*`` and ``criteria.services.recording.STEP_*``).
IMPORT_STEP_LABELS = {
    "checking": _("Checking the values against the data once more"),
    "starting": _("Starting the assessments the file needs"),
    "values": _("Writing the values and their history"),
    "results": _("Recomputing the criteria met"),
    "dependants": _("Updating the indicators worked out from income"),
}
IMPORT_STEPS = list(IMPORT_STEP_LABELS)


class ReportJob(models.Model):
    """One piece of background work and its progress, polled by the status page.

    The queue itself is django-tasks' database backend; this row is what the user sees:
    who asked, for which unit (None: the country), how far it is, and the result file.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=14, choices=JobKind.choices)
    status = models.CharField(_("status"), max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    result = models.FileField(_("result"), upload_to=job_upload_to, max_length=200, blank=True)
    result_name = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress_done__lte=models.F("progress_total")), name="job_progress_ok")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_status_display()}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_JOB_STATES

    @property
    def step_label(self) -> str:
        """What the job is doing now, for a job that reports its steps."""
        return IMPORT_STEP_LABELS.get(self.params.get("step", ""), "")

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, 100 * self.progress_done // self.progress_total)


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("Being checked")
    INVALID = "invalid", _("Has errors")
    READY = "ready", _("Checked: waiting for confirmation")
    APPLYING = "applying", _("Being applied")
    APPLIED = "applied", _("Applied")
    FAILED = "failed", _("Not applied")


class ImportKind(models.TextChoices):
    VALUES = "values", _("Indicator values")
    SUMMARY = "summary", _("Summary records (criteria level)")


def _in_language(worded: dict[str, str]) -> str:
    """The text of ``worded`` (by language code) in the language active now, or ""."""
    language = translation.get_language() or ""
    return worded.get(language) or worded.get(language.split("-")[0]) or ""


class ImportBatch(models.Model):
    """An uploaded workbook: kept until confirmed, so the preview → confirm step needs no re-upload.

    Two kinds: indicator values against one set (``criteria_set``), or summary records of past
    years, one row per unit, each row naming its year and set (no ``criteria_set``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="import_batches"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind.choices, default=ImportKind.VALUES)
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    year = models.PositiveSmallIntegerField(_("year"))
    file = models.FileField(_("file"), upload_to=import_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    language = models.CharField(_("language"), max_length=8, default="vi")
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.CHECKING)
    rows = models.PositiveIntegerField(_("rows with data"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    # The file's values as checked (``checks.ReadValues.as_json``): confirming compares these
    # with the database again instead of re-reading the file. Emptied once applied.
    checked_values = models.JSONField(_("checked values"), default=dict, blank=True, editable=False)
    message = models.TextField(_("message"), blank=True)
    # ``message`` in each language of the portal, where it was kept so (``message_shown``).
    message_worded = models.JSONField(_("message in each language"), default=dict, blank=True, editable=False)
    job = models.ForeignKey(
        ReportJob, verbose_name=_("background job"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ImportStatus.values), name="import_status_known"),
            models.CheckConstraint(condition=Q(kind__in=ImportKind.values), name="import_kind_known"),
            models.CheckConstraint(
                condition=~Q(kind=ImportKind.VALUES) | Q(criteria_set__isnull=False),
                name="import_values_have_a_set",
            ),
            models.CheckConstraint(
                condition=~Q(status=ImportStatus.APPLIED) | Q(applied_at__isnull=False),
                name="import_applied_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} · {self.unit} · {self.year}"

    @property
    def changes(self) -> list[dict]:
        return self.changes_listed()

    def changes_listed(self, limit: int | None = None) -> list[dict]:
        """What applying would change (the first ``limit``), each as a dict: unit, unit_name,
        code, indicator, old, new, cell for values. A values batch keeps its changes as plain
        lists with the names once aside (``importing.checks.Plan.preview``); a summary batch
        keeps dicts."""
        changes = self.preview.get("changes", [])[:limit]
        names = self.preview.get("names")
        if names is None:
            return changes
        units, indicators = names["units"], names["indicators"]
        return [
            {
                "unit": unit,
                "unit_name": units.get(unit, ""),
                "code": code,
                "indicator": indicators.get(code, ""),
                "old": old,
                "new": new,
                "cell": cell,
            }
            for unit, code, old, new, cell in changes
        ]

    def errors_listed(self, limit: int | None = None) -> list[dict]:
        """The errors (the first ``limit``), each worded in the language active now: an error
        keeps its reason in every language of the portal (``messages``); one kept before that
        has only ``message``, in the language of the upload."""
        return [
            {**error, "message": _in_language(error.get("messages") or {}) or error.get("message", "")}
            for error in self.errors[:limit]
        ]

    @property
    def message_shown(self) -> str:
        """``message`` in the language active now, where it was kept in each language (a refused
        application); otherwise as kept, in the language of the upload."""
        return _in_language(self.message_worded) or self.message

    @property
    def change_count(self) -> int:
        return len(self.preview.get("changes", []))

    @property
    def starts(self) -> list[dict]:
        return self.preview.get("starts", [])


class FiguresVersion(models.Model):
    """A province's figures version: lets the dashboards cache their figures per province.

    Database triggers (``reports/migrations/0005_figuresversion.py``) bump the row of every
    province a write touches — assessments, criterion results, units, successions; the
    catalogue (criteria, sets) bumps the ``*`` row — inside the writing transaction, so a
    cache keyed on the version can never serve figures older than a committed write. The
    token is drawn when the row is inserted: a cache entry of another (or a recreated)
    database never matches, even at the same version number.
    """

    prefix = models.CharField(
        _("path prefix"),
        max_length=64,
        primary_key=True,
        help_text=_("The province's path prefix such as /26/, or * for the catalogue of criteria."),
    )
    token = models.CharField(_("token"), max_length=32)
    version = models.BigIntegerField(_("version"))

    class Meta:
        verbose_name = _("figures version")
        verbose_name_plural = _("figures versions")

    def __str__(self) -> str:
        return f"{self.prefix} · {self.version}"


class FiguresCacheEntry(models.Model):
    """One province's figures rows of one kind and set of parameters, kept until a write
    changes them: valid while ``stamp`` is the province's and the catalogue's version
    (``reports.selectors.cache``). Pruned by the jobs sweep once old."""

    prefix = models.CharField(_("province path"), max_length=64)
    key = models.CharField(_("key"), max_length=64)
    stamp = models.CharField(_("versions"), max_length=160)
    value = models.JSONField(_("rows"))
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("kept figures")
        verbose_name_plural = _("kept figures")
        constraints = [models.UniqueConstraint(fields=["key", "prefix"], name="figures_cache_one_per_key")]

    def __str__(self) -> str:
        return f"{self.prefix} {self.key[:8]}"
