"""Planning shifts, cancelling them, and volunteers' swap and cancel requests.

The world's site_a (曹杨) has desk hours Monday to Friday 9:00–12:00 and 13:00–17:00; it is
Monday 23 November 2026, 10:30 in Shanghai.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from huoban.accounts.models import Membership, Role
from huoban.audit.models import AuditEvent
from huoban.roster.models import RequestKind, RequestStatus, Shift, ShiftRequest, ShiftStatus
from huoban.roster.services import (
    shift_cancel,
    shift_create,
    shift_request,
    shift_request_decide,
)
from tests.conftest import at

TUE = 24


@pytest.fixture
def people(world, frozen):
    return world.personas


def plan(world, person, start, end, *, actor=None, site=None):
    return shift_create(
        actor=actor or world.personas["site_manager"],
        site=site or world.site_a,
        person=person,
        start=start,
        end=end,
    )


def nothing_saved(before_shifts: int, before_events: int) -> bool:
    return Shift.objects.count() == before_shifts and AuditEvent.objects.count() == before_events


# --- planning ----------------------------------------------------------------------------


def test_it_lets_the_site_manager_put_a_volunteer_on_duty(world, people):
    shift = plan(world, people["volunteer"], at(9, day=TUE), at(12, day=TUE))
    assert shift.status == ShiftStatus.PLANNED
    assert shift.created_by == people["site_manager"]
    event = AuditEvent.objects.get(action="shift.create")
    assert event.actor == people["site_manager"]
    assert event.object_id == str(shift.pk)


@pytest.mark.parametrize("actor", ["street_admin", "district_admin", "city_admin"])
def test_it_lets_admins_above_the_site_plan_its_roster(world, people, actor):
    shift = plan(world, people["volunteer"], at(9, day=TUE), at(12, day=TUE), actor=people[actor])
    assert shift.site == world.site_a


@pytest.mark.parametrize("actor", ["volunteer", "elder", "vendor", "outsider"])
def test_it_refuses_planning_by_anyone_without_the_roster_role(world, people, actor):
    with pytest.raises(PermissionDenied):
        plan(world, people["volunteer"], at(9, day=TUE), at(12, day=TUE), actor=people[actor])
    assert not Shift.objects.exists()


def test_it_refuses_a_site_manager_planning_another_site(world, people):
    manager = people["site_manager"]
    with pytest.raises(PermissionDenied):
        plan(world, manager, at(9, day=TUE), at(12, day=TUE), site=world.site_b)
    # The street admin of 曹杨 does not reach 长风 either.
    with pytest.raises(PermissionDenied):
        plan(
            world,
            manager,
            at(9, day=TUE),
            at(12, day=TUE),
            site=world.site_b,
            actor=people["street_admin"],
        )
    assert not Shift.objects.exists()


@pytest.mark.parametrize("person", ["outsider", "elder", "family", "vendor"])
def test_it_refuses_a_person_without_a_role_at_the_site(world, people, person):
    with pytest.raises(ValidationError) as exc:
        plan(world, people[person], at(9, day=TUE), at(12, day=TUE))
    assert exc.value.message_dict["person"] == [f"{person} 不是这个站点的志愿者或工作人员。"]
    assert not Shift.objects.exists()


def test_it_refuses_a_volunteer_of_another_site(world, people):
    with pytest.raises(ValidationError):
        plan(
            world,
            people["volunteer"],
            at(9, day=TUE),
            at(12, day=TUE),
            site=world.site_b,
            actor=people["district_admin"],
        )


def test_it_accepts_a_region_role_above_the_site_as_the_person_on_duty(world, people):
    shift = plan(world, people["street_admin"], at(9, day=TUE), at(12, day=TUE))
    assert shift.person == people["street_admin"]


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (at(12, day=TUE), at(9, day=TUE), "结束时间应晚于开始时间。"),
        (at(9, day=TUE), at(9, day=TUE), "结束时间应晚于开始时间。"),
        (at(20, day=TUE), at(1, day=25), "一个班次不能跨天，请分成两个班次。"),
        (at(8, day=TUE), at(20, 1, day=TUE), "一个班次不能超过 12 小时。"),
    ],
)
def test_it_refuses_bad_times_with_a_clear_message(world, people, start, end, message):
    before = Shift.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        plan(world, people["volunteer"], start, end)
    assert exc.value.message_dict["end"] == [message]
    assert nothing_saved(*before)


def test_it_allows_twelve_hours_and_a_shift_ending_at_midnight(world, people):
    plan(world, people["volunteer"], at(8, day=TUE), at(20, day=TUE))
    plan(world, people["volunteer"], at(20, day=TUE), at(0, day=25))
    assert Shift.objects.count() == 2


def test_it_refuses_overlapping_shifts_of_one_person(world, people):
    volunteer = people["volunteer"]
    plan(world, volunteer, at(9, day=TUE), at(12, day=TUE))
    before = Shift.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        plan(world, volunteer, at(11, day=TUE), at(13, day=TUE))
    assert exc.value.message_dict["start"] == [
        "volunteer 在 11月24日 周二 上午9:00–中午12:00 已在“曹杨新村为老服务中心”值班，时间重叠。"
    ]
    assert nothing_saved(*before)
    # Touching end to start is no overlap; another person may overlap freely.
    plan(world, volunteer, at(12, day=TUE), at(13, day=TUE))
    plan(world, people["site_manager"], at(11, day=TUE), at(13, day=TUE))


def test_it_refuses_overlap_across_sites(world, people):
    person = people["district_admin"]  # may be on duty at both 曹杨 and 长风
    boss = people["city_admin"]
    plan(world, person, at(9, day=TUE), at(12, day=TUE), actor=boss)
    with pytest.raises(ValidationError):
        plan(world, person, at(11, day=TUE), at(14, day=TUE), actor=boss, site=world.site_b)
    assert Shift.objects.filter(site=world.site_b).count() == 0


def test_it_lets_a_cancelled_shift_be_replanned(world, people):
    volunteer = people["volunteer"]
    shift = plan(world, volunteer, at(9, day=TUE), at(12, day=TUE))
    shift_cancel(actor=people["site_manager"], shift=shift, reason="临时有事")
    plan(world, volunteer, at(9, day=TUE), at(12, day=TUE))
    assert Shift.objects.filter(status=ShiftStatus.PLANNED).count() == 1


# --- cancelling --------------------------------------------------------------------------


def test_it_cancels_a_shift_with_a_reason(world, people):
    shift = plan(world, people["volunteer"], at(9, day=TUE), at(12, day=TUE))
    shift_cancel(actor=people["site_manager"], shift=shift, reason="站点停电")
    shift.refresh_from_db()
    assert shift.status == ShiftStatus.CANCELLED
    assert shift.cancel_reason == "站点停电"
    assert AuditEvent.objects.filter(action="shift.cancel", object_id=str(shift.pk)).exists()


def test_it_refuses_cancelling_without_reason_twice_or_by_a_volunteer(world, people):
    shift = plan(world, people["volunteer"], at(9, day=TUE), at(12, day=TUE))
    with pytest.raises(PermissionDenied):
        shift_cancel(actor=people["volunteer"], shift=shift, reason="不想来")
    with pytest.raises(ValidationError) as exc:
        shift_cancel(actor=people["site_manager"], shift=shift, reason="  ")
    assert exc.value.message_dict["reason"] == ["请填写取消原因。"]
    shift_cancel(actor=people["site_manager"], shift=shift, reason="站点停电")
    with pytest.raises(ValidationError) as exc:
        shift_cancel(actor=people["site_manager"], shift=shift, reason="站点停电")
    assert exc.value.messages == ["这个班次已经取消。"]


# --- requests ----------------------------------------------------------------------------


@pytest.fixture
def shift(world, people):
    return plan(world, people["volunteer"], at(9, day=TUE), at(12, day=TUE))


def test_it_lets_a_volunteer_ask_to_cancel_their_own_shift(people, shift):
    req = shift_request(
        actor=people["volunteer"], shift=shift, kind=RequestKind.CANCEL, reason="孙子生病"
    )
    assert req.status == RequestStatus.OPEN
    assert req.requested_by == people["volunteer"]
    assert AuditEvent.objects.filter(action="shift_request.create").count() == 1


def test_it_refuses_requests_on_someone_elses_shift(people, shift):
    with pytest.raises(PermissionDenied):
        shift_request(
            actor=people["site_manager"], shift=shift, kind=RequestKind.SWAP, reason="替他申请"
        )
    assert not ShiftRequest.objects.exists()


def test_it_allows_one_open_request_per_shift(people, shift):
    volunteer = people["volunteer"]
    shift_request(actor=volunteer, shift=shift, kind=RequestKind.SWAP, reason="有事")
    with pytest.raises(ValidationError) as exc:
        shift_request(actor=volunteer, shift=shift, kind=RequestKind.CANCEL, reason="有事")
    assert exc.value.messages == ["这个班次已有一条待处理的申请。"]


def test_it_refuses_a_request_without_reason_or_for_a_past_shift(world, people):
    volunteer = people["volunteer"]
    past = plan(world, volunteer, at(8), at(9))  # this morning, already over
    with pytest.raises(ValidationError) as exc:
        shift_request(actor=volunteer, shift=past, kind=RequestKind.CANCEL, reason="有事")
    assert exc.value.messages == ["这个班次已经结束，不能再申请。"]
    running = plan(world, volunteer, at(10), at(11))  # on duty now: may still ask
    with pytest.raises(ValidationError) as exc:
        shift_request(actor=volunteer, shift=running, kind=RequestKind.CANCEL, reason="")
    assert exc.value.message_dict["reason"] == ["请填写原因。"]
    shift_request(actor=volunteer, shift=running, kind=RequestKind.CANCEL, reason="头疼")


def test_it_cancels_the_shift_when_a_cancel_request_is_approved(people, shift):
    manager = people["site_manager"]
    req = shift_request(
        actor=people["volunteer"], shift=shift, kind=RequestKind.CANCEL, reason="孙子生病"
    )
    shift_request_decide(actor=manager, request=req, approve=True)
    req.refresh_from_db()
    shift.refresh_from_db()
    assert req.status == RequestStatus.APPROVED
    assert req.handled_by == manager
    assert req.handled_at is not None
    assert shift.status == ShiftStatus.CANCELLED


def test_it_keeps_the_shift_when_a_request_is_declined(people, shift):
    req = shift_request(actor=people["volunteer"], shift=shift, kind=RequestKind.SWAP, reason="x")
    shift_request_decide(actor=people["site_manager"], request=req, approve=False)
    req.refresh_from_db()
    shift.refresh_from_db()
    assert req.status == RequestStatus.DECLINED
    assert shift.status == ShiftStatus.PLANNED
    with pytest.raises(ValidationError) as exc:
        shift_request_decide(actor=people["site_manager"], request=req, approve=True)
    assert exc.value.messages == ["这条申请已经处理过了。"]


def test_it_hands_a_swapped_shift_to_the_replacement(world, people, shift):
    other = people["outsider"]
    Membership.objects.create(user=other, role=Role.VOLUNTEER, site=world.site_a)
    req = shift_request(actor=people["volunteer"], shift=shift, kind=RequestKind.SWAP, reason="x")
    shift_request_decide(actor=people["site_manager"], request=req, approve=True, replacement=other)
    shift.refresh_from_db()
    assert shift.status == ShiftStatus.CANCELLED
    new = Shift.objects.get(person=other)
    assert (new.start, new.end, new.status) == (shift.start, shift.end, ShiftStatus.PLANNED)


def test_it_changes_nothing_when_the_replacement_cannot_take_the_shift(world, people, shift):
    manager = people["site_manager"]
    plan(world, manager, at(11, day=TUE), at(13, day=TUE))  # the manager is busy then
    req = shift_request(actor=people["volunteer"], shift=shift, kind=RequestKind.SWAP, reason="x")
    with pytest.raises(ValidationError):
        shift_request_decide(actor=manager, request=req, approve=True, replacement=manager)
    req.refresh_from_db()
    shift.refresh_from_db()
    assert req.status == RequestStatus.OPEN
    assert shift.status == ShiftStatus.PLANNED


def test_it_refuses_deciding_by_the_volunteer_or_another_sites_manager(world, people, shift):
    req = shift_request(actor=people["volunteer"], shift=shift, kind=RequestKind.SWAP, reason="x")
    with pytest.raises(PermissionDenied):
        shift_request_decide(actor=people["volunteer"], request=req, approve=True)
    elsewhere = people["outsider"]
    Membership.objects.create(user=elsewhere, role=Role.SITE_MANAGER, site=world.site_b)
    with pytest.raises(PermissionDenied):
        shift_request_decide(actor=elsewhere, request=req, approve=True)
    req.refresh_from_db()
    assert req.status == RequestStatus.OPEN


def test_it_grants_an_open_request_when_the_site_cancels_the_shift(people, shift):
    req = shift_request(actor=people["volunteer"], shift=shift, kind=RequestKind.CANCEL, reason="x")
    shift_cancel(actor=people["site_manager"], shift=shift, reason="已同意")
    req.refresh_from_db()
    assert req.status == RequestStatus.APPROVED
    assert req.handled_by == people["site_manager"]


def test_it_times_requests_in_the_frozen_morning(people, shift, frozen):
    req = shift_request(actor=people["volunteer"], shift=shift, kind=RequestKind.CANCEL, reason="x")
    shift_request_decide(actor=people["site_manager"], request=req, approve=True)
    req.refresh_from_db()
    assert req.handled_at == frozen
    assert req.created_at == frozen
    assert frozen + dt.timedelta(days=1) > shift.start > frozen


def test_taking_a_role_away_cancels_the_shifts_still_to_come_there(world, people):
    from huoban.roster.selectors import week_coverage
    from huoban.roster.services import membership_revoke

    volunteer = people["volunteer"]
    done = plan(world, volunteer, at(9, day=20), at(12, day=20))  # last week: served
    ahead = plan(world, volunteer, at(9, day=TUE), at(12, day=TUE))
    shift_request(actor=volunteer, shift=ahead, kind=RequestKind.CANCEL, reason="搬家")
    assert week_coverage(world.site_a, at(9).date()).staffed_minutes == 180
    membership = Membership.objects.get(user=volunteer, role=Role.VOLUNTEER, site=world.site_a)
    membership_revoke(actor=people["city_admin"], membership=membership)
    ahead.refresh_from_db()
    done.refresh_from_db()
    assert ahead.status == ShiftStatus.CANCELLED
    assert "不再担任" in ahead.cancel_reason
    assert ahead.requests.get().status == RequestStatus.APPROVED
    assert done.status == ShiftStatus.PLANNED  # the hours served stay served
    assert week_coverage(world.site_a, at(9).date()).staffed_minutes == 0


def test_a_closed_accounts_shifts_staff_no_desk(world, people):
    from huoban.roster.selectors import week_coverage

    volunteer = people["volunteer"]
    plan(world, volunteer, at(9, day=TUE), at(12, day=TUE))
    assert week_coverage(world.site_a, at(9).date()).staffed_minutes == 180
    volunteer.is_active = False
    volunteer.save()
    assert week_coverage(world.site_a, at(9).date()).staffed_minutes == 0
