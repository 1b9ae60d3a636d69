"""Evaluations: windows at their boundaries, attendees only, once each, the desk's single-use
link, errors in words, aggregates and scopes."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from huoban.audit.models import AuditEvent
from huoban.classes.models import Course, SessionStatus
from huoban.evaluations.models import Evaluation
from huoban.evaluations.selectors import (
    EMPTY,
    VIEW,
    Summary,
    evaluations_for,
    overview,
    site_rating,
    site_ratings,
    summary,
)
from huoban.evaluations.services import evaluation_create
from huoban.evaluations.tokens import help_session_id, help_token
from huoban.records.services import help_session_void
from tests.conftest import NOW
from tests.evaluations.helpers import attendee, ended_class, help_record, new_elder

SECOND = dt.timedelta(seconds=1)
DAY = dt.timedelta(days=1)


@pytest.fixture
def manager(world):
    return world.personas["site_manager"]


@pytest.fixture
def lesson(world):
    """A class at site_a that ended at NOW."""
    return ended_class(world.site_a, end=NOW)


@pytest.fixture
def elder(world, manager):
    return new_elder(manager, world.site_a)


@pytest.fixture
def present(lesson, elder, manager):
    return attendee(lesson, elder, manager)


def rate(subject, elder=None, *, at, score=4, comment="", actor=None, on_behalf=False):
    return evaluation_create(
        actor=actor,
        subject=subject,
        score=score,
        comment=comment,
        elder=elder,
        on_behalf=on_behalf,
        now=at,
    )


# --- the class window ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "message"),
    [
        (-SECOND, "还没有结束"),
        (dt.timedelta(0), None),
        (7 * DAY - SECOND, None),
        (7 * DAY, "评价时间已经过了"),
        (8 * DAY, "评价时间已经过了"),
    ],
    ids=["just-before-the-end", "at-the-end", "just-before-close", "at-close", "after"],
)
def test_it_opens_a_class_at_its_end_for_seven_days(lesson, elder, present, offset, message):
    if message is None:
        evaluation = rate(lesson, elder, at=NOW + offset)
        assert evaluation.score == 4
        assert evaluation.site == lesson.site and evaluation.teacher == "王老师"
    else:
        with pytest.raises(ValidationError, match=message):
            rate(lesson, elder, at=NOW + offset)
        assert not Evaluation.objects.exists()


def test_it_says_when_the_window_opens_and_closes(lesson, elder, present):
    with pytest.raises(ValidationError) as early:
        rate(lesson, elder, at=NOW - DAY)
    assert "11月23日 周一 上午10:30起" in early.value.messages[0]
    with pytest.raises(ValidationError) as late:
        rate(lesson, elder, at=NOW + 9 * DAY)
    assert "11月30日 周一 上午10:30截止" in late.value.messages[0]


def test_it_takes_the_number_of_days_from_the_settings(settings, lesson, elder, present):
    settings.HUOBAN_EVALUATION_DAYS = 2
    with pytest.raises(ValidationError, match="评价时间已经过了"):
        rate(lesson, elder, at=NOW + 2 * DAY)
    assert rate(lesson, elder, at=NOW + 2 * DAY - SECOND).score == 4


@pytest.mark.parametrize("value", ["0", "-3", "week"])
def test_it_refuses_a_bad_number_of_days_at_start_up(value):
    import os

    env = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    env.update(HUOBAN_ENV="test", HUOBAN_EVALUATION_DAYS=value)
    result = subprocess.run(
        [sys.executable, "-m", "huoban", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "HUOBAN_EVALUATION_DAYS" in result.stderr


# --- who may rate -------------------------------------------------------------------------


def test_it_lets_only_checked_in_elders_rate(world, manager, lesson, elder, present):
    absent = new_elder(manager, world.site_a, "李秀英")
    attendee(lesson, absent, manager, checked_in=False)
    stranger = new_elder(manager, world.site_a, "王建国")
    for who in (absent, stranger):
        with pytest.raises(ValidationError, match="只有签到上了这节课的长者才能评价"):
            rate(lesson, who, at=NOW + DAY)
    with pytest.raises(ValidationError, match="只有签到"):
        rate(lesson, None, at=NOW + DAY)
    assert rate(lesson, elder, at=NOW + DAY).elder == elder


def test_it_refuses_a_cancelled_class(lesson, elder, present):
    lesson.status = SessionStatus.CANCELLED
    lesson.save()
    with pytest.raises(ValidationError, match="已经取消"):
        rate(lesson, elder, at=NOW + DAY)


def test_it_takes_one_rating_per_elder(lesson, elder, present):
    rate(lesson, elder, at=NOW + DAY, score=5)
    with pytest.raises(ValidationError, match="已经评价过了"):
        rate(lesson, elder, at=NOW + DAY, score=1)
    assert list(Evaluation.objects.values_list("score", flat=True)) == [5]


def test_the_database_holds_one_rating_per_elder_and_one_subject(lesson, elder, present):
    first = rate(lesson, elder, at=NOW + DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.create(
            class_session=lesson,
            elder=elder,
            score=3,
            site=first.site,
            region_path=first.region_path,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.create(score=3, site=first.site, region_path=first.region_path)


@pytest.mark.parametrize("score", [0, 6, "x", None])
def test_it_refuses_a_score_outside_one_to_five(lesson, elder, present, score):
    with pytest.raises(ValidationError) as caught:
        rate(lesson, elder, at=NOW + DAY, score=score)
    assert "1 到 5 分" in caught.value.message_dict["score"][0]


def test_it_keeps_comments_to_two_hundred_characters(lesson, elder, present):
    with pytest.raises(ValidationError) as caught:
        rate(lesson, elder, at=NOW + DAY, comment="好" * 201)
    assert caught.value.message_dict["comment"] == ["留言最多 200 个字，现在有 201 个字。"]
    evaluation = rate(lesson, elder, at=NOW + DAY, comment="  " + "好" * 200 + "  ")
    assert evaluation.comment == "好" * 200


def test_it_lets_the_desk_rate_on_an_elders_behalf(world, lesson, elder, present):
    volunteer = world.personas["volunteer"]
    evaluation = rate(lesson, elder, at=NOW + DAY, actor=volunteer, on_behalf=True, score=3)
    assert evaluation.on_behalf and evaluation.by == volunteer
    event = AuditEvent.objects.get(action="evaluation.create")
    assert event.actor == volunteer
    assert event.changes["on_behalf"] is True and event.changes["score"] == 3


def test_it_refuses_on_behalf_ratings_from_outside_the_site(world, manager, elder):
    elsewhere = ended_class(world.site_b, end=NOW)
    attendee(elsewhere, elder, world.personas["city_admin"])
    for persona in ("volunteer", "site_manager", "elder", "outsider"):
        with pytest.raises(PermissionDenied):
            rate(elsewhere, elder, at=NOW + DAY, actor=world.personas[persona], on_behalf=True)
    assert rate(
        elsewhere, elder, at=NOW + DAY, actor=world.personas["district_admin"], on_behalf=True
    ).on_behalf


# --- help sessions at the desk ------------------------------------------------------------


@pytest.fixture
def helped(world, elder):
    """A help session logged at NOW (the desk logs once the elder has been helped)."""
    with time_machine.travel(NOW, tick=False):
        return help_record(world.personas["volunteer"], world.site_a, elder=elder)


@pytest.mark.parametrize(
    ("offset", "message"),
    [
        (-SECOND, "还没有结束"),
        (dt.timedelta(0), None),
        (3 * DAY - SECOND, None),
        (3 * DAY, "评价时间已经过了"),
    ],
    ids=["before", "at-logging", "just-before-close", "at-close"],
)
def test_it_opens_a_help_session_when_logged_for_three_days(helped, offset, message):
    if message is None:
        assert rate(helped, at=NOW + offset).elder == helped.elder
    else:
        with pytest.raises(ValidationError, match=message):
            rate(helped, at=NOW + offset)


def test_a_back_dated_help_session_opens_at_its_end(world):
    began = NOW - dt.timedelta(hours=50)
    with time_machine.travel(NOW, tick=False):
        late, in_time = (
            help_record(world.personas["volunteer"], world.site_a, occurred_at=began)
            for _ in range(2)
        )
    # Fifteen minutes long (the default), so it ended at began + 15 minutes.
    closes = began + dt.timedelta(minutes=15) + 3 * DAY
    with pytest.raises(ValidationError, match="评价时间已经过了"):
        rate(late, at=closes)
    assert rate(in_time, at=closes - SECOND).elder is None


def test_the_desk_link_works_once_and_anonymously(world):
    with time_machine.travel(NOW, tick=False):
        session = help_record(world.personas["volunteer"], world.site_a)
    evaluation = rate(session, at=NOW + dt.timedelta(minutes=5), score=5)
    assert evaluation.elder is None and evaluation.by is None and not evaluation.on_behalf
    with pytest.raises(ValidationError, match="这次服务已经评价过了"):
        rate(session, at=NOW + dt.timedelta(minutes=6), score=1)
    assert Evaluation.objects.get().score == 5


def test_it_refuses_a_voided_help_session(world, helped):
    help_session_void(actor=world.personas["site_manager"], session=helped, reason="记错了")
    helped.refresh_from_db()
    with pytest.raises(ValidationError, match="已经作废"):
        rate(helped, at=NOW + DAY)


def test_it_rates_a_help_session_for_its_own_elder_only(world, manager, helped):
    other = new_elder(manager, world.site_a, "李秀英")
    with pytest.raises(ValidationError, match="不是这位长者的"):
        rate(helped, other, at=NOW + DAY)


def test_the_token_is_signed_and_names_one_session(world, helped):
    token = help_token(helped)
    assert help_session_id(token) == helped.public_id
    assert len(token) > 60 and str(helped.public_id) not in token.replace(helped.public_id.hex, "")
    forged = helped.public_id.hex + token[len(helped.public_id.hex) :][:-2] + "xx"
    assert help_session_id(forged) is None
    assert help_session_id("") is None and help_session_id("not-a-token") is None
    with time_machine.travel(NOW, tick=False):
        other = help_record(world.personas["volunteer"], world.site_a)
    swapped = other.public_id.hex + token[len(helped.public_id.hex) :]
    assert help_session_id(swapped) is None


# --- aggregates ---------------------------------------------------------------------------


def test_it_averages_to_one_decimal_and_counts_each_face(world, manager, lesson):
    for score in (5, 5, 4, 3, 1):
        person = new_elder(manager, world.site_a, "长者")
        attendee(lesson, person, manager)
        rate(lesson, person, at=NOW + DAY, score=score)
    figures = summary(Evaluation.objects.all())
    assert figures.count == 5
    assert str(figures.average) == "3.6"
    assert figures.distribution == (1, 0, 1, 1, 2)
    assert [(r.label, r.count, r.share) for r in figures.rows] == [
        ("很满意", 2, 40),
        ("满意", 1, 20),
        ("一般", 1, 20),
        ("不满意", 0, 0),
        ("很不满意", 1, 20),
    ]


def test_it_rounds_half_up():
    assert str(Summary(20, 91, (0, 0, 0, 9, 11)).average) == "4.6"  # 4.55
    assert str(Summary(3, 13, (0, 0, 0, 2, 1)).average) == "4.3"  # 4.333…
    assert EMPTY.average is None and EMPTY.rows[0].share == 0
    assert Summary(20, 91, (0, 0, 0, 9, 11)).stars == ["full"] * 4 + ["half"]


def test_it_groups_by_site_course_and_teacher(world, manager, django_assert_num_queries):
    course = Course.objects.create(title="智能手机入门")
    a = ended_class(world.site_a, end=NOW, teacher="王老师", course=course)
    b = ended_class(world.site_b, end=NOW, teacher="李老师", course=course)
    admin = world.personas["city_admin"]
    for session, scores in ((a, (5, 4)), (b, (2,))):
        for score in scores:
            person = new_elder(admin, session.site, "长者")
            attendee(session, person, admin)
            rate(session, person, at=NOW + DAY, score=score)
    with time_machine.travel(NOW, tick=False):
        desk = help_record(world.personas["volunteer"], world.site_a)
    rate(desk, at=NOW + dt.timedelta(hours=1), score=1)
    qs = Evaluation.objects.all()
    with django_assert_num_queries(2):
        by_site = {r.label: (r.summary.count, str(r.summary.average)) for r in overview(qs, "site")}
    assert by_site == {world.site_a.name: (3, "3.3"), world.site_b.name: (1, "2.0")}
    by_course = {r.label: (r.summary.count, str(r.summary.average)) for r in overview(qs, "course")}
    assert by_course == {"智能手机入门": (3, "3.7")}
    rows = overview(qs, "teacher")
    assert [(r.label, r.summary.count, str(r.summary.average)) for r in rows] == [
        ("王老师", 2, "4.5"),
        ("李老师", 1, "2.0"),
    ]


def test_the_public_figure_covers_the_last_twelve_months(world, manager, lesson):
    people = []
    for _ in range(3):
        person = new_elder(manager, world.site_a, "长者")
        attendee(lesson, person, manager)
        people.append(person)
    rate(lesson, people[0], at=NOW + DAY, score=5)
    rate(lesson, people[1], at=NOW + DAY, score=4)
    old = rate(lesson, people[2], at=NOW + DAY, score=2)
    later = NOW + DAY
    # Made a year and a second before "now": outside the twelve months.
    Evaluation.objects.filter(pk=old.pk).update(
        created_at=later.replace(year=later.year - 1) - SECOND
    )
    figure = site_rating(world.site_a, now=later)
    assert (figure.count, str(figure.average)) == (2, "4.5")
    Evaluation.objects.filter(pk=old.pk).update(created_at=later.replace(year=later.year - 1))
    assert site_rating(world.site_a, now=later).count == 3


def test_it_reads_many_sites_ratings_in_one_query(
    world, manager, lesson, present, elder, django_assert_num_queries
):
    rate(lesson, elder, at=NOW + DAY, score=5)
    ids = [world.site_a.pk, world.site_b.pk, world.site_c.pk]
    with django_assert_num_queries(1):
        figures = site_ratings(ids, now=NOW + DAY)
    assert figures[world.site_a.pk].count == 1 and str(figures[world.site_a.pk].average) == "5.0"
    assert figures[world.site_b.pk] == EMPTY and figures[world.site_c.pk].count == 0


def test_it_scopes_the_staffs_reading(world, manager):
    admin = world.personas["city_admin"]
    for site in (world.site_a, world.site_b, world.site_c):
        session = ended_class(site, end=NOW)
        person = new_elder(admin, site, "长者")
        attendee(session, person, admin)
        rate(session, person, at=NOW + DAY)

    def seen(persona):
        qs = evaluations_for(world.personas[persona], VIEW).select_related("site")
        return {e.site.name for e in qs}

    a, b, c = world.site_a.name, world.site_b.name, world.site_c.name
    assert seen("volunteer") == seen("site_manager") == seen("street_admin") == {a}
    assert seen("district_admin") == {a, b}
    assert seen("city_admin") == {a, b, c}
    assert seen("outsider") == seen("elder") == seen("vendor") == set()
