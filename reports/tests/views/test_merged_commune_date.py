"""A merged commune's dashboard names its own merger's date (the succession's), not 1 July 2025."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from communes.models import UnitSuccession
from communes.tests.factories import CommuneFactory, VillageFactory
from reports.tests.factories import make_assessment, make_flat_set

pytestmark = pytest.mark.django_db


def test_a_merged_commune_names_its_own_merger_date(client, personas, tree):
    client.force_login(personas.province_office)
    standard = make_flat_set(code="T-19", total=19, year_to=2030)
    merged = CommuneFactory(code="40299", name="Xã Hợp Thành", parent=tree.d2, valid_from=datetime.date(2024, 10, 1))
    UnitSuccession.objects.create(predecessor=tree.c, successor=merged, date=datetime.date(2024, 10, 1))
    make_assessment(tree.c, standard, 2023, 15)
    with translation.override("vi"):
        url = reverse("reports:dashboard", args=["40299"])
    html = client.get(f"{url}?year=2024&tier=standard").content.decode()
    assert "01/10/2024" in html
    assert "01/07/2025" not in html


def test_its_villages_merged_on_another_day_do_not_add_their_date(client, personas, tree):
    """Only the commune's own successions give the date: its villages' links may be entered with
    the 2025 reorganisation's day."""
    client.force_login(personas.province_office)
    standard = make_flat_set(code="T-19", total=19, year_to=2030)
    merged = CommuneFactory(code="40299", name="Xã Hợp Thành", parent=tree.d2, valid_from=datetime.date(2024, 10, 1))
    UnitSuccession.objects.create(predecessor=tree.c, successor=merged, date=datetime.date(2024, 10, 1))
    old_village = VillageFactory(code="40201-01", name="Thôn Cũ", parent=tree.c)
    new_village = VillageFactory(code="40299-01", name="Thôn Mới", parent=merged)
    UnitSuccession.objects.create(predecessor=old_village, successor=new_village, date=datetime.date(2025, 7, 1))
    make_assessment(tree.c, standard, 2023, 15)
    with translation.override("vi"):
        url = reverse("reports:dashboard", args=["40299"])
    html = client.get(f"{url}?year=2024&tier=standard").content.decode()
    assert "01/10/2024" in html and "01/07/2025" not in html
