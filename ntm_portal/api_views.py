"""The viewset every app's API builds its rows of the user's area on."""

from __future__ import annotations

from django.db.models import Model, QuerySet
from rest_framework import mixins, viewsets

from communes.access import get_object_for_user, scope_queryset
from ntm_portal.api_errors import ApiErrorsMixin
from ntm_portal.api_fields import ID_PATTERN, checked_id


class ScopedReadOnlyViewSet(ApiErrorsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Rows that belong to a unit, read within the user's area, addressed by a numeric id.

    The list is the user's scope (``communes.access.scope_queryset``) of ``list_rows()`` in
    ``ordering`` (a total order, so pages never overlap); one row comes from ``detail_rows()``
    through ``get_object_for_user`` (404 outside the area; 403 read-only with ``write``).
    ``unit_field`` names the row's unit. Writes are each viewset's own actions.
    """

    unit_field = "unit"
    ordering: tuple[str, ...] = ()
    lookup_value_regex = ID_PATTERN

    def list_rows(self) -> QuerySet:
        raise NotImplementedError

    def detail_rows(self) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet:
        return scope_queryset(self.request.user, self.list_rows(), unit_field=self.unit_field).order_by(*self.ordering)

    def one(self, pk: int, *, write: bool = False) -> Model:
        """The row with this id in the user's area, read as ``detail_rows()`` reads it."""
        return get_object_for_user(
            self.request.user, self.detail_rows(), unit_field=self.unit_field, write=write, pk=pk
        )

    def get_object(self) -> Model:
        return self.one(checked_id(self.kwargs["pk"]))
