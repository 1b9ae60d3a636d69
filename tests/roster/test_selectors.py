"""Reading rosters: scopes, my shifts, who is on duty now, and a site's week coverage.

The world's site_a (曹杨) has desk hours Monday to Friday 9:00–12:00 and 13:00–17:00
(7 h a day); it is Monday 23 November 2026, 10:30 in Shanghai.
"""

from __future__ import annotations

import datetime as dt

import pytest

from huoban.accounts import roles
from huoban.accounts.models import Membership, Role
from huoban.roster.selectors import (
    my_shifts,
    on_duty_now,
    shift_requests_for,
    shifts_for,
    week_coverage,
    week_coverages,
)
from huoban.roster.services import shift_cancel, shift_create, shift_request
from huoban.sites.models import DeskException, ExceptionKind
from tests.conftest import at

MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def people(world, frozen):
    return world.personas


def plan(world, person, start, end, site=None):
    return shift_create(
        actor=world.personas["city_admin"],
        site=site or world.site_a,
        person=person,
        start=start,
        end=end,
    )


def staff_the_week(world, person, skip=()):
    """``person`` on duty through every desk period of site_a, Monday to Friday."""
    for day in range(23, 28):
        for start, end in ((9, 12), (13, 17)):
            if (day, start) not in skip:
                plan(world, person, at(start, day=day), at(end, day=day))


# --- scopes ------------------------------------------------------------------------------


def test_it_shows_each_role_only_the_shifts_in_its_scope(world, people):
    a = plan(world, people["volunteer"], at(9, day=24), at(12, day=24))
    b = plan(world, people["district_admin"], at(9, day=24), at(12, day=24), site=world.site_b)
    c = plan(world, people["city_admin"], at(9, day=24), at(12, day=24), site=world.site_c)

    def seen(persona):
        return set(shifts_for(people[persona], roles.ROSTER_VIEW))

    assert seen("volunteer") == {a}
    assert seen("site_manager") == {a}
    assert seen("street_admin") == {a}
    assert seen("district_admin") == {a, b}
    assert seen("city_admin") == {a, b, c}
    for persona in ("outsider", "elder", "vendor", "reviewer"):
        assert seen(persona) == set()
    # A volunteer sees the roster but is not among those who edit it.
    assert set(shifts_for(people["volunteer"], roles.ROSTER_EDIT)) == set()


def test_it_shows_requests_only_to_the_sites_roster_keepers(world, people):
    shift = plan(world, people["volunteer"], at(9, day=24), at(12, day=24))
    req = shift_request(actor=people["volunteer"], shift=shift, kind="swap", reason="有事")
    assert list(shift_requests_for(people["site_manager"], roles.ROSTER_EDIT)) == [req]
    other = people["outsider"]
    Membership.objects.create(user=other, role=Role.SITE_MANAGER, site=world.site_b)
    assert list(shift_requests_for(other, roles.ROSTER_EDIT)) == []


def test_it_lists_my_planned_shifts_in_a_window(world, people):
    volunteer = people["volunteer"]
    tue = plan(world, volunteer, at(9, day=24), at(12, day=24))
    wed = plan(world, volunteer, at(9, day=25), at(12, day=25))
    gone = plan(world, volunteer, at(13, day=25), at(17, day=25))
    shift_cancel(actor=people["site_manager"], shift=gone, reason="调整")
    plan(world, volunteer, at(9, day=30), at(12, day=30))  # next week
    plan(world, people["site_manager"], at(9, day=24), at(12, day=24))  # someone else's
    assert list(my_shifts(volunteer, at(0, day=23), at(0, day=30))) == [tue, wed]
    # A shift running at the window's start is included; one starting at its end is not.
    assert list(my_shifts(volunteer, at(11, day=24), at(9, day=25))) == [tue]


# --- on duty now -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "on_duty"),
    [
        (at(8, 59, day=24), False),
        (at(9, day=24), True),
        (at(11, 59, day=24) + dt.timedelta(seconds=59), True),
        (at(12, day=24), False),
    ],
)
def test_it_says_who_is_on_duty_with_the_start_included_and_the_end_excluded(
    world, people, moment, on_duty
):
    plan(world, people["volunteer"], at(9, day=24), at(12, day=24))
    expected = [people["volunteer"]] if on_duty else []
    assert on_duty_now(world.site_a, moment) == expected


def test_it_lists_everyone_on_duty_and_nobody_from_cancelled_or_other_sites(world, people):
    plan(world, people["volunteer"], at(9), at(12))
    plan(world, people["site_manager"], at(10), at(11))
    gone = plan(world, people["street_admin"], at(10), at(11))
    shift_cancel(actor=people["site_manager"], shift=gone, reason="开会")
    plan(world, people["district_admin"], at(10), at(11), site=world.site_b)
    # Names sort: site_manager before volunteer.
    assert on_duty_now(world.site_a) == [people["site_manager"], people["volunteer"]]
    assert on_duty_now(world.site_c) == []


# --- week coverage -----------------------------------------------------------------------


def test_it_passes_a_fully_staffed_week(world, people):
    staff_the_week(world, people["volunteer"])
    week = week_coverage(world.site_a, MONDAY)
    assert week.passes
    assert week.published_minutes == week.staffed_minutes == 5 * 7 * 60


def test_it_marks_an_hour_with_nobody_on_duty(world, people):
    volunteer = people["volunteer"]
    staff_the_week(world, volunteer, skip={(25, 9)})
    plan(world, volunteer, at(9, day=25), at(10, day=25))
    plan(world, volunteer, at(11, day=25), at(12, day=25))
    week = week_coverage(world.site_a, MONDAY)
    assert not week.passes
    assert week.reasons == ["周三 上午10:00–上午11:00 无人值班"]


def test_it_ignores_cancelled_shifts(world, people):
    staff_the_week(world, people["volunteer"])
    friday = my_shifts(people["volunteer"], at(13, day=27), at(17, day=27)).get()
    shift_cancel(actor=people["site_manager"], shift=friday, reason="请假")
    week = week_coverage(world.site_a, dt.date(2026, 11, 26))  # any day of the week
    assert week.monday == MONDAY
    assert week.reasons == ["周五 下午1:00–下午5:00 无人值班"]


def test_it_drops_closed_holidays_from_the_week(world, people):
    staff_the_week(world, people["volunteer"])
    for day in (25, 26, 27):
        DeskException.objects.create(
            site=world.site_a, date=dt.date(2026, 11, day), kind=ExceptionKind.CLOSED, reason="检修"
        )
    week = week_coverage(world.site_a, MONDAY)
    assert [d.is_open for d in week.days] == [True, True, False, False, False, False, False]
    assert week.days[2].note == "检修"
    assert week.reasons == ["只有 2 天开放满 5 小时（至少需要 3 天）"]
    DeskException.objects.filter(date=dt.date(2026, 11, 27)).delete()
    assert week_coverage(world.site_a, MONDAY).passes


def test_it_reads_a_weeks_coverage_in_three_queries(world, people, django_assert_num_queries):
    staff_the_week(world, people["volunteer"])
    plan(world, people["district_admin"], at(9, day=24), at(12, day=24), site=world.site_b)
    with django_assert_num_queries(3):
        week_coverage(world.site_a, MONDAY)
    sites = [world.site_a, world.site_b, world.site_c]
    with django_assert_num_queries(3):
        weeks = week_coverages([s.pk for s in sites], MONDAY)
    assert weeks[world.site_a.pk].passes
    assert weeks[world.site_b.pk].staffed_minutes == 180
    assert weeks[world.site_c.pk].staffed_minutes == 0
