import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_render(client, personas, assessment, tree):
    client.force_login(personas.officer_a)
    for url in [reverse("home"), reverse("unit", args=["40101"]), reverse("assessment", args=[assessment.pk])]:
        r = client.get(url, follow=True)
        assert r.status_code == 200, url
    client.force_login(personas.district_d1)
    assert client.get(reverse("unit", args=["401"])).status_code == 200
    client.force_login(personas.province_office)
    assert client.get(reverse("unit", args=["40"])).status_code == 200
