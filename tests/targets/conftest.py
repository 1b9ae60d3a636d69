"""Fixtures for targets: Putuo's ten streets (from the bundled division codes), a fixed
day, and a fake person-time counter standing in for the records app."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from huoban.accounts.models import Membership, Role, User
from huoban.regions.management.commands.import_regions import BUNDLED
from huoban.regions.models import Region
from huoban.regions.selectors import streets_of
from huoban.regions.services import regions_import

YEAR = 2026
# Seed 001's annex 1, in its order, by the short names it uses.
ANNEX_1 = ["曹杨", "甘泉", "石泉", "长风", "长寿", "宜川", "真如", "万里", "长征", "桃浦"]
# The same streets by their full names, in the order of their codes.
PUTUO_STREETS = [
    "曹杨新村街道",
    "长风新村街道",
    "长寿路街道",
    "甘泉路街道",
    "石泉路街道",
    "宜川路街道",
    "万里街道",
    "真如镇街道",
    "长征镇",
    "桃浦镇",
]


@pytest.fixture
def putuo(world) -> Region:
    """The world's 普陀区 with all ten of its streets, loaded from the bundled CSV."""
    lines = (BUNDLED / "shanghai.csv").read_text(encoding="utf-8-sig").splitlines()
    wanted = [lines[0]] + [line for line in lines[1:] if line.startswith(("310000000,", "310107"))]
    regions_import(text="\n".join(wanted) + "\n", actor=None)
    assert [s.name for s in streets_of(world.putuo).order_by("code")] == PUTUO_STREETS
    return world.putuo


@pytest.fixture
def streets(putuo) -> list[Region]:
    return list(streets_of(putuo).order_by("code"))


@pytest.fixture
def office(world) -> User:
    return world.personas["city_admin"]


@pytest.fixture
def district_admin(world) -> User:
    return world.personas["district_admin"]


@pytest.fixture
def jingan_admin(world) -> User:
    """A district admin of the other district (静安区)."""
    user = User.objects.create_user("13900000199", "correct-horse-battery", name="静安区管理员")
    Membership.objects.create(user=user, role=Role.DISTRICT_ADMIN, region=world.jingan)
    return user


@dataclass
class FakeCounter:
    """``count_done`` for tests: a steady number of person-times a day per region code,
    counted from ``since`` (1 January unless told), with every call noted."""

    per_day: dict[str, int] = field(default_factory=dict)
    since: dt.date = dt.date(YEAR, 1, 1)
    calls: list[tuple[str, dt.date, dt.date, str]] = field(default_factory=list)

    def __call__(self, region: Region, start: dt.date, end: dt.date, measure: str) -> int:
        self.calls.append((region.code, start, end, measure))
        first = max(start, self.since)
        if end < first:
            return 0
        return self.per_day.get(region.code, 0) * ((end - first).days + 1)


@pytest.fixture
def counter() -> FakeCounter:
    return FakeCounter()
