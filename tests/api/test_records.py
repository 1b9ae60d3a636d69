"""Help records over the API: logging, the list in scope, person-time counts."""

from __future__ import annotations

import pytest

from huoban.records.models import HelpSession
from huoban.records.services import help_session_log

pytestmark = pytest.mark.usefixtures("frozen")
URL = "/api/v1/workspace/help-sessions"


def post(client, body):
    return client.post(URL, body, content_type="application/json")


def test_a_volunteer_logs_an_anonymous_session(world, client_with_token):
    response = post(
        client_with_token("volunteer"),
        {"site": str(world.site_a.public_id), "scenarios": ["medical", "show_code"]},
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["anonymous"] and data["scenarios"] == ["medical", "show_code"]
    assert data["duration_minutes"] == 15 and data["source"] == "api"
    assert HelpSession.objects.get().helper == world.personas["volunteer"]


def test_a_known_elder_is_logged_by_public_id(world, client_with_token, elders):
    response = post(
        client_with_token("volunteer"),
        {
            "site": str(world.site_a.public_id),
            "scenarios": ["pay_bills"],
            "elder": str(elders[0].public_id),
            "channel": "phone",
        },
    )
    assert response.status_code == 201
    assert response.json()["elder"] == str(elders[0].public_id)


@pytest.mark.parametrize(
    ("body", "status", "text"),
    [
        ({"scenarios": []}, 422, "请至少选择一个场景"),
        ({"scenarios": ["walking"]}, 422, "没有代码为“walking”的场景"),
        ({"scenarios": ["chat"], "occurred_at": "2026-11-24T10:00:00+08:00"}, 422, "不能晚于现在"),
        ({"scenarios": ["chat"], "duration_minutes": 0}, 422, ""),
        ({"scenarios": ["chat"], "channel": "pigeon"}, 422, ""),
    ],
)
def test_bad_input_is_refused_and_saves_nothing(world, client_with_token, body, status, text):
    response = post(client_with_token("volunteer"), {"site": str(world.site_a.public_id), **body})
    assert response.status_code == status
    assert text in response.json()["detail"] + " ".join(response.json().get("errors", []))
    assert not HelpSession.objects.exists()


@pytest.mark.parametrize(
    ("persona", "site", "status"),
    [
        ("volunteer", "site_a", 201),
        ("volunteer", "site_b", 404),
        ("street_admin", "site_b", 404),
        ("district_admin", "site_b", 201),
        ("district_admin", "site_c", 404),
        ("city_admin", "site_c", 201),
        ("elder", "site_a", 403),
        ("reviewer", "site_a", 403),
        ("outsider", "site_a", 403),
    ],
)
def test_logging_is_scoped(world, client_with_token, persona, site, status):
    body = {"site": str(getattr(world, site).public_id), "scenarios": ["chat"]}
    assert post(client_with_token(persona), body).status_code == status


def test_the_list_holds_the_scope_and_counts_people(world, client_with_token, scenarios, elders):
    volunteer, admin = world.personas["volunteer"], world.personas["district_admin"]
    for elder in (None, elders[0], elders[0]):
        help_session_log(
            actor=volunteer, site=world.site_a, elder=elder, scenarios=[scenarios["chat"]]
        )
    help_session_log(actor=admin, site=world.site_b, scenarios=[scenarios["chat"]])
    street = client_with_token("street_admin").get(URL).json()
    assert street["count"] == 3
    assert street["counts"] == {"person_times": 3, "persons": 1}
    district = client_with_token("district_admin").get(URL).json()
    assert district["count"] == 4 and district["counts"]["person_times"] == 4
    assert client_with_token("vendor").get(URL).status_code == 403


def test_counts_per_region_in_scope(world, client_with_token, scenarios):
    help_session_log(
        actor=world.personas["district_admin"], site=world.site_b, scenarios=[scenarios["chat"]]
    )
    client = client_with_token("district_admin")
    url = "/api/v1/workspace/ledger/counts"
    assert client.get(url, {"region": "310107014"}).json() == {"person_times": 1, "persons": 0}
    assert client.get(url, {"region": "310107005"}).json()["person_times"] == 0
    assert client.get(url, {"region": "310106000"}).status_code == 404
    assert client.get(url, {"measure": "training"}).json()["person_times"] == 0
