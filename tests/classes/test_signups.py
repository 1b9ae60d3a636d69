"""Class sessions, sign-ups with a waiting list, undo, check-in into the ledger."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from huoban.classes.models import ClassSession, SignUp, SignUpStatus
from huoban.classes.services import (
    session_create,
    session_publish,
    signup_by_code,
    signup_cancel,
    signup_check_in,
    signup_create,
    signup_undo,
    walk_in_add,
)
from huoban.people.services import elder_create
from huoban.records.models import LedgerEntry
from huoban.records.selectors import Counts, ledger_counts
from tests.conftest import NOW, SH

DAY = dt.timedelta(days=1)


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


def make_elders(world, n: int) -> list:
    return [
        elder_create(
            actor=world.personas["site_manager"],
            site=world.site_a,
            name=f"长者{i:03d}",
            mobile=f"1371000{i:04d}",
            consent=True,
        )
        for i in range(n)
    ]


def published(manager, site, *, capacity=2, days=20, minutes=90, now=NOW) -> ClassSession:
    start = at(days, 9, 30)
    session = session_create(
        actor=manager,
        site=site,
        title="用手机挂号",
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        capacity=capacity,
        now=now,
    )
    session_publish(actor=manager, session=session, now=now)
    return session


# --- scheduling -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"end": at(20, 9)}, "end", "结束时间要晚于开始时间"),
        ({"start": at(-1, 9), "end": at(-1, 11)}, "start", "开始时间已经过去"),
        ({"capacity": 31}, "capacity", "不能超过站点课堂容纳人数 30 人"),
        ({"capacity": 0}, "capacity", "名额至少 1 人"),
        ({"title": " "}, "title", "请填写标题"),
    ],
)
def test_bad_schedules_are_refused_with_a_reason(world, site, manager, kwargs, field, message):
    values = {"title": "用手机挂号", "start": at(20, 9, 30), "end": at(20, 11), "capacity": 20}
    values.update(kwargs)
    with pytest.raises(ValidationError) as caught:
        session_create(actor=manager, site=site, now=NOW, **values)
    assert message in " ".join(caught.value.message_dict[field])
    assert not ClassSession.objects.exists()


def test_a_site_without_a_classroom_cannot_schedule(world, manager):
    with pytest.raises(ValidationError, match="没有登记课堂容量"):
        session_create(
            actor=manager,
            site=world.site_a,
            title="x",
            start=at(20, 9),
            end=at(20, 11),
            capacity=5,
            now=NOW,
        )


@pytest.mark.parametrize(
    ("minutes", "notice", "counts"),
    [
        (90, dt.timedelta(days=14), True),
        (89, dt.timedelta(days=14), False),
        (90, dt.timedelta(days=14) - dt.timedelta(minutes=1), False),
        (90, dt.timedelta(days=13), False),
        (120, dt.timedelta(days=30), True),
    ],
)
def test_level_2_needs_ninety_minutes_and_fourteen_days_notice(
    world, site, manager, minutes, notice, counts
):
    start = NOW + notice
    session = session_create(
        actor=manager,
        site=site,
        title="课",
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        capacity=10,
        now=NOW - dt.timedelta(hours=1),
    )
    reasons = session_publish(actor=manager, session=session, now=NOW)
    session.refresh_from_db()
    assert session.counts_for_level2 is counts
    assert (reasons == []) is counts


def test_volunteers_do_not_schedule(world, site):
    with pytest.raises(PermissionDenied):
        session_create(
            actor=world.personas["volunteer"],
            site=site,
            title="x",
            start=at(20, 9),
            end=at(20, 11),
            capacity=5,
            now=NOW,
        )


# --- sign-up, waiting list, cancel, undo -------------------------------------------------


def test_places_then_a_waiting_list_then_promotion_in_order(world, site, manager, desk):
    session = published(manager, site, capacity=2)
    elders = make_elders(world, 4)
    signups = []
    for i, elder in enumerate(elders):
        signups.append(
            signup_create(actor=desk, session=session, elder=elder, now=NOW + i * DAY / 100)
        )
    assert [s.status for s in signups] == ["confirmed", "confirmed", "waiting", "waiting"]
    promoted = signup_cancel(actor=desk, signup=signups[0], now=NOW + DAY)
    assert [p.pk for p in promoted] == [signups[2].pk]
    statuses = dict(SignUp.objects.values_list("pk", "status"))
    assert statuses[signups[2].pk] == "confirmed" and statuses[signups[3].pk] == "waiting"


def test_one_place_per_elder(world, site, manager, desk):
    session = published(manager, site)
    (elder,) = make_elders(world, 1)
    signup_create(actor=desk, session=session, elder=elder, now=NOW)
    with pytest.raises(ValidationError, match="已经报名了这节课"):
        signup_create(actor=desk, session=session, elder=elder, now=NOW)
    assert SignUp.objects.count() == 1


def test_a_sign_up_is_undone_within_ten_minutes_and_not_after(world, site, manager, desk):
    session = published(manager, site)
    first, second = make_elders(world, 2)
    a = signup_create(actor=desk, session=session, elder=first, now=NOW)
    signup_undo(actor=desk, signup=a, now=NOW + dt.timedelta(minutes=10))
    a.refresh_from_db()
    assert a.status == "cancelled"
    b = signup_create(actor=desk, session=session, elder=second, now=NOW)
    with pytest.raises(ValidationError, match="超过 10 分钟"):
        signup_undo(actor=desk, signup=b, now=NOW + dt.timedelta(minutes=10, seconds=1))


def test_an_undone_cancellation_returns_to_the_head_of_the_queue(world, site, manager, desk):
    session = published(manager, site, capacity=1)
    first, second, third = make_elders(world, 3)
    a = signup_create(actor=desk, session=session, elder=first, now=NOW)
    b = signup_create(actor=desk, session=session, elder=second, now=NOW + dt.timedelta(minutes=1))
    c = signup_create(actor=desk, session=session, elder=third, now=NOW + dt.timedelta(minutes=2))
    later = NOW + dt.timedelta(minutes=30)
    signup_cancel(actor=desk, signup=a, now=later)  # b moves up
    signup_undo(actor=desk, signup=a, now=later + dt.timedelta(minutes=5))
    statuses = dict(SignUp.objects.values_list("pk", "status"))
    assert statuses == {a.pk: "waiting", b.pk: "confirmed", c.pk: "waiting"}
    signup_cancel(actor=desk, signup=b, now=later + dt.timedelta(minutes=20))
    a.refresh_from_db()
    assert a.status == "confirmed"  # ahead of c, who joined after a


def test_no_sign_up_or_cancellation_after_the_start(world, site, manager, desk):
    session = published(manager, site)
    (elder,) = make_elders(world, 1)
    signup = signup_create(actor=desk, session=session, elder=elder, now=NOW)
    with pytest.raises(ValidationError, match="已经开始"):
        signup_cancel(actor=desk, signup=signup, now=session.start)


# --- check-in ------------------------------------------------------------------------------


def test_check_in_writes_one_training_person_time_however_often(world, site, manager, desk):
    session = published(manager, site)
    (elder,) = make_elders(world, 1)
    signup = signup_create(actor=desk, session=session, elder=elder, now=NOW)
    during = session.start + dt.timedelta(minutes=5)
    assert signup_check_in(actor=desk, signup=signup, now=during) is True
    assert (
        signup_check_in(actor=desk, signup=signup_by_code(session, signup.code.lower()), now=during)
        is False
    )
    assert ledger_counts(LedgerEntry.objects.filter(kind="training")) == Counts(1, 1)


def test_a_waiting_elder_cannot_check_in_but_a_walk_in_can_if_there_is_room(
    world, site, manager, desk
):
    session = published(manager, site, capacity=1)
    first, second, third = make_elders(world, 3)
    signup_create(actor=desk, session=session, elder=first, now=NOW)
    waiting = signup_create(actor=desk, session=session, elder=second, now=NOW)
    during = session.start
    with pytest.raises(ValidationError, match="候补"):
        signup_check_in(actor=desk, signup=waiting, now=during)
    with pytest.raises(ValidationError, match="名额已满"):
        walk_in_add(actor=desk, session=session, elder=third, now=during)
    roomy = published(manager, site, capacity=5, days=21)
    walk_in_add(actor=desk, session=roomy, elder=third, now=roomy.start)
    assert LedgerEntry.objects.filter(kind="training", elder=third).count() == 1


def test_an_unknown_code_is_explained(world, site, manager):
    session = published(manager, site)
    with pytest.raises(ValidationError, match="没有确认码为“ZZZZZZ”"):
        signup_by_code(session, "ZZZZZZ")


# --- concurrency (PostgreSQL) -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@time_machine.travel(NOW, tick=True)  # the threads sign up at NOW too: the class is ahead
def test_a_hundred_simultaneous_sign_ups_for_twenty_places(world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL (SQLite serialises every write)")
    world.site_a.classroom_capacity = 30
    world.site_a.save()
    manager, desk = world.personas["site_manager"], world.personas["volunteer"]
    session = published(manager, world.site_a, capacity=20, now=dt.datetime.now(tz=SH))
    elders = make_elders(world, 100)
    barrier = threading.Barrier(20)
    errors: list[Exception] = []

    def sign_up(chunk):
        try:
            barrier.wait()
            for elder in chunk:
                signup_create(actor=desk, session=session, elder=elder)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(elders[i::20],)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    rows = list(SignUp.objects.filter(session=session).order_by("queued_at", "id"))
    assert sum(r.status == "confirmed" for r in rows) == 20
    assert sum(r.status == "waiting" for r in rows) == 80
    assert len({r.elder_id for r in rows}) == 100
    waiting = [r for r in rows if r.status == "waiting"]
    for i, signup in enumerate([r for r in rows if r.status == "confirmed"][:5]):
        moved_up = signup_cancel(actor=desk, signup=signup)
        assert [p.pk for p in moved_up] == [waiting[i].pk]  # the next in the queue, each time
    promoted = SignUp.objects.filter(session=session, promoted_at__isnull=False)
    assert sorted(p.pk for p in promoted) == sorted(r.pk for r in waiting[:5])
    assert SignUp.objects.filter(session=session, status=SignUpStatus.CONFIRMED).count() == 20


def test_undo_takes_back_one_step_only(world, site, manager, desk):
    session = published(manager, site)
    (elder,) = make_elders(world, 1)
    signup = signup_create(actor=desk, session=session, elder=elder, now=NOW)
    signup_cancel(actor=desk, signup=signup, now=NOW + dt.timedelta(minutes=1))
    signup_undo(actor=desk, signup=signup, now=NOW + dt.timedelta(minutes=2))
    signup.refresh_from_db()
    assert signup.status == "confirmed"
    with pytest.raises(ValidationError, match="没有可以撤销的操作"):
        signup_undo(actor=desk, signup=signup, now=NOW + dt.timedelta(minutes=3))


def test_a_promoted_place_cannot_be_undone_away(world, site, manager, desk):
    session = published(manager, site, capacity=1)
    first, second = make_elders(world, 2)
    a = signup_create(actor=desk, session=session, elder=first, now=NOW)
    b = signup_create(actor=desk, session=session, elder=second, now=NOW + dt.timedelta(hours=1))
    signup_cancel(actor=desk, signup=a, now=NOW + dt.timedelta(hours=2))
    with pytest.raises(ValidationError, match="没有可以撤销的操作"):
        signup_undo(actor=desk, signup=b, now=NOW + dt.timedelta(hours=2, minutes=1))


def test_after_check_in_a_place_is_neither_cancelled_nor_undone(world, site, manager, desk):
    session = published(manager, site)
    (elder,) = make_elders(world, 1)
    early = session.start - dt.timedelta(minutes=30)
    signup = signup_create(actor=desk, session=session, elder=elder, now=early)
    signup_check_in(actor=desk, signup=signup, now=early + dt.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="已经签到"):
        signup_undo(actor=desk, signup=signup, now=early + dt.timedelta(minutes=2))
    with pytest.raises(ValidationError, match="已经签到"):
        signup_cancel(actor=desk, signup=signup, now=early + dt.timedelta(minutes=3))
    assert LedgerEntry.objects.filter(kind="training").count() == 1


def test_check_in_reads_the_sign_up_as_it_is_now(world, site, manager, desk):
    session = published(manager, site)
    (elder,) = make_elders(world, 1)
    signup = signup_create(actor=desk, session=session, elder=elder, now=NOW)
    stale = SignUp.objects.get(pk=signup.pk)
    signup_cancel(actor=desk, signup=signup, now=NOW + DAY)
    with pytest.raises(ValidationError, match="已取消"):
        signup_check_in(actor=desk, signup=stale, now=session.start)
    assert not LedgerEntry.objects.filter(kind="training").exists()


@pytest.mark.parametrize(
    ("moment", "open_"),
    [(-121, False), (-120, True), (90 + 120, True), (90 + 121, False)],
)
def test_check_in_is_open_two_hours_either_side(world, site, manager, desk, moment, open_):
    session = published(manager, site)
    (elder,) = make_elders(world, 1)
    signup = signup_create(actor=desk, session=session, elder=elder, now=NOW)
    when = session.start + dt.timedelta(minutes=moment)
    if open_:
        assert signup_check_in(actor=desk, signup=signup, now=when)
    else:
        with pytest.raises(ValidationError, match="两小时内签到"):
            signup_check_in(actor=desk, signup=signup, now=when)


def test_a_walk_in_who_had_signed_up_is_checked_in_not_added_twice(world, site, manager, desk):
    session = published(manager, site, capacity=2)
    on_list, waiting_one, other = make_elders(world, 3)
    signup_create(actor=desk, session=session, elder=on_list, now=NOW)
    signup_create(actor=desk, session=session, elder=other, now=NOW)
    waiting = signup_create(actor=desk, session=session, elder=waiting_one, now=NOW)
    walk_in_add(actor=desk, session=session, elder=on_list, now=session.start)
    assert SignUp.objects.filter(elder=on_list).count() == 1
    with pytest.raises(ValidationError, match="名额已满"):
        walk_in_add(actor=desk, session=session, elder=waiting_one, now=session.start)
    waiting.refresh_from_db()
    assert waiting.status == "waiting"


def test_another_sites_volunteer_cannot_sign_up_cancel_or_check_in(world, site, manager, desk):
    from huoban.accounts.models import Membership

    session = published(manager, site)
    (elder,) = make_elders(world, 1)
    signup = signup_create(actor=desk, session=session, elder=elder, now=NOW)
    stranger = world.personas["outsider"]
    Membership.objects.create(user=stranger, role="volunteer", site=world.site_b)
    for attempt in (
        lambda: signup_create(actor=stranger, session=session, elder=elder, now=NOW),
        lambda: signup_cancel(actor=stranger, signup=signup, now=NOW),
        lambda: signup_undo(actor=stranger, signup=signup, now=NOW),
        lambda: signup_check_in(actor=stranger, signup=signup, now=session.start),
    ):
        with pytest.raises(PermissionDenied):
            attempt()


def test_a_cancellation_cannot_be_undone_once_the_site_called_the_class_off(
    world, site, manager, desk
):
    from huoban.classes.services import session_cancel

    session = published(manager, site)
    (elder,) = make_elders(world, 1)
    signup = signup_create(actor=desk, session=session, elder=elder, now=NOW)
    signup_cancel(actor=desk, signup=signup, now=NOW + dt.timedelta(minutes=1))
    session_cancel(actor=manager, session=session, reason="停电", now=NOW + dt.timedelta(minutes=2))
    signup.refresh_from_db()
    assert not signup.undo_open(NOW + dt.timedelta(minutes=3))  # no undo button either
    with pytest.raises(ValidationError, match="站点取消"):
        signup_undo(actor=desk, signup=signup, now=NOW + dt.timedelta(minutes=3))
    signup.refresh_from_db()
    assert signup.status == "cancelled"
