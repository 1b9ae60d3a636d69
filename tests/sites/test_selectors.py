"""Reading sites: who sees which site, and which desks are open now (in SQL and in Python)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from huoban.accounts import roles
from huoban.sites import services
from huoban.sites.hours import DeskHours
from huoban.sites.models import Site
from huoban.sites.selectors import open_at_q, organisations_for, site_rows, sites_for, with_hours
from tests.conftest import region, site_in

SH = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC
MON, TUE, SAT, SUN = (dt.date(2026, 11, d) for d in (23, 24, 28, 29))


def at(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute, second), SH)


def names(qs) -> set[str]:
    return {s.name for s in qs}


# --- scope -------------------------------------------------------------------------------

A, B, C = "曹杨新村为老服务中心", "长风长者照护之家", "石门二路老年活动室"


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("volunteer", {A}),
        ("site_manager", {A}),
        ("street_admin", {A}),
        ("district_admin", {A, B}),
        ("city_admin", {A, B, C}),
        ("outsider", set()),
        ("elder", set()),
        ("family", set()),
        ("reviewer", set()),
        ("vendor", set()),
    ],
)
def test_it_shows_each_persona_only_the_sites_in_their_scope(world, persona, visible):
    assert names(sites_for(world.personas[persona], roles.SITE_VIEW)) == visible


def test_it_shows_nothing_for_roles_the_user_does_not_hold_in_that_set(world):
    assert not sites_for(world.personas["volunteer"], roles.SITE_CREATE).exists()
    assert names(sites_for(world.personas["street_admin"], roles.SITE_CREATE)) == {A}


def test_a_street_scope_covers_sites_in_its_neighbourhoods(world):
    neighbourhood = region("310107005001", "杏梅居委会", "neighbourhood", world.caoyang)
    site_in(neighbourhood, world.org, "杏梅睦邻点", "31.241000", "121.411000")
    assert names(sites_for(world.personas["street_admin"], roles.SITE_VIEW)) == {A, "杏梅睦邻点"}
    assert names(sites_for(world.personas["volunteer"], roles.SITE_VIEW)) == {A}


def test_a_district_scope_does_not_leak_into_a_district_with_a_similar_code(world):
    similar = region("310107", "假区", "district", world.city)
    street = region("310107999", "假街道", "street", similar)
    site_in(street, world.org, "别处站点", "31.2", "121.4")
    assert "别处站点" not in names(sites_for(world.personas["district_admin"], roles.SITE_VIEW))


def test_it_shows_organisations_running_sites_in_scope(world):
    assert set(organisations_for(world.personas["district_admin"], roles.SITE_VIEW)) == {world.org}
    assert set(organisations_for(world.personas["vendor"], {"vendor"})) == {world.vendor_org}
    assert not organisations_for(world.personas["outsider"], roles.SITE_VIEW).exists()


# --- open now: SQL and Python agree ------------------------------------------------------


@pytest.fixture
def exceptions(world):
    """site_a closed on Monday; site_b open only 10–11 on Monday and 9–11 on Sunday."""
    admin = world.personas["city_admin"]
    services.desk_exception_add(
        actor=admin, site=world.site_a, date=MON, kind="closed", reason="站点装修"
    )
    services.desk_exception_add(
        actor=admin, site=world.site_b, date=MON, kind="open", start=dt.time(10), end=dt.time(11)
    )
    services.desk_exception_add(
        actor=admin,
        site=world.site_b,
        date=SUN,
        kind="open",
        start=dt.time(9),
        end=dt.time(11),
        reason="周日加开",
    )
    return world


MOMENTS = [
    (at(MON, 8, 59, 59), set()),
    (at(MON, 9), {C}),
    (at(MON, 10), {B, C}),
    (at(MON, 10, 59, 59), {B, C}),
    (at(MON, 11), {C}),
    (at(MON, 11, 59, 59), {C}),
    (at(MON, 12), set()),
    (at(MON, 13), {C}),
    (at(MON, 16, 59, 59), {C}),
    (at(MON, 17), set()),
    (at(MON, 23, 59, 59), set()),
    (dt.datetime(2026, 11, 23, 15, 59, 59, tzinfo=UTC), set()),  # Monday 23:59:59 in Shanghai
    (dt.datetime(2026, 11, 23, 16, 0, tzinfo=UTC), set()),  # Tuesday 0:00 in Shanghai
    (at(TUE, 0), set()),
    (dt.datetime(2026, 11, 24, 1, 0, tzinfo=UTC), {A, B, C}),  # Tuesday 9:00 in Shanghai
    (at(TUE, 12), set()),
    (at(SAT, 10), set()),
    (at(SUN, 8, 59, 59), set()),
    (at(SUN, 9), {B}),
    (at(SUN, 10, 59, 59), {B}),
    (at(SUN, 11), set()),
]


@pytest.mark.parametrize(("now", "open_sites"), MOMENTS, ids=[m.isoformat() for m, _o in MOMENTS])
def test_the_database_and_the_desk_hours_agree_on_which_desks_are_open(exceptions, now, open_sites):
    in_sql = names(Site.objects.filter(open_at_q(now)))
    sites = with_hours(Site.objects.all(), timezone.localdate(now))
    in_python = {s.name for s in sites if DeskHours.for_site(s).state_at(now).is_open}
    assert in_sql == open_sites
    assert in_python == open_sites


def test_the_database_uses_shanghai_midnight_not_utc(world):
    # A night line on Tuesday 0:00–1:00 at site_c. Monday 16:30 UTC is Tuesday 0:30 in
    # Shanghai: only site_c is open, though every site's Monday hours cover 16:30.
    services.desk_hours_set(
        actor=world.personas["city_admin"],
        site=world.site_c,
        periods=[(0, dt.time(13), dt.time(17)), (1, dt.time(0), dt.time(1))],
    )
    now = dt.datetime(2026, 11, 23, 16, 30, tzinfo=UTC)
    assert names(Site.objects.filter(open_at_q(now))) == {C}
    site_c = with_hours(Site.objects.filter(pk=world.site_c.pk), TUE).get()
    assert DeskHours.for_site(site_c).state_at(now).closes_at == at(TUE, 1)


def test_it_lists_open_sites_now_with_closing_and_next_opening(
    exceptions, django_assert_num_queries
):
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 30, tzinfo=SH), tick=False):
        now = timezone.now()
        with django_assert_num_queries(3):
            rows = site_rows(Site.objects.all(), now)
        open_now = names(Site.objects.filter(open_at_q(now)))
    by_name = {r.site.name: r.state for r in rows}
    assert open_now == {B, C} == {n for n, s in by_name.items() if s.is_open}
    assert by_name[A].reason == "站点装修"
    assert by_name[A].next_open == at(TUE, 9)
    assert by_name[B].closes_at == at(MON, 11)
    assert by_name[C].closes_at == at(MON, 12)


def test_it_measures_walking_distance_from_the_visitor(world):
    rows = site_rows(
        Site.objects.filter(pk=world.site_a.pk),
        at(MON, 10),
        origin=(31.240000, 121.410000),
    )
    assert rows[0].walking_m == 0
