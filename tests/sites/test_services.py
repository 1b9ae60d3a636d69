"""Changing organisations, sites, desk hours and exceptions: bad input is refused with a
specific Chinese message and saves nothing; every change is audited with its actor."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from huoban.audit.models import AuditEvent
from huoban.lib.ids import USCC_CHARSET
from huoban.sites import services
from huoban.sites.models import DeskException, DeskPeriod, Organisation, Service, Site
from tests.conftest import make_uscc

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 23)


def t(hour: int, minute: int = 0) -> dt.time:
    return dt.time(hour, minute)


def hours_of(site: Site) -> list[tuple[int, dt.time, dt.time]]:
    return list(
        DeskPeriod.objects.filter(site=site)
        .order_by("weekday", "start")
        .values_list("weekday", "start", "end")
    )


def messages(exc: pytest.ExceptionInfo[ValidationError], field: str | None = None) -> str:
    err = exc.value
    if field is None:
        return " ".join(err.messages)
    return " ".join(err.message_dict[field])


def only_event(action: str) -> AuditEvent:
    events = list(AuditEvent.objects.filter(action=action))
    assert len(events) == 1, events
    return events[0]


# --- desk hours --------------------------------------------------------------------------


def test_it_replaces_the_weekly_hours_and_audits_the_change(world):
    manager = world.personas["site_manager"]
    new = [(5, t(9), t(11, 30)), (0, t(8), t(10))]
    services.desk_hours_set(actor=manager, site=world.site_a, periods=new)
    assert hours_of(world.site_a) == [(0, t(8), t(10)), (5, t(9), t(11, 30))]
    event = only_event("site.hours")
    assert event.actor == manager
    assert event.object_id == str(world.site_a.pk)
    before, after = event.changes["hours"]
    assert len(before) == 10
    assert after == ["周一 08:00-10:00", "周六 09:00-11:30"]


def test_it_refuses_a_period_that_ends_before_it_starts(world):
    before = hours_of(world.site_a)
    with pytest.raises(ValidationError) as exc:
        services.desk_hours_set(
            actor=world.personas["site_manager"],
            site=world.site_a,
            periods=[(0, t(9), t(12)), (0, t(17), t(13))],
        )
    assert messages(exc) == "周一 下午5:00–下午1:00：结束时间必须晚于开始时间。"
    assert hours_of(world.site_a) == before
    assert not AuditEvent.objects.filter(action="site.hours").exists()


def test_it_refuses_a_period_that_ends_when_it_starts(world):
    with pytest.raises(ValidationError) as exc:
        services.desk_hours_set(
            actor=world.personas["site_manager"], site=world.site_a, periods=[(2, t(9), t(9))]
        )
    assert "结束时间必须晚于开始时间" in messages(exc)
    assert "周三" in messages(exc)


def test_it_refuses_overlapping_periods_on_one_day(world):
    before = hours_of(world.site_a)
    with pytest.raises(ValidationError) as exc:
        services.desk_hours_set(
            actor=world.personas["site_manager"],
            site=world.site_a,
            periods=[(1, t(9), t(12)), (1, t(11), t(14)), (2, t(11), t(14))],
        )
    assert messages(exc) == "周二 的时段 上午9:00–中午12:00 与 上午11:00–下午2:00 重叠。"
    assert hours_of(world.site_a) == before
    assert not AuditEvent.objects.filter(action="site.hours").exists()


def test_it_names_every_clash_with_a_long_period(world):
    with pytest.raises(ValidationError) as exc:
        services.desk_hours_set(
            actor=world.personas["site_manager"],
            site=world.site_a,
            periods=[(0, t(9), t(17)), (0, t(10), t(11)), (0, t(14), t(15))],
        )
    text = messages(exc)
    assert "上午10:00–上午11:00" in text
    assert "下午2:00–下午3:00" in text


@pytest.mark.parametrize("weekday", [7, -1])
def test_it_refuses_a_weekday_outside_monday_to_sunday(world, weekday):
    before = hours_of(world.site_a)
    with pytest.raises(ValidationError) as exc:
        services.desk_hours_set(
            actor=world.personas["site_manager"],
            site=world.site_a,
            periods=[(weekday, t(9), t(10))],
        )
    assert "星期" in messages(exc)
    assert hours_of(world.site_a) == before
    assert not AuditEvent.objects.filter(action="site.hours").exists()


def test_it_accepts_periods_that_touch(world):
    services.desk_hours_set(
        actor=world.personas["site_manager"],
        site=world.site_a,
        periods=[(0, t(9), t(12)), (0, t(12), t(17))],
    )
    assert hours_of(world.site_a) == [(0, t(9), t(12)), (0, t(12), t(17))]


def test_it_writes_no_audit_when_the_hours_do_not_change(world):
    same = hours_of(world.site_a)
    services.desk_hours_set(actor=world.personas["site_manager"], site=world.site_a, periods=same)
    assert hours_of(world.site_a) == same
    assert not AuditEvent.objects.filter(action="site.hours").exists()


# --- desk exceptions ---------------------------------------------------------------------


def test_it_closes_a_day_and_audits_it(world):
    manager = world.personas["site_manager"]
    exc = services.desk_exception_add(
        actor=manager, site=world.site_a, date=MONDAY, kind="closed", reason=" 站点装修 "
    )
    assert exc.reason == "站点装修"
    assert DeskException.objects.get(site=world.site_a).date == MONDAY
    event = only_event("site.exception.add")
    assert event.actor == manager
    assert event.changes["reason"] == "站点装修"


def test_it_adds_two_special_periods_that_do_not_overlap(world):
    manager = world.personas["site_manager"]
    for start, end in ((9, 11), (14, 16)):
        services.desk_exception_add(
            actor=manager, site=world.site_a, date=MONDAY, kind="open", start=t(start), end=t(end)
        )
    assert DeskException.objects.filter(site=world.site_a, date=MONDAY).count() == 2
    assert AuditEvent.objects.filter(action="site.exception.add", actor=manager).count() == 2


def test_it_refuses_a_special_period_that_overlaps_another(world):
    manager = world.personas["site_manager"]
    services.desk_exception_add(
        actor=manager, site=world.site_a, date=MONDAY, kind="open", start=t(9), end=t(11)
    )
    with pytest.raises(ValidationError) as exc:
        services.desk_exception_add(
            actor=manager, site=world.site_a, date=MONDAY, kind="open", start=t(10), end=t(12)
        )
    assert messages(exc, "start") == "与这一天已有的特别时段 上午9:00–上午11:00 重叠。"
    assert DeskException.objects.filter(site=world.site_a).count() == 1
    assert AuditEvent.objects.filter(action="site.exception.add").count() == 1


def test_it_refuses_a_special_period_on_a_closed_day(world):
    manager = world.personas["site_manager"]
    services.desk_exception_add(actor=manager, site=world.site_a, date=MONDAY, kind="closed")
    with pytest.raises(ValidationError) as exc:
        services.desk_exception_add(
            actor=manager, site=world.site_a, date=MONDAY, kind="open", start=t(9), end=t(11)
        )
    assert messages(exc, "date") == "这一天已设为全天不开放。"
    assert list(DeskException.objects.values_list("kind", flat=True)) == ["closed"]


def test_it_refuses_closing_a_day_that_has_a_special_period(world):
    manager = world.personas["site_manager"]
    services.desk_exception_add(
        actor=manager, site=world.site_a, date=MONDAY, kind="open", start=t(9), end=t(11)
    )
    with pytest.raises(ValidationError) as exc:
        services.desk_exception_add(actor=manager, site=world.site_a, date=MONDAY, kind="closed")
    assert "已有例外安排" in messages(exc, "date")
    assert list(DeskException.objects.values_list("kind", flat=True)) == ["open"]


def test_it_refuses_a_special_period_ending_before_it_starts(world):
    with pytest.raises(ValidationError) as exc:
        services.desk_exception_add(
            actor=world.personas["site_manager"],
            site=world.site_a,
            date=MONDAY,
            kind="open",
            start=t(11),
            end=t(9),
        )
    assert messages(exc, "end") == "结束时间必须晚于开始时间。"
    assert not DeskException.objects.exists()


def test_it_refuses_a_special_period_without_times(world):
    with pytest.raises(ValidationError) as exc:
        services.desk_exception_add(
            actor=world.personas["site_manager"], site=world.site_a, date=MONDAY, kind="open"
        )
    assert messages(exc, "start") == "请填写开始时间。"
    assert messages(exc, "end") == "请填写结束时间。"
    assert not DeskException.objects.exists()


def test_it_refuses_times_on_a_closed_day(world):
    with pytest.raises(ValidationError) as exc:
        services.desk_exception_add(
            actor=world.personas["site_manager"],
            site=world.site_a,
            date=MONDAY,
            kind="closed",
            start=t(9),
            end=t(11),
        )
    assert "不需要填写时间" in messages(exc, "start")
    assert not DeskException.objects.exists()


def test_the_same_day_at_another_site_is_independent(world):
    manager = world.personas["city_admin"]
    services.desk_exception_add(actor=manager, site=world.site_a, date=MONDAY, kind="closed")
    services.desk_exception_add(
        actor=manager, site=world.site_b, date=MONDAY, kind="open", start=t(9), end=t(10)
    )
    assert DeskException.objects.count() == 2


def test_it_removes_an_exception_and_audits_it(world):
    manager = world.personas["site_manager"]
    exc = services.desk_exception_add(
        actor=manager, site=world.site_a, date=MONDAY, kind="closed", reason="停电"
    )
    services.desk_exception_remove(actor=manager, exception=exc)
    assert not DeskException.objects.exists()
    event = only_event("site.exception.remove")
    assert event.actor == manager
    assert event.changes["reason"] == "停电"


# --- sites -------------------------------------------------------------------------------


def site_fields(world, **overrides):
    fields = {
        "organisation": world.org,
        "region": world.caoyang,
        "name": "杏山路睦邻点",
        "venue_type": "activity_room",
        "address": "杏山路 100 号",
        "latitude": Decimal("31.245000"),
        "longitude": Decimal("121.405000"),
    }
    return {**fields, **overrides}


def test_it_creates_a_site_in_a_street_and_audits_it(world):
    admin = world.personas["street_admin"]
    help_desk = Service.objects.get(code="help_desk")
    site = services.site_create(actor=admin, services=[help_desk], **site_fields(world))
    site.refresh_from_db()
    assert site.region_path == "310000000/310107000/310107005/"
    assert list(site.services.values_list("code", flat=True)) == ["help_desk"]
    event = only_event("site.create")
    assert event.actor == admin
    assert event.object_id == str(site.pk)
    assert event.changes["name"] == "杏山路睦邻点"
    assert event.changes["services"] == ["help_desk"]


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"latitude": Decimal("91")}, "latitude", "纬度应在 -90 到 90 之间，您填的是 91。"),
        ({"latitude": Decimal("-90.5")}, "latitude", "纬度应在 -90 到 90 之间"),
        ({"longitude": Decimal("181")}, "longitude", "经度应在 -180 到 180 之间，您填的是 181。"),
        ({"longitude": Decimal("-180.000001")}, "longitude", "经度应在 -180 到 180 之间"),
        (
            {"latitude": Decimal("121.4"), "longitude": Decimal("31.2")},
            "latitude",
            "纬度应在 -90 到 90 之间",
        ),
        ({"latitude": Decimal("48.85"), "longitude": Decimal("2.35")}, "latitude", "不在中国境内"),
        ({"name": "  "}, "name", "请填写站点名称。"),
    ],
)
def test_it_refuses_a_new_site_with_bad_values(world, overrides, field, text):
    count = Site.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.site_create(
            actor=world.personas["street_admin"], **site_fields(world, **overrides)
        )
    assert text in messages(exc, field)
    assert Site.objects.count() == count
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(("level_region", "level_name"), [("putuo", "区"), ("city", "市")])
def test_it_refuses_a_site_directly_under_a_district_or_city(world, level_region, level_name):
    count = Site.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.site_create(
            actor=world.personas["city_admin"],
            **site_fields(world, region=getattr(world, level_region)),
        )
    assert messages(exc, "region") == (
        f"站点应属于一个街道/镇或居村，不能直接挂在{level_name}一级。"
    )
    assert Site.objects.count() == count


def test_it_updates_a_site_and_audits_what_changed(world):
    manager = world.personas["site_manager"]
    services.site_update(
        actor=manager,
        site=world.site_a,
        name="曹杨新村数字伙伴站",
        phone="021-62000000",
        classroom_capacity=30,
    )
    site = Site.objects.get(pk=world.site_a.pk)
    assert site.name == "曹杨新村数字伙伴站"
    assert site.classroom_capacity == 30
    event = only_event("site.update")
    assert event.actor == manager
    assert event.changes == {
        "name": ["曹杨新村为老服务中心", "曹杨新村数字伙伴站"],
        "classroom_capacity": [0, 30],
    }


def test_it_moves_a_site_to_another_street_with_its_scope_path(world):
    services.site_update(
        actor=world.personas["district_admin"], site=world.site_a, region=world.changfeng
    )
    assert Site.objects.get(pk=world.site_a.pk).region_path == world.changfeng.path


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"latitude": Decimal("91")}, "latitude", "纬度应在 -90 到 90 之间，您填的是 91。"),
        ({"longitude": Decimal("181")}, "longitude", "经度应在 -180 到 180 之间，您填的是 181。"),
        ({"region": "putuo"}, "region", "不能直接挂在区一级"),
    ],
)
def test_it_refuses_a_site_change_with_bad_values_and_keeps_the_site(world, overrides, field, text):
    if overrides.get("region"):
        overrides = {"region": getattr(world, overrides["region"])}
    with pytest.raises(ValidationError) as exc:
        services.site_update(
            actor=world.personas["city_admin"], site=world.site_a, name="新名字", **overrides
        )
    assert text in messages(exc, field)
    stored = Site.objects.get(pk=world.site_a.pk)
    assert stored.name == "曹杨新村为老服务中心"
    assert (stored.latitude, stored.longitude) == (Decimal("31.240000"), Decimal("121.410000"))
    assert stored.region == world.caoyang
    assert not AuditEvent.objects.exists()


def test_it_writes_no_audit_when_nothing_changes(world):
    services.site_update(
        actor=world.personas["site_manager"],
        site=world.site_a,
        name=world.site_a.name,
        services=list(world.site_a.services.all()),
    )
    assert not AuditEvent.objects.exists()


def test_it_replaces_the_services_of_a_site_and_audits_them(world):
    classes = Service.objects.exclude(code="help_desk").first()
    services.site_update(
        actor=world.personas["site_manager"], site=world.site_a, services=[classes]
    )
    assert list(world.site_a.services.all()) == [classes]
    event = only_event("site.update")
    assert event.changes["services"] == [["help_desk"], [classes.code]]


# --- organisations -----------------------------------------------------------------------

GOOD_USCC = make_uscc("91310107MA1G00002")


def wrong_check(code: str) -> str:
    other = next(c for c in USCC_CHARSET if c != code[-1])
    return code[:-1] + other


def test_it_registers_an_organisation_and_audits_it(world):
    admin = world.personas["city_admin"]
    org = services.organisation_create(actor=admin, name=" 长寿路社区服务社 ", uscc=f" {GOOD_USCC}")
    assert org.name == "长寿路社区服务社"
    assert Organisation.objects.get(pk=org.pk).uscc == GOOD_USCC
    event = only_event("organisation.create")
    assert event.actor == admin
    assert event.changes["uscc"] == GOOD_USCC


@pytest.mark.parametrize(
    ("uscc", "text"),
    [
        (wrong_check(GOOD_USCC), "校验位（第18位）与前17位不符"),
        (GOOD_USCC[:-1], "应为18位，您输入了17位"),
        (GOOD_USCC + "1", "应为18位，您输入了19位"),
        (GOOD_USCC.lower(), "字母必须大写"),
        (GOOD_USCC[:9] + "I" + GOOD_USCC[10:], "第10位的“I”可能应为数字 1"),
        (GOOD_USCC[:9] + "O" + GOOD_USCC[10:], "第10位的“O”可能应为数字 0"),
        (GOOD_USCC[:9] + "Z" + GOOD_USCC[10:], "第10位的“Z”可能应为数字 2"),
        (GOOD_USCC[:9] + "S" + GOOD_USCC[10:], "第10位的“S”可能应为数字 5"),
        (GOOD_USCC[:9] + "V" + GOOD_USCC[10:], "第10位的“V”可能应为字母 U 或 Y"),
        ("", "请输入统一社会信用代码。"),
    ],
)
def test_it_refuses_a_bad_credit_code_and_saves_nothing(world, uscc, text):
    count = Organisation.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.organisation_create(actor=world.personas["city_admin"], name="某服务社", uscc=uscc)
    assert text in messages(exc, "uscc")
    assert Organisation.objects.count() == count
    assert not AuditEvent.objects.exists()


def test_it_refuses_a_credit_code_already_registered(world):
    count = Organisation.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.organisation_create(
            actor=world.personas["city_admin"], name="另一个单位", uscc=world.org.uscc
        )
    assert messages(exc, "uscc") == (
        f"统一社会信用代码 {world.org.uscc} 已登记为“普陀区为老服务中心”。"
    )
    assert Organisation.objects.count() == count


def test_it_refuses_an_organisation_without_a_name(world):
    with pytest.raises(ValidationError) as exc:
        services.organisation_create(actor=world.personas["city_admin"], name=" ", uscc=GOOD_USCC)
    assert messages(exc, "name") == "请填写单位名称。"
    assert not Organisation.objects.filter(uscc=GOOD_USCC).exists()


def test_it_changes_an_organisation_and_audits_it(world):
    admin = world.personas["city_admin"]
    services.organisation_update(
        actor=admin, organisation=world.org, uscc=GOOD_USCC, contact_name="王老师"
    )
    org = Organisation.objects.get(pk=world.org.pk)
    assert (org.uscc, org.contact_name) == (GOOD_USCC, "王老师")
    event = only_event("organisation.update")
    assert event.actor == admin
    assert event.changes["contact_name"] == ["", "王老师"]


def test_it_refuses_to_give_an_organisation_anothers_credit_code(world):
    with pytest.raises(ValidationError) as exc:
        services.organisation_update(
            actor=world.personas["city_admin"], organisation=world.org, uscc=world.vendor_org.uscc
        )
    assert "已登记为“银发科技有限公司”" in messages(exc, "uscc")
    assert Organisation.objects.get(pk=world.org.pk).uscc != world.vendor_org.uscc


def test_it_refuses_a_bad_credit_code_on_change(world):
    old = world.org.uscc
    with pytest.raises(ValidationError) as exc:
        services.organisation_update(
            actor=world.personas["city_admin"], organisation=world.org, uscc=wrong_check(old)
        )
    assert "校验位" in messages(exc, "uscc")
    assert Organisation.objects.get(pk=world.org.pk).uscc == old
    assert not AuditEvent.objects.exists()
