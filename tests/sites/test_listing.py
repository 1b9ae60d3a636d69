"""Listing sites fast and right: the region prefix, pages with their total, nearest first."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huoban.lib.geo import walking_m
from huoban.regions.selectors import regions_within
from huoban.sites.models import Site
from huoban.sites.selectors import (
    desk_hours,
    filter_sites,
    nearest_rows,
    nearest_site_ids,
    page_of_sites,
    sites_public,
)
from tests.conftest import region, site_in

MON = dt.date(2026, 11, 23)
NOW = dt.datetime.combine(MON, dt.time(10), dt.timezone(dt.timedelta(hours=8)))


def test_a_region_filter_takes_its_subtree_and_not_a_code_that_merely_starts_alike(world):
    longer = region("3101070", "代码更长的区", "district", world.city)
    street = region("3101070001", "某街道", "street", longer)
    site_in(street, world.org, "代码相近", "31.2", "121.4")
    names = {s.name for s in filter_sites(Site.objects.all(), region=world.putuo)}
    assert names == {world.site_a.name, world.site_b.name}
    assert {r.name for r in regions_within(world.putuo)} >= {"普陀区", "曹杨新村街道"}
    assert "代码更长的区" not in {r.name for r in regions_within(world.putuo)}


@pytest.fixture
def many(world):
    """45 sites in Caoyang, named in order so that pages are predictable."""
    for i in range(45):
        site_in(world.caoyang, world.org, f"站点{i:02d}", "31.24", "121.41")
    return filter_sites(sites_public(), region=world.caoyang)


def test_a_page_comes_with_the_total_of_all_pages(many):
    page = page_of_sites(many, 2, 20)
    assert page.paginator.count == 46  # the 45 and the world's own Caoyang site
    assert page.paginator.num_pages == 3
    assert page.number == 2 and len(page.object_list) == 20
    assert [s.name for s in page.object_list] == [s.name for s in many[20:40]]


def test_a_page_past_the_end_gives_the_last_page(many):
    page = page_of_sites(many, 99, 20)
    assert page.number == 3
    assert [s.name for s in page.object_list] == [s.name for s in many[40:]]


@pytest.mark.parametrize("number", [None, "", "abc", "0", "-3"])
def test_a_missing_or_bad_page_number_gives_the_first_page(many, number):
    page = page_of_sites(many, number, 20)
    assert page.number == 1 and page.paginator.count == 46


def test_an_empty_list_is_one_empty_page_counted_without_a_second_query(world):
    with CaptureQueriesContext(connection) as queries:
        page = page_of_sites(Site.objects.filter(name="没有这个站点"), 1, 20)
    assert page.paginator.count == 0 and list(page.object_list) == []
    assert len(queries) == 1


def test_desk_hours_are_read_for_many_sites_in_two_queries(world, django_assert_num_queries):
    ids = [world.site_a.pk, world.site_b.pk, world.site_c.pk]
    with django_assert_num_queries(2):
        hours = desk_hours(ids, MON)
    assert set(hours) == set(ids)
    assert hours[world.site_a.pk].state_at(NOW).is_open


@pytest.fixture
def scattered(world):
    """120 sites scattered over about 20 km, at known random places."""
    rng = random.Random(7)
    sites = [
        Site(
            organisation=world.org,
            region=world.caoyang,
            region_path=world.caoyang.path,
            name=f"散点{i}",
            venue_type="community_centre",
            address="某路1号",
            latitude=Decimal(f"{31.15 + rng.random() * 0.2:.6f}"),
            longitude=Decimal(f"{121.30 + rng.random() * 0.2:.6f}"),
        )
        for i in range(120)
    ]
    Site.objects.bulk_create(sites)
    return [(s.pk, float(s.latitude), float(s.longitude)) for s in Site.objects.all()]


@pytest.mark.parametrize("seed", range(8))
def test_nearest_matches_a_full_scan(scattered, seed):
    rng = random.Random(seed)
    lat, lng = 31.1 + rng.random() * 0.3, 121.25 + rng.random() * 0.3
    exact = sorted((walking_m(lat, lng, la, lo), pk) for pk, la, lo in scattered)
    found = nearest_site_ids(Site.objects.all(), lat, lng, 20)
    assert [m for _pk, m in found] == [m for m, _pk in exact[:20]]
    assert {pk for pk, _m in found} <= {pk for _m, pk in exact[:21]}


def test_nearest_rows_page_on_in_distance_order(scattered):
    first = nearest_rows(Site.objects.all(), (31.25, 121.40), NOW, limit=10)
    second = nearest_rows(Site.objects.all(), (31.25, 121.40), NOW, limit=10, offset=10)
    distances = [r.walking_m for r in first + second]
    assert distances == sorted(distances)
    assert not {r.site.pk for r in first} & {r.site.pk for r in second}


def test_nearest_stops_at_the_search_radius(scattered):
    assert nearest_site_ids(Site.objects.all(), 39.9, 116.4, 5, max_radius_m=50_000) == []
