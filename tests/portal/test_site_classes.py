"""A site's public page: its classes, its street's other classes, who is on duty now."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse

from huoban.roster.services import shift_create
from tests.portal.conftest import SHANGHAI

# A Monday: the world's sites keep desk hours 9–12 and 13–17 on weekdays.
MONDAY_10AM = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)


def _page(client, site) -> str:
    return client.get(reverse("portal:site", args=[site.public_id])).content.decode()


def test_it_shows_the_sites_classes_and_the_streets_other_classes(client, world, make_class):
    from huoban.sites.models import Site

    neighbour = Site.objects.create(
        organisation=world.org,
        region=world.caoyang,
        region_path=world.caoyang.path,
        name="曹杨二村睦邻点",
        venue_type="activity_room",
        address="曹杨二村",
        latitude=world.site_a.latitude,
        longitude=world.site_a.longitude,
        classroom_capacity=20,
    )
    make_class("本站的课", days=15)
    make_class("邻居站的课", days=16, site=neighbour)
    make_class("别的街道的课", days=16, site=world.site_b)
    page = _page(client, world.site_a)
    assert "本站的课" in page
    assert "曹杨新村街道其他服务点的课堂" in page
    assert "邻居站的课" in page
    assert "别的街道的课" not in page
    assert reverse("portal:street_timetable", args=["310107005"]) in page


@time_machine.travel(MONDAY_10AM, tick=False)
def test_it_names_who_is_on_duty_now(client, world):
    shift_create(
        actor=world.personas["site_manager"],
        site=world.site_a,
        person=world.personas["volunteer"],
        start=MONDAY_10AM - dt.timedelta(hours=1),
        end=MONDAY_10AM + dt.timedelta(hours=2),
    )
    page = _page(client, world.site_a)
    assert "现在值班：volunteer" in page
    assert "现在没有人值班" not in page


@time_machine.travel(MONDAY_10AM, tick=False)
def test_it_says_nobody_is_on_duty_and_points_to_the_nearest_open_site(client, world):
    page = _page(client, world.site_a)
    assert "现在没有人值班" in page
    assert "附近现在开放的服务点" in page
    assert world.site_b.name in page


def test_it_shows_the_sites_rating_or_that_it_has_none(client, world):
    assert "还没有评价" in _page(client, world.site_a)
