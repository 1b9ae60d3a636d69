"""The classes API: public timetables; sign-up, cancel and check-in for the desk."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from huoban.classes.models import SignUp, SignUpStatus
from huoban.classes.services import session_create, session_publish
from huoban.people.services import elder_create
from huoban.records.models import LedgerEntry, LedgerKind
from tests.api.conftest import SHANGHAI


@pytest.fixture
def session(world):
    world.site_a.classroom_capacity = 30
    world.site_a.save()
    start = dt.datetime.combine(timezone.localdate() + dt.timedelta(days=20), dt.time(14), SHANGHAI)
    made = session_create(
        actor=world.personas["site_manager"],
        site=world.site_a,
        title="防范电信诈骗",
        start=start,
        end=start + dt.timedelta(minutes=90),
        capacity=1,
    )
    session_publish(actor=world.personas["site_manager"], session=made)
    made.refresh_from_db()
    return made


@pytest.fixture
def elders(world):
    return [
        elder_create(actor=world.personas["volunteer"], site=world.site_a, name=n, consent=True)
        for n in ("甲阿姨", "乙伯伯")
    ]


def _url(session, tail=""):
    return f"/api/v1/workspace/classes/{session.public_id}/{tail}"


def test_it_lists_the_timetable_publicly_with_places(api_client, session):
    body = api_client.get("/api/v1/classes", {"street": "310107005"}).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["title"], item["capacity"], item["free"], item["counts_for_level2"]) == (
        "防范电信诈骗",
        1,
        1,
        True,
    )
    assert api_client.get("/api/v1/classes", {"street": "310107014"}).json()["count"] == 0
    assert api_client.get("/api/v1/classes", {"street": "999"}).status_code == 404
    assert api_client.get(f"/api/v1/classes/{session.public_id}").json()["site_name"]


def test_it_signs_up_cancels_and_promotes_through_the_desk_api(client_with_token, session, elders):
    desk = client_with_token("volunteer")
    first = desk.post(
        _url(session, "signups"), {"elder": str(elders[0].public_id)}, "application/json"
    )
    second = desk.post(
        _url(session, "signups"), {"elder": str(elders[1].public_id)}, "application/json"
    )
    assert (first.status_code, first.json()["status"]) == (201, "confirmed")
    assert (second.status_code, second.json()["status"]) == (201, "waiting")
    again = desk.post(
        _url(session, "signups"), {"elder": str(elders[0].public_id)}, "application/json"
    )
    assert again.status_code == 422
    assert "已经报名" in again.json()["detail"]
    cancelled = desk.post(f"/api/v1/workspace/signups/{first.json()['public_id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    listed = desk.get(_url(session, "signups")).json()
    assert {(s["elder_name"], s["status"]) for s in listed} == {
        ("甲阿姨", "cancelled"),
        ("乙伯伯", "confirmed"),
    }


def test_it_checks_in_by_code_once(client_with_token, world, session, elders):
    desk = client_with_token("volunteer")
    made = desk.post(
        _url(session, "signups"), {"elder": str(elders[0].public_id)}, "application/json"
    ).json()
    with time_machine.travel(session.start + dt.timedelta(minutes=5), tick=False):
        one = desk.post(
            _url(session, "check-in"), {"code": made["code"].lower()}, "application/json"
        )
        two = desk.post(_url(session, "check-in"), {"code": made["code"]}, "application/json")
        wrong = desk.post(_url(session, "check-in"), {"code": "ZZZZZZ"}, "application/json")
    assert (one.json()["first"], two.json()["first"]) == (True, False)
    assert wrong.status_code == 422
    assert LedgerEntry.objects.filter(kind=LedgerKind.TRAINING).count() == 1


def test_it_keeps_other_sites_and_roles_out(client_with_token, world, session, elders):
    body = {"elder": str(elders[0].public_id)}
    assert (
        client_with_token("elder")
        .post(_url(session, "signups"), body, "application/json")
        .status_code
        == 403
    )
    world.site_b.classroom_capacity = 30
    world.site_b.save()
    start = session.start
    other = session_create(
        actor=world.personas["city_admin"],
        site=world.site_b,
        title="长风的课",
        start=start,
        end=start + dt.timedelta(hours=2),
        capacity=5,
    )
    session_publish(actor=world.personas["city_admin"], session=other)
    response = client_with_token("volunteer").post(_url(other, "signups"), body, "application/json")
    assert response.status_code == 404
    assert not SignUp.objects.exclude(status=SignUpStatus.CANCELLED).exists()
