"""A bounded load test: gunicorn with production settings on 127.0.0.1, and a small driver.

    python -m bench.loadtest                      # 60 s against ntm_bench (national)
    python -m bench.loadtest --size province --run-time 20

Virtual users follow real use, each picking its next request by weight: commune officers save
values (htmx POST, each in their own commune's draft) and now and then reopen their sheet;
district committee members open their dashboard and their communes list; the province office
opens its dashboard and list and downloads the monthly bulletin (Excel). The driver is the
standard library only (threads and ``http.client``): no load tool to install.

CPU per request: the CPU time the gunicorn workers and their PostgreSQL backends (found by the
connections' ``application_name``) used during the run, sampled from ``/proc`` every half
second, divided by the requests served. On 2 cores, 2,000 ms divided by it bounds the requests
per second the machine can serve.

Signing in: each virtual user gets a session created directly in the database (what
``force_login`` does), so the run measures the pages and not a million-round password hash
per user. Requests are sent as a TLS-terminating proxy would forward them
(``X-Forwarded-Proto: https`` with ``SECURE_PROXY_SSL_HEADER=1``): Django then treats them as
HTTPS exactly as in production — ``Secure`` cookies, the strict Referer check on POST — and the
driver sets the CSRF cookie and header itself, like a browser that loaded the form.

Only 127.0.0.1 is contacted; the run stops after ``--run-time`` seconds or ``--max-requests``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench import env
from bench.cpu import CpuMeter

HOST = "127.0.0.1"
VERSION_FIELD = re.compile(rb'name="version" value="(\d+)"')


@dataclass(frozen=True)
class Action:
    kind: str  # "save", "sheet", "dashboard", "communes", "bulletin"
    path: str
    weight: int


@dataclass
class VirtualUser:
    role: str  # the membership's role
    session: str
    actions: list[Action]
    # for officers: the indicator flipped on each save and the version the next save is based on
    code: str = ""
    version: int = 0
    flip: bool = False

    def pick(self, rng: random.Random) -> Action:
        return rng.choices(self.actions, weights=[a.weight for a in self.actions])[0]


# What each role does, by weight (out of 100 of its requests).
OFFICER_MIX = {"save": 85, "sheet": 15}
DISTRICT_MIX = {"dashboard": 60, "communes": 40}
PROVINCE_MIX = {"dashboard": 60, "communes": 30, "bulletin": 10}
APPLICATION_NAME = "ntm_loadtest"


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, ms: float, error: str | None) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(ms)
            if error:
                self.errors[f"{kind}: {error}"] += 1


def production_environment(url: str, port: int) -> dict[str, str]:
    # The workers' PostgreSQL backends carry a name, so that their CPU time can be found.
    tagged = (
        url
        if not url.startswith("postgres")
        else url + ("&" if "?" in url else "?") + f"application_name={APPLICATION_NAME}"
    )
    return {
        **os.environ,
        "DATABASE_URL": tagged,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_PROXY_SSL_HEADER": "1",
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}:{port}",
        "STATIC_ROOT": str(env.RESULTS_DIR / "static"),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "ntm_portal.settings",
    }


# --- Preparing users (in this process, with Django) -----------------------------------------


def _session_for(user) -> str:
    """A signed-in session, stored as ``django.contrib.auth.login`` would store it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    now = int(time.time())
    session["ntm_signed_in_at"] = session["ntm_last_seen_at"] = now
    session.create()
    return session.session_key


def virtual_users(officers: int, districts: int, provinces: int) -> list[VirtualUser]:
    """Officers of distinct communes with a 2025 draft; members of districts and the province."""
    from django.urls import reverse

    from bench.context import Context
    from bench.scenarios import BULLETIN_MONTH, BULLETIN_PATH
    from communes.models import AdministrativeUnit, Level, Membership, Role
    from criteria.models import Assessment, AssessmentState, Indicator, IndicatorValue

    ctx = Context()
    query = "?year=2025&tier=standard"
    drafts = (
        Assessment.objects.within(ctx.province)
        .filter(year=2025, tier="standard", state=AssessmentState.DRAFT)
        .select_related("unit")
        .order_by("unit__code")[:officers]
    )
    users: list[VirtualUser] = []
    for assessment in drafts:
        member = Membership.objects.select_related("user").get(unit=assessment.unit, role=Role.COMMUNE_OFFICER)
        indicator = (
            Indicator.objects.filter(criteria_set_id=assessment.criteria_set_id, comparison="met")
            .order_by("criterion__number", "position")
            .first()
        )
        stored = IndicatorValue.objects.filter(assessment=assessment, indicator=indicator).first()
        paths = {
            "save": reverse("record_value", args=[assessment.pk, indicator.code]),
            "sheet": reverse("assessment", args=[assessment.pk]),
        }
        users.append(
            VirtualUser(
                "officer",
                _session_for(member.user),
                [Action(kind, paths[kind], weight) for kind, weight in OFFICER_MIX.items()],
                indicator.code,
                stored.version if stored else 0,
                bool(stored and stored.value_bool),
            )
        )

    def member_of(unit, role: str, mix: dict[str, int]) -> VirtualUser:
        member = Membership.objects.select_related("user").get(unit=unit, role=role)
        paths = {
            "dashboard": reverse("reports:dashboard", args=[unit.code]) + query,
            "communes": reverse("reports:communes", args=[unit.code]) + query,
            "bulletin": BULLETIN_PATH.format(code=unit.code, month=BULLETIN_MONTH),
        }
        return VirtualUser(
            role, _session_for(member.user), [Action(kind, paths[kind], weight) for kind, weight in mix.items()]
        )

    district_units = AdministrativeUnit.objects.filter(parent=ctx.province, level=Level.DISTRICT).order_by("code")
    users += [member_of(d, Role.DISTRICT_COMMITTEE, DISTRICT_MIX) for d in district_units[:districts]]
    users += [member_of(ctx.province, Role.PROVINCE_OFFICE, PROVINCE_MIX) for _ in range(provinces)]
    return users


# --- The driver (no Django) ------------------------------------------------------------------


class Driver:
    def __init__(self, port: int, deadline: float, max_requests: int, tally: Tally) -> None:
        self.port = port
        self.deadline = deadline
        self.budget = max_requests
        self.tally = tally
        self.lock = threading.Lock()
        self.csrf = secrets.token_hex(16)  # 32 characters: Django accepts an unmasked secret

    def _take(self) -> bool:
        with self.lock:
            if self.budget <= 0 or time.monotonic() >= self.deadline:
                return False
            self.budget -= 1
            return True

    def _headers(self, user: VirtualUser) -> dict[str, str]:
        return {
            "Host": f"{HOST}:{self.port}",
            "X-Forwarded-Proto": "https",
            "Cookie": f"sessionid={user.session}; csrftoken={self.csrf}",
        }

    def _request(self, conn: http.client.HTTPConnection, user: VirtualUser, action: Action) -> tuple[int, bytes]:
        headers = self._headers(user)
        if action.kind != "save":
            conn.request("GET", action.path, headers=headers)
        else:
            user.flip = not user.flip
            body = f"value={'c%C3%B3' if user.flip else 'kh%C3%B4ng'}&note=&version={user.version}"
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "HX-Request": "true",
                    "X-CSRFToken": self.csrf,
                    "Referer": f"https://{HOST}:{self.port}/",
                }
            )
            conn.request("POST", action.path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()

    def loop(self, user: VirtualUser, seed: int) -> None:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        rng = random.Random(seed)
        while self._take():
            action = user.pick(rng)
            started = time.perf_counter()
            error = None
            try:
                status, body = self._request(conn, user, action)
                if status != 200:
                    error = f"HTTP {status}"
                elif action.kind == "save":
                    match = VERSION_FIELD.search(body)
                    if match is None or b"conflict" in body.lower():
                        error = "no saved row in the response"
                    user.version = int(match[1]) if match else user.version
                elif action.kind == "bulletin" and not body.startswith(b"PK"):
                    error = "not a workbook"
            except (OSError, http.client.HTTPException) as exc:
                error = type(exc).__name__
                conn.close()
            self.tally.add(action.kind, (time.perf_counter() - started) * 1000, error)
        conn.close()


def drive(
    users: list[VirtualUser], port: int, run_time: float, max_requests: int, meter: CpuMeter
) -> tuple[Tally, float]:
    tally = Tally()
    meter.sample()
    sampler = threading.Thread(target=meter.run, daemon=True)
    sampler.start()
    started = time.monotonic()
    driver = Driver(port, started + run_time, max_requests, tally)
    threads = [threading.Thread(target=driver.loop, args=(u, n), daemon=True) for n, u in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(run_time + 60)
    elapsed = time.monotonic() - started
    meter.stop.set()
    sampler.join()
    meter.sample()
    return tally, elapsed


# --- gunicorn --------------------------------------------------------------------------------


def start_gunicorn(environment: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    if gunicorn is None:
        raise SystemExit("gunicorn is not installed in this environment: pip install -r requirements.txt")
    command = [
        gunicorn, "ntm_portal.wsgi:application", "--bind", f"{HOST}:{port}", "--workers", str(workers),
        "--log-level", "warning", "--timeout", "60",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=env.PROJECT_DIR, env=environment)  # noqa: S603
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/accounts/login/", headers={"X-Forwarded-Proto": "https"})
            conn.getresponse().read()
            return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit(f"gunicorn did not answer on {HOST}:{port}")


def _cpu_per_request(used: dict[str, float | None], requests: int) -> dict[str, float | None]:
    def per(seconds: float | None) -> float | None:
        return round(seconds * 1000 / requests, 1) if seconds is not None and requests else None

    app, db = per(used["app"]), per(used["db"])
    total = round(app + db, 1) if app is not None and db is not None else None
    return {"app_ms": app, "db_ms": db, "total_ms": total}


def report(tally: Tally, elapsed: float, goal_rps: float, used: dict[str, float | None]) -> dict:
    every = [ms for values in tally.latencies.values() for ms in values]
    errors = sum(tally.errors.values())
    summary = {
        "requests": len(every),
        "seconds": round(elapsed, 1),
        "rps": round(len(every) / elapsed, 1),
        "p50_ms": round(statistics.median(every), 1) if every else None,
        "p95_ms": round(sorted(every)[int(0.95 * (len(every) - 1))], 1) if every else None,
        "errors": errors,
        "by_kind": {
            kind: {
                "requests": len(v),
                "p50_ms": round(statistics.median(v), 1),
                "p95_ms": round(sorted(v)[int(0.95 * (len(v) - 1))], 1),
            }
            for kind, v in sorted(tally.latencies.items())
        },
        "error_kinds": dict(tally.errors),
        "cpu_per_request": _cpu_per_request(used, len(every)),
        "load_average": env.load_average(),
    }
    verdict = "ok" if summary["rps"] >= goal_rps and not errors else "MISSES GOAL"
    print(
        f"loadtest: {summary['requests']} requests in {summary['seconds']} s = {summary['rps']} req/s, "
        f"p50={summary['p50_ms']} ms p95={summary['p95_ms']} ms, errors={errors} "
        f"| goal ≥{goal_rps:g} req/s and no error: {verdict}"
    )
    cpu = summary["cpu_per_request"]
    bound = f", so at most {2000 / cpu['total_ms']:.0f} req/s on 2 cores" if cpu["total_ms"] else ""
    database = f"{cpu['db_ms']} ms" if cpu["db_ms"] is not None else "not visible (another machine?)"
    print(f"  CPU per request: app {cpu['app_ms']} ms + database {database} = {cpu['total_ms']} ms{bound}")
    for kind, figures in summary["by_kind"].items():
        print(f"  {kind}: {figures['requests']} requests, p50={figures['p50_ms']} ms p95={figures['p95_ms']} ms")
    for kind, n in tally.errors.most_common(5):
        print(f"  error {kind}: {n}")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=("national", "province"), default="national")
    parser.add_argument("--database", help="database URL (default: BENCH_DATABASE_URL or ntm_bench[_small])")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--officers", type=int, default=12)
    parser.add_argument("--districts", type=int, default=6)
    parser.add_argument("--provinces", type=int, default=2)
    parser.add_argument("--run-time", type=float, default=60)
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--goal-rps", type=float, default=60)
    args = parser.parse_args(argv)

    url = args.database or env.database_url(args.size)
    environment = production_environment(url, args.port)
    os.environ.update({k: environment[k] for k in ("SECRET_KEY", "SECURE_PROXY_SSL_HEADER", "STATIC_ROOT")})
    env.configure(url, hosts=HOST)
    env.prepare_app()
    users = virtual_users(args.officers, args.districts, args.provinces)
    random.Random(1).shuffle(users)
    print(
        f"loadtest: {len(users)} virtual users ({dict(Counter(str(u.role) for u in users))}), {args.workers} gunicorn workers, "
        f"{args.run_time:g} s, load {env.load_average()}",
        flush=True,
    )
    server = start_gunicorn(environment, args.port, args.workers)
    time.sleep(2)  # the other workers finish booting before the CPU count starts
    meter = CpuMeter(server.pid, APPLICATION_NAME)
    try:
        tally, elapsed = drive(users, args.port, args.run_time, args.max_requests, meter)
    finally:
        server.terminate()
        server.wait(timeout=30)
    summary = report(tally, elapsed, args.goal_rps, meter.used())
    env.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    (env.RESULTS_DIR / f"loadtest-{stamp}.json").write_text(json.dumps(summary, indent=2))
    return 1 if summary["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
