"""The 36-month validity of a certificate and the status on a day: pure rules, no database."""

import datetime

import pytest

from ocop import validity

D = datetime.date


@pytest.mark.parametrize(
    ("certificate", "last_day"),
    [
        (D(2022, 3, 15), D(2025, 3, 14)),
        (D(2022, 1, 1), D(2024, 12, 31)),
        (D(2024, 2, 29), D(2027, 2, 27)),  # no 29 February in 2027: the 28th, less a day
        (D(2023, 3, 31), D(2026, 3, 30)),
    ],
)
def test_a_certificate_is_valid_for_36_months(certificate, last_day):
    assert validity.valid_until(certificate) == last_day
    assert validity.is_valid_on(certificate, last_day)
    assert not validity.is_valid_on(certificate, last_day + datetime.timedelta(days=1))


def test_the_earliest_valid_certificate_agrees_with_valid_until_on_every_day_of_four_years():
    day = D(2026, 1, 1)
    while day < D(2030, 1, 1):
        earliest = validity.earliest_valid_certificate(day)
        assert validity.valid_until(earliest) >= day
        assert validity.valid_until(earliest - datetime.timedelta(days=1)) < day
        day += datetime.timedelta(days=1)


def test_a_certified_product_is_expired_the_day_after_its_certificate_ran_out():
    cert = D(2021, 6, 10)
    assert validity.status_on("certified", cert, D(2024, 6, 9)) == "certified"
    assert validity.status_on("certified", cert, D(2024, 6, 10)) == "expired"
    assert validity.status_on("idea", None, D(2024, 6, 10)) == "idea"
    assert validity.status_on("rating", None, D(2030, 1, 1)) == "rating"
