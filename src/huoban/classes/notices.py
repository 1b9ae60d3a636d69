"""What classes tell elders: sign-up confirmations, promotion from the waiting list,
cancellation by the site and the day-before reminder.

Each message is queued in the outbox (``huoban.notify``) in the transaction of the change,
under a key that makes it unique, and written in Chinese whatever language the staff member
uses: the elder reads it on their phone. Times are said the way people say them (下午2:00),
never as a bare 24-hour time.

A message goes to the elder; when the elder has no mobile number and signed up themselves or
through a family member, it goes to that account instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from huoban.accounts.selectors import acts_for
from huoban.classes.models import ClassSession, SessionStatus, SignUp, SignUpChannel, SignUpStatus
from huoban.classes.selectors import waiting_place
from huoban.lib.when import date_words, day_words, time_range_words
from huoban.notify.models import Outbox
from huoban.notify.services import notification_queue, notification_restore, notification_withdraw

CONFIRMED = "class.confirmed"
WAITING = "class.waiting"
PROMOTED = "class.promoted"
CANCELLED = "class.cancelled"
REMINDER = "class.reminder"


def reminder_key(signup: SignUp) -> str:
    return f"reminder:{signup.public_id}"


def _on_behalf(signup: SignUp) -> Any:
    """The account that signed the elder up online (theirs or a family member's), while it
    may still act for the elder: a family member whose link was revoked hears nothing more."""
    online = signup.channel in (SignUpChannel.SELF, SignUpChannel.FAMILY)
    if online and acts_for(signup.by, signup.elder) is not None:
        return signup.by
    return None


def _facts(signup: SignUp, session: ClassSession) -> dict[str, str]:
    start = timezone.localtime(session.start)
    end = timezone.localtime(session.end)
    site = session.site
    return {
        "programme": settings.HUOBAN_PROGRAMME_NAME,
        "name": signup.elder.name,
        "title": session.title,
        "date": date_words(start.date()),
        "time": time_range_words(start.time(), end.time()),
        "site": site.name,
        "address": site.address,
        "code": signup.code,
        "phone": site.phone,
    }


def _call(facts: dict[str, str]) -> str:
    """How to cancel or ask: the site's phone, when it has one."""
    if not facts["phone"]:
        return _("不能来请提前到站点取消。")
    return _("不能来请提前取消，电话 %(phone)s。") % facts


def _queue(
    signup: SignUp, *, kind: str, key: str, subject: str, body: str, now: dt.datetime
) -> Outbox:
    message, _new = notification_queue(
        kind=kind,
        dedupe_key=key,
        elder=signup.elder,
        user=_on_behalf(signup),
        subject=subject,
        body=body,
        send_now=kind != REMINDER,
        now=now,
    )
    return message


def signup_queue(signup: SignUp, *, now: dt.datetime) -> Outbox | None:
    """The confirmation of a new sign-up: a place, or a place on the waiting list."""
    session = signup.session
    with translation.override(settings.LANGUAGE_CODE):
        facts = _facts(signup, session)
        if signup.status == SignUpStatus.CONFIRMED:
            subject = _("报名成功：%(title)s") % facts
            body = _(
                "【%(programme)s】%(name)s您好，您已报名“%(title)s”。时间：%(date)s %(time)s。"
                "地点：%(site)s（%(address)s）。确认码：%(code)s，上课时出示或报给工作人员。"
            ) % facts + _call(facts)
            kind = CONFIRMED
        elif signup.status == SignUpStatus.WAITING:
            facts_waiting = {**facts, "place": waiting_place(signup)}
            subject = _("候补：%(title)s") % facts
            body = (
                _(
                    "【%(programme)s】%(name)s您好，“%(title)s”（%(date)s %(time)s，%(site)s）"
                    "已经满员，您在候补名单第 %(place)s 位。有人取消时按顺序自动为您补上，"
                    "并再通知您。确认码：%(code)s。"
                )
                % facts_waiting
            )
            kind = WAITING
        else:
            return None
    return _queue(
        signup,
        kind=kind,
        key=f"signup:{signup.public_id}:{signup.status}",
        subject=subject,
        body=body,
        now=now,
    )


def promotion_queue(signup: SignUp, *, now: dt.datetime) -> Outbox:
    """A place came free and the elder moved up from the waiting list."""
    session = signup.session
    moved = signup.promoted_at or now
    with translation.override(settings.LANGUAGE_CODE):
        facts = _facts(signup, session)
        subject = _("候补转正：%(title)s") % facts
        body = _(
            "【%(programme)s】%(name)s您好，“%(title)s”有空位了，您已从候补转为正式报名。"
            "时间：%(date)s %(time)s。地点：%(site)s（%(address)s）。"
            "确认码：%(code)s，上课时出示。"
        ) % facts + _call(facts)
    key = f"signup:{signup.public_id}:promoted:{moved.timestamp():.6f}"
    return _queue(signup, kind=PROMOTED, key=key, subject=subject, body=body, now=now)


def cancellation_queue(signup: SignUp, *, reason: str, now: dt.datetime) -> Outbox:
    """The site called the class off: everyone who had a place or was waiting hears why."""
    session = signup.session
    with translation.override(settings.LANGUAGE_CODE):
        facts = {**_facts(signup, session), "reason": reason}
        subject = _("课程取消：%(title)s") % facts
        body = (
            _(
                "【%(programme)s】%(name)s您好，很抱歉，原定%(date)s %(time)s在%(site)s的"
                "“%(title)s”取消了。原因：%(reason)s。您的报名已一并取消，不用再来。"
            )
            % facts
        )
        if facts["phone"]:
            body += _("有疑问请打电话 %(phone)s。") % facts
    key = f"class:{session.public_id}:cancelled:{signup.public_id}"
    return _queue(signup, kind=CANCELLED, key=key, subject=subject, body=body, now=now)


def reminder_withdraw(signup: SignUp, *, now: dt.datetime) -> None:
    """A place given up: a reminder queued for it and not yet sent is not sent."""
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("报名已取消，不再提醒。")
    notification_withdraw(dedupe_key=reminder_key(signup), reason=reason, now=now)


def reminder_restore(signup: SignUp, *, now: dt.datetime) -> None:
    """A place given up and then taken back (an undo, a promotion): a reminder withdrawn
    meanwhile goes after all. One that was sent stays sent."""
    notification_restore(dedupe_key=reminder_key(signup), now=now)


def reminders_queue(*, now: dt.datetime | None = None) -> int:
    """Queue the day-before reminder of every confirmed place in a published session that
    starts tomorrow (local date). Each sign-up is reminded once, however often this runs.
    Returns how many reminders were queued now."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    today = timezone.localdate(now)
    tomorrow = today + dt.timedelta(days=1)
    begin = dt.datetime.combine(tomorrow, dt.time(0), tz)
    signups = list(
        SignUp.objects.filter(
            status=SignUpStatus.CONFIRMED,
            session__status=SessionStatus.PUBLISHED,
            session__start__gte=begin,
            session__start__lt=begin + dt.timedelta(days=1),
        )
        .select_related("session__site", "elder", "by")
        .order_by("session__start", "id")
    )
    done = set(
        Outbox.objects.filter(dedupe_key__in=[reminder_key(s) for s in signups]).values_list(
            "dedupe_key", flat=True
        )
    )
    queued = 0
    for signup in signups:
        if reminder_key(signup) in done:
            continue
        session = signup.session
        with translation.override(settings.LANGUAGE_CODE):
            facts = _facts(signup, session)
            facts["day"] = day_words(tomorrow, today)
            subject = _("上课提醒：%(day)s %(title)s") % facts
            body = _(
                "【%(programme)s】%(name)s您好，提醒您：%(day)s（%(date)s）%(time)s在%(site)s"
                "（%(address)s）上“%(title)s”。请带上手机，确认码 %(code)s。"
            ) % facts + _call(facts)
        _queue(signup, kind=REMINDER, key=reminder_key(signup), subject=subject, body=body, now=now)
        queued += 1
    return queued
