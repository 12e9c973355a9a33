"""Two people creating the same funds cell or province period at once: one lands, the other
gets 409 with what is stored now — never a 500 from the unique constraint."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from ntm_portal.tests.races import all_at_once, postgresql_only
from ntm_portal.tokens import token_issue
from plans.models import FundChange, FundEntry, ProvinceTarget

PROVINCE_TARGET = {
    "province": "40",
    "period_from": 2021,
    "period_to": 2025,
    "communes_standard": 50,
    "communes_advanced": 10,
    "communes_model": 5,
    "min_criteria": 15,
    "villages_recognised_share": "62,5",
    "basis": "NQ 05",
}
WRITERS = 8


def _api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user)[1]}")
    return client


def _funds(amount):
    entry = {"month": 3, "source": "central", "amount": amount, "version": 0}
    return {"unit": "40101", "year": 2025, "entries": [entry]}


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_saves_of_a_funds_cell_through_the_api_answer_409_with_the_stored_amount(tree, personas):
    clients = [_api(personas.officer_a) for _ in range(WRITERS)]
    answers = all_at_once(
        [lambda c=c, n=n: c.post("/api/v1/funds/", _funds(1000 + n), format="json") for n, c in enumerate(clients)]
    )
    statuses = sorted(getattr(a, "status_code", a) for a in answers)
    assert statuses == [200] + [409] * (WRITERS - 1), answers
    stored = FundEntry.objects.get()
    for answer in answers:
        if answer.status_code == 409:
            assert answer.json()["current"] == {"3-central": {"amount": int(stored.amount), "version": 1}}
    assert FundChange.objects.count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_saves_of_a_funds_cell_on_the_page_answer_409(tree, personas):
    clients = []
    for _ in range(WRITERS):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(personas.officer_a)
        clients.append(client)
    url = reverse("plans:save_funds", args=["40101"])
    answers = all_at_once(
        [
            lambda c=c, n=n: c.post(url, {"year": "2025", "a-3-central": str(500 + n), "v-3-central": "0"})
            for n, c in enumerate(clients)
        ]
    )
    statuses = sorted(getattr(a, "status_code", a) for a in answers)
    assert statuses == [302] + [409] * (WRITERS - 1), answers
    assert FundEntry.objects.count() == 1 and FundChange.objects.count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_province_targets_for_one_period_answer_409_with_the_stored_targets(
    tree, personas, room_for_targets
):
    clients = [_api(personas.province_office) for _ in range(WRITERS)]
    answers = all_at_once(
        [
            lambda c=c, n=n: c.post(
                "/api/v1/province-targets/", {**PROVINCE_TARGET, "communes_standard": 50 + n}, format="json"
            )
            for n, c in enumerate(clients)
        ]
    )
    statuses = sorted(getattr(a, "status_code", a) for a in answers)
    assert statuses == [201] + [409] * (WRITERS - 1), answers
    stored = ProvinceTarget.objects.get()
    for answer in answers:
        if answer.status_code == 409:
            current = answer.json()["current"]
            assert (current["id"], current["communes_standard"]) == (stored.pk, stored.communes_standard)


@pytest.mark.django_db
def test_a_second_province_target_for_the_same_period_answers_409_with_the_first(tree, personas, room_for_targets):
    client = _api(personas.province_office)
    first = client.post("/api/v1/province-targets/", PROVINCE_TARGET, format="json")
    assert first.status_code == 201
    second = client.post("/api/v1/province-targets/", {**PROVINCE_TARGET, "communes_standard": 70}, format="json")
    assert second.status_code == 409
    assert second.json()["detail"] == "The province already has targets for 2021–2025."
    assert second.json()["current"]["communes_standard"] == 50


@pytest.mark.django_db
def test_a_second_province_target_for_the_same_period_on_the_page_answers_409_at_the_field(
    client, tree, personas, room_for_targets
):
    client.force_login(personas.province_office)
    url = reverse("plans:save_province_target", args=["40"])
    form = {k: v for k, v in PROVINCE_TARGET.items() if k != "province"}
    assert client.post(url, form).status_code == 302
    again = client.post(url, {**form, "communes_standard": 70})
    assert again.status_code == 409
    assert "The province already has targets for 2021–2025." in again.content.decode()
    assert ProvinceTarget.objects.get().communes_standard == 50
