"""When a class or a help session can be rated, and by whom: computed from the clock, so the
windows open and close by themselves (no scheduled job).

* A class session: from its end, for ``HUOBAN_EVALUATION_DAYS`` days, by the elders who
  were checked in (or by staff on their behalf).
* A help session: from its end, for ``HUOBAN_HELP_EVALUATION_DAYS`` days, once.

The portal asks ``obstacle`` which page to show; the service asks it again before writing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from huoban.classes.models import ClassSession, SessionStatus, SignUp, SignUpStatus
from huoban.evaluations.models import Evaluation
from huoban.lib.when import date_words, time_words
from huoban.records.models import HelpSession

NOT_YET = "not_yet"
CLOSED = "closed"
NOT_ATTENDEE = "not_attendee"
ALREADY = "already"
GONE = "gone"  # a cancelled class, a voided help record


@dataclass(frozen=True)
class Window:
    opens_at: dt.datetime
    closes_at: dt.datetime  # the first moment it is closed

    def state(self, now: dt.datetime) -> str:
        if now < self.opens_at:
            return NOT_YET
        if now >= self.closes_at:
            return CLOSED
        return "open"

    def is_open(self, now: dt.datetime) -> bool:
        return self.state(now) == "open"


def help_session_end(help_session: HelpSession) -> dt.datetime:
    """A help session is over at its time plus its length, or when it was logged if that is
    earlier: the desk logs a session once the elder has been helped, and the rating QR code
    is shown right then."""
    end = help_session.occurred_at + dt.timedelta(minutes=help_session.duration_minutes)
    logged = help_session.created_at
    return min(end, logged) if logged is not None else end


def window_for(subject: ClassSession | HelpSession) -> Window:
    if isinstance(subject, ClassSession):
        days = settings.HUOBAN_EVALUATION_DAYS
        opens = subject.end
    else:
        days = settings.HUOBAN_HELP_EVALUATION_DAYS
        opens = help_session_end(subject)
    return Window(opens, opens + dt.timedelta(days=days))


def moment(value: dt.datetime) -> str:
    """11月23日 周一 下午2:00."""
    local = timezone.localtime(value)
    return f"{date_words(local.date())} {time_words(local.time())}"


def attended(session: ClassSession, elder: Any) -> bool:
    return SignUp.objects.filter(
        session=session,
        elder=elder,
        status=SignUpStatus.CONFIRMED,
        checked_in_at__isnull=False,
    ).exists()


@dataclass(frozen=True)
class Obstacle:
    code: str
    message: str


def obstacle(subject: ClassSession | HelpSession, elder: Any, now: dt.datetime) -> Obstacle | None:
    """Why ``elder`` cannot rate ``subject`` now (None: they can)."""
    is_class = isinstance(subject, ClassSession)
    if is_class and subject.status == SessionStatus.CANCELLED:
        return Obstacle(GONE, _("这节课已经取消了，不能评价。"))
    if not is_class and subject.voided_at is not None:
        return Obstacle(GONE, _("这条帮办记录已经作废，不能评价。"))
    window = window_for(subject)
    state = window.state(now)
    if state == NOT_YET:
        text = (
            _("这节课还没有结束，下课后就可以评价（%(when)s起）。")
            if is_class
            else _("这次服务还没有结束，结束后就可以评价（%(when)s起）。")
        )
        return Obstacle(NOT_YET, text % {"when": moment(window.opens_at)})
    if state == CLOSED:
        return Obstacle(
            CLOSED, _("评价时间已经过了（%(when)s截止）。") % {"when": moment(window.closes_at)}
        )
    if is_class:
        if elder is None or not attended(subject, elder):
            return Obstacle(NOT_ATTENDEE, _("只有签到上了这节课的长者才能评价。"))
        if Evaluation.objects.filter(class_session=subject, elder=elder).exists():
            return Obstacle(ALREADY, _("这节课已经评价过了，每人只评价一次。"))
    elif Evaluation.objects.filter(help_session=subject).exists():
        return Obstacle(ALREADY, _("这次服务已经评价过了，每次服务只评价一次。"))
    return None
