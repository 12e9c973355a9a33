"""One login name, whatever its capitals: "Tinh" beside "tinh" signed in as two people."""

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from communes.people import MSG_USERNAME_TAKEN
from communes.tests.factories import UserFactory
from demo.base import DemoError
from demo.users import create_users

pytestmark = pytest.mark.django_db
User = get_user_model()
MEMBERSHIPS = {f"memberships-{k}": v for k, v in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0, "MAX_NUM_FORMS": 1000}.items()}


def taken(existing: str) -> str:
    """The message at the field, in the page's language (the lead's catalogue words it)."""
    return str(MSG_USERNAME_TAKEN % {"existing": existing})


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def _change(admin_client, user, username):
    return admin_client.post(
        reverse("admin:auth_user_change", args=[user.pk]),
        {
            "username": username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "is_active": "on",
            "date_joined_0": "05/12/2026",
            "date_joined_1": "10:00",
            **MEMBERSHIPS,
        },
    )


def _add(admin_client, username):
    return admin_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": username,
            "usable_password": "true",
            "password1": "Nong-thon-moi-2026!",
            "password2": "Nong-thon-moi-2026!",
            **MEMBERSHIPS,
        },
    )


def _field_errors(response) -> list[str]:
    assert response.status_code == 200, "saved"
    return response.context["adminform"].form.errors.get("username", [])


def test_renaming_a_user_to_another_login_name_in_other_capitals_is_refused_at_the_field(admin_client, vi):
    UserFactory(username="tinh")
    qa1 = UserFactory(username="qa1")
    response = _change(admin_client, qa1, "Tinh")
    assert _field_errors(response) == [taken("tinh")]
    qa1.refresh_from_db()
    assert qa1.username == "qa1"


def test_a_user_may_change_the_capitals_of_their_own_login_name(admin_client, vi):
    qa1 = UserFactory(username="qa1")
    response = _change(admin_client, qa1, "QA1")
    assert response.status_code == 302, response.context["adminform"].form.errors
    qa1.refresh_from_db()
    assert qa1.username == "QA1"


@pytest.mark.parametrize("existing, new", [("tinh", "Tinh"), ("nguyễn.lan", "NGUYỄN.LAN")])
def test_adding_a_login_name_in_other_capitals_is_refused_at_the_field(admin_client, vi, existing, new):
    UserFactory(username=existing)
    response = _add(admin_client, new)
    assert _field_errors(response) == [taken(existing)]
    assert not User.objects.filter(username=new).exists()


def test_a_new_login_name_is_added(admin_client, vi):
    UserFactory(username="nguyễn.lan")
    response = _add(admin_client, "nguyễn.lan2")
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.filter(username="nguyễn.lan2").exists()


@pytest.mark.parametrize("existing, new", [("tinh", "TINH"), ("nguyễn.lan", "NGUYỄN.LAN")])
def test_the_database_refuses_a_login_name_in_other_capitals(existing, new):
    if not new.isascii() and connection.vendor == "sqlite":
        pytest.skip("SQLite lower-cases ASCII only: the forms compare in Python")
    User.objects.create_user(existing)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(new)


def test_the_demo_refuses_a_real_user_holding_a_demo_login_in_other_capitals():
    UserFactory(username="Tinh", email="tinh@so-nn.example")
    with pytest.raises(DemoError, match="Tinh"):
        create_users()
