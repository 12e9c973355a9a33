"""Entering and changing OCOP products: who may, and the refusals at their fields."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from communes.models import Role
from communes.tests.factories import CommuneFactory, DistrictFactory, MembershipFactory, ProvinceFactory
from ntm_portal.errors import StaleWriteError
from ocop.models import OcopProduct
from ocop.services import (
    MSG_CERTIFIED_NEEDS,
    MSG_FIVE_STARS_CENTRAL,
    MSG_GONE,
    MSG_NO_DISTRICTS,
    MSG_NOT_COMMUNE,
    MSG_ONLY_CERTIFIED,
    ProductInput,
    duplicates_of,
    product_create,
    product_delete,
    product_update,
)

pytestmark = pytest.mark.django_db


def _input(commune, **changes) -> ProductInput:
    values = {"commune": commune, "name": "Chè búp Cẩm Thạch", "producer": "HTX Chè", "category": "drinks"}
    return ProductInput(**(values | changes))


def _certified(commune, **changes) -> ProductInput:
    values = {
        "stage": "certified",
        "stars": 4,
        "rating_level": "province",
        "certificate_number": "1234/QĐ-UBND",
        "certificate_date": datetime.date(2024, 5, 20),
    }
    return _input(commune, **(values | changes))


def test_a_commune_officer_enters_an_idea_of_their_commune(tree, personas):
    product = product_create(data=_input(tree.a), user=personas.officer_a)
    assert (product.stage, product.version, product.entered_by) == ("idea", 1, personas.officer_a)
    assert product.status_on(datetime.date(2030, 1, 1)) == "idea"


def test_an_officer_cannot_enter_a_product_of_another_commune(tree, personas):
    with pytest.raises(PermissionDenied):
        product_create(data=_input(tree.b), user=personas.officer_a)
    with pytest.raises(PermissionDenied):
        product_create(data=_input(tree.a), user=personas.viewer)
    assert not OcopProduct.objects.exists()


def test_the_province_office_enters_a_product_of_any_commune_in_the_province(tree, personas):
    product = product_create(data=_certified(tree.c), user=personas.province_office)
    assert product.valid_until == datetime.date(2027, 5, 19)


def test_a_certified_product_needs_its_certificate_and_an_idea_has_none(tree, personas):
    with pytest.raises(ValidationError) as refused:
        product_create(data=_input(tree.a, stage="certified"), user=personas.officer_a)
    errors = refused.value.message_dict
    assert errors["stars"] == [str(MSG_CERTIFIED_NEEDS)] and "certificate_date" in errors
    with pytest.raises(ValidationError) as refused:
        product_create(data=_input(tree.a, stars=3), user=personas.officer_a)
    assert refused.value.message_dict["stars"] == [str(MSG_ONLY_CERTIFIED)]


def test_districts_rate_no_product_after_1_july_2025_and_only_the_centre_gives_five_stars(tree, personas):
    late = _certified(tree.a, rating_level="district", certificate_date=datetime.date(2025, 7, 1))
    with pytest.raises(ValidationError) as refused:
        product_create(data=late, user=personas.officer_a)
    assert refused.value.message_dict["rating_level"] == [str(MSG_NO_DISTRICTS)]
    early = _certified(tree.a, rating_level="district", stars=3, certificate_date=datetime.date(2025, 6, 30))
    assert product_create(data=early, user=personas.officer_a).rating_level == "district"
    with pytest.raises(ValidationError) as refused:
        product_create(data=_certified(tree.a, stars=5), user=personas.officer_a)
    assert refused.value.message_dict["rating_level"] == [str(MSG_FIVE_STARS_CENTRAL)]


@pytest.mark.parametrize(
    ("points", "stars", "field", "message"),
    [
        (72, 3, "stars", "72 points gives 4 stars (70–89 points)."),
        (95, 4, "stars", "95 points gives 5 stars (90–100 points)."),
        (49, 3, "points", "49 points gives no star: a product is certified from 50 points."),
        (120, 4, "points", "The council scores a product from 0 to 100 points."),
    ],
)
def test_the_councils_points_give_the_stars(tree, personas, points, stars, field, message):
    """DOMAIN.md: 3★ 50–69 points, 4★ 70–89, 5★ 90–100; QA: the stars were chosen with no
    score behind them, so the rule could not be checked."""
    with pytest.raises(ValidationError) as refused:
        product_create(data=_certified(tree.a, stars=stars, points=points), user=personas.officer_a)
    assert refused.value.message_dict[field] == [message]
    assert not OcopProduct.objects.exists()


def test_points_that_give_the_stars_are_kept_and_a_certificate_may_have_none(tree, personas):
    rated = product_create(data=_certified(tree.a, points=70), user=personas.officer_a)
    assert (rated.stars, rated.points) == (4, 70)
    assert (
        product_create(
            data=_certified(tree.a, name="Mật ong", certificate_number="1235/QĐ-UBND"), user=personas.officer_a
        ).points
        is None
    )
    with pytest.raises(ValidationError) as refused:
        product_create(data=_input(tree.a, points=60), user=personas.officer_a)
    assert refused.value.message_dict["points"] == [str(MSG_ONLY_CERTIFIED)]


def test_the_database_holds_points_to_their_stars(tree, personas):
    from django.db import IntegrityError, transaction

    rated = product_create(data=_certified(tree.a, points=70), user=personas.officer_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        OcopProduct.objects.filter(pk=rated.pk).update(points=95)


def test_a_certificate_dated_after_its_commune_ended_is_refused(tree, personas):
    """A commune merged away on 30 June 2025 cannot have a product certified in 2026 (the
    bulletin would count it); a commune formed on 1 July 2025 keeps the products certified
    before, in the communes it was formed from."""
    tree.a.valid_to = datetime.date(2025, 6, 30)
    tree.a.save(update_fields=["valid_to"])
    with pytest.raises(ValidationError) as refused:
        product_create(
            data=_certified(tree.a, certificate_date=datetime.date(2026, 3, 15)), user=personas.province_office
        )
    assert refused.value.message_dict["certificate_date"] == [
        "Xã Cẩm Thạch ceased to exist on 30/06/2025: a product certified after that belongs to the commune it became "
        "part of."
    ]
    assert not OcopProduct.objects.exists()
    on_its_last_day = _certified(tree.a, certificate_date=datetime.date(2025, 6, 30))
    assert product_create(data=on_its_last_day, user=personas.province_office).commune == tree.a
    tree.b.valid_from = datetime.date(2025, 7, 1)
    tree.b.save(update_fields=["valid_from"])
    assert product_create(data=_certified(tree.b), user=personas.province_office).commune == tree.b  # dated 2024


def test_a_product_belongs_to_a_commune_not_a_district(tree, personas):
    with pytest.raises(ValidationError) as refused:
        product_create(data=_input(tree.d1), user=personas.province_office)
    assert refused.value.message_dict["commune"] == [str(MSG_NOT_COMMUNE)]


def test_a_change_based_on_an_old_version_is_refused_and_saves_nothing(tree, personas):
    product = product_create(data=_input(tree.a), user=personas.officer_a)
    product_update(product=product, data=_input(tree.a, name="Chè xanh"), user=personas.officer_a, expected_version=1)
    with pytest.raises(StaleWriteError) as stale:
        product_update(
            product=product, data=_input(tree.a, name="Chè đen"), user=personas.district_d1, expected_version=1
        )
    assert (stale.value.code, stale.value.current.name) == ("stale", "Chè xanh")
    assert OcopProduct.objects.get().name == "Chè xanh"


def test_moving_a_product_needs_the_right_to_write_both_communes(tree, personas):
    product = product_create(data=_input(tree.a), user=personas.officer_a)
    with pytest.raises(PermissionDenied):
        product_update(product=product, data=_input(tree.c), user=personas.district_d1, expected_version=1)
    moved = product_update(product=product, data=_input(tree.c), user=personas.province_office, expected_version=1)
    assert moved.commune == tree.c


def test_only_those_who_may_write_the_commune_remove_a_product(tree, personas):
    product = product_create(data=_input(tree.a), user=personas.officer_a)
    with pytest.raises(PermissionDenied):
        product_delete(product=product, user=personas.officer_b)
    product_delete(product=product, user=personas.district_d1)
    assert not OcopProduct.objects.exists()


def test_a_removal_confirmed_on_an_old_version_removes_nothing(tree, personas):
    product = product_create(data=_input(tree.a), user=personas.officer_a)
    product_update(product=product, data=_input(tree.a), user=personas.district_d1, expected_version=1)
    with pytest.raises(StaleWriteError) as refused:
        product_delete(product=product, user=personas.officer_a, expected_version=1)
    assert refused.value.current.version == 2
    assert OcopProduct.objects.filter(pk=product.pk).exists()
    product_delete(product=product, user=personas.officer_a, expected_version=2)
    assert not OcopProduct.objects.exists()


def test_a_change_to_a_product_removed_meanwhile_is_refused_with_a_message(tree, personas):
    product = product_create(data=_input(tree.a), user=personas.officer_a)
    OcopProduct.objects.filter(pk=product.pk).delete()
    with pytest.raises(ValidationError) as refused:
        product_update(product=product, data=_input(tree.a), user=personas.officer_a, expected_version=1)
    assert refused.value.messages == [str(MSG_GONE)]
    assert not OcopProduct.objects.exists()


def test_a_product_removed_meanwhile_by_someone_else_is_simply_gone(tree, personas):
    product = product_create(data=_input(tree.a), user=personas.officer_a)
    OcopProduct.objects.filter(pk=product.pk).delete()
    product_delete(product=product, user=personas.district_d1, expected_version=1)
    assert not OcopProduct.objects.exists()


def test_a_certified_product_is_not_moved_back_to_an_earlier_stage(tree, personas):
    """QA: changing a certified product to "being rated" erased its certificate and took its
    stars out of past months' figures, without a word."""
    from ocop.services import MSG_KEEPS_CERTIFICATE

    product = product_create(data=_certified(tree.a), user=personas.officer_a)
    with pytest.raises(ValidationError) as refused:
        product_update(
            product=product, data=_input(tree.a, stage="rating"), user=personas.officer_a, expected_version=1
        )
    assert refused.value.message_dict["stage"] == [str(MSG_KEEPS_CERTIFICATE)]
    product.refresh_from_db()
    assert (product.stage, product.stars, product.version) == ("certified", 4, 1)


def test_the_same_product_of_the_same_commune_is_refused_at_its_name_whatever_the_case_and_spacing(tree, personas):
    first = product_create(data=_input(tree.a), user=personas.officer_a)
    with pytest.raises(ValidationError) as refused:
        product_create(data=_input(tree.a, name="  chè búp   CẨM thạch ", producer="htx  chè"), user=personas.officer_a)
    assert list(refused.value.message_dict) == ["name"]
    assert duplicates_of(refused.value) == {"name": first.pk}
    # Another producer's product of that name, or the same product of another commune, is another product.
    product_create(data=_input(tree.a, producer="HTX Chè Bình Minh"), user=personas.officer_a)
    product_create(data=_input(tree.c), user=personas.province_office)
    assert OcopProduct.objects.count() == 3


def test_renaming_a_product_into_another_of_its_commune_is_refused(tree, personas):
    product_create(data=_input(tree.a), user=personas.officer_a)
    other = product_create(data=_input(tree.a, name="Mật ong"), user=personas.officer_a)
    with pytest.raises(ValidationError) as refused:
        product_update(product=other, data=_input(tree.a), user=personas.officer_a, expected_version=1)
    assert list(refused.value.message_dict) == ["name"]
    # Saving a product unchanged is not entering it twice.
    product_update(product=other, data=_input(tree.a, name="Mật ong"), user=personas.officer_a, expected_version=1)


def test_one_decisions_number_and_date_may_certify_several_products(tree, personas):
    """A province's decision certifies several products on one date, and offices record its
    number for each: that is not a product entered twice."""
    product_create(data=_certified(tree.a, certificate_number="1021/QĐ-UBND"), user=personas.province_office)
    product_create(
        data=_certified(tree.c, name="Mật ong", certificate_number="1021/QĐ-UBND"), user=personas.province_office
    )
    assert OcopProduct.objects.filter(certificate_number="1021/QĐ-UBND").count() == 2


def test_another_provinces_certificate_may_carry_the_same_number(tree, personas):
    elsewhere = CommuneFactory(code="50101", parent=DistrictFactory(code="501", parent=ProvinceFactory(code="50")))
    office = MembershipFactory(unit=elsewhere.parent.parent, role=Role.PROVINCE_OFFICE).user
    product_create(data=_certified(tree.a, certificate_number="12/GCN"), user=personas.province_office)
    product_create(data=_certified(elsewhere, certificate_number="12/GCN"), user=office)
    assert OcopProduct.objects.filter(certificate_number="12/GCN").count() == 2


def test_a_certificate_dated_before_the_ocop_programme_is_refused_at_its_date(tree, personas):
    with pytest.raises(ValidationError) as refused:
        product_create(data=_certified(tree.a, certificate_date=datetime.date(1900, 1, 1)), user=personas.officer_a)
    assert refused.value.message_dict == {
        "certificate_date": [
            "The OCOP programme started on 07/05/2018 (QĐ 490/QĐ-TTg): a certificate cannot be dated before it."
        ]
    }
    product_create(data=_certified(tree.a, certificate_date=datetime.date(2018, 5, 7)), user=personas.officer_a)


def test_a_product_entered_twice_with_a_mistyped_date_is_told_both_at_once(tree, personas):
    """The name's refusal came only after the other fields' were mended: an officer fixing the
    date then learnt that the product was already there."""
    first = product_create(data=_certified(tree.a), user=personas.officer_a)
    with pytest.raises(ValidationError) as refused:
        product_create(data=_certified(tree.a, certificate_date=datetime.date(1900, 1, 1)), user=personas.officer_a)
    assert set(refused.value.message_dict) == {"name", "certificate_date"}
    assert duplicates_of(refused.value) == {"name": first.pk}
