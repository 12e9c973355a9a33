"""Read settings from the environment, failing loudly on a value that makes no sense.

A mistyped ``DEBUG=ture`` or ``DATABASE_URL=postgress://…`` must stop the process at start-up
with a message naming the variable, never fall back to a default silently.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_DATABASE_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql"}


class Env:
    """Typed access to a mapping of environment variables (``os.environ`` by default)."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def str(self, name: str, default: str | None = None) -> str:
        value = self.environ.get(name)
        if value is None or value.strip() == "":
            if default is None:
                raise ImproperlyConfigured(f"Set the environment variable {name}.")
            return default
        return value.strip()

    def bool(self, name: str, default: bool) -> bool:
        raw = self.environ.get(name)
        if raw is None:
            return default
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off.")

    def int(self, name: str, default: int, *, minimum: int | None = None) -> int:
        raw = self.environ.get(name)
        if raw is None or raw.strip() == "":
            return default
        try:
            value = int(raw.strip())
        except ValueError:
            raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
        if minimum is not None and value < minimum:
            raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
        return value

    def list(self, name: str, default: list[str]) -> list[str]:
        raw = self.environ.get(name)
        if raw is None:
            return list(default)
        items = [item.strip() for item in raw.split(",")]
        if any(item == "" for item in items):
            raise ImproperlyConfigured(f"{name}={raw!r} has an empty item: separate values with single commas.")
        return items

    def database(self, name: str, default: str) -> dict:
        url = self.str(name, default)
        scheme = url.split("://", 1)[0].lower() if "://" in url else ""
        if scheme not in _DATABASE_SCHEMES:
            raise ImproperlyConfigured(
                f"{name}={url!r} is not supported: use sqlite:///path/to/file.sqlite3 or "
                "postgres://user:password@host:port/name."
            )
        try:
            # Connections kept a minute and checked before reuse (a restarted PostgreSQL or a
            # dropped connection costs one retry, not an error page).
            config = dj_database_url.parse(
                url, conn_max_age=0 if scheme == "sqlite" else 60, conn_health_checks=scheme != "sqlite"
            )
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name}={url!r} cannot be read: {exc}") from None
        if not config.get("NAME"):
            raise ImproperlyConfigured(f"{name}={url!r} names no database.")
        if scheme == "sqlite":
            config["OPTIONS"] = {
                # A transaction takes the write lock when it begins, so two officers saving at once
                # queue (up to the timeout) instead of the second being refused "database is locked"
                # when both have read and then write. WAL lets pages read while someone writes.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            }
        return config
