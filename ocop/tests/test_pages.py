"""/ocop/: the list in the reader's area, the forms with their errors at the field."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from ocop.models import OcopProduct
from ocop.tests.factories import make_product

pytestmark = pytest.mark.django_db
FORM = {"commune": "", "name": "Chè búp", "producer": "HTX Chè", "category": "drinks", "stage": "idea"}


def test_the_list_shows_only_the_readers_area_and_filters(client, tree, personas):
    make_product(tree.a, "Mật ong", stars=3, certified=datetime.date(2020, 1, 5))
    make_product(tree.c, "Bánh đa")
    client.force_login(personas.officer_a)
    html = client.get(reverse("ocop:list")).content.decode()
    assert "Mật ong" in html and "Bánh đa" not in html and "Expired" in html
    client.force_login(personas.province_office)
    html = client.get(reverse("ocop:list"), {"status": "idea"}).content.decode()
    assert "Bánh đa" in html and "Mật ong" not in html
    html = client.get(reverse("ocop:list"), {"commune": "40101"}).content.decode()
    assert "Mật ong" in html and "Bánh đa" not in html


def test_an_officer_enters_a_product_of_their_commune(client, tree, personas):
    client.force_login(personas.officer_a)
    response = client.post(reverse("ocop:create"), FORM | {"commune": tree.a.pk})
    assert response.status_code == 302
    assert OcopProduct.objects.get().commune == tree.a


def test_a_certified_product_without_its_certificate_shows_vietnamese_errors_at_the_fields(client, tree, personas):
    client.force_login(personas.officer_a)
    with translation.override("vi"):
        url = reverse("ocop:create")
    response = client.post(url, FORM | {"commune": tree.a.pk, "stage": "certified", "stars": "4"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert (
        errors["certificate_date"]
        == errors["certificate_number"]
        == ["Sản phẩm đã được chứng nhận cần có thông tin này."]
    )
    assert "Sản phẩm đã được chứng nhận cần có thông tin này." in response.content.decode()
    invalid = client.post(url, FORM | {"commune": tree.a.pk, "certificate_date": "31/02/2024"})
    assert invalid.status_code == 400 and invalid.context["form"].errors["certificate_date"]
    assert not OcopProduct.objects.exists()


def test_another_communes_product_cannot_be_opened_or_entered(client, tree, personas):
    product = make_product(tree.b)
    client.force_login(personas.officer_a)
    assert client.get(reverse("ocop:edit", args=[product.pk])).status_code == 404
    response = client.post(reverse("ocop:create"), FORM | {"commune": tree.b.pk})
    assert response.status_code == 400 and "commune" in response.context["form"].errors
    client.force_login(personas.viewer)
    assert client.get(reverse("ocop:edit", args=[product.pk])).status_code == 403
    assert client.get(reverse("ocop:create")).status_code == 403


def test_a_stale_change_is_refused_with_409_and_the_next_save_applies(client, tree, personas):
    product = make_product(tree.a)
    client.force_login(personas.district_d1)
    url = reverse("ocop:edit", args=[product.pk])
    data = FORM | {"commune": tree.a.pk, "name": "Chè xanh", "version": 1}
    assert client.post(url, data).status_code == 302
    stale = client.post(url, data | {"name": "Chè đen"})
    assert stale.status_code == 409
    assert OcopProduct.objects.get().name == "Chè xanh"
    assert client.post(url, data | {"name": "Chè đen", "version": 2}).status_code == 302


def test_a_product_entered_by_mistake_is_removed_after_a_confirmation(client, tree, personas):
    product = make_product(tree.a, "Chè nhầm")
    client.force_login(personas.officer_a)
    edit = client.get(reverse("ocop:edit", args=[product.pk])).content.decode()
    url = reverse("ocop:delete", args=[product.pk])
    assert url in edit
    page = client.get(url)
    assert page.status_code == 200 and "Chè nhầm" in page.content.decode()
    assert OcopProduct.objects.filter(pk=product.pk).exists()  # asking removes nothing
    response = client.post(url, {"version": 1})
    assert response.status_code == 302 and response.url == reverse("ocop:list")
    assert not OcopProduct.objects.filter(pk=product.pk).exists()


def test_a_product_changed_since_the_confirmation_was_shown_is_not_removed(client, tree, personas):
    product = make_product(tree.a, "Chè xanh")
    client.force_login(personas.officer_a)
    url = reverse("ocop:delete", args=[product.pk])
    OcopProduct.objects.filter(pk=product.pk).update(name="Chè đen", version=2)
    stale = client.post(url, {"version": 1})
    assert stale.status_code == 409
    assert "Chè đen" in stale.content.decode()  # what is stored now, to confirm again
    assert OcopProduct.objects.filter(pk=product.pk).exists()
    assert client.post(url, {}).status_code == 400
    assert OcopProduct.objects.filter(pk=product.pk).exists()
    assert client.post(url, {"version": 2}).status_code == 302
    assert not OcopProduct.objects.exists()


def test_a_product_is_removed_only_by_who_may_write_its_commune(client, tree, personas):
    product = make_product(tree.a)
    url = reverse("ocop:delete", args=[product.pk])
    client.force_login(personas.officer_b)
    assert client.post(url, {"version": 1}).status_code == 404
    client.force_login(personas.viewer)
    assert client.post(url, {"version": 1}).status_code == 403
    assert OcopProduct.objects.filter(pk=product.pk).exists()


def test_points_that_do_not_give_the_stars_are_refused_at_the_stars_in_vietnamese(client, tree, personas):
    client.force_login(personas.officer_a)
    with translation.override("vi"):
        url = reverse("ocop:create")
    certified = FORM | {
        "commune": tree.a.pk,
        "stage": "certified",
        "stars": "3",
        "points": "72",
        "rating_level": "province",
        "certificate_number": "12/QĐ-UBND",
        "certificate_date": "20/05/2024",
    }
    response = client.post(url, certified)
    assert response.status_code == 400
    assert response.context["form"].errors["stars"] == ["72 điểm tương ứng 4 sao (70–89 điểm)."]
    assert client.post(url, certified | {"stars": "4"}).status_code == 302
    html = client.get(reverse("ocop:list")).content.decode()
    assert "4★ (72 điểm)" in html


def test_the_same_form_saved_again_is_refused_at_the_name_with_a_link_to_the_product(client, tree, personas):
    client.force_login(personas.officer_a)
    with translation.override("vi"):
        url = reverse("ocop:create")
    assert client.post(url, FORM | {"commune": tree.a.pk}).status_code == 302
    again = client.post(url, FORM | {"commune": tree.a.pk, "name": "chè  BÚP"})
    assert again.status_code == 400 and list(again.context["form"].errors) == ["name"]
    product = OcopProduct.objects.get()
    html = again.content.decode()
    assert f'href="/ocop/{product.pk}/"' in html
    assert OcopProduct.objects.count() == 1
