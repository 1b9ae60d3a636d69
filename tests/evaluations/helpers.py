"""Class sessions and help records in the past, made directly: the services refuse to
schedule a class that has already started, and these tests are about what comes after."""

from __future__ import annotations

import datetime as dt

from huoban.classes.models import (
    ClassSession,
    Course,
    SessionStatus,
    SignUp,
    SignUpChannel,
    SignUpStatus,
)
from huoban.people.services import elder_create
from huoban.records.services import help_session_log
from huoban.sites.models import Service

_counter = {"n": 0}


def ended_class(
    site,
    *,
    end: dt.datetime,
    title: str = "用手机挂号",
    teacher: str = "王老师",
    course: Course | None = None,
    status: str = SessionStatus.PUBLISHED,
) -> ClassSession:
    start = end - dt.timedelta(minutes=90)
    return ClassSession.objects.create(
        site=site,
        region_path=site.region_path,
        course=course,
        title=title,
        start=start,
        end=end,
        capacity=20,
        teacher=teacher,
        status=status,
        published_at=start - dt.timedelta(days=20),
    )


def new_elder(actor, site, name: str = "张小明"):
    _counter["n"] += 1
    return elder_create(
        actor=actor,
        site=site,
        name=name,
        mobile=f"1372000{_counter['n']:04d}",
        consent=True,
    )


def attendee(session: ClassSession, elder, by, *, checked_in: bool = True) -> SignUp:
    when = session.start - dt.timedelta(days=3)
    return SignUp.objects.create(
        session=session,
        elder=elder,
        status=SignUpStatus.CONFIRMED,
        channel=SignUpChannel.STAFF,
        queued_at=when,
        status_changed_at=when,
        by=by,
        checked_in_at=session.start if checked_in else None,
    )


def help_record(actor, site, *, elder=None, occurred_at: dt.datetime | None = None, now=None):
    """A help session logged by ``actor``; when ``occurred_at`` is given, logged then."""
    return help_session_log(
        actor=actor,
        site=site,
        elder=elder,
        scenarios=[Service.objects.get(code="medical")],
        occurred_at=occurred_at,
        now=now,
    )
