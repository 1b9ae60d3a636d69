"""What elders are told: confirmation, waiting list, promotion, cancellation by the site and
the day-before reminder (sent once however often the job runs)."""

from __future__ import annotations

import datetime as dt
import io
import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from huoban.audit.models import AuditEvent
from huoban.classes.models import ClassSession, SignUp
from huoban.classes.services import (
    session_cancel,
    session_create,
    session_publish,
    signup_cancel,
    signup_create,
)
from huoban.notify.models import Outbox
from huoban.people.services import elder_create
from tests.conftest import NOW, SH


def at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(NOW.date() + dt.timedelta(days=days), dt.time(hour, minute), SH)


@pytest.fixture
def site(world):
    world.site_a.classroom_capacity = 30
    world.site_a.save()
    return world.site_a


@pytest.fixture
def manager(world):
    return world.personas["site_manager"]


@pytest.fixture
def desk(world):
    return world.personas["volunteer"]


@pytest.fixture
def elders(world):
    return [
        elder_create(
            actor=world.personas["site_manager"],
            site=world.site_a,
            name=name,
            mobile=f"1371000{i:04d}",
            consent=True,
        )
        for i, name in enumerate(["张小明", "李秀英", "王建国", "陈美华", "赵德明"])
    ]


def published(manager, site, *, days=20, hour=9, capacity=2, title="智能手机入门"):
    start = at(days, hour, 30)
    session = session_create(
        actor=manager,
        site=site,
        title=title,
        start=start,
        end=start + dt.timedelta(minutes=90),
        capacity=capacity,
        now=NOW - dt.timedelta(days=1),
    )
    session_publish(actor=manager, session=session, now=NOW - dt.timedelta(days=1))
    return session


def messages(elder, kind=None):
    found = Outbox.objects.filter(elder=elder)
    if kind:
        found = found.filter(kind=kind)
    return list(found.order_by("created_at", "id"))


def logged(caplog, kind):
    return [r.getMessage() for r in caplog.records if f"通知 {kind} " in r.getMessage()]


# --- confirmation, waiting list, promotion -------------------------------------------------


def test_a_place_is_confirmed_with_the_day_time_place_and_code(site, manager, desk, elders):
    session = published(manager, site)  # Sunday 13 December, 9:30–11:00
    signup = signup_create(actor=desk, session=session, elder=elders[0], now=NOW)
    (message,) = messages(elders[0])
    assert message.kind == "class.confirmed"
    assert message.subject == "报名成功：智能手机入门"
    for words in (
        "张小明您好，您已报名“智能手机入门”",
        "12月13日 周日 上午9:30–上午11:00",
        "曹杨新村为老服务中心（曹杨新村街道1号）",
        f"确认码：{signup.code}",
        "电话 021-62000000",
    ):
        assert words in message.body
    assert "09:30" not in message.body  # never a bare 24-hour time


def test_a_full_class_puts_the_elder_on_the_waiting_list_and_says_where(
    site, manager, desk, elders
):
    session = published(manager, site, capacity=1)
    for elder in elders[:3]:
        signup_create(actor=desk, session=session, elder=elder, now=NOW)
    (second,) = messages(elders[1])
    (third,) = messages(elders[2])
    assert second.kind == third.kind == "class.waiting"
    assert "已经满员，您在候补名单第 1 位" in second.body
    assert "候补名单第 2 位" in third.body
    assert "您已报名" not in second.body


def test_moving_up_from_the_waiting_list_is_announced_with_the_code(site, manager, desk, elders):
    session = published(manager, site, capacity=1)
    first = signup_create(actor=desk, session=session, elder=elders[0], now=NOW)
    waiting = signup_create(actor=desk, session=session, elder=elders[1], now=NOW)
    signup_cancel(actor=desk, signup=first, now=NOW + dt.timedelta(hours=1))
    (promoted,) = messages(elders[1], "class.promoted")
    assert promoted.subject == "候补转正：智能手机入门"
    assert "您已从候补转为正式报名" in promoted.body
    assert f"确认码：{waiting.code}" in promoted.body
    assert messages(elders[0], "class.promoted") == []


def test_a_confirmation_is_sent_as_soon_as_the_sign_up_is_saved(
    site, manager, desk, elders, caplog, django_capture_on_commit_callbacks
):
    session = published(manager, site)
    with (
        caplog.at_level(logging.INFO, logger="huoban.notify"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        signup_create(actor=desk, session=session, elder=elders[0], now=NOW)
    assert messages(elders[0])[0].status == "sent"
    assert len(logged(caplog, "class.confirmed")) == 1


# --- cancellation by the site --------------------------------------------------------------


def test_the_site_cancels_a_class_and_everyone_on_it_is_told_why(site, manager, desk, elders):
    session = published(manager, site, capacity=2)
    signups = [
        signup_create(actor=desk, session=session, elder=elder, now=NOW) for elder in elders[:3]
    ]
    assert [s.status for s in signups] == ["confirmed", "confirmed", "waiting"]
    cancelled = session_cancel(
        actor=manager, session=session, reason="老师生病", now=NOW + dt.timedelta(days=1)
    )
    assert {s.pk for s in cancelled} == {s.pk for s in signups}
    session.refresh_from_db()
    assert session.status == "cancelled"
    # The sign-ups are kept, as cancelled.
    assert (
        list(SignUp.objects.filter(session=session).values_list("status", flat=True))
        == ["cancelled"] * 3
    )
    for elder in elders[:3]:
        (notice,) = messages(elder, "class.cancelled")
        assert notice.subject == "课程取消：智能手机入门"
        assert "原定12月13日 周日 上午9:30–上午11:00在曹杨新村为老服务中心" in notice.body
        assert "原因：老师生病" in notice.body
    assert messages(elders[3]) == []
    event = AuditEvent.objects.get(action="class.cancel")
    assert event.changes == {"reason": "老师生病", "signups_cancelled": 3}
    with pytest.raises(ValidationError, match="还没有发布或已经取消"):
        signup_create(actor=desk, session=session, elder=elders[3], now=NOW)
    with pytest.raises(ValidationError, match="已经取消了"):
        session_cancel(actor=manager, session=session, reason="再取消", now=NOW)


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_cancellation_needs_a_reason(site, manager, reason):
    session = published(manager, site)
    with pytest.raises(ValidationError) as caught:
        session_cancel(actor=manager, session=session, reason=reason, now=NOW)
    assert "原因" in " ".join(caught.value.message_dict["reason"])
    session.refresh_from_db()
    assert session.status == "published"


def test_a_class_that_has_started_cannot_be_cancelled(site, manager):
    session = published(manager, site)
    with pytest.raises(ValidationError, match="已经开始"):
        session_cancel(actor=manager, session=session, reason="下雨", now=session.start)


def test_volunteers_and_other_sites_managers_cannot_cancel_a_class(world, site, manager, desk):
    from huoban.accounts.models import Membership

    session = published(manager, site)
    other = world.personas["outsider"]
    Membership.objects.create(user=other, role="site_manager", site=world.site_b)
    for actor in (desk, other):
        with pytest.raises(PermissionDenied):
            session_cancel(actor=actor, session=session, reason="x", now=NOW)
    assert ClassSession.objects.get(pk=session.pk).status == "published"


# --- the day-before reminder ---------------------------------------------------------------


def test_reminders_go_once_to_confirmed_places_in_tomorrows_classes(
    site, manager, desk, elders, caplog
):
    tomorrow = published(manager, site, days=1, capacity=2)
    on_list = [
        signup_create(actor=desk, session=tomorrow, elder=elder, now=NOW) for elder in elders[:3]
    ]
    assert on_list[2].status == "waiting"
    called_off = published(manager, site, days=1, hour=14, title="防范电信诈骗")
    signup_create(actor=desk, session=called_off, elder=elders[3], now=NOW)
    session_cancel(actor=manager, session=called_off, reason="停电", now=NOW)
    later = published(manager, site, days=2, title="出行打车")
    signup_create(actor=desk, session=later, elder=elders[4], now=NOW)
    given_up = published(manager, site, days=1, hour=15, title="手机支付")
    gone = signup_create(actor=desk, session=given_up, elder=elders[4], now=NOW)
    signup_cancel(actor=desk, signup=gone, now=NOW)

    out = io.StringIO()
    with caplog.at_level(logging.INFO, logger="huoban.notify"):
        call_command("send_class_reminders", now=NOW, stdout=out)
        call_command("send_class_reminders", "--now=2026-11-23T16:00+08:00", stdout=out)
        call_command("send_class_reminders", now=NOW + dt.timedelta(hours=7), stdout=out)
    sent = logged(caplog, "class.reminder")
    assert len(sent) == 2  # once each, however often the job runs
    assert sum("张小明" in line for line in sent) == sum("李秀英" in line for line in sent) == 1
    reminders = Outbox.objects.filter(kind="class.reminder")
    assert sorted(r.elder.name for r in reminders) == ["张小明", "李秀英"]
    assert {r.status for r in reminders} == {"sent"}
    first = reminders.get(elder=elders[0])
    assert first.subject == "上课提醒：明天 智能手机入门"
    assert "明天（11月24日 周二）上午9:30–上午11:00在曹杨新村为老服务中心" in first.body
    assert f"确认码 {on_list[0].code}" in first.body
    assert "新排队 2 条" in out.getvalue() and "新排队 0 条" in out.getvalue()


def test_a_reminder_not_yet_sent_is_withdrawn_when_the_place_is_given_up(
    site, manager, desk, elders, settings
):
    tomorrow = published(manager, site, days=1)
    signup = signup_create(actor=desk, session=tomorrow, elder=elders[0], now=NOW)
    settings.HUOBAN_SMS_GATEWAY = "tests.notify.test_outbox.BrokenGateway"
    settings.HUOBAN_NOTIFY_CHANNELS = ["sms"]
    Outbox.objects.update(channel="sms")
    call_command("send_class_reminders", now=NOW, stdout=io.StringIO())
    reminder = Outbox.objects.get(kind="class.reminder")
    assert reminder.status == "failed"  # the gateway was down: it would be retried
    signup_cancel(actor=desk, signup=signup, now=NOW + dt.timedelta(hours=1))
    settings.HUOBAN_SMS_GATEWAY = "tests.notify.test_outbox.RecordingGateway"
    call_command("send_class_reminders", now=NOW + dt.timedelta(hours=2), stdout=io.StringIO())
    reminder.refresh_from_db()
    assert reminder.status == "skipped"
    assert "报名已取消" in reminder.error


def test_an_elder_without_a_mobile_is_not_texted_and_the_desk_can_see_why(
    world, site, manager, desk, settings
):
    settings.HUOBAN_NOTIFY_CHANNELS = ["sms"]
    elder = elder_create(actor=manager, site=world.site_a, name="孙阿毛", consent=True)
    session = published(manager, site)
    signup_create(actor=desk, session=session, elder=elder, now=NOW)
    (message,) = messages(elder)
    assert message.status == "skipped"
    assert "没有手机号" in message.error


def test_a_reminder_withdrawn_comes_back_when_the_cancellation_is_undone(
    site, manager, desk, elders
):
    from huoban.classes.services import signup_undo

    tomorrow = published(manager, site, days=1)
    signup = signup_create(actor=desk, session=tomorrow, elder=elders[0], now=NOW)
    call_command("send_class_reminders", now=NOW - dt.timedelta(hours=3), stdout=io.StringIO())
    Outbox.objects.filter(kind="class.reminder").update(status="queued", sent_at=None)
    signup_cancel(actor=desk, signup=signup, now=NOW)
    assert Outbox.objects.get(kind="class.reminder").status == "skipped"
    signup_undo(actor=desk, signup=signup, now=NOW + dt.timedelta(minutes=5))
    call_command("send_class_reminders", now=NOW + dt.timedelta(minutes=6), stdout=io.StringIO())
    reminder = Outbox.objects.get(kind="class.reminder")
    assert reminder.status == "sent"
    assert reminder.error == ""


def test_an_undone_sign_up_is_not_reminded(site, manager, desk, elders):
    from huoban.classes.services import signup_undo

    tomorrow = published(manager, site, days=1)
    signup = signup_create(actor=desk, session=tomorrow, elder=elders[0], now=NOW)
    Outbox.objects.all().delete()
    call_command("send_class_reminders", now=NOW - dt.timedelta(hours=3), stdout=io.StringIO())
    Outbox.objects.filter(kind="class.reminder").update(status="queued", sent_at=None)
    signup_undo(actor=desk, signup=signup, now=NOW + dt.timedelta(minutes=5))
    call_command("send_notifications", now=NOW + dt.timedelta(minutes=6), stdout=io.StringIO())
    assert Outbox.objects.get(kind="class.reminder").status == "skipped"


def test_a_family_member_whose_link_was_revoked_hears_nothing_more(
    world, site, manager, desk, settings
):
    from django.utils import timezone as tz

    from huoban.accounts.models import ConsentMethod, ElderLink, LinkRelation
    from huoban.signin.services import elder_link_revoke

    settings.HUOBAN_NOTIFY_CHANNELS = ["sms"]
    son = world.personas["family"]
    grandpa = elder_create(actor=manager, site=site, name="没有手机的爷爷", consent=True)
    link = ElderLink.objects.create(
        user=son,
        elder=grandpa,
        relation=LinkRelation.FAMILY,
        consent_method=ConsentMethod.DESK,
        consent_at=tz.now(),
    )
    full = published(manager, site, capacity=1)
    other = elder_create(
        actor=manager, site=site, name="先报名的人", mobile="13710009999", consent=True
    )
    taken = signup_create(actor=desk, session=full, elder=other, now=NOW)
    waiting = signup_create(actor=son, session=full, elder=grandpa, now=NOW)
    assert Outbox.objects.get(elder=grandpa, kind="class.waiting").user == son
    elder_link_revoke(actor=son, link=link)
    signup_cancel(actor=desk, signup=taken, now=NOW + dt.timedelta(hours=1))
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    promoted = Outbox.objects.get(elder=grandpa, kind="class.promoted")
    assert promoted.user is None
    assert promoted.status == "skipped"  # nobody may be told: the desk sees why
