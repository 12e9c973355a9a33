"""The admin's pages about people (users, groups, memberships) in the reader's language."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

from communes.admin import PortalPasswordChangeForm, permission_label
from communes.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def _permission(codename: str) -> Permission:
    return Permission.objects.select_related("content_type").get(codename=codename)


def test_a_permission_is_named_from_its_models_translated_name():
    """QA: ~200 permissions read "Can add log entry" on the Vietnamese pages: the name is stored
    in English when the model is migrated."""
    with translation.override("en"):
        assert permission_label(_permission("add_logentry")) == "Administration | log entry | Can add log entry"
    with translation.override("vi"):
        label = permission_label(_permission("add_logentry"))
        assert "log entry" not in label
        assert label.endswith(str(translation.gettext("log entry")))


@pytest.mark.parametrize("url", ["admin:auth_user_change", "admin:auth_group_change"])
def test_the_user_and_group_pages_list_permissions_in_vietnamese(admin_client, vi, url):
    group = Group.objects.create(name="Nhóm thử")
    target = group.pk if "group" in url else UserFactory(username="qa1").pk
    page = admin_client.get(reverse(url, args=[target])).content.decode()
    assert "Can add log entry" not in page
    assert "Can view unit succession" not in page
    assert str(permission_label(_permission("view_logentry"))) in page


def test_the_base_of_the_unit_levels_has_a_name(admin_client, vi):
    """QA: a model named "level proxy" among the permissions."""
    page = admin_client.get(reverse("admin:auth_group_add")).content.decode()
    assert "level proxy" not in page
    with translation.override("en"):
        assert permission_label(_permission("add_levelproxy")).endswith("Can add administrative unit (by level)")


def test_the_password_pages_warning_goes_through_the_catalogue():
    """QA: "If disabled, the current password for this user will be lost." in English: Django
    joins it, a plain string, to the help text when it is imported."""
    help_text = PortalPasswordChangeForm(UserFactory()).fields["usable_password"].help_text
    assert isinstance(help_text, Promise)
    with translation.override("en"):
        assert 'id="id_unusable_warning"' in str(help_text)
        assert "If disabled, the current password for this user will be lost." in str(help_text)


def test_the_password_page_uses_the_portals_form(admin_client, vi):
    user = UserFactory(username="qa1")
    response = admin_client.get(reverse("admin:auth_user_password_change", args=[user.pk]))
    assert isinstance(response.context["form"], PortalPasswordChangeForm)
