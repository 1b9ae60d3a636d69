"""The demo's classes: a term at every site with a classroom, past and upcoming.

Past sessions (from September, at most a quarter back) have their sign-ups, a few
cancellations that moved people up from the waiting list, and check-ins that wrote training
person-times into the ledger. Upcoming ones (the next four weeks) have places taken, some
full with a waiting list, one called off by its site and a draft or two. Most sessions last
at least 90 minutes and were published at least 14 days ahead; a few do not, so the level-2
marks show.

Everything goes through the classes services with their ``now=`` argument set to the moment
it would have happened. Deterministic apart from the confirmation codes, which are random by
design. The confirmations the services queue are marked as sent when they were made.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import F
from django.utils import timezone

from huoban.accounts.models import Membership, Role, User
from huoban.classes.models import (
    ClassSession,
    Course,
    SessionKind,
    SessionStatus,
    SignUp,
    SignUpStatus,
)
from huoban.classes.services import (
    course_create,
    session_cancel,
    session_create,
    session_publish,
    signup_cancel,
    signup_check_in,
    signup_create,
    walk_in_add,
)
from huoban.notify.models import Outbox, OutboxStatus
from huoban.notify.services import deferred_sending
from huoban.people.models import Elder
from huoban.sites.models import Service, ServiceKind, Site

SEED = 20260901
# title, scenario, description, materials
COURSES = [
    (
        "智能手机入门",
        "phone_basics",
        "开关机、调大字体和音量、连接无线网络、拍照和看照片。",
        "请带上自己的手机和充电器。",
    ),
    (
        "防范电信诈骗",
        "safety",
        "认识常见骗局：冒充客服、冒充公检法、中奖和保健品推销；接到可疑电话怎么办。",
        "讲义《防骗十问》，课上发放。",
    ),
    (
        "就医挂号",
        "medical",
        "用手机预约挂号、查看检查报告、出示医保电子凭证。",
        "请带上手机和社保卡。",
    ),
    (
        "出行打车",
        "travel",
        "用手机叫出租车、查公交到站时间、乘地铁扫码进站。",
        "请带上手机；打车软件可以在课上一起安装。",
    ),
    (
        "手机支付",
        "pay_bills",
        "付款码和扫码付款、缴水电煤费，以及怎样保护支付密码。",
        "请带上手机。密码只自己输入，不告诉任何人，包括老师和志愿者。",
    ),
    (
        "微信视频聊天",
        "chat",
        "加好友、发语音、和家人视频通话、家庭群里看照片。",
        "请带上手机。",
    ),
]
TEACHERS = ["社区学校 王老师", "数字助老讲师团 李老师", "志愿者 小周", "银行网点 陈经理"]
# Start times; every seventh session lasts an hour instead (no level-2 credit).
SLOTS = [(9, 30, 90), (14, 0, 120), (9, 0, 120), (13, 30, 90)]
WEEKS_BACK = 13  # at most a quarter of past classes, however late in the term
WEEKS_AHEAD = 4
EVERY_WEEKS = 3  # a class at each site every third week: monthly at least (level 2)
CALLED_OFF = "授课老师临时有事，这节课取消，改期另行通知。"


def term_start(today: dt.date) -> dt.date:
    """1 September of the school year ``today`` is in, at most a quarter back."""
    september = dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    return max(september, today - dt.timedelta(weeks=WEEKS_BACK))


def _desks(sites: list[Site], fallback: User) -> dict[int, Any]:
    """Who signs elders up and checks them in at each site: its volunteer, if it has one."""
    first: dict[int, Any] = {}
    volunteers = Membership.objects.filter(
        role=Role.VOLUNTEER, site__in=sites, user__is_active=True
    ).select_related("user")
    for membership in volunteers.order_by("id"):
        if membership.site_id is not None:
            first.setdefault(membership.site_id, membership.user)
    return {site.pk: first.get(site.pk, fallback) for site in sites}


def _courses(actor: User) -> list[Course]:
    scenarios = {s.code: s for s in Service.objects.filter(kind=ServiceKind.SCENARIO)}
    return [
        Course.objects.filter(title=title).first()
        or course_create(
            actor=actor,
            title=title,
            scenario=scenarios.get(code),
            description=description,
            materials=materials,
        )
        for title, code, description, materials in COURSES
    ]


def load_classes(*, sites: list[Site], district_admin: User, now: dt.datetime) -> dict[str, int]:
    """Schedule and fill a term of classes at the sites with a classroom; returns counts.

    ``district_admin`` schedules (they may at every site); each site's volunteer signs
    elders up and checks them in."""
    before = Outbox.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with deferred_sending():
        counts = _load(sites=sites, district_admin=district_admin, now=now)
    # The messages went out when the places were taken (or the class was called off).
    Outbox.objects.filter(id__gt=before, status=OutboxStatus.QUEUED).update(
        status=OutboxStatus.SENT, sent_at=F("created_at"), attempts=1
    )
    return counts


def _load(*, sites: list[Site], district_admin: User, now: dt.datetime) -> dict[str, int]:
    rng = random.Random(SEED)
    tz = timezone.get_current_timezone()
    today = timezone.localdate(now)
    classrooms = [s for s in sites if s.classroom_capacity]
    desks = _desks(classrooms, district_admin)
    courses = _courses(district_admin)
    elders_by_street: dict[int, list[Elder]] = defaultdict(list)
    for elder in Elder.objects.filter(street__isnull=False).order_by("id"):
        if elder.street_id is not None:
            elders_by_street[elder.street_id].append(elder)
    first = term_start(today)
    last = today + dt.timedelta(weeks=WEEKS_AHEAD)
    made: list[ClassSession] = []
    for n, site in enumerate(classrooms):
        # Every third week at each site, on a weekday of its own (Tuesday to Friday).
        day = first + dt.timedelta(days=(1 + n % 4) - first.weekday() + 7 * (n % EVERY_WEEKS))
        k = n
        while day <= last:
            hour, minute, minutes = SLOTS[k % len(SLOTS)]
            if k % 7 == 6:
                minutes = 60
            start = dt.datetime.combine(day, dt.time(hour, minute), tz)
            end = start + dt.timedelta(minutes=minutes)
            plan = Plan(site, courses[k % len(courses)], start, end, k)
            if day >= first and start > now + dt.timedelta(hours=2):
                made.append(_upcoming(rng, plan, district_admin, now))
            elif day >= first and end < now:
                made.append(_past(rng, plan, district_admin))
            day += dt.timedelta(weeks=EVERY_WEEKS)
            k += 1
    for session in made:
        if session.status == SessionStatus.PUBLISHED:
            _fill(rng, session, desks[session.site_id], elders_by_street, now)
    _call_off_one(made, district_admin, now)
    signups = SignUp.objects.filter(session__in=made)
    return {
        "sessions": len(made),
        "signups": signups.exclude(status=SignUpStatus.CANCELLED).count(),
        "waiting": signups.filter(status=SignUpStatus.WAITING).count(),
        "attended": signups.filter(checked_in_at__isnull=False).count(),
    }


@dataclass
class Plan:
    site: Site
    course: Course
    start: dt.datetime
    end: dt.datetime
    k: int  # the session's number, which picks its course, teacher, room size and notice

    @property
    def short_notice(self) -> bool:
        return self.k % 6 == 5

    @property
    def capacity(self) -> int:
        """Every third session in a small room that fills up; otherwise most of the room."""
        room = self.site.classroom_capacity
        return min(room, 10) if self.k % 3 == 0 else min(room, 16 + (self.k % 4) * 2)


def _create(
    plan: Plan, actor: User, *, created: dt.datetime, published: dt.datetime | None
) -> ClassSession:
    session = session_create(
        actor=actor,
        site=plan.site,
        title=plan.course.title,
        start=plan.start,
        end=plan.end,
        capacity=plan.capacity,
        kind=SessionKind.LECTURE if plan.course.title == "防范电信诈骗" else SessionKind.CLASS,
        course=plan.course,
        teacher=TEACHERS[plan.k % len(TEACHERS)],
        now=created,
    )
    if published is not None:
        session_publish(actor=actor, session=session, now=published)
    return session


def _notice(rng: random.Random, plan: Plan) -> dt.timedelta:
    return dt.timedelta(days=7 if plan.short_notice else rng.choice([15, 21, 28]))


def _past(rng: random.Random, plan: Plan, actor: User) -> ClassSession:
    published = plan.start - _notice(rng, plan)
    return _create(plan, actor, created=published - dt.timedelta(days=2), published=published)


def _upcoming(rng: random.Random, plan: Plan, actor: User, now: dt.datetime) -> ClassSession:
    published = min(plan.start - _notice(rng, plan), now - dt.timedelta(hours=1))
    draft = plan.k % 11 == 4 and plan.start - now > dt.timedelta(days=14)
    return _create(
        plan,
        actor,
        created=published - dt.timedelta(days=1),
        published=None if draft else published,
    )


def _fill(
    rng: random.Random,
    session: ClassSession,
    desk: User,
    elders_by_street: dict[int, list[Elder]],
    now: dt.datetime,
) -> None:
    """Sign elders up between publication and the start (or now); for past sessions also a
    few cancellations, the check-ins and now and then a walk-in."""
    assert session.published_at is not None
    pool = list(elders_by_street[session.site.region_id])
    rng.shuffle(pool)
    full = session.capacity <= 10
    wanted = session.capacity + rng.randint(1, 3) if full else rng.randint(4, 10)
    chosen, spare = pool[:wanted], pool[wanted:]
    until = min(session.start - dt.timedelta(days=1), now - dt.timedelta(minutes=5))
    span = max((until - session.published_at).total_seconds(), 60)
    moments = sorted(
        session.published_at + dt.timedelta(seconds=rng.uniform(30, span)) for _ in chosen
    )
    for elder, moment in zip(chosen, moments, strict=True):
        signup_create(actor=desk, session=session, elder=elder, now=moment)
    if session.end > now:
        return
    confirmed = list(session.signups.filter(status=SignUpStatus.CONFIRMED))
    for signup in confirmed[: rng.randint(0, 2)]:
        signup_cancel(actor=desk, signup=signup, now=session.start - dt.timedelta(hours=20))
    during = session.start + dt.timedelta(minutes=5)
    for signup in session.signups.filter(status=SignUpStatus.CONFIRMED).select_related("elder"):
        if rng.random() < 0.88:
            signup_check_in(actor=desk, signup=signup, now=during)
    taken = session.signups.filter(status=SignUpStatus.CONFIRMED).count()
    if spare and taken < session.capacity and rng.random() < 0.4:
        walk_in_add(actor=desk, session=session, elder=spare[0], now=during)


def _call_off_one(sessions: list[ClassSession], actor: User, now: dt.datetime) -> None:
    """One upcoming class called off by its site, so the cancellation shows."""
    later = [
        s
        for s in sessions
        if s.status == SessionStatus.PUBLISHED and s.start > now + dt.timedelta(days=5)
    ]
    if later:
        session_cancel(
            actor=actor,
            session=later[len(later) // 2],
            reason=CALLED_OFF,
            now=now - dt.timedelta(minutes=2),
        )
