"""The demo's logins: one per role, all with the published password ``DEMO_PASSWORD``."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit, Membership, Role
from communes.people import username_key
from demo.base import DemoError

DEMO_PASSWORD = "ntm-demo-2026"  # noqa: S105 - the published password of fictional demo users
DEMO_EMAIL_DOMAIN = "minhhoa.example"

MSG_USERS_EXIST = _("Users %(names)s already exist and are not demo users; rename or remove them first.")


@dataclass(frozen=True)
class DemoUser:
    username: str
    role_label: object  # a lazy translation
    unit_code: str
    role: str | None
    first_name: str
    last_name: str


# Logins printed by ``make run``; all share DEMO_PASSWORD.
DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", _("Administrator"), "", None, "Trị", "Quản"),
    DemoUser("tinh", _("Province coordination office"), "DEMO", Role.PROVINCE_OFFICE, "Lan", "Nguyễn Thị"),
    DemoUser("huyen1", _("District steering committee"), "DEMO-H1", Role.DISTRICT_COMMITTEE, "Hùng", "Trần Văn"),
    DemoUser("huyen2", _("District steering committee"), "DEMO-H2", Role.DISTRICT_COMMITTEE, "Mai", "Lê Thị"),
    DemoUser("xa1", _("Commune officer"), "DEMO-X001", Role.COMMUNE_OFFICER, "Tuấn", "Phạm Anh"),
    DemoUser("xa2", _("Commune officer"), "DEMO-X002", Role.COMMUNE_OFFICER, "Hoa", "Võ Thị"),
    DemoUser("xamoi1", _("Commune officer (merged commune)"), "DEMO-M01", Role.COMMUNE_OFFICER, "Dũng", "Đặng Quốc"),
    DemoUser("lanhdao", _("Viewer (province leadership)"), "DEMO", Role.VIEWER, "Thắng", "Hoàng Minh"),
)


def create_users() -> dict[str, object]:
    """The demo logins with their memberships; refuses when a real user has one of the names."""
    User = get_user_model()
    # A real "Tinh" would be "tinh" in other capitals: the same login name (people.username_key).
    names = {username_key(u.username) for u in DEMO_USERS}
    others = User.objects.exclude(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").values_list("username", flat=True)
    clashing = sorted(name for name in others.iterator(chunk_size=2000) if username_key(name) in names)
    if clashing:
        raise DemoError(MSG_USERS_EXIST % {"names": ", ".join(clashing)})
    # One hash for all: the password hasher is deliberately slow and the password is shared.
    password = make_password(DEMO_PASSWORD)
    units = {u.code: u for u in AdministrativeUnit.objects.filter(code__in=[d.unit_code for d in DEMO_USERS])}
    users = {}
    for login in DEMO_USERS:
        is_admin = login.role is None
        create = User.objects.create_superuser if is_admin else User.objects.create_user
        user = create(
            login.username,
            email=f"{login.username}@{DEMO_EMAIL_DOMAIN}",
            password=None,
            first_name=login.first_name,
            last_name=login.last_name,
        )
        user.password = password
        user.save(update_fields=["password"])
        if not is_admin:
            membership = Membership(user=user, unit=units[login.unit_code], role=login.role)
            membership.full_clean()
            membership.save()
        users[login.username] = user
    return users
