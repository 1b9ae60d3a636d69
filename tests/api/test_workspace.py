"""Workspace endpoints: listing sites in scope, reading one, setting hours, the caller."""

from __future__ import annotations

import pytest
import time_machine

from huoban.audit.models import AuditEvent
from huoban.sites.models import SiteStatus
from tests.api.conftest import MONDAY_10AM

SITES = "/api/v1/workspace/sites"


def hours_of(site) -> list[tuple[int, str, str]]:
    return [
        (p.weekday, f"{p.start:%H:%M}", f"{p.end:%H:%M}")
        for p in site.desk_periods.order_by("weekday", "start")
    ]


def hours_url(site) -> str:
    return f"{SITES}/{site.public_id}/hours"


WORLD_HOURS = [(d, s, e) for d in range(5) for s, e in (("09:00", "12:00"), ("13:00", "17:00"))]

# --- List -------------------------------------------------------------------------------------


def test_it_lists_the_sites_of_the_district_whatever_their_status(world, client_with_token):
    world.site_b.status = SiteStatus.SUSPENDED
    world.site_b.save()

    response = client_with_token("district_admin").get(SITES)

    body = response.json()
    assert body["count"] == 2
    assert [(i["name"], i["status"], i["status_label"]) for i in body["items"]] == [
        ("曹杨新村为老服务中心", "active", "运营中"),
        ("长风长者照护之家", "suspended", "暂停服务"),
    ]
    assert body["items"][0]["organisation"]["name"] == "普陀区为老服务中心"
    assert body["items"][0]["region"] == {"code": "310107005", "name": "曹杨新村街道"}


def test_it_filters_the_list_by_status_and_text(world, client_with_token):
    world.site_b.status = SiteStatus.SUSPENDED
    world.site_b.save()
    client = client_with_token("city_admin")

    suspended = client.get(SITES, {"status": "suspended"}).json()
    by_name = client.get(SITES, {"q": "活动室"}).json()
    by_address = client.get(SITES, {"q": "曹杨新村街道1号"}).json()

    assert [i["name"] for i in suspended["items"]] == ["长风长者照护之家"]
    assert [i["name"] for i in by_name["items"]] == ["石门二路老年活动室"]
    assert [i["name"] for i in by_address["items"]] == ["曹杨新村为老服务中心"]


def test_it_refuses_an_unknown_status_in_chinese(world, client_with_token):
    response = client_with_token("city_admin").get(SITES, {"status": "deleted"})

    assert response.status_code == 422
    assert response.json()["detail"] == (
        "“状态 status”应是以下之一：draft、active、suspended、closed，收到的是“deleted”。"
    )


def test_it_pages_the_list(world, client_with_token):
    client = client_with_token("city_admin")

    page = client.get(SITES, {"limit": 1, "offset": 1}).json()

    assert page["count"] == 3
    assert [i["name"] for i in page["items"]] == ["曹杨新村为老服务中心"]


def test_it_lists_in_a_fixed_number_of_queries(
    world, client_with_token, django_assert_max_num_queries
):
    client = client_with_token("city_admin")
    # token + last-used update + memberships + count + page
    with django_assert_max_num_queries(5):
        response = client.get(SITES)

    assert response.json()["count"] == 3


# --- Detail -----------------------------------------------------------------------------------


def test_it_shows_a_site_with_its_weekly_hours(world, client_with_token):
    world.site_a.status = SiteStatus.DRAFT
    world.site_a.save()
    with time_machine.travel(MONDAY_10AM, tick=False):
        response = client_with_token("site_manager").get(f"{SITES}/{world.site_a.public_id}")

    body = response.json()
    assert response.status_code == 200
    assert (body["status"], body["status_label"]) == ("draft", "筹备中")
    assert body["services"] == ["help_desk"]
    assert body["hours"][:2] == [
        {"weekday": 0, "weekday_label": "周一", "start": "09:00", "end": "12:00"},
        {"weekday": 0, "weekday_label": "周一", "start": "13:00", "end": "17:00"},
    ]
    assert len(body["hours"]) == 10
    assert body["open_now"] is True
    assert body["closes_at"] == "2026-11-23T12:00:00+08:00"


# --- Hours ------------------------------------------------------------------------------------


def test_it_sets_the_weekly_hours(world, client_with_token):
    periods = [
        {"weekday": 2, "start": "13:30", "end": "16:00"},
        {"weekday": 0, "start": "08:30", "end": "11:30"},
    ]

    response = client_with_token("site_manager").put(
        hours_url(world.site_a), periods, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json() == [
        {"weekday": 0, "weekday_label": "周一", "start": "08:30", "end": "11:30"},
        {"weekday": 2, "weekday_label": "周三", "start": "13:30", "end": "16:00"},
    ]
    assert hours_of(world.site_a) == [(0, "08:30", "11:30"), (2, "13:30", "16:00")]
    event = AuditEvent.objects.get(action="site.hours")
    assert event.actor == world.personas["site_manager"]


def test_it_clears_the_hours_with_an_empty_list(world, client_with_token):
    response = client_with_token("street_admin").put(
        hours_url(world.site_a), [], content_type="application/json"
    )

    assert response.json() == []
    assert hours_of(world.site_a) == []


def test_it_refuses_overlapping_periods_and_keeps_the_old_hours(world, client_with_token):
    periods = [
        {"weekday": 0, "start": "09:00", "end": "12:00"},
        {"weekday": 0, "start": "11:00", "end": "14:00"},
        {"weekday": 3, "start": "15:00", "end": "10:00"},
    ]

    response = client_with_token("site_manager").put(
        hours_url(world.site_a), periods, content_type="application/json"
    )

    assert response.status_code == 422
    body = response.json()
    assert body["errors"] == [
        "周四 下午3:00–上午10:00：结束时间必须晚于开始时间。",
        "周一 的时段 上午9:00–中午12:00 与 上午11:00–下午2:00 重叠。",
    ]
    assert body["detail"].startswith("咨询时段没有保存：")
    assert hours_of(world.site_a) == WORLD_HOURS
    assert not AuditEvent.objects.filter(action="site.hours").exists()


@pytest.mark.parametrize(
    ("periods", "message"),
    [
        ([{"weekday": 7, "start": "09:00", "end": "12:00"}], "“第 1 项的星期 weekday”不能大于 6"),
        (
            [{"weekday": 1, "start": "9点", "end": "12:00"}],
            "时间应写成“时:分”（24 小时制），例如 09:00、17:30；收到的是“9点”。",
        ),
        (
            [{"weekday": 1, "start": "09:00", "end": "24:00"}],
            "时间应写成“时:分”（24 小时制），例如 09:00、17:30；收到的是“24:00”。",
        ),
        ([{"weekday": 1, "start": "09:00"}], "缺少“第 1 项的结束时间 end”。"),
        ({"weekday": 1, "start": "09:00", "end": "12:00"}, "应是一个列表"),
    ],
)
def test_it_explains_a_malformed_period_in_chinese(world, client_with_token, periods, message):
    response = client_with_token("site_manager").put(
        hours_url(world.site_a), periods, content_type="application/json"
    )

    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert hours_of(world.site_a) == WORLD_HOURS


def test_it_refuses_a_body_that_is_not_json(world, client_with_token):
    response = client_with_token("site_manager").put(
        hours_url(world.site_a), "周一 9点到12点", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "请求内容不是有效的 JSON。"}
    assert hours_of(world.site_a) == WORLD_HOURS


# --- Me ---------------------------------------------------------------------------------------


def test_it_tells_the_caller_who_they_are_and_what_they_hold(world, client_with_token):
    response = client_with_token("street_admin").get("/api/v1/workspace/me")

    assert response.json() == {
        "public_id": str(world.personas["street_admin"].public_id),
        "name": "street_admin",
        "mobile": "139****0104",
        "roles": [
            {
                "role": "street_admin",
                "role_label": "街镇管理员",
                "scope": {
                    "kind": "region",
                    "kind_label": "区划",
                    "label": "曹杨新村街道",
                    "id": "310107005",
                },
            }
        ],
    }


def test_it_names_the_site_of_a_site_role(world, client_with_token):
    roles = client_with_token("volunteer").get("/api/v1/workspace/me").json()["roles"]

    assert roles == [
        {
            "role": "volunteer",
            "role_label": "志愿者/工作人员",
            "scope": {
                "kind": "site",
                "kind_label": "站点",
                "label": "曹杨新村为老服务中心",
                "id": str(world.site_a.public_id),
            },
        }
    ]


def test_it_shows_no_roles_for_an_outsider(world, client_with_token):
    body = client_with_token("outsider").get("/api/v1/workspace/me").json()

    assert body["roles"] == []
    assert body["mobile"] == "139****0109"
