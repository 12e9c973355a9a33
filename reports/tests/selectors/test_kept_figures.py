"""The dashboards' figures kept per province (``reports.selectors.cache``): the country is its
provinces merged, a write shows at the next read, and a write in one province leaves the
others' kept rows alone."""

import datetime

import pytest
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from communes.models import AdministrativeUnit, Level
from criteria.models import Assessment, CriterionResult
from reports.models import FiguresCacheEntry
from reports.selectors import progress_breakdown, progress_overview, progress_summary, progress_trend
from reports.selectors.cache import merge
from reports.selectors.communes import map_rows
from reports.selectors.progress import communes_counted
from reports.tests.factories import bulk_province, make_flat_set

pytestmark = pytest.mark.django_db

STANDARD = "standard"


@pytest.fixture
def provinces(db):
    criteria_set = make_flat_set(code="Q-19", total=19)
    first = bulk_province(code="P", communes=12, criteria_set=criteria_set, years=range(2023, 2026))
    second = bulk_province(code="Q", communes=9, criteria_set=criteria_set, years=range(2024, 2026))
    return first, second


def _headline(summary) -> tuple:
    return (
        summary.communes_total,
        summary.communes_with_data,
        summary.recognised[STANDARD],
        summary.new[STANDARD],
        summary.criteria_basically_met,
        summary.villages_recognised,
        summary.districts_total,
    )


def test_the_country_is_its_provinces_added_up(provinces):
    country = progress_summary(unit=None, year=2025, tier=STANDARD)
    parts = [progress_summary(unit=p, year=2025, tier=STANDARD) for p in provinces]
    assert _headline(country) == tuple(map(sum, zip(*(_headline(p) for p in parts), strict=True)))
    assert [b.count for b in country.buckets] == [
        sum(b) for b in zip(*([b.count for b in p.buckets] for p in parts), strict=True)
    ]
    lagging = {(c.number, c.name): c.not_met for c in country.lagging}
    assert lagging == {
        (c.number, c.name): sum(x.not_met for p in parts for x in p.lagging if x.number == c.number)
        for c in country.lagging
    }
    assert country.previous_year.communes_with_data == 12 + 9


def test_the_country_s_drill_down_is_each_province_s_headline(provinces):
    rows = progress_breakdown(unit=None, year=2025, tier=STANDARD)
    assert [r.code for r in rows] == ["P", "Q"]
    for row, province in zip(rows, provinces, strict=True):
        summary = progress_summary(unit=province, year=2025, tier=STANDARD)
        assert (row.communes_total, row.communes_with_data, row.recognised, row.new, row.average_criteria_met) == (
            summary.communes_total,
            summary.communes_with_data,
            summary.recognised[STANDARD],
            summary.new[STANDARD],
            summary.average_criteria_met,
        )
    assert progress_overview(unit=None, year=2025, tier=STANDARD).breakdown == rows


def test_kept_figures_read_back_as_computed(provinces):
    """Cold (computed and kept) and warm (read from the kept rows) give the very same figures."""
    cold = (progress_overview(unit=None, year=2025, tier=STANDARD), progress_trend(unit=provinces[0], tier=STANDARD))
    assert FiguresCacheEntry.objects.exists()
    warm = (progress_overview(unit=None, year=2025, tier=STANDARD), progress_trend(unit=provinces[0], tier=STANDARD))
    assert warm == cold


def test_rows_kept_in_another_shape_are_never_read(provinces, monkeypatch):
    from reports.selectors import cache

    cold = progress_overview(unit=provinces[0], year=2025, tier=STANDARD)
    FiguresCacheEntry.objects.update(value=[["rows of an older release"]])
    monkeypatch.setattr(cache, "ROWS_FORMAT", cache.ROWS_FORMAT + 1)  # a release that changed them
    assert progress_overview(unit=provinces[0], year=2025, tier=STANDARD) == cold


def _lower_one(province: AdministrativeUnit) -> None:
    """A commune of the province meets one criterion less in 2025 (the standing and a result)."""
    assessment = Assessment.objects.filter(
        unit__path__startswith=province.path, year=2025, criteria_met__gt=0, criteria_met__lt=19
    ).first()
    CriterionResult.objects.filter(assessment=assessment, criterion__number=assessment.criteria_met).update(met=False)
    Assessment.objects.filter(pk=assessment.pk).update(criteria_met=F("criteria_met") - 1)


@pytest.mark.parametrize("national", [False, True], ids=["province", "country"])
def test_a_write_shows_at_the_next_read(provinces, national):
    unit = None if national else provinces[0]
    before = progress_summary(unit=unit, year=2025, tier=STANDARD)
    _lower_one(provinces[0])
    after = progress_summary(unit=unit, year=2025, tier=STANDARD)
    met = {(c.number, c.name): c.not_met for c in after.lagging}
    assert sum(met.values()) == sum(c.not_met for c in before.lagging) + 1
    assert after.average_criteria_met < before.average_criteria_met


def test_a_write_in_one_province_recomputes_only_that_one(provinces, django_assert_num_queries):
    first, second = provinces
    progress_summary(unit=None, year=2025, tier=STANDARD)
    kept = dict(FiguresCacheEntry.objects.values_list("prefix", "stamp"))
    _lower_one(first)
    with django_assert_num_queries(3):  # the versions with the kept rows, one province's statement, keeping it
        progress_summary(unit=None, year=2025, tier=STANDARD)
    now = dict(FiguresCacheEntry.objects.values_list("prefix", "stamp"))
    assert now[second.path] == kept[second.path]
    assert now[first.path] != kept[first.path]


def test_a_unit_moved_to_another_province_leaves_both_right(provinces):
    first, second = provinces
    progress_summary(unit=first, year=2025, tier=STANDARD)
    progress_summary(unit=second, year=2025, tier=STANDARD)
    commune = AdministrativeUnit.objects.filter(path__startswith=first.path, level=Level.COMMUNE).first()
    commune.parent = AdministrativeUnit.objects.get(code="Q-H1")
    commune.save()
    assert progress_summary(unit=first, year=2025, tier=STANDARD).communes_total == 11
    assert progress_summary(unit=second, year=2025, tier=STANDARD).communes_total == 10


def test_figures_as_recorded_are_never_kept(provinces):
    moment = datetime.datetime.now(datetime.UTC)
    progress_summary(unit=provinces[0], year=2025, tier=STANDARD, recorded=moment)
    assert not FiguresCacheEntry.objects.exists()


def test_merge_adds_counts_per_set_size_and_keeps_each_criterion_once():
    """A year's standing is a row per set size: two provinces on 19 and on 10 keep both scales
    (the country's year mixes them) and add the communes of the same size."""
    first = [
        ("stats", 2025, STANDARD, "commune", 19, 3, 40),
        ("met", 2025, None, None, 19, 5, 2),
        ("not_met", 2025, None, None, 7, 4, None),
        ("criterion", None, None, "Giao thông", 7, 2, None),
    ]
    second = [
        ("stats", 2025, STANDARD, "commune", 10, 2, 9),
        ("stats", 2025, STANDARD, "commune", 19, 1, 5),
        ("met", 2025, None, None, 19, 5, 1),
        ("met", 2025, None, None, 10, 5, 4),
        ("not_met", 2025, None, None, 7, 1, 1),
        ("criterion", None, None, "Giao thông", 7, 2, None),
    ]
    assert sorted(merge([first, second]), key=repr) == sorted(
        [
            ("stats", 2025, STANDARD, "commune", 19, 4, 45),
            ("stats", 2025, STANDARD, "commune", 10, 2, 9),
            ("met", 2025, None, None, 19, 5, 3),
            ("met", 2025, None, None, 10, 5, 4),
            ("not_met", 2025, None, None, 7, 5, 1),
            ("criterion", None, None, "Giao thông", 7, 2, None),
        ],
        key=repr,
    )


def test_the_country_s_map_keeps_the_list_s_order_across_provinces(provinces):
    """Both provinces have a "Xã Thử 0": the kept rows are put back in name, then code order."""
    expected = list(communes_counted(unit=None, year=2025).order_by("name_sort", "code").values_list("code", flat=True))
    assert [r.code for r in map_rows(unit=None, year=2025, tier=STANDARD)] == expected
    assert [r.code for r in map_rows(unit=None, year=2025, tier=STANDARD)] == expected  # read as kept
    assert expected[:2] == ["P-X0000", "Q-X0000"]


@pytest.mark.django_db(transaction=True)
def test_a_busy_sqlite_database_gives_the_figures_without_keeping_them(provinces, monkeypatch):
    """A background import holds SQLite's one write lock: the page still gets its figures."""
    from django.db import OperationalError, connection

    from reports.selectors import cache

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's single writer only")

    class Busy:
        """The connection as the cache module sees it, its one write refused as SQLite would."""

        def __getattr__(self, name):
            return getattr(connection, name)

        def cursor(self):
            cursor = connection.cursor()
            execute = cursor.execute

            def refuse_writes(sql, params=None):
                if sql.startswith("INSERT INTO reports_figurescacheentry"):
                    raise OperationalError("database is locked")
                return execute(sql, params)

            cursor.execute = refuse_writes
            return cursor

    monkeypatch.setattr(cache, "connection", Busy())
    summary = progress_summary(unit=provinces[0], year=2025, tier=STANDARD)
    assert summary.communes_total == 12
    assert not FiguresCacheEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_keeping_figures_waits_for_no_disk_and_leaves_the_session_s_commits_alone(provinces):
    """On PostgreSQL the kept rows commit without waiting for the disk (they can always be
    computed again); the setting lasts only for their own statement, never for the
    connection's later writes, nor for a caller's transaction."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's synchronous_commit")

    def setting():
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    def kept():
        return FiguresCacheEntry.objects.filter(prefix=provinces[0].path).count()

    with CaptureQueriesContext(connection) as captured:
        progress_summary(unit=provinces[0], year=2025, tier=STANDARD)
    keeps = [q["sql"] for q in captured.captured_queries if "INSERT INTO reports_figurescacheentry" in q["sql"]]
    assert keeps and all(sql.startswith("SET LOCAL synchronous_commit TO OFF; ") for sql in keeps)
    assert kept() == 1
    assert setting() == "on"
    with transaction.atomic():
        with CaptureQueriesContext(connection) as captured:
            progress_summary(unit=provinces[0], year=2024, tier=STANDARD)
        assert setting() == "on"
    inside = [q["sql"] for q in captured.captured_queries if "INSERT INTO reports_figurescacheentry" in q["sql"]]
    assert inside and not any("synchronous_commit" in sql for sql in inside)
    assert kept() == 2
