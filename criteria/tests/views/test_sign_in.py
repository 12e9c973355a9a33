import pytest
from django.urls import reverse

from communes.models import Role
from communes.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def sign_in(client, username, password="a-long-test-password"):
    return client.post(reverse("login"), {"username": username, "password": password}, follow=True)


@pytest.mark.parametrize(
    "username, landing",
    [("officer_a", "/units/40101/"), ("district_d1", "/units/401/"), ("province_office", "/units/40/")],
)
def test_after_sign_in_each_user_lands_on_their_workspace(client, personas, vi, username, landing):
    response = sign_in(client, username)
    assert response.redirect_chain[-1][0] == landing
    assert response.status_code == 200


def test_a_user_with_several_memberships_chooses(client, personas, tree, vi):
    MembershipFactory(user=personas.officer_a, unit=tree.c, role=Role.VIEWER)
    response = sign_in(client, "officer_a")
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/"
    assert "Xã Cẩm Thạch" in page and "Xã Ân Phú" in page
    assert "Chọn nơi làm việc" in page


def test_a_wrong_password_gets_a_vietnamese_message(client, personas, vi):
    response = sign_in(client, "officer_a", "wrong-password")
    assert response.status_code == 200
    assert "Vui lòng nhập chính xác" in response.content.decode()


def test_pages_need_sign_in(client, tree, vi):
    response = client.get(reverse("unit", args=["40101"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sign_out_is_a_post_and_returns_to_the_sign_in_page(client, personas, vi):
    client.force_login(personas.officer_a)
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_password_change_in_vietnamese(client, personas, vi):
    client.force_login(personas.officer_a)
    page = client.get(reverse("password_change")).content.decode()
    assert "Đổi mật khẩu" in page
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "a-long-test-password",
            "new_password1": "Nong-thon-moi-2026!",
            "new_password2": "Nong-thon-moi-2026!",
        },
        follow=True,
    )
    assert "Mật khẩu của bạn đã được thay đổi" in response.content.decode()
    personas.officer_a.refresh_from_db()
    assert personas.officer_a.check_password("Nong-thon-moi-2026!")


def test_the_language_can_be_switched_to_english(client, personas):
    client.force_login(personas.officer_a)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/units/40101/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/en/units/40101/"
    assert 'Assessments of <span lang="vi">Xã Cẩm Thạch</span>' in response.content.decode()


def test_the_language_can_be_switched_back_to_vietnamese_on_the_same_page(client, personas):
    """QA: VI on an English page led back to the same /en/ page, still in English."""
    client.force_login(personas.officer_a)
    response = client.post("/i18n/setlang/", {"language": "vi", "next": "/en/units/40101/?year=2025"}, follow=True)
    assert response.redirect_chain[-1][0] == "/units/40101/?year=2025"
    assert '<html lang="vi">' in response.content.decode()


def test_english_chosen_on_the_sign_in_page_is_kept_after_signing_in(client, personas):
    """QA: EN on /accounts/login/?next=/reports/… signed in onto the Vietnamese page: the switch
    rewrites the page's address, not the ``next`` inside it."""
    switched = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/accounts/login/?next=/units/40101/%3Fyear%3D2025"}
    )
    sign_in_page = switched["Location"]
    assert sign_in_page == "/en/accounts/login/?next=/units/40101/%3Fyear%3D2025"
    response = client.post(sign_in_page, {"username": "officer_a", "password": "a-long-test-password"}, follow=True)
    assert response.redirect_chain[0][0] == "/en/units/40101/?year=2025"
    assert '<html lang="en">' in response.content.decode()
    assert 'Assessments of <span lang="vi">Xã Cẩm Thạch</span>' in response.content.decode()


def test_vietnamese_chosen_on_the_sign_in_page_leads_to_the_vietnamese_page(client, personas):
    response = client.post(
        "/accounts/login/?next=/en/units/40101/",
        {"username": "officer_a", "password": "a-long-test-password"},
        follow=True,
    )
    assert response.redirect_chain[0][0] == "/units/40101/"
    assert '<html lang="vi">' in response.content.decode()


@pytest.mark.parametrize("unsafe", ["https://evil.example/units/40101/", "//evil.example/en/units/40101/"])
def test_an_unsafe_next_still_leads_home_in_the_chosen_language(client, personas, unsafe):
    response = client.post(
        "/en/accounts/login/", {"username": "officer_a", "password": "a-long-test-password", "next": unsafe}
    )
    assert response["Location"] == "/en/"
