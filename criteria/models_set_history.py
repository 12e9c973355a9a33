"""The history of a criteria set: who created, edited, confirmed, published or retired it.

Append-only like the assessments' history (``AppendOnlyMixin``; PostgreSQL triggers refuse
UPDATE and DELETE, ``ntm_portal/append_only.py``). Written only by the set services
(``criteria/services/set_workspace.py``, ``criteria/services/set_editing.py``). Imported by
``criteria.models``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from criteria.models import AppendOnlyMixin, AppendOnlyQuerySet
from ntm_portal.language import in_every_language

MSG_BLANK = _("blank")  # a set started empty: said on display, in the reader's language
MSG_REMOVED = _("removed")  # the comment of a row's removal: said on display, in the reader's language


class SetChangeKind(models.TextChoices):
    CREATED = "created", _("Created")
    EDITED = "edited", _("Edited")
    CONFIRMED = "confirmed", _("Target confirmed")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class SetRowKind(models.TextChoices):
    """What an entry of the set's history is about (the row's kind names it on the page)."""

    HEADER = "header", _("the set's header")
    GROUP = "group", _("group")
    CRITERION = "criterion", _("criterion")
    INDICATOR = "indicator", _("indicator")
    TARGET = "target", _("target")


class CriteriaSetChange(AppendOnlyMixin, models.Model):
    criteria_set = models.ForeignKey(
        "criteria.CriteriaSet", verbose_name=_("criteria set"), on_delete=models.PROTECT, related_name="changes"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SetChangeKind.choices)
    subject = models.CharField(_("what"), max_length=200, blank=True)
    # The row the entry is about, in no language: the editor finds who last changed or removed a
    # row by it (``set_editing.last_change``), whatever language each editor used. With it, the
    # subject of an edit is the row's name without its kind ("15.1 (DBSH)"), or the header's
    # changed fields by name, and ``subject_text`` words it in the reader's language. Entries
    # from before it have neither and their subject as written.
    row_kind = models.CharField(_("row kind"), max_length=10, choices=SetRowKind.choices, blank=True)
    row_pk = models.PositiveBigIntegerField(_("row id"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    # A removal keeps the row as it was (its fields, by attname; an indicator's with the targets
    # removed with it, under "targets"): nothing a user entered is lost, and an indicator added
    # back with the same code gets those targets again (``set_editing.set_row_save``).
    removed_row = models.JSONField(_("row as removed"), null=True, blank=True, encoder=DjangoJSONEncoder)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("change of a criteria set")
        verbose_name_plural = _("changes of criteria sets")
        base_manager_name = "objects"  # Django's internal queries refuse updates too
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{localtime(self.at):%d/%m/%Y %H:%M} {self.get_kind_display()} {self.subject_text}"

    @property
    def subject_text(self) -> str:
        """The subject in the reader's language: "target 15.1 (DBSH)", "name, short name"."""
        if self.kind != SetChangeKind.EDITED or not self.row_kind:
            return self.subject
        if self.row_kind == SetRowKind.HEADER:
            header = self._meta.get_field("criteria_set").related_model._meta
            names = [n for n in self.subject.split(",") if n]
            return ", ".join(str(header.get_field(n).verbose_name) if _is_field(header, n) else n for n in names)
        return self.row_text

    @property
    def comment_text(self) -> str:
        """The comment in the reader's language. A set started blank has its creation stored with
        neither subject nor comment (a clone names its source as subject) and reads "blank" in the
        reader's language; entries written before that hold "blank" frozen in the writer's language
        ("bộ trống" on the English page), and read the same."""
        blank = self.kind == SetChangeKind.CREATED and not self.subject
        if blank and (not self.comment or self.comment in in_every_language(MSG_BLANK)):
            return str(MSG_BLANK)
        if self.comment in in_every_language(MSG_REMOVED):  # a row's removal, stored in its writer's words
            return str(MSG_REMOVED)
        return self.comment

    @property
    def row_text(self) -> str:
        """The row the entry is about in the reader's language ("target 15.1 (DBSH)"); "" for none."""
        if not self.row_kind or self.row_kind == SetRowKind.HEADER:
            return ""
        return f"{self.get_row_kind_display()} {self.subject}"


def _is_field(meta, name: str) -> bool:
    try:
        meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True
