"""Public endpoints: regions and sites, as an integrator or a map app would call them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from huoban.lib.geo import walking_m
from huoban.sites.models import Service, SiteStatus
from huoban.sites.services import desk_exception_add
from tests.api.conftest import MONDAY_10AM, SHANGHAI
from tests.conftest import site_in

SITES = "/api/v1/sites"


def names(response) -> list[str]:
    return [item["name"] for item in response.json()["items"]]


# --- Regions ----------------------------------------------------------------------------------


def test_it_lists_the_streets_of_a_district(world, api_client):
    response = api_client.get("/api/v1/regions", {"level": "street", "parent": "310107000"})

    assert response.status_code == 200
    assert response.json() == [
        {
            "code": "310107005",
            "name": "曹杨新村街道",
            "level": "street",
            "parent_code": "310107000",
        },
        {
            "code": "310107014",
            "name": "长风新村街道",
            "level": "street",
            "parent_code": "310107000",
        },
    ]


def test_it_lists_the_whole_tree_in_path_order(world, api_client):
    codes = [r["code"] for r in api_client.get("/api/v1/regions").json()]

    assert codes == ["310000000", "310106000", "310106011", "310107000", "310107005", "310107014"]


def test_it_shows_one_region(world, api_client):
    response = api_client.get("/api/v1/regions/310106000")

    assert response.json() == {
        "code": "310106000",
        "name": "静安区",
        "level": "district",
        "parent_code": "310000000",
    }


def test_it_says_which_region_code_is_unknown(world, api_client):
    response = api_client.get("/api/v1/regions/310199000")

    assert response.status_code == 404
    assert "310199000" in response.json()["detail"]


def test_it_refuses_an_unknown_region_level_in_chinese(world, api_client):
    response = api_client.get("/api/v1/regions", {"level": "province"})

    assert response.status_code == 422
    assert "层级" in response.json()["detail"]
    assert "street" in response.json()["detail"]


# --- Site list: filters -----------------------------------------------------------------------


def test_it_lists_every_active_site_with_its_public_facts(world, api_client):
    response = api_client.get(SITES)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    first = body["items"][0]
    assert first["public_id"] == str(world.site_c.public_id)  # 静安 310106… sorts first
    assert first["name"] == "石门二路老年活动室"
    assert first["venue_type"] == "community_centre"
    assert first["venue_type_label"] == "社区综合为老服务中心"
    assert (first["level"], first["certified"]) == (1, False)
    assert first["region"] == {"code": "310106011", "name": "石门二路街道"}
    assert first["services"] == ["help_desk"]
    assert (first["latitude"], first["longitude"]) == (31.232, 121.46)
    assert first["phone"] == "021-62000000"
    assert first["walking_m"] is None


def test_it_filters_by_district(world, api_client):
    response = api_client.get(SITES, {"district": "310107000"})

    assert response.json()["count"] == 2
    assert names(response) == ["曹杨新村为老服务中心", "长风长者照护之家"]


def test_it_filters_by_street(world, api_client):
    response = api_client.get(SITES, {"street": "310107014"})

    assert names(response) == ["长风长者照护之家"]


def test_it_filters_by_district_and_street_together(world, api_client):
    inside = api_client.get(SITES, {"district": "310107000", "street": "310107005"})
    elsewhere = api_client.get(SITES, {"district": "310106000", "street": "310107005"})

    assert names(inside) == ["曹杨新村为老服务中心"]
    assert elsewhere.json() == {"count": 0, "items": []}


def test_it_filters_by_service(world, api_client):
    world.site_b.services.add(Service.objects.get(code="medical"))

    response = api_client.get(SITES, {"service": "medical"})

    assert names(response) == ["长风长者照护之家"]
    # in catalogue order (Service.Meta.ordering: kind, sort)
    assert response.json()["items"][0]["services"] == ["medical", "help_desk"]


@pytest.mark.parametrize(
    ("params", "word"),
    [
        ({"district": "310199000"}, "区"),
        ({"district": "310107005"}, "区"),  # a street's code is not a district
        ({"street": "310107999"}, "街镇"),
    ],
)
def test_it_answers_404_for_an_unknown_region_filter(world, api_client, params, word):
    response = api_client.get(SITES, params)

    assert response.status_code == 404
    code = next(iter(params.values()))
    assert response.json()["detail"] == f"没有区划代码为“{code}”的{word}。"


def test_it_answers_404_for_an_unknown_service(world, api_client):
    response = api_client.get(SITES, {"service": "karaoke"})

    assert response.status_code == 404
    assert "karaoke" in response.json()["detail"]


def test_it_shows_only_sites_in_service(world, api_client):
    world.site_c.status = SiteStatus.SUSPENDED
    world.site_c.save()

    listed = api_client.get(SITES)
    detail = api_client.get(f"{SITES}/{world.site_c.public_id}")

    assert listed.json()["count"] == 2
    assert "石门二路老年活动室" not in names(listed)
    assert detail.status_code == 404
    assert "没有找到这个站点" in detail.json()["detail"]


def test_it_pages_with_limit_and_offset(world, api_client):
    first = api_client.get(SITES, {"limit": 2})
    rest = api_client.get(SITES, {"limit": 2, "offset": 2})

    assert first.json()["count"] == rest.json()["count"] == 3
    assert len(first.json()["items"]) == 2
    assert names(rest) == ["长风长者照护之家"]


@pytest.mark.parametrize(
    ("params", "word"),
    [({"limit": 101}, "每页条数"), ({"limit": 0}, "每页条数"), ({"offset": -1}, "起始位置")],
)
def test_it_refuses_a_page_out_of_bounds(world, api_client, params, word):
    response = api_client.get(SITES, params)

    assert response.status_code == 422
    assert word in response.json()["detail"]


# --- Opening hours ----------------------------------------------------------------------------


def test_it_shows_which_sites_are_open_on_a_monday_morning(world, api_client):
    with time_machine.travel(MONDAY_10AM, tick=False):
        response = api_client.get(SITES, {"open_now": "true"})

    assert response.json()["count"] == 3
    item = response.json()["items"][0]
    assert item["open_now"] is True
    assert item["closes_at"] == "2026-11-23T12:00:00+08:00"
    assert item["next_open"] is None


def test_it_shows_no_site_open_over_lunch_and_when_they_reopen(world, api_client):
    lunch = dt.datetime(2026, 11, 23, 12, 30, tzinfo=SHANGHAI)
    with time_machine.travel(lunch, tick=False):
        open_now = api_client.get(SITES, {"open_now": "true"})
        closed_now = api_client.get(SITES, {"open_now": "false"})

    assert open_now.json() == {"count": 0, "items": []}
    assert closed_now.json()["count"] == 3
    item = closed_now.json()["items"][0]
    assert item["open_now"] is False
    assert item["closes_at"] is None
    assert item["next_open"] == "2026-11-23T13:00:00+08:00"


def test_it_points_to_monday_on_a_saturday(world, api_client):
    saturday = dt.datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI)
    with time_machine.travel(saturday, tick=False):
        response = api_client.get(SITES)

    assert {i["next_open"] for i in response.json()["items"]} == {"2026-11-30T09:00:00+08:00"}


def test_it_counts_a_closure_day_as_not_open(world, api_client):
    desk_exception_add(
        actor=None, site=world.site_a, date=dt.date(2026, 11, 23), kind="closed", reason="设备检修"
    )
    with time_machine.travel(MONDAY_10AM, tick=False):
        response = api_client.get(SITES, {"open_now": "true"})
        detail = api_client.get(f"{SITES}/{world.site_a.public_id}")

    assert names(response) == ["石门二路老年活动室", "长风长者照护之家"]
    assert detail.json()["open_now"] is False
    assert detail.json()["next_open"] == "2026-11-24T09:00:00+08:00"
    assert detail.json()["week"][0]["periods"] == []
    assert detail.json()["week"][0]["note"] == "设备检修"


def test_it_shows_a_site_with_this_weeks_hours(world, api_client):
    world.site_a.description = "每周一至周五提供手机使用答疑。"
    world.site_a.save()
    wednesday = dt.datetime(2026, 11, 25, 15, 0, tzinfo=SHANGHAI)
    with time_machine.travel(wednesday, tick=False):
        response = api_client.get(f"{SITES}/{world.site_a.public_id}")

    body = response.json()
    assert response.status_code == 200
    assert body["name"] == "曹杨新村为老服务中心"
    assert body["description"] == "每周一至周五提供手机使用答疑。"
    assert body["open_now"] is True
    assert body["closes_at"] == "2026-11-25T17:00:00+08:00"
    assert [d["date"] for d in body["week"]] == [f"2026-11-{d}" for d in range(23, 30)]
    assert body["week"][0] == {
        "date": "2026-11-23",
        "weekday": 0,
        "weekday_label": "周一",
        "note": "",
        "periods": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}],
    }
    assert body["week"][5]["weekday_label"] == "周六"
    assert body["week"][5]["periods"] == []


def test_it_refuses_a_malformed_site_id(world, api_client):
    response = api_client.get(f"{SITES}/not-a-uuid")

    assert response.status_code == 422
    assert "UUID" in response.json()["detail"]


# --- Nearest ----------------------------------------------------------------------------------


def test_it_lists_the_nearest_first_with_walking_distance(world, api_client):
    lat, lng = 31.2325, 121.4595  # a few steps from 石门二路 (site_c)

    response = api_client.get(SITES, {"lat": lat, "lng": lng})

    items = response.json()["items"]
    assert [i["name"] for i in items] == [
        "石门二路老年活动室",
        "曹杨新村为老服务中心",
        "长风长者照护之家",
    ]
    expected = [
        walking_m(lat, lng, float(s.latitude), float(s.longitude))
        for s in (world.site_c, world.site_a, world.site_b)
    ]
    assert [i["walking_m"] for i in items] == expected
    assert items[0]["walking_m"] < 100
    assert items[1]["walking_m"] > 4000


def test_it_pages_through_nearest_sites(world, api_client):
    near_b = {"lat": 31.224, "lng": 121.397}

    second = api_client.get(SITES, {**near_b, "limit": 1, "offset": 1})
    beyond = api_client.get(SITES, {**near_b, "limit": 5, "offset": 3})

    assert second.json()["count"] == 3
    assert names(second) == ["曹杨新村为老服务中心"]
    assert beyond.json() == {"count": 3, "items": []}


def test_it_combines_nearest_with_filters(world, api_client):
    response = api_client.get(SITES, {"lat": 31.232, "lng": 121.46, "district": "310107000"})

    assert names(response) == ["曹杨新村为老服务中心", "长风长者照护之家"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"lat": 95, "lng": 121.4}, "“纬度 lat”不能大于 90，收到的是“95”。"),
        ({"lat": 31.2, "lng": -181}, "“经度 lng”不能小于 -180，收到的是“-181”。"),
        ({"lat": "北纬31度", "lng": 121.4}, "“纬度 lat”应是数字，收到的是“北纬31度”。"),
        ({"lat": 31.2}, "按距离排序需要同时提供纬度 lat 和经度 lng，现在只给了一个。"),
        ({"lng": 121.4}, "按距离排序需要同时提供纬度 lat 和经度 lng，现在只给了一个。"),
    ],
)
def test_it_explains_bad_coordinates_in_chinese(world, api_client, params, message):
    response = api_client.get(SITES, params)

    assert response.status_code == 422
    assert response.json() == {"detail": message, "errors": [message]}
    assert response["content-type"] == "application/json; charset=utf-8"


# --- Queries ----------------------------------------------------------------------------------


# (filters, most queries, sites listed with 3 sites in the world, with 20). The nearest
# search adds one query per widening of its search box (three here), never one per site.
QUERY_CASES = [
    ({}, 6, 3, 20),
    ({"district": "310107000", "open_now": "true"}, 6, 2, 19),
    ({"lat": 31.24, "lng": 121.41}, 8, 3, 20),
]


@pytest.mark.parametrize("extra_sites", [0, 17])
@pytest.mark.parametrize(("params", "most", "listed_of_3", "listed_of_20"), QUERY_CASES)
def test_it_lists_sites_in_a_fixed_number_of_queries(
    world,
    api_client,
    django_assert_max_num_queries,
    extra_sites,
    params,
    most,
    listed_of_3,
    listed_of_20,
):
    for i in range(extra_sites):
        site_in(world.caoyang, world.org, f"曹杨第{i + 1}站", f"31.{241000 + i * 100}", "121.41")
    with time_machine.travel(MONDAY_10AM, tick=False), django_assert_max_num_queries(most):
        response = api_client.get(SITES, params)

    assert len(response.json()["items"]) == (listed_of_20 if extra_sites else listed_of_3)


def test_a_site_reads_its_hours_once(world, api_client, django_assert_num_queries):
    """The site, its services, its weekly periods, its exceptions: four queries."""
    with django_assert_num_queries(4):
        response = api_client.get(f"/api/v1/sites/{world.site_a.public_id}")
    assert response.status_code == 200 and response.json()["week"]
