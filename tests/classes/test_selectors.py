"""Reading classes: scopes, the list's filters and counts, the roster, the level-2 preview,
and the services behind the course and edit pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from huoban.accounts import roles
from huoban.audit.models import AuditEvent
from huoban.classes.models import SignUpStatus
from huoban.classes.selectors import (
    PAST,
    UPCOMING,
    courses,
    filter_sessions,
    level2_reasons_if_published,
    roster,
    sessions_for,
    signups_for,
    with_counts,
)
from huoban.classes.services import (
    course_create,
    course_update,
    session_create,
    session_publish,
    session_update,
    signup_cancel,
    signup_create,
)
from huoban.people.services import elder_create
from huoban.sites.models import Service
from tests.conftest import NOW, SH

HOUR = dt.timedelta(hours=1)


def at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(NOW.date() + dt.timedelta(days=days), dt.time(hour, minute), SH)


@pytest.fixture(autouse=True)
def classrooms(world):
    for site in (world.site_a, world.site_b, world.site_c):
        site.classroom_capacity = 30
        site.save()


def schedule(world, site, *, start=None, minutes=90, capacity=2, publish=True):
    office = world.personas["city_admin"]
    start = start or at(20, 9, 30)
    session = session_create(
        actor=office,
        site=site,
        title="课",
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        capacity=capacity,
        now=start - dt.timedelta(days=30),
    )
    if publish:
        session_publish(actor=office, session=session, now=start - dt.timedelta(days=30))
    return session


def elders(world, n: int) -> list:
    return [
        elder_create(
            actor=world.personas["city_admin"],
            site=world.site_a,
            name=f"长者{i}",
            mobile=f"1371000{i:04d}",
            consent=True,
        )
        for i in range(n)
    ]


@pytest.mark.parametrize(
    ("persona", "sites"),
    [
        ("volunteer", {"a"}),
        ("site_manager", {"a"}),
        ("street_admin", {"a"}),
        ("district_admin", {"a", "b"}),
        ("city_admin", {"a", "b", "c"}),
        ("elder", set()),
        ("reviewer", set()),
    ],
)
def test_sessions_and_sign_ups_follow_the_sites_scope(world, persona, sites):
    made = {key: schedule(world, getattr(world, f"site_{key}")) for key in "abc"}
    (elder,) = elders(world, 1)
    office = world.personas["city_admin"]
    for session in made.values():
        signup_create(actor=office, session=session, elder=elder, now=NOW)
    user = world.personas[persona]
    seen = set(sessions_for(user, roles.CLASSES_DESK).values_list("pk", flat=True))
    assert seen == {made[k].pk for k in sites}
    signups = signups_for(user, roles.CLASSES_DESK).values_list("session_id", flat=True)
    assert set(signups) == {made[k].pk for k in sites}


def test_the_list_filters_and_counts(world):
    session = schedule(world, world.site_a, capacity=1)
    past = schedule(world, world.site_a, start=at(-3, 9))
    draft = schedule(world, world.site_b, publish=False)
    people = elders(world, 3)
    for i, elder in enumerate(people):
        signup_create(
            actor=world.personas["volunteer"], session=session, elder=elder, now=NOW + i * HOUR
        )
    qs = with_counts(sessions_for(world.personas["city_admin"], roles.CLASSES_DESK))
    upcoming = list(filter_sessions(qs, when=UPCOMING, now=NOW))
    assert [s.pk for s in upcoming] == [session.pk, draft.pk]
    assert (upcoming[0].confirmed, upcoming[0].waiting, upcoming[0].checked_in) == (1, 2, 0)
    assert [s.pk for s in filter_sessions(qs, when=PAST, now=NOW)] == [past.pk]
    assert [s.pk for s in filter_sessions(qs, status="draft", now=NOW)] == [draft.pk]
    assert [s.pk for s in filter_sessions(qs, site=world.site_b, now=NOW)] == [draft.pk]


def test_the_roster_is_places_then_the_queue_in_order_in_one_query(
    world, django_assert_num_queries
):
    session = schedule(world, world.site_a, capacity=2)
    people = elders(world, 5)
    desk = world.personas["volunteer"]
    signups = [
        signup_create(actor=desk, session=session, elder=e, now=NOW + i * HOUR)
        for i, e in enumerate(people)
    ]
    later = NOW + 10 * HOUR
    signup_cancel(actor=desk, signup=signups[0], now=later)  # people[2] moves up
    with django_assert_num_queries(1):
        got = roster(session, later + dt.timedelta(minutes=5))
    assert [s.elder.name for s in got.confirmed] == ["长者1", "长者2"]
    assert [s.elder.name for s in got.waiting] == ["长者3", "长者4"]
    assert [s.elder.name for s in got.cancelled] == ["长者0"]
    assert got.cancelled[0].can_undo and not got.cancelled[0].can_cancel
    assert got.free == 0 and got.checked_in == 0
    assert all(s.status == SignUpStatus.CONFIRMED for s in got.confirmed)
    promoted = got.confirmed[1]
    assert promoted.can_cancel and not promoted.can_undo  # a promotion is not undone
    # Eleven minutes on, the cancellation can no longer be undone and drops off the roster.
    assert roster(session, later + dt.timedelta(minutes=11)).cancelled == []


@pytest.mark.parametrize(
    ("minutes", "days", "reasons"),
    [(90, 14, 0), (89, 14, 1), (90, 13, 1), (60, 5, 2)],
)
def test_the_level_2_preview_is_as_if_published_now(world, minutes, days, reasons):
    start = dt.datetime.combine(NOW.date() + dt.timedelta(days=days), NOW.time(), SH)
    session = schedule(world, world.site_a, start=start, minutes=minutes, publish=False)
    assert len(level2_reasons_if_published(session, NOW)) == reasons
    assert session.published_at is None  # a preview changes nothing


def test_check_in_and_sign_up_windows(world):
    session = schedule(world, world.site_a, start=at(1, 9))
    assert session.sign_up_open(at(1, 8, 59)) and not session.sign_up_open(at(1, 9))
    assert not session.check_in_open(at(1, 6, 59))
    assert session.check_in_open(at(1, 7)) and session.check_in_open(at(1, 12, 30))
    assert not session.check_in_open(at(1, 12, 31))
    draft = schedule(world, world.site_a, start=at(1, 9), publish=False)
    assert not draft.check_in_open(at(1, 9)) and not draft.sign_up_open(at(1, 8))


def test_one_rule_each_for_changing_publishing_and_calling_off_a_class(world):
    draft = schedule(world, world.site_a, start=at(1, 9), publish=False)
    before, begun = at(1, 8, 59), at(1, 9)
    assert draft.edit_open(before) and draft.publish_open(before) and draft.cancel_open(before)
    assert draft.edit_refusal(begun) == "这节课已经开始，不能再修改。"
    assert draft.publish_refusal(begun) == "开始时间已经过去了，不能发布。"
    assert draft.cancel_refusal(begun) == "这节课已经开始，不能取消。"
    published = schedule(world, world.site_a, start=at(1, 9))
    assert published.edit_open(before) and published.cancel_open(before)
    assert published.publish_refusal(before) == "只有草稿可以发布。"
    with pytest.raises(ValidationError, match="只有草稿可以发布"):  # the service asks the same
        session_publish(actor=world.personas["city_admin"], session=published, now=before)


def test_the_pages_turn_away_by_status_and_leave_the_time_to_the_service(world):
    draft = schedule(world, world.site_a, start=at(1, 9), publish=False)
    begun = at(1, 9)
    # A draft whose start has passed still sees the publish page; confirming is refused.
    assert draft.publish_status_refusal() is None
    assert draft.publish_refusal(begun) == "开始时间已经过去了，不能发布。"
    assert draft.cancel_status_refusal() is None
    published = schedule(world, world.site_a, start=at(1, 9))
    assert published.publish_status_refusal() == "只有草稿可以发布。"
    published.status = "cancelled"
    assert (
        published.cancel_status_refusal()
        == published.cancel_refusal(at(1, 8))
        == ("这节课已经取消了。")
    )


def test_a_sign_up_is_checked_in_by_the_sessions_rule_and_its_own_place(world):
    session = schedule(world, world.site_a, start=at(1, 9), capacity=1)
    first, second = elders(world, 2)
    office = world.personas["city_admin"]
    placed = signup_create(actor=office, session=session, elder=first, now=NOW)
    waiting = signup_create(actor=office, session=session, elder=second, now=NOW)
    assert placed.check_in_refusal(at(1, 9)) is None
    assert placed.check_in_refusal(at(1, 6)) == "只能在上课前后两小时内签到。"
    # The place is asked before the time: a waiting elder hears why, whenever the desk asks.
    assert waiting.check_in_refusal(at(1, 9)) == "长者1的报名是“候补”，不能签到。"
    assert waiting.check_in_refusal(at(1, 6)) == "长者1的报名是“候补”，不能签到。"
    for signup in (placed, waiting):
        signup.session.status = "draft"
    assert placed.check_in_refusal(at(1, 9)) == "这节课没有发布或已经取消。"
    assert waiting.check_in_refusal(at(1, 9)) == "这节课没有发布或已经取消。"


# --- The services behind the pages ----------------------------------------------------------------


def test_courses_are_added_and_changed_by_managers_and_audited(world):
    manager = world.personas["site_manager"]
    medical = Service.objects.get(code="medical")
    course = course_create(actor=manager, title=" 用手机挂号 ", scenario=medical)
    assert course.title == "用手机挂号" and list(courses()) == [course]
    course_update(actor=manager, course=course, title="用手机预约挂号", materials="讲义")
    course.refresh_from_db()
    assert course.scenario is None and course.materials == "讲义"
    changes = AuditEvent.objects.get(action="course.update").changes
    assert changes["title"] == ["用手机挂号", "用手机预约挂号"]
    with pytest.raises(ValidationError) as caught:
        course_create(actor=manager, title="x", scenario=Service.objects.get(code="help_desk"))
    assert "scenario" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        course_create(actor=world.personas["volunteer"], title="x")


def test_a_session_is_changed_within_the_rules(world):
    manager = world.personas["site_manager"]
    session = schedule(world, world.site_a, capacity=1)
    people = elders(world, 3)
    for i, elder in enumerate(people):
        signup_create(actor=manager, session=session, elder=elder, now=NOW + i * HOUR)
    fields = {
        "title": "新标题",
        "start": session.start,
        "end": session.end,
        "capacity": 2,
        "now": NOW + 5 * HOUR,
    }
    session_update(actor=manager, session=session, **fields)
    statuses = [s.status for s in session.signups.order_by("queued_at")]
    assert statuses == ["confirmed", "confirmed", "waiting"]
    with pytest.raises(ValidationError) as caught:
        session_update(actor=manager, session=session, **{**fields, "capacity": 1})
    assert "名额不能少于 2 人" in caught.value.message_dict["capacity"][0]
    with pytest.raises(ValidationError) as caught:
        session_update(actor=manager, session=session, **{**fields, "end": session.start - HOUR})
    assert "结束时间要晚于开始时间" in caught.value.message_dict["end"][0]
    with pytest.raises(PermissionDenied):
        session_update(actor=world.personas["volunteer"], session=session, **fields)
    with pytest.raises(ValidationError, match="已经开始"):
        session_update(actor=manager, session=session, **{**fields, "now": session.start})
    session.refresh_from_db()
    assert session.title == "新标题" and session.capacity == 2
    assert AuditEvent.objects.filter(action="class.update").count() == 1
