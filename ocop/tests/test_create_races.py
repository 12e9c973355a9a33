"""The same product form sent twice at once (a double click, a page sent again): one product
is entered, the other request is refused at the name — never two rows."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from ocop.models import OcopProduct

WRITERS = 4

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: real concurrent transactions"
)


def _all_at_once(calls):
    answers: dict[int, object] = {}
    start = threading.Barrier(len(calls))

    def run(i, call):
        try:
            start.wait()
            answers[i] = call()
        except Exception as exc:  # a 500 raised through the test client
            answers[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return [answers.get(i) for i in range(len(calls))]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_same_product_posted_at_once_is_entered_once(tree, personas):
    form = {"commune": tree.a.pk, "name": "Chè búp", "producer": "HTX Chè", "category": "drinks", "stage": "idea"}
    clients = [Client() for _ in range(WRITERS)]
    for c in clients:
        c.force_login(personas.officer_a)
    url = reverse("ocop:create")
    answers = _all_at_once([lambda c=c: c.post(url, form) for c in clients])
    statuses = sorted(getattr(a, "status_code", a) for a in answers)
    assert statuses == [302] + [400] * (WRITERS - 1), answers
    assert OcopProduct.objects.count() == 1
