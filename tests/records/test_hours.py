"""Service hours and the student's certificate (``records.hours``): the service-hour rule
at its edges, and issuing a certificate with its hours frozen.

Time is Monday 23 November 2026, 10:30 in Shanghai (the ``frozen`` fixture).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from huoban.accounts.models import Membership, Role, User
from huoban.audit.models import AuditEvent
from huoban.people.models import Certificate, Volunteer
from huoban.people.volunteers import volunteer_update
from huoban.records.hours import certificate_issue, local_day_bounds, service_hours
from huoban.records.models import HelpSession
from huoban.roster.models import Shift, ShiftStatus
from tests.conftest import SH, at


def volunteer_at(site, name: str, mobile: str) -> User:
    user = User.objects.create_user(mobile, "pw-123456789", name=name)
    Membership.objects.create(user=user, role=Role.VOLUNTEER, site=site)
    return user


def shift(person, start, end, *, site, status=ShiftStatus.PLANNED) -> Shift:
    return Shift.objects.create(
        site=site, person=person, start=start, end=end, status=status, created_by=person
    )


def session(person, occurred_at, minutes, *, site, voided=False) -> HelpSession:
    return HelpSession.objects.create(
        site=site,
        region_path=site.region_path,
        helper=person,
        occurred_at=occurred_at,
        duration_minutes=minutes,
        voided_at=occurred_at if voided else None,
    )


def day(d: int = 23):
    """From midnight of 1 November to the end of day ``d`` of November 2026."""
    return local_day_bounds(dt.date(2026, 11, 1), dt.date(2026, 11, d))


@pytest.fixture
def vol(world):
    return world.personas["volunteer"]


# --- Service hours ----------------------------------------------------------------------------


def test_it_counts_a_planned_shift_once_it_has_ended(world, vol, frozen):
    site = world.site_a
    shift(vol, at(8, 30), at(10, 30), site=site)  # ends exactly now: counts
    shift(vol, at(9, 0, day=20), at(12, 0, day=20), site=site)
    shift(vol, at(13, 0, day=20), at(17, 0, day=20), site=site, status=ShiftStatus.CANCELLED)
    shift(vol, at(10, 31), at(12, 0), site=site)  # still to come: the minute after now
    hours = service_hours(vol, *day())
    assert hours.shift_minutes == 120 + 180
    assert hours.session_minutes == 0
    assert hours.hours == Decimal("5.0")


def test_it_does_not_count_a_shift_that_is_still_running(world, vol, frozen):
    shift(vol, at(9, 0), at(10, 31), site=world.site_a)
    assert service_hours(vol, *day()).minutes == 0


def test_it_counts_sessions_outside_shifts_and_never_twice(world, vol, frozen):
    site = world.site_a
    shift(vol, at(9, 0, day=20), at(12, 0, day=20), site=site)
    session(vol, at(9, 30, day=20), 30, site=site)  # inside the shift: covered
    session(vol, at(11, 45, day=20), 30, site=site)  # runs 15 minutes past its end
    session(vol, at(8, 40, day=20), 30, site=site)  # starts 20 minutes before it
    session(vol, at(14, 0, day=20), 45, site=site)  # no shift: all of it
    session(vol, at(15, 0, day=20), 60, site=site, voided=True)  # voided: never
    hours = service_hours(vol, *day())
    assert hours.shift_minutes == 180
    assert hours.session_minutes == 15 + 20 + 45
    assert hours.minutes == 260 and hours.hours == Decimal("4.3")


def test_it_counts_sessions_logged_for_the_same_time_once(world, vol, frozen):
    site = world.site_a
    session(vol, at(9, 0, day=20), 60, site=site)  # two elders helped side by side
    session(vol, at(9, 0, day=20), 60, site=site)
    session(vol, at(9, 30, day=20), 60, site=site)  # a third, half an hour later
    shift(vol, at(10, 0, day=20), at(10, 15, day=20), site=site)  # covers a quarter hour
    hours = service_hours(vol, *day())
    assert hours.session_minutes == 90 - 15
    assert hours.shift_minutes == 15


def test_it_leaves_a_session_during_a_running_shift_to_the_shift(world, vol, frozen):
    shift(vol, at(9, 0), at(12, 0), site=world.site_a)
    session(vol, at(9, 30), 20, site=world.site_a)
    assert service_hours(vol, *day()).minutes == 0
    later = dt.datetime(2026, 11, 23, 12, 0, tzinfo=SH)
    assert service_hours(vol, *day(), now=later).minutes == 180


def test_it_cuts_shifts_and_sessions_at_the_periods_edges(world, vol, frozen):
    site = world.site_a
    # Ends exactly at the start of the period: outside it.
    start = dt.datetime(2026, 11, 1, 0, 0, tzinfo=SH)
    shift(vol, start - dt.timedelta(hours=2), start, site=site)
    session(vol, start - dt.timedelta(minutes=30), 30, site=site)
    assert service_hours(vol, *day()).minutes == 0
    # Crosses the start: only its minutes inside count.
    session(vol, start - dt.timedelta(minutes=10), 30, site=site)
    assert service_hours(vol, *day()).session_minutes == 20
    # Starts exactly at the end of the period (end excluded): outside it.
    shift(vol, at(0, 0, day=21), at(2, 0, day=21), site=site)
    assert service_hours(vol, *day(20)).shift_minutes == 0
    assert service_hours(vol, *day(21)).shift_minutes == 120


def test_it_counts_one_sites_hours_when_asked(world, vol, frozen):
    Membership.objects.create(user=vol, role=Role.VOLUNTEER, site=world.site_b)
    shift(vol, at(9, 0, day=20), at(11, 0, day=20), site=world.site_a)
    shift(vol, at(13, 0, day=20), at(14, 0, day=20), site=world.site_b)
    session(vol, at(15, 0, day=20), 30, site=world.site_b)
    assert service_hours(vol, *day(), site=world.site_a).minutes == 120
    assert service_hours(vol, *day(), site=world.site_b).minutes == 90
    assert service_hours(vol, *day()).minutes == 210


def test_it_never_counts_another_persons_time(world, vol, frozen):
    other = volunteer_at(world.site_a, "王同学", "13700000001")
    shift(other, at(9, 0, day=20), at(12, 0, day=20), site=world.site_a)
    session(other, at(14, 0, day=20), 30, site=world.site_a)
    assert service_hours(vol, *day()).minutes == 0


# --- Certificates -----------------------------------------------------------------------------


@pytest.fixture
def student(world, vol, frozen):
    volunteer_update(actor=vol, person=vol, is_student=True, school="曹杨二中", grade="高一（2）班")
    shift(vol, at(9, 0, day=20), at(12, 0, day=20), site=world.site_a)
    session(vol, at(14, 0, day=20), 45, site=world.site_a)
    return vol


def issue(world, person, **kw):
    kw.setdefault("site", world.site_a)
    kw.setdefault("period_start", dt.date(2026, 11, 1))
    kw.setdefault("period_end", dt.date(2026, 11, 23))
    return certificate_issue(actor=world.personas["site_manager"], person=person, **kw)


def test_it_issues_a_certificate_with_the_hours_frozen(world, student):
    certificate = issue(world, student)
    assert certificate.minutes == 225 and certificate.hours == Decimal("3.7")
    assert (certificate.name, certificate.school, certificate.grade) == (
        "volunteer",
        "曹杨二中",
        "高一（2）班",
    )
    assert certificate.issued_on == timezone.localdate()
    assert len(certificate.number) == 8
    Volunteer.objects.filter(user=student).update(school="另一所学校")
    certificate.refresh_from_db()
    assert certificate.school == "曹杨二中"
    assert AuditEvent.objects.get(action="certificate.issue").changes["minutes"] == 225


def test_it_refuses_bad_periods(world, student):
    with pytest.raises(ValidationError) as info:
        issue(world, student, period_start=dt.date(2026, 11, 20), period_end=dt.date(2026, 11, 1))
    assert info.value.message_dict == {"period_end": ["截止日期不能早于起始日期。"]}
    with pytest.raises(ValidationError) as info:
        issue(world, student, period_end=dt.date(2026, 11, 24))
    assert info.value.message_dict == {"period_end": ["截止日期不能晚于今天。"]}
    with pytest.raises(ValidationError) as info:
        issue(world, student, period_start=dt.date(2025, 11, 22))
    assert info.value.message_dict == {"period_end": ["一份证明最多覆盖一年，请分开出具。"]}
    # Exactly a year less a day is fine.
    issue(world, student, period_start=dt.date(2025, 11, 23))
    with pytest.raises(ValidationError) as info:
        issue(world, student, period_start=dt.date(2026, 11, 21))
    assert info.value.message_dict == {
        "period_start": ["这段时间在本站点没有服务时长，不能出具证明。"]
    }


def test_it_issues_certificates_to_students_only_and_from_their_own_site(world, vol, frozen):
    volunteer_update(actor=vol, person=vol, bio="成年志愿者")
    with pytest.raises(ValidationError):
        issue(world, vol)
    with pytest.raises(ValidationError) as info:
        certificate_issue(
            actor=world.personas["city_admin"],
            person=vol,
            site=world.site_b,
            period_start=dt.date(2026, 11, 1),
            period_end=dt.date(2026, 11, 23),
        )
    assert "site" in info.value.message_dict
    with pytest.raises(PermissionDenied):
        certificate_issue(
            actor=vol,
            person=vol,
            site=world.site_a,
            period_start=dt.date(2026, 11, 1),
            period_end=dt.date(2026, 11, 23),
        )
    assert not Certificate.objects.exists()
