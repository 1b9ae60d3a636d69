"""Bearer tokens: who gets in, who is turned away, and when use is recorded."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from huoban.accounts.models import ApiToken
from huoban.accounts.services import api_token_revoke
from tests.api.conftest import MONDAY_10AM

ME = "/api/v1/workspace/me"


def bearer(token: str) -> Client:
    return Client(headers={"authorization": f"Bearer {token}"})


def assert_refused(response) -> None:
    assert response.status_code == 401
    assert response["www-authenticate"] == "Bearer"
    assert "API 令牌" in response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    ["/api/v1/workspace/me", "/api/v1/workspace/sites"],
)
def test_it_refuses_a_request_without_a_token(world, api_client, path):
    assert_refused(api_client.get(path))


def test_it_refuses_to_change_hours_without_a_token(world, api_client):
    url = f"/api/v1/workspace/sites/{world.site_a.public_id}/hours"

    response = api_client.put(url, [], content_type="application/json")

    assert_refused(response)
    assert world.site_a.desk_periods.count() == 10


@pytest.mark.parametrize(
    "header",
    [
        "Bearer hb_not-a-token-we-issued",
        "Bearer ",
        "Basic c2l0ZV9tYW5hZ2VyOnBhc3N3b3Jk",
        "Bearer " + "x" * 5000,
    ],
)
def test_it_refuses_a_token_it_did_not_issue(world, header):
    assert_refused(Client(headers={"authorization": header}).get(ME))


def test_it_accepts_a_token_and_acts_as_its_user(world, token_for):
    response = bearer(token_for("street_admin")).get(ME)

    assert response.status_code == 200
    assert response.json()["name"] == "street_admin"


def test_it_refuses_a_revoked_token(world, token_for):
    plain = token_for("site_manager")
    client = bearer(plain)
    assert client.get(ME).status_code == 200
    token = ApiToken.objects.get(user=world.personas["site_manager"])

    api_token_revoke(actor=world.personas["site_manager"], token=token)

    assert_refused(client.get(ME))


def test_it_refuses_the_token_of_a_deactivated_account(world, token_for):
    client = bearer(token_for("district_admin"))
    user = world.personas["district_admin"]
    user.is_active = False
    user.save()

    assert_refused(client.get(ME))


def test_it_records_use_at_most_once_a_minute(world, token_for):
    client = bearer(token_for("volunteer"))
    token = ApiToken.objects.get(user=world.personas["volunteer"])
    assert token.last_used_at is None

    with time_machine.travel(MONDAY_10AM, tick=False) as traveller:
        client.get(ME)
        token.refresh_from_db()
        assert token.last_used_at == MONDAY_10AM

        traveller.shift(dt.timedelta(seconds=59))
        client.get(ME)
        token.refresh_from_db()
        assert token.last_used_at == MONDAY_10AM

        traveller.shift(dt.timedelta(seconds=1))
        client.get(ME)
        token.refresh_from_db()
        assert token.last_used_at == MONDAY_10AM + dt.timedelta(minutes=1)


def test_it_needs_no_token_for_public_data(world, api_client):
    assert api_client.get("/api/v1/sites").status_code == 200
    assert api_client.get("/api/v1/regions").status_code == 200
