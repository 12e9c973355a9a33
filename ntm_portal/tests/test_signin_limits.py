"""The sign-in lockout sees the real client behind the proxy and limits an address too."""

import axes.helpers
import pytest
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.throttling import SimpleRateThrottle

from ntm_portal.client_address import ipware_reading

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"


def behind_proxies(settings, count):
    """The settings as ``PROXY_COUNT=count`` makes them at start-up."""
    settings.PROXY_COUNT = count
    settings.AXES_IPWARE_PROXY_COUNT, settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ipware_reading(count)
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": count}


def sign_in(client, username, password, *, forwarded=None, remote=PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_a_forged_forwarded_address_behind_the_proxy_cannot_lock_out_another_address(client, personas, settings):
    behind_proxies(settings, 1)
    # The attacker at 203.0.113.66 claims to be the officer's address 198.51.100.7; nginx
    # appends the address it really saw.
    for _ in range(5):
        sign_in(client, "officer_a", "wrong", forwarded="198.51.100.7, 203.0.113.66")
    assert sign_in(client, "officer_a", "a-long-test-password", forwarded="6.6.6.6, 203.0.113.66").status_code == 429
    assert sign_in(client, "officer_a", "a-long-test-password", forwarded="198.51.100.7").status_code == 302


def test_without_a_proxy_the_forwarded_header_is_ignored(client, personas, settings):
    behind_proxies(settings, 0)
    for n in range(5):
        sign_in(client, "officer_a", "wrong", forwarded=f"198.51.100.{n}", remote="203.0.113.66")
    locked = sign_in(client, "officer_a", "a-long-test-password", forwarded="198.51.100.200", remote="203.0.113.66")
    assert locked.status_code == 429
    assert sign_in(client, "officer_a", "a-long-test-password", remote="198.51.100.7").status_code == 302


def test_one_address_guessing_many_usernames_is_locked_at_the_address_limit(client, personas, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 12
    usernames = [f"u{n}" for n in range(6)]
    answers = [sign_in(client, name, "wrong", remote="203.0.113.66").status_code for name in usernames * 2]
    assert answers[:11] == [200] * 11  # two tries per username: the per-username limit is never reached
    assert answers[11] == 429
    # Even a right password from that address is refused now; the officer elsewhere gets in.
    assert sign_in(client, "officer_b", "a-long-test-password", remote="203.0.113.66").status_code == 429
    assert sign_in(client, "officer_b", "a-long-test-password", remote="198.51.100.7").status_code == 302


def test_a_successful_sign_in_does_not_reset_the_address_count_for_other_usernames(client, personas, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 8
    for name in ["u1", "u2", "u3", "u4", "u5", "u6", "u7"]:
        assert sign_in(client, name, "wrong", remote="203.0.113.66").status_code == 200
    assert sign_in(client, "officer_a", "a-long-test-password", remote="203.0.113.66").status_code == 302
    client.logout()
    assert sign_in(client, "u8", "wrong", remote="203.0.113.66").status_code == 429


def test_the_lockout_reads_the_address_with_django_ipware(settings):
    # django-axes[ipware]: no callable of the portal's own stands in for it.
    assert axes.helpers.IPWARE_INSTALLED and settings.AXES_CLIENT_IP_CALLABLE is None


@pytest.mark.parametrize("count", [0, 1, 2])
@pytest.mark.parametrize(
    "forwarded", [None, "203.0.113.66", "198.51.100.7, 203.0.113.66", "6.6.6.6, 198.51.100.7, 203.0.113.66"]
)
def test_the_lockout_and_the_api_throttles_see_the_same_client(settings, count, forwarded):
    behind_proxies(settings, count)
    extra = {"REMOTE_ADDR": PROXY} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {})
    request = RequestFactory().get("/", **extra)
    throttle = SimpleRateThrottle.__new__(SimpleRateThrottle)  # get_ident only: no rate needed
    lockout = axes.helpers.get_client_ip_address(request)
    hops = forwarded.split(", ") if forwarded else []
    if count and len(hops) < count:
        # Fewer hops than trusted proxies: the request skipped a proxy (a misconfiguration).
        # The lockout then takes no address from the header: all such requests share one count
        # (no address, or the proxy's when there is no header at all).
        assert lockout in (None, PROXY)
        return
    assert lockout == throttle.get_ident(request)
