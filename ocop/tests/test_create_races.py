"""The same product form sent twice at once (a double click, a page sent again): one product
is entered, the other request is refused at the name — never two rows."""

import pytest
from django.test import Client
from django.urls import reverse

from ntm_portal.tests.races import all_at_once, postgresql_only
from ocop.models import OcopProduct

WRITERS = 4


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_same_product_posted_at_once_is_entered_once(tree, personas):
    form = {"commune": tree.a.pk, "name": "Chè búp", "producer": "HTX Chè", "category": "drinks", "stage": "idea"}
    clients = [Client() for _ in range(WRITERS)]
    for c in clients:
        c.force_login(personas.officer_a)
    url = reverse("ocop:create")
    answers = all_at_once([lambda c=c: c.post(url, form) for c in clients])
    statuses = sorted(getattr(a, "status_code", a) for a in answers)
    assert statuses == [302] + [400] * (WRITERS - 1), answers
    assert OcopProduct.objects.count() == 1
