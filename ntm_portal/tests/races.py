"""Calls made at the same moment from several threads, each on its own database connection: the
tests of what two requests sent at once do (a double click, two tabs, two officers). Real
concurrent transactions need PostgreSQL; SQLite serialises whole-database writes."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: real concurrent transactions"
)


def all_at_once(calls: list[Callable[[], object]]) -> list[object]:
    """Run ``calls`` in threads released together; each one's answer, or the exception it raised
    (a 500 raised through the test client, a refusal), in the calls' order."""
    answers: dict[int, object] = {}
    start = threading.Barrier(len(calls))

    def run(i: int, call: Callable[[], object]) -> None:
        try:
            start.wait()
            answers[i] = call()
        except Exception as exc:  # the test inspects what each call got
            answers[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return [answers.get(i) for i in range(len(calls))]
