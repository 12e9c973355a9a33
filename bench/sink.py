"""Bulk writers: rows go to PostgreSQL with COPY, or to any database with bulk_create.

The generator hands rows as tuples in a fixed column order and assigns every primary key
itself, so that rows of one table can point at rows of another before either is written,
and both writers produce identical data.
"""

from __future__ import annotations

import contextlib
import datetime
import io
from collections.abc import Iterator, Sequence
from decimal import Decimal

from django.db import connection, models
from django.db.models import DateTimeField

# A COPY is sent once this many bytes of text are buffered: big enough to amortise the round
# trip, small enough to keep the generator's memory flat.
COPY_CHUNK_BYTES = 32 * 1024 * 1024
BULK_BATCH = 2000

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value: str) -> str:
    return value.translate(_ESCAPES)


def _iso(value: datetime.date) -> str:
    return value.isoformat()


# Dispatch on the exact type: bool is not int here, and one dict lookup beats isinstance chains
# over millions of fields.
_FORMATS = {
    type(None): lambda _v: "\\N",
    bool: lambda v: "t" if v else "f",
    str: _text,
    int: str,
    Decimal: str,
    datetime.datetime: _iso,
    datetime.date: _iso,
}


def _copy_text(value: object) -> str:
    """One field in PostgreSQL's COPY text format."""
    formatter = _FORMATS.get(type(value))
    if formatter is not None:
        return formatter(value)
    if isinstance(value, str):  # TextChoices members and other str subclasses
        return _text(str.__str__(value))
    raise TypeError(f"cannot COPY {value!r}")


class Table:
    """A model and the columns (attribute names) its rows are given in."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]) -> None:
        self.model = model
        self.columns = tuple(columns)
        self.rows = 0
        self.next_id = 1
        # Columns the generator does not draw (added to the model since) take the model's
        # default ("" for text), as an instance would: COPY with a column list leaves them NULL.
        drawn = set(self.columns)
        self.defaults = tuple(
            (f.attname, f.get_default())
            for f in model._meta.concrete_fields
            if f.attname not in drawn and not f.null and not f.primary_key
        )

    def take_id(self) -> int:
        pk = self.next_id
        self.next_id += 1
        return pk


class Sink:
    """Buffers rows per table and writes them in large batches; ``close()`` flushes all."""

    def __init__(self, tables: dict[str, Table]) -> None:
        self.tables = tables
        for table in tables.values():
            last = table.model.objects.order_by("-pk").values_list("pk", flat=True).first()
            table.next_id = (last or 0) + 1

    def add(self, name: str, row: tuple) -> None:
        raise NotImplementedError

    def flush(self, name: str) -> None:
        raise NotImplementedError

    def close(self) -> None:
        for name in self.tables:
            self.flush(name)
        self.after_load()

    def after_load(self) -> None:
        """Hook: reset sequences, rebuild indexes."""


class CopySink(Sink):
    """PostgreSQL: COPY … FROM STDIN in text format through psycopg2's ``copy_expert``."""

    def __init__(self, tables: dict[str, Table]) -> None:
        super().__init__(tables)
        self.buffers = {name: io.StringIO() for name in tables}

    def add(self, name: str, row: tuple) -> None:
        buffer = self.buffers[name]
        row = (*row, *(value for _column, value in self.tables[name].defaults))
        buffer.write("\t".join(map(_copy_text, row)))
        buffer.write("\n")
        self.tables[name].rows += 1
        if buffer.tell() > COPY_CHUNK_BYTES:
            self.flush(name)

    def flush(self, name: str) -> None:
        buffer = self.buffers[name]
        if not buffer.tell():
            return
        table = self.tables[name]
        meta = table.model._meta
        names = (*table.columns, *(column for column, _value in table.defaults))
        columns = ", ".join(connection.ops.quote_name(meta.get_field(c).column) for c in names)
        buffer.seek(0)
        with connection.cursor() as cursor:
            # The raw psycopg2 cursor: Django's wrapper has no copy_expert.
            cursor.cursor.copy_expert(
                f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN", buffer, size=1 << 20
            )
        self.buffers[name] = io.StringIO()

    def after_load(self) -> None:
        reset_sequences([t.model for t in self.tables.values()])


class BulkCreateSink(Sink):
    """Any database (SQLite for the small size): model instances through ``bulk_create``."""

    def __init__(self, tables: dict[str, Table]) -> None:
        super().__init__(tables)
        self.pending: dict[str, list[models.Model]] = {name: [] for name in tables}

    def add(self, name: str, row: tuple) -> None:
        table = self.tables[name]
        self.pending[name].append(table.model(**dict(zip(table.columns, row, strict=True))))
        table.rows += 1
        if len(self.pending[name]) >= BULK_BATCH * 5:
            self.flush(name)

    def flush(self, name: str) -> None:
        objects = self.pending[name]
        if not objects:
            return
        model = self.tables[name].model
        # Dates are part of the data (entered in the assessment year), so auto_now must not
        # overwrite them with today.
        with _dates_as_given(model):
            model.objects.bulk_create(objects, batch_size=BULK_BATCH)
        self.pending[name] = []

    def after_load(self) -> None:
        reset_sequences([t.model for t in self.tables.values()])


@contextlib.contextmanager
def _dates_as_given(model: type[models.Model]) -> Iterator[None]:
    fields = [f for f in model._meta.concrete_fields if isinstance(f, DateTimeField) and (f.auto_now or f.auto_now_add)]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def reset_sequences(model_list: Sequence[type[models.Model]]) -> None:
    """Move each id sequence past the ids the generator assigned (PostgreSQL; no-op on SQLite)."""
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def make_sink(tables: dict[str, Table], *, use_copy: bool) -> Sink:
    return CopySink(tables) if use_copy else BulkCreateSink(tables)


# --- Faster loading on PostgreSQL: secondary indexes and foreign keys rebuilt after COPY ----


@contextlib.contextmanager
def indexes_deferred(model_list: Sequence[type[models.Model]]) -> Iterator[None]:
    """Drop secondary indexes and foreign keys of the big tables, load, then re-create them.

    Building an index once over sorted data is several times cheaper than maintaining it row
    by row, and a foreign key re-added with ALTER TABLE is checked in one join instead of one
    deferred trigger per row. The definitions are read from the catalog and replayed
    verbatim, so the schema afterwards is exactly what the migrations made.
    """
    tables = [m._meta.db_table for m in model_list]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            WHERE c.conrelid::regclass::text = ANY(%s) AND c.contype IN ('f', 'u')
            ORDER BY c.contype DESC
            """,
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in constraints:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        # Unique constraints first ('u' sorts after 'f' in the DESC order above, so reverse).
        for table, name, definition in reversed(constraints):
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
