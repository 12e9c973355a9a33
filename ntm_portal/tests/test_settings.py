import contextlib
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper

from ntm_portal.env import Env

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("raw, expected", [("1", True), ("true", True), ("YES", True), ("off", False), ("0", False)])
def test_booleans_are_read_in_their_usual_spellings(raw, expected):
    assert Env({"DEBUG": raw}).bool("DEBUG", default=not expected) is expected


def test_a_mistyped_boolean_is_refused_with_the_variable_named():
    with pytest.raises(ImproperlyConfigured, match="DEBUG='ture'"):
        Env({"DEBUG": "ture"}).bool("DEBUG", default=False)


def test_a_missing_required_string_is_refused():
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        Env({}).str("SECRET_KEY")


def test_a_list_with_an_empty_item_is_refused():
    assert Env({"ALLOWED_HOSTS": "a.vn, b.vn"}).list("ALLOWED_HOSTS", default=[]) == ["a.vn", "b.vn"]
    with pytest.raises(ImproperlyConfigured, match="empty item"):
        Env({"ALLOWED_HOSTS": "a.vn,,b.vn"}).list("ALLOWED_HOSTS", default=[])


def test_a_whole_number_below_its_minimum_or_not_a_number_is_refused():
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        Env({"N": "ten"}).int("N", default=1)
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        Env({"N": "-1"}).int("N", default=1, minimum=0)


def test_database_url_selects_sqlite_or_postgresql():
    sqlite = Env({}).database("DATABASE_URL", default="sqlite:////tmp/x.sqlite3")
    assert sqlite["ENGINE"] == "django.db.backends.sqlite3"
    assert sqlite["NAME"] == "/tmp/x.sqlite3"
    pg = Env({"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/ntm"}).database("DATABASE_URL", default="")
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["NAME"], pg["HOST"], pg["PORT"]) == ("ntm", "127.0.0.1", 5432)


@pytest.mark.parametrize("url", ["postgress://x@h/db", "mysql://u@h/db", "ntm.sqlite3", "postgres://u@h:5432/"])
def test_an_unsupported_or_incomplete_database_url_is_refused(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        Env({"DATABASE_URL": url}).database("DATABASE_URL", default="")


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into a "production" check.
    dropped = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_without_debug_the_secret_key_is_required():
    result = _manage("check", DEBUG="0", ALLOWED_HOSTS="ntm.example.vn")
    assert result.returncode != 0
    assert "Set the environment variable SECRET_KEY" in result.stderr


def test_check_deploy_is_clean_with_production_variables():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="k3y-" + "x7Qp9vLm2" * 7,
        ALLOWED_HOSTS="ntm.example.vn",
    )
    assert result.returncode == 0, result.stderr
    assert "WARNINGS" not in result.stderr
    assert "no issues" in result.stdout


def test_settings_speak_vietnamese_in_the_vietnam_time_zone(settings):
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"


def test_two_writers_on_an_sqlite_file_wait_for_each_other_instead_of_failing(tmp_path, django_db_blocker):
    """Three officers confirming imports at once gave "database is locked" on SQLite: two
    transactions that both read, then both write, cannot both go on, and SQLite refuses the
    second at once. The portal's SQLite connections take the write lock when a transaction
    begins, so the second waits for the first (up to the timeout) and then lands."""
    config = Env({}).database("DATABASE_URL", default=f"sqlite:///{tmp_path / 'two-writers.sqlite3'}")
    config = connections.configure_settings({"default": config})["default"]  # Django's defaults filled in
    both_read = threading.Barrier(2, timeout=1)
    errors: list[Exception] = []

    def add_one(alias: str) -> None:
        connections[alias] = DatabaseWrapper(config, alias=alias)
        try:
            with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                cursor.execute("SELECT n FROM counter")
                (n,) = cursor.fetchone()
                with contextlib.suppress(threading.BrokenBarrierError):
                    both_read.wait()  # with the lock taken when the transaction begins, never both
                cursor.execute("UPDATE counter SET n = %s", [n + 1])
        except Exception as exc:  # the test inspects what each writer got
            errors.append(exc)
        finally:
            connections[alias].close()

    with django_db_blocker.unblock():
        setup = DatabaseWrapper(config, alias="setup")
        with setup.cursor() as cursor:
            cursor.execute("CREATE TABLE counter (n integer)")
            cursor.execute("INSERT INTO counter VALUES (0)")
        setup.close()
        threads = [threading.Thread(target=add_one, args=(f"writer{i}",)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        check = DatabaseWrapper(config, alias="check")
        with check.cursor() as cursor:
            cursor.execute("SELECT n FROM counter")
            counted = cursor.fetchone()
        check.close()
    assert errors == [] and counted == (2,)
