"""Each integrity rule at its boundary, and the review of what they flag."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from huoban.records.models import Flag, FlagStatus, LedgerEntry
from huoban.records.services import flag_review, help_session_log
from tests.conftest import at

pytestmark = pytest.mark.usefixtures("frozen")


def log(world, catalogue, persona="volunteer", site=None, **kw):
    kw.setdefault("scenarios", [catalogue["medical"]])
    kw.setdefault("occurred_at", at(10))
    kw.setdefault("channel", "phone")
    return help_session_log(actor=world.personas[persona], site=site or world.site_a, **kw)


def flagged(rule: str) -> list[int]:
    return sorted(Flag.objects.filter(rule=rule).values_list("help_session_id", flat=True))


def test_the_same_elder_three_times_a_day_is_fine_four_times_is_flagged(world, scenarios, elders):
    sessions = [log(world, scenarios, elder=elders[0], occurred_at=at(9, m)) for m in (0, 5, 10)]
    log(world, scenarios, elder=elders[1], occurred_at=at(9, 20))
    assert flagged("elder_many_times") == []
    sessions.append(log(world, scenarios, elder=elders[0], occurred_at=at(9, 15)))
    assert flagged("elder_many_times") == sorted(s.pk for s in sessions)
    assert "4 次" in Flag.objects.filter(rule="elder_many_times").first().detail


@pytest.mark.parametrize(
    ("hour", "minute", "outside"),
    [(8, 59, True), (9, 0, False), (11, 59, False), (12, 0, True)],
)
def test_a_walk_in_outside_desk_hours_is_flagged_at_the_period_edges(
    world, scenarios, hour, minute, outside
):
    session = log(world, scenarios, channel="walk_in", occurred_at=at(hour, minute, day=20))
    assert (flagged("outside_hours") == [session.pk]) is outside


def test_a_walk_in_on_a_day_without_hours_is_flagged_but_a_phone_call_is_not(world, scenarios):
    saturday = log(world, scenarios, channel="walk_in", occurred_at=at(10, day=21))
    log(world, scenarios, channel="phone", occurred_at=at(20, day=21))
    assert flagged("outside_hours") == [saturday.pk]
    assert "没有咨询时段" in Flag.objects.get().detail


def test_a_helper_may_log_ten_hours_a_day_but_not_a_minute_more(world, scenarios):
    log(world, scenarios, occurred_at=at(6, day=20), duration_minutes=480)
    log(world, scenarios, occurred_at=at(15, day=20), duration_minutes=120)
    assert flagged("helper_overload") == []
    extra = log(world, scenarios, occurred_at=at(18, day=20), duration_minutes=1)
    assert flagged("helper_overload") == [extra.pk]


def test_one_helper_at_two_sites_at_once_is_flagged_touching_is_not(world, scenarios):
    a = log(world, scenarios, "district_admin", occurred_at=at(9), duration_minutes=30)
    log(world, scenarios, "district_admin", site=world.site_b, occurred_at=at(9, 30))
    assert flagged("helper_two_sites") == []
    b = log(world, scenarios, "district_admin", site=world.site_b, occurred_at=at(9, 29))
    assert flagged("helper_two_sites") == sorted([a.pk, b.pk])


def test_three_identical_sessions_are_flagged_two_are_not(world, scenarios):
    first = [log(world, scenarios, occurred_at=at(9)) for _ in range(2)]
    log(world, scenarios, occurred_at=at(9), note="另一位")
    assert flagged("bulk_identical") == []
    third = log(world, scenarios, occurred_at=at(9))
    assert flagged("bulk_identical") == sorted(s.pk for s in [*first, third])


def test_logging_seven_days_late_is_fine_eight_is_flagged(world, scenarios):
    log(world, scenarios, occurred_at=at(10, day=16))
    assert flagged("back_dated") == []
    late = log(world, scenarios, occurred_at=at(10, day=15))
    assert flagged("back_dated") == [late.pk]


def test_a_rule_flags_a_session_once(world, scenarios, elders):
    for m in range(5):
        log(world, scenarios, elder=elders[0], occurred_at=at(9, m))
    assert Flag.objects.filter(rule="elder_many_times").count() == 5


def test_the_street_admin_confirms_a_flag_and_the_record_still_counts(world, scenarios):
    session = log(world, scenarios, occurred_at=at(10, day=10))
    flag = Flag.objects.get(help_session=session)
    flag_review(actor=world.personas["street_admin"], flag=flag, decision="confirm", note="已核实")
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CONFIRMED and flag.review_note == "已核实"
    assert LedgerEntry.objects.filter(voided=False).count() == 1


def test_voiding_a_flagged_record_needs_a_reason_and_stops_it_counting(world, scenarios):
    session = log(world, scenarios, occurred_at=at(10, day=10))
    flag = Flag.objects.get(help_session=session)
    admin = world.personas["street_admin"]
    with pytest.raises(ValidationError, match="请写明原因"):
        flag_review(actor=admin, flag=flag, decision="void", note="")
    flag_review(actor=admin, flag=flag, decision="void", note="不是本站记录")
    flag.refresh_from_db()
    assert flag.status == FlagStatus.VOIDED
    assert LedgerEntry.objects.get().voided
    with pytest.raises(ValidationError, match="已经复核"):
        flag_review(actor=admin, flag=flag, decision="confirm")


def test_volunteers_and_site_managers_do_not_review(world, scenarios):
    log(world, scenarios, occurred_at=at(10, day=10))
    flag = Flag.objects.get()
    for persona in ("volunteer", "site_manager"):
        with pytest.raises(PermissionDenied):
            flag_review(actor=world.personas[persona], flag=flag, decision="confirm")


def test_correcting_an_old_record_does_not_flag_it_as_back_dated(world, scenarios):
    from huoban.records.services import help_session_amend

    with time_machine.travel(at(10, day=2), tick=False):
        session = log(world, scenarios, occurred_at=at(9, day=2))
    help_session_amend(
        actor=world.personas["site_manager"], session=session, reason="补备注", note="已核对"
    )
    assert flagged("back_dated") == []
