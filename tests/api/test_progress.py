"""Target progress over the API."""

from __future__ import annotations

import datetime as dt

import pytest

from huoban.records.services import help_session_log
from huoban.targets.services import target_set, target_split
from tests.conftest import SH

pytestmark = pytest.mark.usefixtures("frozen")
URL = "/api/v1/workspace/progress"


@pytest.fixture
def targets(world):
    office, admin = world.personas["city_admin"], world.personas["district_admin"]
    for period, value in (("year", 1000), ("half", 400)):
        parent = target_set(actor=office, region=world.putuo, year=2026, period=period, value=value)
        target_split(actor=admin, parent=parent, mode="even")


def test_a_district_admin_sees_each_street_and_the_total(
    world, client_with_token, targets, scenarios
):
    for _ in range(3):
        help_session_log(
            actor=world.personas["volunteer"], site=world.site_a, scenarios=[scenarios["chat"]]
        )
    data = client_with_token("district_admin").get(URL).json()
    assert data["region"] == "310107000" and data["year"] == 2026
    rows = {r["name"]: r for r in data["rows"]}
    caoyang = rows["曹杨新村街道"]
    assert caoyang["year"]["target"] == 500 and caoyang["year"]["done"] == 0  # after 30 Sep
    assert caoyang["half"]["target"] == 200
    total = next(r for r in data["rows"] if r["total"])
    assert total["year"]["target"] == 1000 and total["half"]["target"] == 400
    assert total["year"]["status"] == "missed" and total["year"]["status_label"]


def test_done_counts_the_ledger_up_to_each_deadline(world, client_with_token, targets, scenarios):
    for month in (6, 9, 10):  # in the half-year, in the year, after the year's deadline
        help_session_log(
            actor=world.personas["city_admin"],
            site=world.site_a,
            scenarios=[scenarios["chat"]],
            occurred_at=dt.datetime(2026, month, 15, 10, tzinfo=SH),
        )
    rows = client_with_token("district_admin").get(URL, {"year": 2026}).json()["rows"]
    caoyang = next(r for r in rows if r["name"] == "曹杨新村街道")
    assert (caoyang["half"]["done"], caoyang["year"]["done"]) == (1, 2)
    assert caoyang["year"]["rate"] == pytest.approx(2 / 500)
    assert (
        client_with_token("district_admin")
        .get(URL, {"year": 2027})
        .json()["rows"][0]["year"]["target"]
        is None
    )


@pytest.mark.parametrize(
    ("persona", "params", "status"),
    [
        ("street_admin", {}, 200),
        ("street_admin", {"region": "310107000"}, 404),
        ("district_admin", {"region": "310106000"}, 404),
        ("city_admin", {"region": "310106000"}, 200),
        ("volunteer", {}, 403),
        ("site_manager", {}, 403),
        ("outsider", {}, 403),
    ],
)
def test_progress_is_scoped(world, client_with_token, persona, params, status):
    assert client_with_token(persona).get(URL, params).status_code == status


def test_a_neighbourhood_has_no_progress(world, client_with_token):
    from tests.conftest import region

    region("310107005001", "杏梅居委会", "neighbourhood", world.caoyang)
    response = client_with_token("city_admin").get(URL, {"region": "310107005001"})
    assert response.status_code == 404


def test_progress_takes_the_same_queries_for_two_streets_or_ten(world, client_with_token):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import region

    client = client_with_token("district_admin")
    client.get(URL)  # the token's first use is noted once
    with CaptureQueriesContext(connection) as two:
        client.get(URL)
    for n in range(8):
        region(f"3101070{90 + n}", f"新街道{n}", "street", world.putuo)
    with CaptureQueriesContext(connection) as ten:
        client.get(URL)
    assert len(ten) == len(two)
