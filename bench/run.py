"""Server-time benchmarks of the public site finder on a generated city.

    HUOBAN_ENV=test .venv/bin/python bench/run.py              # SQLite (make bench)
    HUOBAN_ENV=test .venv/bin/python bench/run.py --postgres   # PostgreSQL

Creates a fresh database (SQLite: var/bench/bench.sqlite3; PostgreSQL: huoban_bench on
127.0.0.1:5432, dropped at the end), migrates it, generates the data set of
bench/generate.py and times, with time.perf_counter, the work a request does: the
selector calls the public finder and API use, materialising the rows and computing the
open state of the returned page (not HTTP, not templates). The public pages are then
timed over django.test.Client, for information. Prints a markdown table and exits 1 when
a p95 of (a) or (b) is over the limit (20 ms). See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import platform
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SQLITE_FILE = PROJECT_DIR / "var" / "bench" / "bench.sqlite3"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DB = "huoban_bench"
LIMIT_MS = 20.0
PAGE = 20


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--postgres", action="store_true", help="run on PostgreSQL (127.0.0.1:5432)")
    p.add_argument("--sites", type=int, default=10_000)
    p.add_argument("--streets", type=int, default=300)
    p.add_argument("--seed", type=int, default=20261123)
    p.add_argument("--samples", type=int, default=200, help="requests timed per scenario")
    p.add_argument("--limit-ms", type=float, default=LIMIT_MS, help="p95 limit (default 20)")
    p.add_argument(
        "--budget",
        type=float,
        default=120.0,
        help="seconds each scenario may take before it stops early (default 120)",
    )
    p.add_argument(
        "--gate",
        choices=["wall", "cpu"],
        default="wall",
        help="which p95 the limit applies to: wall time (default) or CPU time (busy machines)",
    )
    p.add_argument("--keep", action="store_true", help="keep the benchmark database")
    p.add_argument("--explain", action="store_true", help="print the plan of every query")
    args = p.parse_args(argv)
    if not (1 <= args.streets <= 999 and args.sites >= 1 and args.samples >= 1):
        p.error("need 1 <= --streets <= 999, --sites >= 1 and --samples >= 1")
    return args


def setup_django(postgres: bool) -> None:
    """Point DATABASE_URL at a fresh benchmark database, then start Django."""
    os.environ.setdefault("HUOBAN_ENV", "test")
    os.environ["DJANGO_SETTINGS_MODULE"] = "huoban.settings"
    if postgres:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=5) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
            c.execute(f'CREATE DATABASE "{PG_DB}"')
        os.environ["DATABASE_URL"] = f"{PG_SERVER}/{PG_DB}?connect_timeout=5"
    else:
        SQLITE_FILE.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_FILE}"
    import django

    django.setup()


def drop_postgres() -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=5) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


class CpuClock:
    """Nanoseconds on a CPU of this thread plus the database's backend process.

    Wall time on a busy machine includes time spent waiting for a CPU; this does not, so
    it estimates the wall time on an idle machine (the data set sits in memory, so a
    request does no disk I/O). This thread's time comes from the thread CPU clock; a
    PostgreSQL backend's from /proc/<pid>/schedstat, which is exact for a process that
    is waiting (between two requests it waits for the next query). ``read`` gives None
    where that file is missing (not Linux) or unreadable.
    """

    def __init__(self) -> None:
        from django.db import connection

        self.backend: str | None = None
        self.ok = True
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.backend = f"/proc/{cursor.fetchone()[0]}/schedstat"
            self.ok = self._backend_ns() is not None

    def _backend_ns(self) -> int | None:
        if self.backend is None:
            return 0
        try:
            with open(self.backend) as f:
                return int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def read(self) -> int | None:
        backend = self._backend_ns() if self.ok else None
        return None if backend is None else time.thread_time_ns() + backend


class Scenario:
    budget_s = 120.0
    explain = False

    def __init__(self, name: str, label: str, gate: bool = True):
        self.name, self.label, self.gate = name, label, gate
        self.times_ms: list[float] = []
        self.cpu_ms: list[float] = []
        self.queries = 0
        self.note = ""
        self.stopped_early = False

    def p95(self, gate_on: str) -> float:
        return percentile(self.cpu_ms if gate_on == "cpu" else self.times_ms, 95)


def timed(scenario: Scenario, cases: list, work: Callable, warmup: int = 5) -> None:
    """Run ``work(case)`` for every case; the first ``warmup`` runs are not counted.

    Stops early, marking the scenario, once it has used its time budget, so that a slow
    database ends the run in minutes rather than hours.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    deadline = time.perf_counter() + scenario.budget_s
    with CaptureQueriesContext(connection) as ctx:
        work(cases[0])
    scenario.queries = len(ctx.captured_queries)
    if scenario.explain:
        print_plans(scenario.label, [q["sql"] for q in ctx.captured_queries])
    for case in cases[1:warmup]:
        if time.perf_counter() > deadline:
            break
        work(case)
    clock = CpuClock()  # after the warm-up: the database connection is open

    def measure(case) -> None:
        cpu0 = clock.read()
        start = time.perf_counter()
        work(case)
        wall = time.perf_counter() - start
        cpu1 = clock.read()
        scenario.times_ms.append(wall * 1000)
        if cpu0 is not None and cpu1 is not None:
            scenario.cpu_ms.append((cpu1 - cpu0) / 1e6)

    for case in cases:
        if time.perf_counter() > deadline:
            scenario.stopped_early = True
            break
        measure(case)
    if not scenario.times_ms:  # the warm-up alone ate the budget: time one request anyway
        scenario.stopped_early = True
        measure(cases[0])


def print_plans(label: str, queries: list[str]) -> None:
    """The database's plan for each query of one request (``--explain``)."""
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    print(f"\n## Plans: {label}")
    for sql in queries:
        print(f"\n{sql}")
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            for row in cursor.fetchall():
                print(f"    {row[-1]}")


def local(day: dt.date, hhmm: str) -> dt.datetime:
    from django.utils import timezone

    h, m = (int(x) for x in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(h, m), timezone.get_current_timezone())


# The work of one request, as the public finder and the API do it: selectors, rows
# materialised, open state computed for the page. Module-level, so that a proposed
# change to the selectors can be timed by replacing these two functions.


def nearest_request(lat: float, lng: float, now: dt.datetime) -> list:
    """(a) the PAGE nearest sites to a point, with hours, open state and walking distance."""
    from huoban.sites.selectors import nearest_rows, sites_public

    return nearest_rows(sites_public().select_related("region"), (lat, lng), now, limit=PAGE)


def open_request(code: str, now: dt.datetime) -> tuple[int, list]:
    """(b) the sites open at ``now`` in a district: their number and the first page."""
    from huoban.regions.models import Region
    from huoban.sites.selectors import (
        filter_sites,
        open_at_q,
        page_of_sites,
        site_rows,
        sites_public,
    )

    district = Region.objects.get(code=code)
    qs = filter_sites(sites_public(), region=district).filter(open_at_q(now))
    page = page_of_sites(qs.select_related("region"), 1, PAGE)
    return page.paginator.count, site_rows(page.object_list, now)


def bench_nearest(rng: random.Random, samples: int, week: list[dt.date], streets) -> Scenario:
    """(a) the 20 nearest sites to a point, with their hours, open state and distance."""
    from generate import LAT_MAX, LAT_MIN, LNG_MAX, LNG_MIN

    scenario = Scenario("nearest", "nearest 20 / 最近 20 个站点")
    cases = []
    for _ in range(samples):
        if rng.random() < 0.75:  # someone at home in a street: near the street's centre
            street = rng.choice(streets)
            lat = rng.gauss(float(street.latitude), 0.01)
            lng = rng.gauss(float(street.longitude), 0.01)
        else:  # anywhere in the city box, fields and river included
            lat, lng = rng.uniform(LAT_MIN, LAT_MAX), rng.uniform(LNG_MIN, LNG_MAX)
        now = local(rng.choice(week), f"{rng.randint(7, 21)}:{rng.randint(0, 59)}")
        cases.append((lat, lng, now))

    def work(case) -> None:
        lat, lng, now = case
        nearest_request(lat, lng, now)

    timed(scenario, cases, work)
    return scenario


# Times a desk opens or closes in the generated hours, and a minute either side.
EDGES = [
    "8:30",
    "9:00",
    "9:30",
    "11:00",
    "11:30",
    "12:00",
    "13:00",
    "13:30",
    "14:00",
    "16:00",
    "16:30",
    "17:00",
    "17:30",
    "18:30",
    "20:30",
]


def bench_open_in_district(
    rng: random.Random, samples: int, week: list[dt.date], districts
) -> Scenario:
    """(b) sites open now in a district: the count and the first page, with open state."""
    scenario = Scenario("open", "open now in a district / 区内正在开放")
    cases = []
    for i in range(samples):
        day = week[i % 7]
        if i % 2:
            edge = local(day, rng.choice(EDGES))
            now = edge + dt.timedelta(minutes=rng.choice([-1, 0, 1]))
        else:
            now = local(day, f"{rng.randint(7, 21)}:{rng.randint(0, 59)}")
        cases.append((rng.choice(districts).code, now))
    totals: list[int] = []

    def work(case) -> None:
        code, now = case
        total, rows = open_request(code, now)
        assert all(r.state.is_open for r in rows), "open_at_q and DeskHours disagree"
        totals.append(total)

    timed(scenario, cases, work)
    counted = totals[-len(scenario.times_ms) :]
    scenario.note = (
        f"open sites per request: median {percentile(counted, 50)}, max {max(counted)}; "
        f"{sum(1 for t in counted if t == 0)} of {len(counted)} with none open"
    )
    return scenario


def bench_http(rng: random.Random, samples: int, streets, districts) -> list[Scenario]:
    """(c) optional: the public pages over django.test.Client, where they are routed.

    Includes the template; uses the real clock (the finder reads timezone.now()).
    """
    from django.test import Client
    from django.urls import Resolver404, resolve

    def routed(path: str) -> bool:
        try:
            resolve(path)
        except Resolver404:
            return False
        return True

    client = Client()
    n = min(samples, 50)
    pages: list[tuple[str, str, list[str]]] = []
    if routed("/"):
        pages.append(("http_home", "GET / (HTTP)", ["/"] * n))
    if routed("/sites/"):
        near = []
        for _ in range(n):
            street = rng.choice(streets)
            lat = rng.gauss(float(street.latitude), 0.01)
            near.append(f"/sites/?lat={lat:.6f}&lng={float(street.longitude):.6f}")
        pages.append(("http_near", "GET /sites/?lat&lng (HTTP)", near))
        opened = [f"/sites/?district={rng.choice(districts).code}&open=on" for _ in range(n)]
        pages.append(("http_open", "GET /sites/?district&open (HTTP)", opened))
    out = []
    for name, label, urls in pages:
        scenario = Scenario(name, label, gate=False)

        def work(url: str) -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        timed(scenario, urls, work, warmup=3)
        out.append(scenario)
    return out


def machine() -> str:
    from django.db import connection

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            db = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            db = f"SQLite {cursor.fetchone()[0]}"
    import django

    speed = []
    for _ in range(5):  # a fixed pure-Python loop, to compare machines and runs
        start = time.thread_time()
        sum(range(1_000_000))
        speed.append((time.thread_time() - start) * 1000)
    load = f", reference loop {min(speed):.1f} ms" + ", load average {:.2f} {:.2f} {:.2f}".format(
        *os.getloadavg()
    )
    return (
        f"{db}, Python {platform.python_version()}, Django {django.get_version()}, "
        f"{cpu}, {os.cpu_count()} cores{load}"
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    setup_django(args.postgres)
    try:
        return run(args)
    finally:
        if args.postgres and not args.keep:
            drop_postgres()


def run(args: argparse.Namespace) -> int:
    from django.core.management import call_command
    from django.db import connection

    from generate import BENCH_DATE, generate

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    data = generate(seed=args.seed, sites=args.sites, streets=args.streets)
    if connection.vendor == "postgresql":
        # A live database has been vacuumed and analysed by autovacuum (which also runs
        # after bulk inserts); a fresh one has no statistics and no visibility map.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(
        f"Generated in {time.perf_counter() - started:.1f} s: {len(data.districts)} districts, "
        f"{len(data.streets)} streets, {data.organisations} organisations, {data.sites} sites, "
        f"{data.periods} desk periods, {data.exceptions} exceptions."
    )

    Scenario.budget_s = args.budget
    Scenario.explain = args.explain
    rng = random.Random(args.seed)
    week = [BENCH_DATE + dt.timedelta(days=i) for i in range(7)]
    scenarios = [
        bench_nearest(rng, args.samples, week, data.streets),
        bench_open_in_district(rng, args.samples, week, data.districts),
    ]
    http = bench_http(rng, args.samples, data.streets, data.districts)
    scenarios += http

    print(
        f"\n{machine()}; {data.sites} sites over {len(data.streets)} streets; "
        f"{args.samples} requests per scenario.\n"
    )
    if not http:
        print("\n(The public pages are not routed: the HTTP scenarios were skipped.)")
    else:
        print("\nHTTP rows are for information (template included), not part of the limit.")
    return report(scenarios, args.limit_ms, args.gate, args.budget)


def report(scenarios: list[Scenario], limit_ms: float, gate_on: str, budget: float = 0) -> int:
    """Print the table and the verdict; 1 when a gated p95 is over ``limit_ms``."""
    print("| scenario | n | p50 ms | p95 ms | max ms | CPU p50 ms | CPU p95 ms | queries |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for s in scenarios:
        t, c = s.times_ms, s.cpu_ms
        cpu = f"{percentile(c, 50):.2f} | {percentile(c, 95):.2f}" if c else "– | –"
        print(
            f"| {s.label} | {len(t)} | {percentile(t, 50):.2f} | {percentile(t, 95):.2f} | "
            f"{max(t):.2f} | {cpu} | {s.queries} |"
        )
    print(
        "\nms: wall time (time.perf_counter) per request. CPU: time on a CPU of this thread and "
        "of the database backend (/proc/PID/schedstat), i.e. without waiting for a CPU."
    )
    for s in scenarios:
        if s.note:
            print(f"\n{s.label}: {s.note}")
        if s.stopped_early:
            print(
                f"\n{s.label}: stopped after {len(s.times_ms)} requests, "
                f"its {budget:g} s budget used up."
            )
    if gate_on == "cpu" and not all(s.cpu_ms for s in scenarios if s.gate):
        print("No CPU times on this system: the limit applies to wall time.", file=sys.stderr)
        gate_on = "wall"
    failed = [s for s in scenarios if s.gate and s.p95(gate_on) > limit_ms]
    for s in failed:
        print(
            f"FAIL: {s.label}: {gate_on} p95 {s.p95(gate_on):.2f} ms > {limit_ms:g} ms",
            file=sys.stderr,
        )
    if not failed:
        print(f"\nOK: every {gate_on} p95 is within {limit_ms:g} ms.")
    load = os.getloadavg()[0]
    if load > (os.cpu_count() or 1):
        print(
            f"Note: load average {load:.1f} on {os.cpu_count()} cores: other work competed "
            "for the CPUs, so wall times are inflated; compare the CPU columns.",
            file=sys.stderr,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
