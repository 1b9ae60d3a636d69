"""The duty roster over the API: a site's week with its gaps and the desk rule, planning a
shift, and my shifts.

site_a (曹杨) is open Monday to Friday 9:00–12:00 and 13:00–17:00; it is Monday 23 November
2026, 10:30 in Shanghai.
"""

from __future__ import annotations

import pytest

from huoban.audit.models import AuditEvent
from huoban.roster.models import Shift
from huoban.roster.services import shift_create, shift_request
from tests.conftest import at

pytestmark = pytest.mark.usefixtures("frozen")


def url(site) -> str:
    return f"/api/v1/workspace/sites/{site.public_id}/shifts"


def plan(world, persona, start, end, site=None) -> Shift:
    return shift_create(
        actor=world.personas["city_admin"],
        site=site or world.site_a,
        person=world.personas[persona],
        start=start,
        end=end,
    )


def post(client, site, body):
    return client.post(url(site), body, content_type="application/json")


def test_the_week_lists_shifts_gaps_and_the_desk_rule(world, client_with_token):
    for day in range(23, 28):
        for start, end in ((9, 12), (13, 17)):
            if (day, start) != (25, 9):
                plan(world, "volunteer", at(start, day=day), at(end, day=day))
    plan(world, "volunteer", at(9, day=25), at(10, day=25))
    shift = plan(world, "site_manager", at(11, day=25), at(12, day=25))
    shift_request(actor=world.personas["site_manager"], shift=shift, kind="cancel", reason="开会")
    response = client_with_token("volunteer").get(url(world.site_a))
    assert response.status_code == 200
    data = response.json()
    assert (data["monday"], data["sunday"]) == ("2026-11-23", "2026-11-29")
    assert data["passes"] is False
    assert data["reasons"] == ["周三 上午10:00–上午11:00 无人值班"]
    assert data["uncovered_minutes"] == 60
    wednesday = data["days"][2]
    assert wednesday["uncovered"] == [
        {"start": "10:00", "end": "11:00", "label": "上午10:00–上午11:00"}
    ]
    assert wednesday["counts"] is False and data["days"][0]["counts"] is True
    assert len(data["shifts"]) == 11
    (theirs,) = [s for s in data["shifts"] if s["person"]["name"] == "site_manager"]
    assert theirs["label"] == "11月25日 周三 上午11:00–中午12:00"
    assert theirs["open_request"]["kind"] == "cancel"
    assert data["shifts"][5] == theirs  # in order of time
    # The reason is for those who plan the roster, not for the other volunteers.
    assert theirs["open_request"]["reason"] == ""
    managers = client_with_token("site_manager").get(url(world.site_a)).json()
    (seen,) = [s for s in managers["shifts"] if s["person"]["name"] == "site_manager"]
    assert seen["open_request"]["reason"] == "开会"


def test_any_day_chooses_its_week(world, client_with_token):
    plan(world, "volunteer", at(9, day=30), at(12, day=30))
    data = client_with_token("volunteer").get(url(world.site_a), {"week": "2026-12-03"}).json()
    assert data["monday"] == "2026-11-30"
    assert [s["label"] for s in data["shifts"]] == ["11月30日 周一 上午9:00–中午12:00"]
    bad = client_with_token("volunteer").get(url(world.site_a), {"week": "tomorrow"})
    assert bad.status_code == 422
    for week in ("9999-12-31", "0001-01-01"):
        far = client_with_token("volunteer").get(url(world.site_a), {"week": week})
        assert far.status_code == 422
        assert "日期要在 2000 年到 2099 年之间" in far.content.decode()


@pytest.mark.parametrize(
    ("persona", "site", "status"),
    [
        ("volunteer", "site_a", 200),
        ("volunteer", "site_b", 404),
        ("street_admin", "site_b", 404),
        ("district_admin", "site_b", 200),
        ("district_admin", "site_c", 404),
        ("city_admin", "site_c", 200),
        ("elder", "site_a", 403),
        ("vendor", "site_a", 403),
        ("outsider", "site_a", 403),
    ],
)
def test_the_week_is_scoped(world, client_with_token, persona, site, status):
    assert client_with_token(persona).get(url(getattr(world, site))).status_code == status


def test_a_site_manager_plans_a_shift(world, client_with_token):
    body = {
        "person": str(world.personas["volunteer"].public_id),
        "start": "2026-11-24T09:00:00+08:00",
        "end": "2026-11-24T12:00:00+08:00",
        "note": "早班",
    }
    response = post(client_with_token("site_manager"), world.site_a, body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["label"] == "11月24日 周二 上午9:00–中午12:00"
    assert data["person"]["name"] == "volunteer" and data["note"] == "早班"
    shift = Shift.objects.get()
    assert shift.created_by == world.personas["site_manager"]
    assert AuditEvent.objects.filter(action="shift.create").count() == 1


def test_times_without_a_zone_are_local(world, client_with_token):
    body = {
        "person": str(world.personas["volunteer"].public_id),
        "start": "2026-11-24T20:00:00",
        "end": "2026-11-25T00:00:00",
    }
    response = post(client_with_token("site_manager"), world.site_a, body)
    assert response.status_code == 201
    assert response.json()["label"] == "11月24日 周二 晚上8:00–午夜12:00"
    assert Shift.objects.get().end == at(0, day=25)


@pytest.mark.parametrize(
    ("change", "text"),
    [
        ({"end": "2026-11-24T08:00:00+08:00"}, "结束时间应晚于开始时间。"),
        ({"end": "2026-11-25T10:00:00+08:00"}, "一个班次不能跨天，请分成两个班次。"),
        ({"start": "2026-11-24T10:00:00+08:00"}, "时间重叠"),
        ({"person": "elder"}, "这个人不是本站点的志愿者或站点负责人。"),
        ({"start": "9点"}, ""),
        ({"note": "长" * 201}, ""),
        (
            {"start": "0001-01-01T00:00:00", "end": "0001-01-01T03:00:00"},
            "日期要在 2000 年到 2099 年之间。",
        ),
    ],
)
def test_bad_input_is_422_and_saves_nothing(world, client_with_token, change, text):
    plan(world, "volunteer", at(9, day=24), at(11, day=24))
    body = {
        "person": str(world.personas["volunteer"].public_id),
        "start": "2026-11-24T11:00:00+08:00",
        "end": "2026-11-24T12:00:00+08:00",
    }
    if change.get("person") == "elder":
        change = {"person": str(world.personas["elder"].public_id)}
    body.update(change)
    before = Shift.objects.count()
    response = post(client_with_token("site_manager"), world.site_a, body)
    assert response.status_code == 422, response.content
    assert text in response.json()["detail"] + " ".join(response.json().get("errors", []))
    assert Shift.objects.count() == before


@pytest.mark.parametrize(
    ("persona", "site", "status"),
    [
        ("site_manager", "site_a", 201),
        ("street_admin", "site_a", 201),
        ("site_manager", "site_b", 404),
        ("street_admin", "site_b", 404),
        ("volunteer", "site_a", 403),
        ("elder", "site_a", 403),
        ("outsider", "site_a", 403),
    ],
)
def test_planning_is_scoped(world, client_with_token, persona, site, status):
    body = {
        "person": str(world.personas["volunteer"].public_id),
        "start": "2026-11-24T09:00:00+08:00",
        "end": "2026-11-24T12:00:00+08:00",
    }
    response = post(client_with_token(persona), getattr(world, site), body)
    assert response.status_code == status
    assert Shift.objects.count() == (1 if status == 201 else 0)


def test_my_shifts_lists_my_upcoming_shifts_across_sites(world, client_with_token):
    plan(world, "district_admin", at(9, day=20), at(12, day=20))  # over
    plan(world, "district_admin", at(13, day=24), at(17, day=24), site=world.site_b)
    mine = plan(world, "district_admin", at(9, day=30), at(12, day=30))
    shift_request(actor=world.personas["district_admin"], shift=mine, kind="swap", reason="出差")
    plan(world, "volunteer", at(9, day=24), at(12, day=24))  # someone else's
    client = client_with_token("district_admin")
    data = client.get("/api/v1/workspace/my-shifts").json()
    assert [s["label"] for s in data["items"]] == [
        "11月24日 周二 下午1:00–下午5:00",
        "11月30日 周一 上午9:00–中午12:00",
    ]
    assert data["items"][0]["site_name"] == "长风长者照护之家"
    assert data["items"][1]["open_request"]["kind_label"] == "换班"
    short = client.get("/api/v1/workspace/my-shifts", {"days": 3}).json()
    assert short["count"] == 1
    assert client.get("/api/v1/workspace/my-shifts", {"days": 0}).status_code == 422
    assert client_with_token("elder").get("/api/v1/workspace/my-shifts").status_code == 403
