"""Statements built and compiled once, run many times.

The figures' rules are ORM filters (``criteria.figures``): a province's plan against result
counts the communes and villages of a year with some thirty subqueries, which Django builds and
compiles in Python on every call — after each save, 21 ms of a province dashboard's CPU for 14
ms in the database, to send the same text with the same parameters for the same year and day.
``rows(key, build)`` keeps the compiled text of the queryset ``build()`` returns under ``key``,
which must name everything the statement depends on (its year, cut-off, units…: the text and
parameters are a function of the key alone), and runs it: the rules stay written once, as
filters, and are compiled once per process and key.

Only for statements whose rows are plain values (counts, codes): the rows come back as the
database driver returns them, without Django's field converters.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.db import connection
from django.db.models import QuerySet

# Enough for every province's statements of a few years and days; the oldest go first.
MOST_KEPT = 512
_compiled: OrderedDict[tuple, tuple[str, tuple]] = OrderedDict()
_lock = threading.Lock()


def _statement(key: tuple[Hashable, ...], build: Callable[[], QuerySet]) -> tuple[str, tuple]:
    full_key = (connection.alias, connection.vendor, *key)
    statement = _compiled.get(full_key)
    if statement is None:
        statement = build().query.sql_with_params()
        with _lock:  # threads of one process (runserver, threaded workers) share the dictionary
            _compiled[full_key] = statement
            while len(_compiled) > MOST_KEPT:
                _compiled.popitem(last=False)
    return statement


def rows(key: tuple[Hashable, ...], build: Callable[[], QuerySet]) -> list[dict]:
    """The rows of the queryset ``build()`` returns (a ``values()`` queryset), as dictionaries
    by column name, its SQL compiled the first time ``key`` is asked for on this database."""
    sql, params = _statement(key, build)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def tuples(key: tuple[Hashable, ...], build: Callable[[], QuerySet]) -> list[tuple]:
    """As ``rows``, each row a tuple in the order of the queryset's ``values_list()``."""
    sql, params = _statement(key, build)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def forget() -> None:
    """Drop every kept statement (tests that change what a rule compiles to)."""
    with _lock:
        _compiled.clear()
