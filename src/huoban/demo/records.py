"""The demo's records: elders, help sessions since January, a few flagged records, budgets.

Deterministic (a fixed seed) and relative to today, so that the dashboards always show a
year in progress: some streets ahead of their targets, some behind. Sessions are written in
bulk (thousands of rows); the few records meant to be flagged go through the service, so
the integrity rules flag them as they would flag real input.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils import timezone

from huoban.accounts.models import Role, User
from huoban.accounts.services import membership_grant, user_create
from huoban.budget.services import expense_add
from huoban.people.services import elder_create
from huoban.records.models import HelpSession, LedgerEntry, LedgerKind
from huoban.records.services import help_session_log
from huoban.regions.models import Region
from huoban.sites.models import Service, ServiceKind, Site

SEED = 20260630
# How each street keeps pace with 1,000 person-times a year (seed 001), in STREETS order:
# a few well ahead, most near, two clearly behind.
PACE = [1.35, 0.7, 1.15, 1.05, 0.95, 1.0, 0.55, 1.2, 0.9, 1.1]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙朱马胡郭林何高罗"
GIVEN = [
    "秀英",
    "桂英",
    "玉兰",
    "建国",
    "国华",
    "志明",
    "美华",
    "文娟",
    "德明",
    "惠芳",
    "金妹",
    "阿毛",
]
SCENARIO_WEIGHTS = {
    "medical": 25,
    "show_code": 15,
    "pay_bills": 12,
    "travel": 10,
    "chat": 10,
    "scan_code": 8,
    "phone_basics": 8,
    "shopping": 5,
    "entertainment": 4,
    "safety": 3,
}
CHANNELS = (["walk_in"] * 15) + (["phone"] * 3) + ["home_visit", "online"]
OUTCOMES = (["solved"] * 12) + (["taught"] * 7) + ["referred"]
DURATIONS = [10, 15, 15, 15, 20, 20, 30, 45]
EXPENSES = [
    ("training", "社区学校 智能手机课程讲义", "2800.00"),
    ("publicity", "普陀广告设计工作室", "3600.00"),
    ("materials", "海文印务有限公司", "5200.00"),
    ("badges_signs", "标识标牌制作部", "4100.00"),
    ("teachers", "数字助老讲师团", "6000.00"),
    ("venue", "社区文化活动中心", "2500.00"),
]


def first_day(today: dt.date) -> dt.date:
    """Records start on 1 January, at least half a year back."""
    return dt.date(today.year if today.month >= 7 else today.year - 1, 1, 1)


def _helpers(streets: list[Region], sites_by_street: dict[int, list[Site]]) -> dict[int, Any]:
    """One volunteer per street, on duty at each of its sites (not printed: demo only)."""
    by_site: dict[int, Any] = {}
    for n, street in enumerate(streets, start=1):
        mobile = f"1390001{n:04d}"
        user = User.objects.filter(mobile=mobile).first() or user_create(
            actor=None, mobile=mobile, name=f"{street.name[:2]}志愿者", password=None
        )
        for site in sites_by_street[street.pk]:
            membership_grant(actor=None, user=user, role=Role.VOLUNTEER, site=site)
            by_site[site.pk] = user
    return by_site


def load(*, sites: list[Site], district_admin: User, today: dt.date) -> dict:
    rng = random.Random(SEED)
    streets = list(Region.objects.filter(pk__in={s.region_id for s in sites}).order_by("code"))
    sites_by_street: dict[int, list[Site]] = defaultdict(list)
    for site in sites:
        sites_by_street[site.region_id].append(site)
    helpers = _helpers(streets, sites_by_street)
    scenarios = {s.code: s for s in Service.objects.filter(kind=ServiceKind.SCENARIO)}
    codes = list(SCENARIO_WEIGHTS)
    weights = list(SCENARIO_WEIGHTS.values())

    elders_by_street: dict[int, list] = defaultdict(list)
    for n in range(150):
        street = streets[n % len(streets)]
        site = sites_by_street[street.pk][n % 3]
        elder = elder_create(
            actor=district_admin,
            site=site,
            name=SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)],
            mobile=f"1381000{n:04d}",
            birth_year=1936 + (n * 13) % 30,
            street=street,
            consent=True,
        )
        elders_by_street[street.pk].append(elder)

    tz = timezone.get_current_timezone()
    now = timezone.now()
    start = first_day(today)
    sessions: list[HelpSession] = []
    chosen: list[list[Service]] = []
    for street, pace in zip(streets, PACE, strict=False):
        per_weekday = pace * 1000 / 195  # about 195 weekdays from January to September
        day = start
        while day <= today:
            if day.weekday() < 5:
                for _ in range(_poisson(rng, per_weekday)):
                    site = rng.choice(sites_by_street[street.pk])
                    hour = rng.choice([9, 9, 10, 10, 11, 13, 14, 14, 15, 16])
                    when = dt.datetime.combine(day, dt.time(hour, rng.randrange(0, 60, 5)), tz)
                    if when > now:  # today: only what has happened so far
                        continue
                    elder = rng.choice(elders_by_street[street.pk]) if rng.random() < 0.6 else None
                    picked = {rng.choices(codes, weights)[0] for _ in range(rng.choice([1, 1, 2]))}
                    helper = helpers[site.pk]
                    sessions.append(
                        HelpSession(
                            site=site,
                            region_path=site.region_path,
                            helper=helper,
                            elder=elder,
                            occurred_at=when,
                            duration_minutes=rng.choice(DURATIONS),
                            channel=rng.choice(CHANNELS),
                            outcome=rng.choice(OUTCOMES),
                            created_by=helper,
                        )
                    )
                    chosen.append([scenarios[c] for c in sorted(picked)])
            day += dt.timedelta(days=1)
    HelpSession.objects.bulk_create(sessions, batch_size=1000)
    through = HelpSession.scenarios.through
    through.objects.bulk_create(
        [
            through(helpsession_id=s.pk, service_id=sc.pk)
            for s, picked in zip(sessions, chosen, strict=True)
            for sc in picked
        ],
        batch_size=2000,
    )
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                kind=LedgerKind.HELP,
                site=s.site,
                region_path=s.region_path,
                elder=s.elder,
                occurred_at=s.occurred_at,
                occurred_on=timezone.localdate(s.occurred_at),
                help_session=s,
                source_key=f"help:{s.public_id}",
            )
            for s in sessions
        ],
        batch_size=1000,
    )
    first = streets[0].pk
    flagged = _suspicious(
        sites_by_street[first], helpers, elders_by_street[first], scenarios, today, tz
    )
    _budgets(streets, district_admin, today)
    return {"elders": 150, "sessions": len(sessions), "flagged": flagged}


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: fine for the small means of a day at one street.
    limit, k, p = pow(2.718281828459045, -mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _suspicious(sites, helpers, elders, scenarios, today, tz) -> int:
    """A handful of records the integrity rules catch, for the review queue."""
    site = sites[0]
    helper = helpers[site.pk]
    day = today - dt.timedelta(days=1 if today.weekday() != 0 else 3)
    logged = []
    elder = elders[0]
    for minute in (0, 20, 40, 50):  # the same elder four times in one morning
        logged.append(
            help_session_log(
                actor=helper,
                site=site,
                elder=elder,
                scenarios=[scenarios["medical"]],
                occurred_at=dt.datetime.combine(day, dt.time(9, minute), tz),
            )
        )
    logged.append(  # a walk-in after the desk has closed
        help_session_log(
            actor=helper,
            site=site,
            scenarios=[scenarios["pay_bills"]],
            occurred_at=dt.datetime.combine(day, dt.time(19, 30), tz),
        )
    )
    for _ in range(3):  # three identical entries
        logged.append(
            help_session_log(
                actor=helper,
                site=site,
                scenarios=[scenarios["show_code"]],
                occurred_at=dt.datetime.combine(day, dt.time(10, 30), tz),
                channel="phone",
            )
        )
    return len(logged)


def _budgets(streets: list[Region], actor: User, today: dt.date) -> None:
    """Spending so far this year: more in the busy streets."""
    for n, street in enumerate(streets):
        for k, (category, payee, amount) in enumerate(EXPENSES[: 2 + n % 5]):
            spent_on = max(dt.date(today.year, 1, 1), today - dt.timedelta(days=30 * (k + 1)))
            expense_add(
                actor=actor,
                street=street,
                date=spent_on,
                category=category,
                amount=Decimal(amount),
                payee=payee,
                note="演示数据",
            )
