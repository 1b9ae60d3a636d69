"""The counting rules of the person-time ledger (issue acceptance)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from huoban.audit.models import AuditEvent
from huoban.records.models import HelpSession, LedgerEntry
from huoban.records.selectors import Counts, ledger_counts, ledger_in, person_times
from huoban.records.services import help_session_amend, help_session_log, help_session_void
from tests.conftest import at

pytestmark = pytest.mark.usefixtures("frozen")


def log(world, catalogue, **kw):
    kw.setdefault("scenarios", [catalogue["medical"]])
    kw.setdefault("occurred_at", at(10))
    return help_session_log(actor=world.personas["volunteer"], site=world.site_a, **kw)


def counts() -> Counts:
    return ledger_counts(LedgerEntry.objects.all())


def test_an_anonymous_session_is_one_person_time_and_no_person(world, scenarios):
    log(world, scenarios)
    assert counts() == Counts(person_times=1, persons=0)


def test_the_same_elder_twice_is_two_person_times_and_one_person(world, scenarios, elders):
    log(world, scenarios, elder=elders[0], occurred_at=at(9, 10))
    log(world, scenarios, elder=elders[0], occurred_at=at(10, 10))
    assert counts() == Counts(person_times=2, persons=1)


def test_two_elders_and_a_walk_in_are_three_person_times_and_two_persons(world, scenarios, elders):
    log(world, scenarios, elder=elders[0])
    log(world, scenarios, elder=elders[1])
    log(world, scenarios)
    assert counts() == Counts(person_times=3, persons=2)


def test_a_voided_record_counts_nothing(world, scenarios, elders):
    session = log(world, scenarios, elder=elders[0])
    help_session_void(actor=world.personas["site_manager"], session=session, reason="重复录入")
    assert counts() == Counts(person_times=0, persons=0)
    session.refresh_from_db()
    assert session.void_reason == "重复录入" and session.voided_by == world.personas["site_manager"]
    assert HelpSession.objects.count() == 1  # kept on file


def test_an_amended_record_counts_once_with_its_new_values(world, scenarios, elders):
    session = log(world, scenarios)
    help_session_amend(
        actor=world.personas["site_manager"],
        session=session,
        reason="补上长者",
        elder=elders[1],
        occurred_at=at(9, 45),
    )
    help_session_amend(
        actor=world.personas["site_manager"],
        session=session,
        reason="改场景",
        scenarios=[scenarios["travel"]],
    )
    assert counts() == Counts(person_times=1, persons=1)
    entry = LedgerEntry.objects.get()
    assert entry.elder == elders[1] and entry.occurred_at == at(9, 45)
    history = list(session.amendments.values_list("reason", "changes"))
    assert history[0][0] == "补上长者" and history[0][1]["occurred_at"] == [
        "11月23日 周一 上午10:00",
        "11月23日 周一 上午9:45",
    ]
    assert history[1][1]["scenarios"] == ["就医", "出行"]
    assert AuditEvent.objects.filter(action="help_session.amend").count() == 2


def test_counts_follow_the_region_and_the_local_dates(world, scenarios):
    log(world, scenarios, occurred_at=at(9))
    help_session_log(
        actor=world.personas["district_admin"],
        site=world.site_b,
        scenarios=[scenarios["chat"]],
        occurred_at=dt.datetime(2026, 11, 20, 0, 30, tzinfo=at(0).tzinfo),
    )
    assert person_times(world.caoyang, dt.date(2026, 1, 1), dt.date(2026, 12, 31), "both") == 1
    assert person_times(world.putuo, dt.date(2026, 1, 1), dt.date(2026, 12, 31), "both") == 2
    # 00:30 on 20 November in Shanghai is still 19 November in UTC: counted on the 20th.
    assert person_times(world.putuo, dt.date(2026, 11, 20), dt.date(2026, 11, 20), "both") == 1
    assert person_times(world.putuo, dt.date(2026, 1, 1), dt.date(2026, 12, 31), "training") == 0
    assert ledger_in(world.jingan).count() == 0


def test_a_correction_needs_a_reason_and_a_change(world, scenarios):
    session = log(world, scenarios)
    manager = world.personas["site_manager"]
    with pytest.raises(ValidationError, match="请写明更正原因"):
        help_session_amend(actor=manager, session=session, reason=" ", note="x")
    with pytest.raises(ValidationError, match="没有需要更正的内容"):
        help_session_amend(actor=manager, session=session, reason="核对", occurred_at=at(10))
    assert not session.amendments.exists()


def test_a_voided_record_cannot_be_amended_or_voided_again(world, scenarios):
    session = log(world, scenarios)
    manager = world.personas["site_manager"]
    with pytest.raises(ValidationError, match="请写明作废原因"):
        help_session_void(actor=manager, session=session, reason="")
    help_session_void(actor=manager, session=session, reason="误录")
    with pytest.raises(ValidationError, match="已经作废"):
        help_session_void(actor=manager, session=session, reason="误录")
    with pytest.raises(ValidationError, match="已作废"):
        help_session_amend(actor=manager, session=session, reason="改", note="x")


def test_volunteers_log_but_do_not_correct_and_outsiders_do_neither(world, scenarios):
    session = log(world, scenarios)
    with pytest.raises(PermissionDenied):
        help_session_void(actor=world.personas["volunteer"], session=session, reason="x")
    with pytest.raises(PermissionDenied):
        help_session_log(
            actor=world.personas["volunteer"], site=world.site_b, scenarios=[scenarios["chat"]]
        )
    with pytest.raises(PermissionDenied):
        help_session_log(
            actor=world.personas["outsider"], site=world.site_a, scenarios=[scenarios["chat"]]
        )
    assert HelpSession.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"scenarios": []}, "scenarios", "请至少选择一个场景"),
        ({"occurred_at": at(10, 36)}, "occurred_at", "不能晚于现在"),
        ({"occurred_at": at(10) - dt.timedelta(days=367)}, "occurred_at", "早于一年前"),
        ({"duration_minutes": 481}, "duration_minutes", "1 到 480 分钟"),
        ({"channel": "pigeon"}, "channel", "请选择帮办方式"),
        ({"outcome": "maybe"}, "outcome", "请选择帮办结果"),
    ],
)
def test_bad_input_is_refused_with_a_specific_message_and_saves_nothing(
    world, scenarios, kwargs, field, message
):
    with pytest.raises(ValidationError) as caught:
        log(world, scenarios, **kwargs)
    assert message in " ".join(caught.value.message_dict[field])
    assert not HelpSession.objects.exists() and not LedgerEntry.objects.exists()


def test_the_defaults_make_a_quick_walk_in(world, scenarios):
    session = help_session_log(
        actor=world.personas["volunteer"], site=world.site_a, scenarios=[scenarios["chat"]]
    )
    assert session.elder is None and session.channel == "walk_in" and session.outcome == "solved"
    assert session.duration_minutes == 15 and session.occurred_at == at(10, 30)
    assert session.helper == world.personas["volunteer"]


def test_an_elder_outside_the_loggers_scope_is_refused(world, scenarios):
    from huoban.people.services import elder_create

    stranger = elder_create(
        actor=world.personas["city_admin"], site=world.site_c, name="静安长者", consent=True
    )
    with pytest.raises(ValidationError) as caught:
        log(world, scenarios, elder=stranger)
    assert "不在您的服务范围内" in caught.value.message_dict["elder"][0]
    assert not HelpSession.objects.exists()


def test_a_time_with_seconds_is_kept_to_the_minute_so_an_unchanged_form_changes_nothing(
    world, scenarios
):
    session = log(world, scenarios, occurred_at=at(10) + dt.timedelta(seconds=42))
    assert session.occurred_at == at(10)
    with pytest.raises(ValidationError, match="没有需要更正的内容"):
        help_session_amend(
            actor=world.personas["site_manager"], session=session, reason="核对", occurred_at=at(10)
        )
