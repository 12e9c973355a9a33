"""The password change page in Vietnamese says a password is too short in Vietnamese (QA: Django's
"This password is too short. It must contain at least 10 characters." stayed English)."""

import pytest
from django.utils import translation
from django.utils.translation import trans_real

from ntm_portal.passwords import MinimumLengthValidator

pytestmark = pytest.mark.django_db

SHORT = "This password is too short. It must contain at least %(min_length)d character."
SAID = "Mật khẩu này quá ngắn. Mật khẩu phải có ít nhất %(min_length)d ký tự."


@pytest.fixture
def vi_catalogue_with_the_message():
    """The Vietnamese catalogue holding the translation proposed for the locale (Vietnamese has
    one plural form), as it will once the .po is updated."""
    catalog = trans_real.translation("vi")._catalog
    catalog[(SHORT, 0)] = SAID
    yield
    for mapping in catalog._catalogs:
        mapping.pop((SHORT, 0), None)


def test_a_short_password_is_refused_in_vietnamese_on_the_password_change_page(
    client, personas, vi_catalogue_with_the_message
):
    client.force_login(personas.officer_a)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": "a-long-test-password", "new_password1": "ngan-qua", "new_password2": "ngan-qua"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mật khẩu này quá ngắn. Mật khẩu phải có ít nhất 10 ký tự." in html
    assert "too short" not in html


def test_the_message_names_the_length_in_english_too():
    with translation.override("en"), pytest.raises(Exception) as refused:
        MinimumLengthValidator(min_length=10).validate("short")
    assert refused.value.messages == ["This password is too short. It must contain at least 10 characters."]
