"""The shared fixtures do what tests/conftest.py says: one world per module, fresh objects
per test, nothing one test writes seen by the next."""

from __future__ import annotations

import datetime as dt

import pytest

from huoban.regions.models import Region
from tests.conftest import DEFAULT_TEST_NOW, NOW, suite_instant


@pytest.mark.parametrize("turn", range(3))
def test_each_test_gets_the_modules_world_in_fresh_objects(world, turn):
    assert world.shared, "the world was built for this test instead of fetched"
    assert world.personas["elder"].date_joined == NOW
    # A change to an object and a new row stay in this test.
    assert world.site_a.name == "曹杨新村为老服务中心"
    world.site_a.name = f"改过的名字 {turn}"
    world.site_a.save()
    assert not Region.objects.filter(code="310107999").exists()
    Region.objects.create(
        code="310107999", name="测试街道", level="street", parent=world.putuo, path="x/"
    )


# serialized_rollback: the flush after it then leaves the migrations' rows as they were
# for the tests that commit after it (as the browser tests do).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_test_that_commits_builds_its_own_world(world):
    assert not world.shared
    assert world.personas["elder"].date_joined == NOW


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", dt.datetime.fromisoformat(DEFAULT_TEST_NOW)),
        ("2028-02-29T00:05+08:00", dt.datetime.fromisoformat("2028-02-29T00:05+08:00")),
        ("now", None),
    ],
)
def test_the_suite_instant_is_read_from_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv("HUOBAN_TEST_NOW", value)
    assert suite_instant() == expected


@pytest.mark.parametrize("value", ["tomorrow", "2026-12-31T23:30"])
def test_an_instant_without_an_offset_is_refused_by_name(monkeypatch, value):
    monkeypatch.setenv("HUOBAN_TEST_NOW", value)
    with pytest.raises(pytest.UsageError, match=r"HUOBAN_TEST_NOW.*not an ISO 8601 instant"):
        suite_instant()
