"""The dashboards' SQL reading of "holds the title" (``held`` in ``reports/selectors/sql.py``)
pinned to the ORM rule ``criteria.figures.holds_title`` on histories of decisions and
revocations: re-recognition after a revocation, a revocation and a new decision on the same day,
a revocation on its decision's day, decisions dated after the year they are read for."""

import datetime
import random

import pytest

from communes.tests.factories import CommuneFactory
from criteria.figures import holds_title
from criteria.models import Assessment
from reports.selectors import communes_counted, progress_summary, progress_trend
from reports.tests.factories import make_assessment, make_flat_set

pytestmark = pytest.mark.django_db

YEARS = range(2021, 2026)


def _day(rng: random.Random, year: int) -> datetime.date:
    return datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))


@pytest.fixture
def histories(tree):
    """Twenty communes, each with a recognised or revoked assessment in some years, dated at
    random, with same-day ties between one year's revocation and the next year's decision."""
    standard = make_flat_set(code="V-19", total=19, year_to=2030)
    rng = random.Random(2026)
    communes = [CommuneFactory(code=f"401{n:02d}", parent=tree.d1) for n in range(10, 30)]
    for commune in communes:
        previous_revocation = None
        for year in YEARS:
            state = rng.choice(["none", "recognised", "revoked", "revoked"])
            if state == "none":
                continue
            assessment = make_assessment(commune, standard, year, 19, state)
            decided = previous_revocation if previous_revocation and rng.random() < 0.5 else _day(rng, year)
            decided = max(decided, _day(rng, year + 1)) if rng.random() < 0.1 else decided
            revoked = None
            if state == "revoked":
                revoked = rng.choice([decided, decided + datetime.timedelta(days=rng.randrange(1, 400))])
            Assessment.objects.filter(pk=assessment.pk).update(decision_date=decided, revocation_date=revoked)
            previous_revocation = revoked
    # Revoked on the last day of a year: not held on that year's cut-off.
    last_day = make_assessment(tree.a, standard, 2022, 19, "revoked")
    Assessment.objects.filter(pk=last_day.pk).update(
        decision_date=datetime.date(2022, 6, 1), revocation_date=datetime.date(2023, 12, 31)
    )
    return tree


def test_title_holders_of_each_year_are_those_of_the_orm_rule(histories):
    for year in YEARS:
        cut = datetime.date(year, 12, 31)
        expected = sum(holds_title(c, "standard", cut) for c in communes_counted(unit=histories.province, year=year))
        summary = progress_summary(unit=histories.province, year=year, tier="standard")
        assert summary.recognised.get("standard", 0) == expected, year
    trend = {p.year: p for p in progress_trend(unit=histories.province, tier="standard")}
    for year in YEARS:
        summary = progress_summary(unit=histories.province, year=year, tier="standard")
        assert trend[year].recognised.get("standard", 0) == summary.recognised.get("standard", 0), year


def test_the_histories_hold_the_edge_cases(histories):
    """The fixture really has what the pin is about (else the test above proves little)."""
    years = list(
        Assessment.objects.exclude(decision_date=None).values_list(
            "unit_id", "decision_date", "revocation_date", "year"
        )
    )
    rows = [(u, d, r) for u, d, r, _y in years]
    revocations = {(u, r) for u, _d, r in rows if r}
    assert any((u, d) in revocations for u, d, _r in rows)  # a new decision on a revocation's day
    assert any(r and r == d for _u, d, r in rows)  # revoked on the day of its decision
    assert any(d.year > y for _u, d, _r, y in years)  # a decision dated after its assessment's year
    assert len({u for u, _d, _r in rows}) >= 15
