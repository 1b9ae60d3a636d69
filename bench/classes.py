"""Server-time benchmarks of classes: signing up, and a street's timetable page.

    HUOBAN_ENV=test .venv/bin/python bench/classes.py              # SQLite (make bench)
    HUOBAN_ENV=test .venv/bin/python bench/classes.py --postgres   # PostgreSQL

Uses the same fresh database and city as bench/run.py (fewer sites), then puts
``--sessions`` published class sessions (default 1,000) in one street, with sign-ups, and
times: (a) ``signup_create`` for a random elder and session — the service with its row
lock, audit event and queued confirmation; (b) the elder portal's sign-up POST over
django.test.Client (a signed-in elder; the redirect, not the page after it); (c) GET of
the street's timetable page (/streets/<code>/classes/, random page) over
django.test.Client, template included. Exits 1 when a p95 is over the limit (50 ms).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time

import run  # bench/run.py: the database set-up, the timer and the table

LIMIT_MS = 50.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--postgres", action="store_true", help="run on PostgreSQL (127.0.0.1:5432)")
    p.add_argument("--sessions", type=int, default=1_000, help="class sessions in the street")
    p.add_argument("--elders", type=int, default=3_000)
    p.add_argument("--seed", type=int, default=20261123)
    p.add_argument("--samples", type=int, default=200, help="requests timed per scenario")
    p.add_argument("--limit-ms", type=float, default=LIMIT_MS, help="p95 limit (default 50)")
    p.add_argument("--budget", type=float, default=120.0, help="seconds per scenario at most")
    p.add_argument("--gate", choices=["wall", "cpu"], default="wall")
    args = p.parse_args(argv)
    if args.sessions < 1 or args.samples < 1 or args.elders < 2 * (2 * args.samples + 20):
        p.error("need --sessions >= 1, --samples >= 1 and --elders >= 4 × --samples + 40")
    return args


def make_classes(rng: random.Random, street, n_sessions: int, n_elders: int, now):
    """Sites with classrooms in ``street``, published sessions over the next months, elders
    and a few sign-ups per session (bulk: this is data, not what is timed)."""
    from django.utils import timezone

    from huoban.accounts.models import Membership, Role, User
    from huoban.classes.models import ClassSession, SessionStatus, SignUp, SignUpStatus
    from huoban.lib.pinyin import search_text
    from huoban.people.models import Elder
    from huoban.sites.models import Site

    sites = list(Site.objects.filter(region_path__startswith=street.path, status="active")[:20])
    Site.objects.filter(pk__in=[s.pk for s in sites]).update(classroom_capacity=40)
    staff = User.objects.create_user("13800000001", None, name="街道管理员")
    Membership.objects.create(user=staff, role=Role.STREET_ADMIN, region=street)
    tz = timezone.get_current_timezone()
    sessions = []
    for i in range(n_sessions):
        day = now.date() + dt.timedelta(days=15 + i % 120)
        start = dt.datetime.combine(day, dt.time(rng.choice([9, 10, 13, 14, 15])), tz)
        sessions.append(
            ClassSession(
                site=(site := rng.choice(sites)),
                region_path=site.region_path,
                title=rng.choice(["智能手机入门", "防范电信诈骗", "就医挂号", "出行打车"])
                + f" 第{i + 1}期",
                start=start,
                end=start + dt.timedelta(minutes=90),
                capacity=rng.choice([20, 30, 40]),
                status=SessionStatus.PUBLISHED,
                published_at=start - dt.timedelta(days=20),
                created_by=staff,
            )
        )
    ClassSession.objects.bulk_create(sessions, batch_size=500)
    elders = [
        Elder(
            name=f"长者{i:05d}",
            street=street,
            region_path=street.path,
            consent_at=now,
            search_text=search_text(f"长者{i:05d}"),
        )
        for i in range(n_elders)
    ]
    Elder.objects.bulk_create(elders, batch_size=1000)
    sessions = list(ClassSession.objects.filter(region_path__startswith=street.path))
    elders = list(Elder.objects.filter(street=street))
    taken = []
    for session in sessions:
        for elder in rng.sample(elders[: n_elders // 2], 5):
            taken.append(
                SignUp(
                    session=session,
                    elder=elder,
                    status=SignUpStatus.CONFIRMED,
                    channel="staff",
                    queued_at=now,
                    status_changed_at=now,
                    by=staff,
                )
            )
    SignUp.objects.bulk_create(taken, batch_size=1000)
    return staff, sessions, elders[n_elders // 2 :]


def bench_signup_service(rng, samples, staff, sessions, elders) -> run.Scenario:
    from huoban.classes.services import signup_create

    scenario = run.Scenario("signup", "sign-up (service) / 报名（服务）")
    # timed() runs a few cases twice (query count, warm-up): each call takes the next
    # elder, so that no elder signs up for the same session twice.
    fresh = iter(elders[: samples + 10])

    def work(session) -> None:
        signup_create(actor=staff, session=session, elder=next(fresh))

    run.timed(scenario, [rng.choice(sessions) for _ in range(samples)], work)
    return scenario


def bench_signup_http(rng, samples, sessions, elders) -> run.Scenario:
    from django.test import Client
    from django.utils import timezone

    from huoban.accounts.models import ConsentMethod, ElderLink, LinkRelation, User

    scenario = run.Scenario("signup_http", "sign-up POST (HTTP) / 报名提交")
    people = []
    # One request handler for every client, as in a server process: a new Client would
    # otherwise build the middleware chain (WhiteNoise scanning the static files) on its
    # first request, which a running server does once at start-up.
    handler = Client().handler
    for i, elder in enumerate(elders[samples + 10 : samples * 2 + 20]):
        user = User.objects.create_user(f"1390000{i:04d}", None, name=elder.name)
        ElderLink.objects.create(
            user=user,
            elder=elder,
            relation=LinkRelation.SELF,
            consent_method=ConsentMethod.DESK,
            consent_at=timezone.now(),
        )
        client = Client()
        client.handler = handler
        client.force_login(user)
        people.append((client, elder))
    fresh = iter(people)

    def work(session) -> None:
        client, elder = next(fresh)
        response = client.post(
            f"/classes/{session.public_id}/sign-up/", {"elder": str(elder.public_id)}
        )
        assert response.status_code == 302, response.status_code

    run.timed(scenario, [rng.choice(sessions) for _ in range(samples)], work, warmup=3)
    return scenario


def bench_timetable(rng, samples, street, n_sessions) -> run.Scenario:
    from django.test import Client

    scenario = run.Scenario("timetable", "street timetable page (HTTP) / 街道课表页")
    client = Client()
    pages = max(n_sessions // 20, 1)
    urls = [f"/streets/{street.code}/classes/?page={rng.randint(1, pages)}" for _ in range(samples)]

    def work(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    run.timed(scenario, urls, work, warmup=3)
    return scenario


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # As in production, a confirmation is queued for the background worker on commit (one
    # INSERT); the console channel stands in for the SMS gateway the worker would call.
    os.environ.setdefault("HUOBAN_TASKS_BACKEND", "database")
    os.environ.setdefault("HUOBAN_NOTIFY_CHANNELS", "console")
    run.setup_django(args.postgres)
    try:
        return bench(args)
    finally:
        if args.postgres:
            run.drop_postgres()


def bench(args: argparse.Namespace) -> int:
    import logging

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from generate import generate

    # The console channel still formats and hands over every message; it is just not
    # printed, so that the table stays readable.
    quiet = logging.getLogger("huoban.notify")
    quiet.handlers, quiet.propagate = [logging.NullHandler()], False
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    data = generate(seed=args.seed, sites=300, streets=10)
    rng = random.Random(args.seed)
    street = data.streets[0]
    staff, sessions, elders = make_classes(rng, street, args.sessions, args.elders, timezone.now())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(
        f"Generated in {time.perf_counter() - started:.1f} s: {len(sessions)} sessions in "
        f"{street.name}, {len(elders)} elders free to sign up."
    )
    run.Scenario.budget_s = args.budget
    scenarios = [
        bench_signup_service(rng, args.samples, staff, sessions, elders),
        bench_signup_http(rng, args.samples, sessions, elders),
        bench_timetable(rng, args.samples, street, len(sessions)),
    ]
    print(f"\n{run.machine()}; {len(sessions)} sessions in one street.\n")
    return run.report(scenarios, args.limit_ms, args.gate)


if __name__ == "__main__":
    sys.exit(main())
