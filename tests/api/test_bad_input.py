"""Bad input gets a 4xx that says what is wrong, in the API's error format, and changes
nothing: each case here was a 500 (or an undocumented answer) found by the contract test."""

from __future__ import annotations

import json

import pytest

from huoban.api.schemas import MAX_OFFSET
from huoban.records.models import HelpSession
from huoban.roster.models import Shift

pytestmark = pytest.mark.usefixtures("frozen")
TOO_FAR = 2**63  # past the 64-bit integers a database takes for OFFSET


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/sites",
        "/api/v1/classes",
        "/api/v1/workspace/sites",
        "/api/v1/workspace/help-sessions",
    ],
)
@pytest.mark.parametrize("offset", [MAX_OFFSET + 1, TOO_FAR, 10**20])
def test_it_refuses_an_offset_past_the_end_of_paging(world, client_with_token, url, offset):
    response = client_with_token("city_admin").get(url, {"offset": offset})

    assert response.status_code == 422
    assert response.json()["detail"] == (
        f"“起始位置 offset”不能大于 {MAX_OFFSET}，收到的是“{str(offset)[:40]}"
        + ("…" if len(str(offset)) > 40 else "")
        + "”。"
    )


def test_the_last_offset_still_pages(world, client_with_token):
    response = client_with_token("city_admin").get("/api/v1/sites", {"offset": MAX_OFFSET})

    assert response.status_code == 200
    assert response.json() == {"count": 3, "items": []}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/regions/%00",
        "/api/v1/regions?parent=%00",
        "/api/v1/sites?district=1%0001",
        "/api/v1/sites?service=%00",
        "/api/v1/classes?street=%00",
        "/api/v1/workspace/sites?q=%E6%9B%B9%00",
        "/api/v1/workspace/ledger/counts?region=%00",
        "/api/v1/workspace/progress?region=%00",
    ],
)
def test_it_refuses_a_nul_character_in_text(world, client_with_token, url):
    """PostgreSQL cannot compare text with a NUL in it: it was a 500 there."""
    response = client_with_token("city_admin").get(url)

    assert response.status_code == 422
    assert "不能含有空字符" in response.json()["detail"]


def test_a_help_record_with_unstorable_text_is_refused_and_not_saved(world, client_with_token):
    client = client_with_token("volunteer")
    site = str(world.site_a.public_id)
    for body in (
        {"site": site, "scenarios": ["medical"], "note": "电话\x00"},
        {"site": site, "scenarios": ["medical\x00"]},
        # A lone surrogate cannot be encoded for any database (nor for the reply).
        json.dumps({"site": site, "scenarios": ["medical"], "scenario_other": "?"}).replace(
            '"?"', '"\\ud800"'
        ),
    ):
        data = body if isinstance(body, str) else json.dumps(body)
        response = client.post(
            "/api/v1/workspace/help-sessions", data, content_type="application/json"
        )

        assert response.status_code == 422, response.content
        assert response.json()["detail"].startswith("“")
    assert not HelpSession.objects.exists()


def test_a_time_without_an_offset_is_local_time(world, client_with_token):
    """It was a 500 (naive and aware datetimes compared); shifts already took it this way."""
    response = client_with_token("volunteer").post(
        "/api/v1/workspace/help-sessions",
        {
            "site": str(world.site_a.public_id),
            "scenarios": ["chat"],
            "occurred_at": "2026-11-23T09:15",
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["occurred_at"] == "2026-11-23T01:15:00Z"  # 9:15 in Shanghai


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
def test_a_time_outside_the_programme_years_is_refused(world, client_with_token, moment):
    client = client_with_token("site_manager")
    person = str(world.personas["volunteer"].public_id)

    logged = client.post(
        "/api/v1/workspace/help-sessions",
        {"site": str(world.site_a.public_id), "scenarios": ["chat"], "occurred_at": moment},
        content_type="application/json",
    )
    planned = client.post(
        f"/api/v1/workspace/sites/{world.site_a.public_id}/shifts",
        {"person": person, "start": moment, "end": moment},
        content_type="application/json",
    )

    assert logged.status_code == planned.status_code == 422
    assert logged.json()["detail"] == "日期要在 2000 年到 2099 年之间。"
    assert not HelpSession.objects.exists() and not Shift.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/workspace/help-sessions",
        "/api/v1/workspace/classes/{session}/signups",
        "/api/v1/workspace/classes/{session}/check-in",
        "/api/v1/workspace/sites/{site}/shifts",
    ],
)
def test_a_body_that_is_not_json_is_a_declared_400(world, client_with_token, path):
    url = path.format(session=world.site_a.public_id, site=world.site_a.public_id)

    response = client_with_token("site_manager").post(url, "{", content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "请求内容不是有效的 JSON。"}


@pytest.mark.parametrize("value", ["+9:00", " 9:00", "9\t:00", "٠٩:٠٠", "09:0٠"])
def test_a_time_of_day_in_another_shape_is_refused_and_the_hours_kept(
    world, client_with_token, value
):
    """``int()`` reads " 9", "+9" and Arabic-Indic digits: such times used to pass the check
    and fail when stored (500)."""
    site = world.site_a
    before = list(site.desk_periods.values_list("weekday", "start", "end").order_by("pk"))

    response = client_with_token("site_manager").put(
        f"/api/v1/workspace/sites/{site.public_id}/hours",
        [{"weekday": 0, "start": value, "end": "12:00"}],
        content_type="application/json",
    )

    assert response.status_code == 422, response.content
    assert "时间应写成“时:分”" in response.json()["detail"]
    assert list(site.desk_periods.values_list("weekday", "start", "end").order_by("pk")) == before
