"""Shared fixtures: a small tree and the named personas used by permission tests.

Tree: province P (region BTB) → district D1 → communes A (villages A1, A2) and B (village B1);
      province P → district D2 → commune C.
Personas: officer_a, officer_b, district_d1, district_d2, province_office, viewer (reads P).
"""

from types import SimpleNamespace

import pytest

from communes.models import Role
from communes.tests.factories import (
    CommuneFactory,
    DistrictFactory,
    MembershipFactory,
    ProvinceFactory,
    UserFactory,
    VillageFactory,
)


@pytest.fixture
def tree(db):
    province = ProvinceFactory(code="40", name="Tỉnh Nghệ Thử")
    d1 = DistrictFactory(code="401", name="Huyện Một", parent=province)
    d2 = DistrictFactory(code="402", name="Huyện Hai", parent=province)
    a = CommuneFactory(code="40101", name="Xã Cẩm Thạch", parent=d1)
    b = CommuneFactory(code="40102", name="Xã Đức Lĩnh", parent=d1)
    c = CommuneFactory(code="40201", name="Xã Ân Phú", parent=d2)
    return SimpleNamespace(
        province=province,
        d1=d1,
        d2=d2,
        a=a,
        b=b,
        c=c,
        a1=VillageFactory(code="40101-01", name="Thôn Bắc", parent=a),
        a2=VillageFactory(code="40101-02", name="Thôn Nam", parent=a),
        b1=VillageFactory(code="40102-01", name="Thôn Đông", parent=b),
    )


def _persona(username, unit, role):
    user = UserFactory(username=username)
    MembershipFactory(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def personas(tree):
    return SimpleNamespace(
        officer_a=_persona("officer_a", tree.a, Role.COMMUNE_OFFICER),
        officer_b=_persona("officer_b", tree.b, Role.COMMUNE_OFFICER),
        district_d1=_persona("district_d1", tree.d1, Role.DISTRICT_COMMITTEE),
        district_d2=_persona("district_d2", tree.d2, Role.DISTRICT_COMMITTEE),
        province_office=_persona("province_office", tree.province, Role.PROVINCE_OFFICE),
        viewer=_persona("viewer", tree.province, Role.VIEWER),
        outsider=UserFactory(username="outsider"),
    )


@pytest.fixture(autouse=True)
def _fresh_rate_counters(settings, request):
    """Each test starts with no rate-limit counters (an in-memory cache of its own)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": request.node.nodeid}
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness makes no sense for test users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_messages():
    """Assert messages in English by default; tests of the Vietnamese UI switch to "vi" themselves."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def criteria_set(db):
    """A small published set (see criteria/tests/factories.py) valid 2021–2030."""
    from criteria.tests.factories import make_set

    return make_set(year_from=2021, year_to=2030)


@pytest.fixture
def assessment(personas, tree, criteria_set):
    """Commune A's 2025 draft against ``criteria_set``, with indicator 1.1 answered yes."""
    from criteria.services import ValueEntry, assessment_create, assessment_record_values

    a = assessment_create(unit=tree.a, criteria_set=criteria_set, year=2025, user=personas.officer_a)
    assessment_record_values(assessment=a, entries=[ValueEntry("1.1", "có")], user=personas.officer_a)
    return a


@pytest.fixture
def vi():
    """Pages as a Vietnamese user sees them (URLs without the /en/ prefix, Vietnamese text)."""
    from django.utils import translation

    with translation.override("vi"):
        yield
