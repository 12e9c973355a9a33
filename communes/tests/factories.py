"""Factories that keep the tree consistent: a unit's level, type and parent always agree."""

import factory
from django.contrib.auth import get_user_model

from communes.models import AdministrativeUnit, Level, Membership, Region, Role, UnitType


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("a-long-test-password")


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"{n + 10:02d}")
    name = factory.Sequence(lambda n: f"Tỉnh Thử {n}")
    level = Level.PROVINCE
    type = UnitType.TINH
    region = Region.BTB
    parent = None


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"{n + 100:03d}")
    name = factory.Sequence(lambda n: f"Huyện Thử {n}")
    level = Level.DISTRICT
    type = UnitType.HUYEN
    parent = factory.SubFactory(ProvinceFactory)
    region = factory.SelfAttribute("parent.region")


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"{n + 10000:05d}")
    name = factory.Sequence(lambda n: f"Xã Thử {n}")
    level = Level.COMMUNE
    type = UnitType.XA
    parent = factory.SubFactory(DistrictFactory)
    region = factory.SelfAttribute("parent.region")


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"V{n:06d}")
    name = factory.Sequence(lambda n: f"Thôn {n}")
    level = Level.VILLAGE
    type = UnitType.THON
    parent = factory.SubFactory(CommuneFactory)
    region = factory.SelfAttribute("parent.region")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(CommuneFactory)
    role = Role.COMMUNE_OFFICER
