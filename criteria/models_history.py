"""The record of what happened to an assessment: evidence files, the append-only history of
every change, and the logs of its figures (read back "as of" a past moment).

Imported by ``criteria.models``, which defines what these models refer to.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from criteria.models import (  # defined before it imports this module
    AppendOnlyMixin,
    AppendOnlyQuerySet,
    Assessment,
    AssessmentState,
    HistoryKind,
    IndicatorValue,
    evidence_upload_to,
)
from criteria.models_catalogue import Criterion, Indicator


class Evidence(models.Model):
    """A file proving a value (minutes, photos, reports); served only through an access check."""

    value = models.ForeignKey(
        IndicatorValue, verbose_name=_("value"), on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class HistoryEntry(AppendOnlyMixin, models.Model):
    """Append-only record of every change to a value or a state: who, when, old → new, why."""

    # Indexed by ``history_value_idx`` and ``history_newest_idx`` (assessment first).
    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.PROTECT, related_name="history", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=8, choices=HistoryKind.choices)
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    old_value = models.CharField(_("old value"), max_length=60, blank=True)
    new_value = models.CharField(_("new value"), max_length=60, blank=True)
    old_note = models.TextField(_("old note"), blank=True)
    new_note = models.TextField(_("new note"), blank=True)
    old_state = models.CharField(_("old state"), max_length=12, choices=AssessmentState.choices, blank=True)
    new_state = models.CharField(_("new state"), max_length=12, choices=AssessmentState.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    # Read only per assessment (the indexes below), never across assessments by time.
    at = models.DateTimeField(_("at"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("history entry")
        base_manager_name = "objects"  # Django's internal queries refuse updates too
        verbose_name_plural = _("history")
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["assessment", "indicator", "at"], name="history_value_idx"),
            # The sheet's newest entries (and its latest state change and comment): read in
            # order and stopped at the page, whatever the length of the history.
            models.Index(fields=["assessment", "-at", "-id"], name="history_newest_idx"),
            # Its latest state change, however many values were saved since (or none at all).
            models.Index(
                fields=["assessment", "-at", "-id"], condition=Q(kind="state"), name="history_newest_state_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="value") | Q(indicator__isnull=False), name="history_value_names_indicator"
            ),
            models.CheckConstraint(
                condition=~Q(kind="basic") | Q(criterion__isnull=False), name="history_basic_names_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"{localtime(self.at):%d/%m/%Y %H:%M} {self.get_kind_display()}"


class AssessmentLog(AppendOnlyMixin, models.Model):
    """Append-only: the stored figures of an assessment from ``at`` on (state, criteria met).

    One row per change, written by the services in the same transaction; a bulletin for a
    past month reads the last row before the month's end instead of today's figures.
    """

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.PROTECT, related_name="log"
    )
    at = models.DateTimeField(_("at"))
    state = models.CharField(_("state"), max_length=12, choices=AssessmentState.choices)
    criteria_met = models.PositiveSmallIntegerField(_("criteria met"))
    criteria_total = models.PositiveSmallIntegerField(_("criteria in the set"))
    criteria_basically_met = models.PositiveSmallIntegerField(_("criteria basically met"), default=0)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment log entry")
        base_manager_name = "objects"  # Django's internal queries refuse updates too
        verbose_name_plural = _("assessment log")
        indexes = [models.Index(fields=["assessment", "at"], name="assessmentlog_asof_idx")]

    def __str__(self) -> str:
        return f"{self.assessment_id} {localtime(self.at):%Y-%m-%d %H:%M} {self.state} {self.criteria_met}/{self.criteria_total}"


class CriterionResultLog(AppendOnlyMixin, models.Model):
    """Append-only: whether a criterion was met from ``at`` on (the matrix as of a past date)."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.PROTECT, related_name="result_log"
    )
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))
    met = models.BooleanField(_("met"))
    basically_met = models.BooleanField(_("basically met"), default=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("criterion result log entry")
        base_manager_name = "objects"  # Django's internal queries refuse updates too
        verbose_name_plural = _("criterion result log")
        indexes = [models.Index(fields=["assessment", "criterion", "at"], name="resultlog_asof_idx")]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.criterion_id} {localtime(self.at):%Y-%m-%d %H:%M} {self.met}"
