"""The demo's duty rosters: last week, this week and the next two, at every demo site.

Most sites are fully staffed. A few have gaps (a shift cancelled, one starting late, a day
nobody took), one site is left mostly unstaffed this week, and the sites whose desk opens
5 hours on only two days fail the level-1 rule however well they are staffed. Shifts and
requests go through the services, so they are checked and audited like real input.
Deterministic: the same rosters for the same ``today``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from huoban.accounts.models import Role, User
from huoban.accounts.services import membership_grant, user_create
from huoban.roster.coverage import monday_of
from huoban.roster.models import Shift
from huoban.roster.services import shift_cancel, shift_create, shift_request
from huoban.sites.hours import Period
from huoban.sites.models import Site
from huoban.sites.selectors import desk_hours

SURNAMES = "陈林黄周吴徐孙朱胡郭何高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡"
GIVEN = ["晓明", "佳怡", "志强", "丽娟", "海燕", "建华", "子涵", "浩然", "雅琴", "文博"]
# Two volunteers kept for each site's desk (not printed: demo only).
PER_SITE = 2
# A period longer than this is split between two people.
LONGEST_SHIFT = dt.timedelta(hours=4)
# Indexes into the demo's sites (data.demo_sites order).
CANCELLED_SITE = 2  # this week: one shift cancelled by the site, nobody took it over
LATE_SITE = 5  # next week: Tuesday's first shift starts an hour late
SKIPPED_SITE = 9  # the week after next: nobody on the Friday
FAILING_SITE = 14  # this week: only Monday and Tuesday are staffed


def _volunteers(sites: list[Site]) -> dict[int, list[User]]:
    """Each site's desk volunteers; site 0 also has the demo's manager and volunteer."""
    people: dict[int, list[User]] = {}
    for i, site in enumerate(sites):
        team = []
        for k in range(PER_SITE):
            mobile = f"1390007{i:02d}{k:02d}"
            n = i * PER_SITE + k
            user = User.objects.filter(mobile=mobile).first() or user_create(
                actor=None,
                mobile=mobile,
                name=SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 3) % len(GIVEN)],
                password=None,
            )
            membership_grant(actor=None, user=user, role=Role.VOLUNTEER, site=site)
            team.append(user)
        people[site.pk] = team
    own = list(User.objects.filter(mobile__in=["13900000004", "13900000005"]).order_by("mobile"))
    if sites and own:
        people[sites[0].pk] = own + people[sites[0].pk]
    return people


def _pieces(day: dt.date, period: Period) -> list[tuple[dt.datetime, dt.datetime]]:
    """A period as one shift, or two when it is long (split on the half hour)."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, period.start, tz)
    end = dt.datetime.combine(day, period.end, tz)
    if end - start <= LONGEST_SHIFT:
        return [(start, end)]
    middle = start + (end - start) / 2
    middle = middle.replace(minute=0 if middle.minute < 30 else 30, second=0, microsecond=0)
    return [(start, middle), (middle, end)]


def load(*, sites: list[Site], planner: User, today: dt.date) -> dict[str, Any]:
    """Plan the rosters; ``planner`` keeps every demo site's roster (the district admin)."""
    this_monday = monday_of(today)
    mondays = [this_monday + dt.timedelta(weeks=w) for w in (-1, 0, 1, 2)]
    hours = desk_hours([s.pk for s in sites], mondays[0])
    people = _volunteers(sites)
    planned: list[Shift] = []
    by_site_day: dict[tuple[int, dt.date], list[Shift]] = {}
    for i, site in enumerate(sites):
        team = people[site.pk]
        turn = 0
        for monday in mondays:
            for offset in range(7):
                day = monday + dt.timedelta(days=offset)
                if i == SKIPPED_SITE and monday == mondays[3] and offset == 4:
                    continue
                if i == FAILING_SITE and monday == this_monday and offset >= 2:
                    continue
                late = i == LATE_SITE and monday == mondays[2] and offset == 1
                for period in hours[site.pk].periods_on(day):
                    for start, end in _pieces(day, period):
                        if late:  # the day's first shift only
                            start, late = start + dt.timedelta(hours=1), False
                        shift = shift_create(
                            actor=planner,
                            site=site,
                            person=team[turn % len(team)],
                            start=start,
                            end=end,
                        )
                        turn += 1
                        planned.append(shift)
                        by_site_day.setdefault((i, day), []).append(shift)
    cancelled = _cancel_one(by_site_day, planner, this_monday)
    requests = _requests(by_site_day, people, sites, this_monday)
    return {"shifts": len(planned), "cancelled": cancelled, "requests": requests}


def _cancel_one(by_site_day, planner: User, this_monday: dt.date) -> int:
    """This week's Wednesday at one site: the last shift of the day is called off."""
    wednesday = this_monday + dt.timedelta(days=2)
    shifts = by_site_day.get((CANCELLED_SITE, wednesday), [])
    if not shifts:
        return 0
    shift_cancel(actor=planner, shift=shifts[-1], reason="志愿者生病，暂无人接班")
    return 1


def _requests(by_site_day, people, sites: list[Site], this_monday: dt.date) -> int:
    """Open requests for next week: the demo volunteer asks for a swap, another a cancel."""
    made = 0
    next_monday = this_monday + dt.timedelta(weeks=1)
    asks = [
        (0, "13900000005", "swap", "孙子那天开家长会，想和别人换一下"),
        (6, None, "cancel", "那天要去医院复查"),
    ]
    for index, mobile, kind, reason in asks:
        if index >= len(sites):
            continue
        for offset in range(7):
            day = next_monday + dt.timedelta(days=offset)
            mine = [
                s
                for s in by_site_day.get((index, day), [])
                if mobile is None or s.person.mobile == mobile
            ]
            if mine:
                shift_request(actor=mine[0].person, shift=mine[0], kind=kind, reason=reason)
                made += 1
                break
    return made
