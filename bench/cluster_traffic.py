"""The cluster test's virtual users: officers saving values, members asking for bulletins.

Standard library only (threads and ``http.client``), talking to the loopback proxy. Requests
look as a browser's behind the TLS proxy: the session cookie (the driver signed the user in by
writing the session), a CSRF cookie and header, a ``Referer`` on the HTTPS origin.

Officers save through both of the portal's paths, two sessions on the same value so that they
race: the API (``POST /api/v1/assessments/<id>/values/``, 409 when stale) and the page's htmx
row (``POST /assessments/<id>/values/<code>/``, the row with a conflict notice when stale).
Every request carries a note unique to it and the version it was based on; the outcome each
client believed is recorded for ``bench.cluster_check``.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from bench.cluster_check import APPLIED, REFUSED, UNKNOWN, Save

HOST = "127.0.0.1"
VERSION_FIELD = re.compile(rb'name="version" value="(\d+)"')
JOB_URL = re.compile(r"/reports/jobs/([0-9a-f-]{36})/")


@dataclass
class Tally:
    """Every request: when it ended, how long it took, and its kind and status."""

    started: float = field(default_factory=time.monotonic)
    requests: list[tuple[float, float, str, str]] = field(default_factory=list)
    saves: list[Save] = field(default_factory=list)
    jobs: list[str] = field(default_factory=list)
    job_unknown: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, status: str, seconds: float) -> None:
        with self.lock:
            self.requests.append((time.monotonic() - self.started, seconds, kind, status))

    def save(self, save: Save) -> None:
        with self.lock:
            self.saves.append(save)

    def statuses(self) -> Counter:
        return Counter(f"{kind} {status}" for _at, _s, kind, status in self.requests)


class Browser:
    """One signed-in session talking to the proxy over a kept-alive connection."""

    def __init__(self, port: int, session: str, tally: Tally, timeout: float = 30.0) -> None:
        self.port = port
        self.session = session
        self.csrf = secrets.token_hex(16)  # 32 characters: Django accepts an unmasked secret
        self.tally = tally
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def request(self, kind: str, method: str, path: str, body: bytes = b"", headers: dict | None = None):
        """(status, headers, body); status "error" when the connection broke (nothing usable)."""
        every = {
            "Host": f"{HOST}:{self.port}",
            "Cookie": f"sessionid={self.session}; csrftoken={self.csrf}",
            "Accept-Language": "en",
        }
        if method != "GET":
            every.update({"X-CSRFToken": self.csrf, "Referer": f"https://{HOST}:{self.port}/"})
        every.update(headers or {})
        started = time.perf_counter()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            self.conn.request(method, path, body=body or None, headers=every)
            response = self.conn.getresponse()
            answer = response.status, dict(response.getheaders()), response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            self.tally.add(kind, "error", time.perf_counter() - started)
            return "error", {}, b""
        self.tally.add(kind, str(answer[0]), time.perf_counter() - started)
        return answer

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


@dataclass
class Slot:
    """A value two sessions of its commune's officer race on."""

    assessment: int
    code: str
    sessions: tuple[str, str]  # one for the API client, one for the htmx client


class Officer:
    """Saves the slot's value again and again on one path ("api" or "htmx") until ``stop``."""

    def __init__(self, name: str, path: str, slot: Slot, session: str, port: int, tally: Tally, seed: int) -> None:
        self.name, self.path, self.slot = name, path, slot
        self.browser = Browser(port, session, tally)
        self.tally = tally
        self.rng = random.Random(seed)
        self.version = 0
        self.seq = 0

    def run(self, stop: threading.Event, think: float) -> None:
        self.reload(stop)
        value = self.rng.randint(0, 100)
        while not stop.is_set():
            self.seq += 1
            token = f"cluster {self.name} #{self.seq}"
            expected = self.version
            outcome = self.save_api(token, value) if self.path == "api" else self.save_htmx(token, value)
            reloaded = outcome == UNKNOWN and self.reload(stop) == token
            if reloaded:
                outcome = APPLIED  # no answer, but the reload shows it stored
            slot = (self.slot.assessment, self.slot.code)
            self.tally.save(Save(slot, token, str(value), expected, outcome, reloaded))
            if outcome == APPLIED:
                value = self.rng.randint(0, 100)  # a new value next time; a refused one is tried again
            elif outcome == REFUSED:
                self.reload(stop)
            stop.wait(think)
        self.browser.close()

    def save_api(self, token: str, value: int) -> str:
        body = {"values": [{"code": self.slot.code, "value": value, "note": token, "version": self.version}]}
        status, _headers, content = self.browser.request(
            "save api",
            "POST",
            f"/api/v1/assessments/{self.slot.assessment}/values/",
            json.dumps(body).encode(),
            {"Content-Type": "application/json", "Accept": "application/json"},
        )
        if status == 200:
            self.version = json.loads(content)["values"][0]["version"]
            return APPLIED
        if status in (400, 403, 404, 409, 429):
            return REFUSED
        return UNKNOWN

    def save_htmx(self, token: str, value: int) -> str:
        form = urlencode({"value": str(value), "note": token, "version": str(self.version)}).encode()
        status, _headers, content = self.browser.request(
            "save htmx",
            "POST",
            f"/assessments/{self.slot.assessment}/values/{self.slot.code}/",
            form,
            {"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"},
        )
        if status != 200:
            return REFUSED if status in (400, 403, 404, 409, 429) else UNKNOWN
        match = VERSION_FIELD.search(content)
        if b'class="conflict"' in content or b'class="error"' in content or match is None:
            return REFUSED
        self.version = int(match[1])
        return APPLIED

    def reload(self, stop: threading.Event) -> str | None:
        """Read the stored version (and note) again, as the page does after a conflict."""
        for _attempt in range(20):
            status, _headers, content = self.browser.request(
                "reload api",
                "GET",
                f"/api/v1/assessments/{self.slot.assessment}/values/?code={self.slot.code}",
                headers={"Accept": "application/json"},
            )
            if status == 200:
                row = json.loads(content)["results"][0]
                self.version = row["version"]
                return row["note"]
            time.sleep(0.5)
        return None


class Member:
    """A district committee or province office member asking for bulletins, then watching the
    job's status fragment as the page polls it, until ``stop`` or ``jobs`` were asked for."""

    def __init__(self, unit_code: str, session: str, port: int, tally: Tally, month: str) -> None:
        self.unit_code = unit_code
        self.browser = Browser(port, session, tally)
        self.tally = tally
        self.month = month

    def run(self, stop: threading.Event, moments: list[float]) -> None:
        for moment in moments:
            if stop.wait(max(0.0, moment - (time.monotonic() - self.tally.started))):
                break
            job = start_bulletin(self.browser, self.unit_code, self.month)
            if job is None:
                continue
            # The job page polls its status every 2 s; a couple of polls are enough traffic.
            for _poll in range(2):
                if stop.wait(2.0):
                    break
                self.browser.request(
                    "job status", "GET", f"/reports/jobs/{job}/status/", headers={"HX-Request": "true"}
                )
        self.browser.close()


def start_bulletin(browser: Browser, unit_code: str, month: str) -> str | None:
    """Ask for a unit's bulletin in the background, as its page's button does: the job's id,
    or None when the answer was not the redirect to the job's page."""
    status, headers, _content = browser.request(
        "job start",
        "POST",
        f"/reports/bulletin/{unit_code}/{month}/generate/",
        b"reading=valid",
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    match = JOB_URL.search(headers.get("Location", "")) if status == 302 else None
    with browser.tally.lock:
        if match is None:
            browser.tally.job_unknown += status in ("error", 502)
            return None
        browser.tally.jobs.append(match[1])
    return match[1]


def job_moments(run_time: float, jobs: int, members: int) -> list[list[float]]:
    """When each member asks for a job: ``jobs`` spread evenly over the run, round-robin."""
    moments: list[list[float]] = [[] for _ in range(members)]
    step = run_time / (jobs + 1)
    for n in range(jobs):
        moments[n % members].append(step * (n + 1))
    return moments
