"""Real-browser tests: Debian's Chromium driven by Playwright (no browser download).

They run whenever a Chromium is found (``/usr/bin/chromium`` or ``$CHROMIUM``). Without one
they are skipped with the reason — unless ``E2E_REQUIRED=1`` (CI sets it), which turns the
skip into a failure. On a failing step a screenshot is kept under ``test-artifacts/e2e/``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the tests still use the ORM
# synchronously, outside any coroutine, which is what this flag acknowledges. (It is set for
# the whole test process; ntm_portal/tests/test_settings.py keeps it out of its subprocesses.)
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "e2e"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    reason = None
    if path is None:
        reason = "no Chromium found (apt-get install chromium, or set CHROMIUM=/path)"
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            reason = "Playwright for Python is not installed (pip install -r requirements-dev.txt)"
    if reason:
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail(f"E2E_REQUIRED=1 but the browser tests cannot run: {reason}")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def open_page(browser, live_server):
    """A fresh page (own cookies) at a width, with helpers for the live server."""
    contexts = []

    def make(width: int = 1280, height: int = 900, timezone_id: str | None = None):
        # timezone_id: the browser's own clock zone (an officer's laptop set to another one).
        zone = {"timezone_id": timezone_id} if timezone_id else {}
        context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN", **zone)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.base = live_server.url
        return page

    yield make
    for context in contexts:
        context.close()


@contextlib.contextmanager
def step(page, name: str):
    """Run one step of a scenario; keep a screenshot if it fails."""
    try:
        yield
    except BaseException:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(Exception):
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        raise


def sign_in(page, username: str, password: str = "a-long-test-password") -> None:
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def sign_out(page) -> None:
    page.context.clear_cookies()
