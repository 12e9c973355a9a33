"""The Jinja2 environment's helpers give what Django's own would."""

import pytest
from django.urls import reverse
from django.utils import translation

from ntm_portal.jinja2 import url, url_for


@pytest.mark.parametrize("language", ["vi", "en"])
def test_url_gives_what_reverse_gives(language):
    with translation.override(language):
        for pk in (1, 42, 2147483646, 10**12):
            assert url("assessment", pk) == reverse("assessment", args=[pk])
        assert url("reports:dashboard", "40101") == reverse("reports:dashboard", args=["40101"])
        assert url("reports:dashboard", "4X") == reverse("reports:dashboard", args=["4X"])
        assert url("reports:national") == reverse("reports:national")


def test_url_follows_the_language():
    with translation.override("en"):
        english = url("assessment", 7)
    with translation.override("vi"):
        vietnamese = url("assessment", 7)
    assert english == "/en" + vietnamese


@pytest.mark.parametrize("language", ["vi", "en"])
def test_url_for_gives_what_reverse_gives(language):
    with translation.override(language):
        link = url_for("assessment")
        assert [link(pk) for pk in (1, 42, 10**12)] == [reverse("assessment", args=[pk]) for pk in (1, 42, 10**12)]
        code = url_for("reports:dashboard")
        assert code("40101") == reverse("reports:dashboard", args=["40101"])
        assert code("4X") == reverse("reports:dashboard", args=["4X"])
