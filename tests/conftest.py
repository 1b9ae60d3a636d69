"""Shared fixtures: a small world of regions and sites, and one persona per role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from huoban.accounts.models import Membership, Role, User
from huoban.lib.ids import uscc_check_char
from huoban.people.services import elder_create
from huoban.regions.models import Region
from huoban.sites.models import DeskPeriod, Organisation, Service, Site

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: rate-limit counts never carry over."""
    from django.core.cache import cache

    cache.clear()
    yield


def make_uscc(body: str) -> str:
    """A valid credit code from a 17-character body."""
    return body + uscc_check_char(body)


def region(code: str, name: str, level: str, parent: Region | None = None) -> Region:
    path = f"{parent.path if parent else ''}{code}/"
    return Region.objects.create(code=code, name=name, level=level, parent=parent, path=path)


def site_in(street: Region, org: Organisation, name: str, lat: str, lng: str, **extra) -> Site:
    site = Site.objects.create(
        organisation=org,
        region=street,
        region_path=street.path,
        name=name,
        venue_type=extra.pop("venue_type", "community_centre"),
        address=f"{street.name}1号",
        latitude=Decimal(lat),
        longitude=Decimal(lng),
        phone="021-62000000",
        **extra,
    )
    for weekday in range(5):
        DeskPeriod.objects.create(site=site, weekday=weekday, start=dt.time(9), end=dt.time(12))
        DeskPeriod.objects.create(site=site, weekday=weekday, start=dt.time(13), end=dt.time(17))
    return site


@dataclass
class World:
    city: Region
    putuo: Region
    caoyang: Region
    changfeng: Region
    jingan: Region
    jingan_street: Region
    org: Organisation
    vendor_org: Organisation
    site_a: Site  # 曹杨, the personas' own site
    site_b: Site  # 长风, same district, other street
    site_c: Site  # 静安, other district
    personas: dict[str, User]


PERSONAS = [
    "elder",
    "family",
    "volunteer",
    "site_manager",
    "street_admin",
    "district_admin",
    "city_admin",
    "reviewer",
    "vendor",
    "outsider",
]


@pytest.fixture
def world(db) -> World:
    city = region("310000000", "上海市", "city")
    putuo = region("310107000", "普陀区", "district", city)
    caoyang = region("310107005", "曹杨新村街道", "street", putuo)
    changfeng = region("310107014", "长风新村街道", "street", putuo)
    jingan = region("310106000", "静安区", "district", city)
    jingan_street = region("310106011", "石门二路街道", "street", jingan)
    org = Organisation.objects.create(
        name="普陀区为老服务中心", uscc=make_uscc("52310107MJ0000001")
    )
    vendor_org = Organisation.objects.create(
        name="银发科技有限公司", uscc=make_uscc("91310107MA1G00001")
    )
    help_desk = Service.objects.get(code="help_desk")
    site_a = site_in(caoyang, org, "曹杨新村为老服务中心", "31.240000", "121.410000")
    site_b = site_in(changfeng, org, "长风长者照护之家", "31.224000", "121.397000")
    site_c = site_in(jingan_street, org, "石门二路老年活动室", "31.232000", "121.460000")
    for s in (site_a, site_b, site_c):
        s.services.add(help_desk)
    scopes = {
        "elder": (Role.ELDER, {}),
        "family": (Role.FAMILY, {}),
        "volunteer": (Role.VOLUNTEER, {"site": site_a}),
        "site_manager": (Role.SITE_MANAGER, {"site": site_a}),
        "street_admin": (Role.STREET_ADMIN, {"region": caoyang}),
        "district_admin": (Role.DISTRICT_ADMIN, {"region": putuo}),
        "city_admin": (Role.PROGRAMME_OFFICE, {"region": city}),
        "reviewer": (Role.REVIEWER, {}),
        "vendor": (Role.VENDOR, {"organisation": vendor_org}),
    }
    personas = {}
    for i, name in enumerate(PERSONAS):
        user = User.objects.create_user(f"139000001{i:02d}", PASSWORD, name=name)
        if name in scopes:
            role, scope = scopes[name]
            Membership.objects.create(user=user, role=role, **scope)
        personas[name] = user
    return World(
        city,
        putuo,
        caoyang,
        changfeng,
        jingan,
        jingan_street,
        org,
        vendor_org,
        site_a,
        site_b,
        site_c,
        personas,
    )


@pytest.fixture
def client_for(world):
    """``client_for("street_admin")`` → a test client signed in as that persona."""

    def make(persona: str) -> Client:
        client = Client()
        client.force_login(world.personas[persona])
        return client

    return make


# --- Help records ----------------------------------------------------------------------

SH = ZoneInfo("Asia/Shanghai")
# Monday 23 November 2026, 10:30 in Shanghai: site_a's desk is open 9:00–12:00 Mon–Fri.
NOW = dt.datetime(2026, 11, 23, 10, 30, tzinfo=SH)


def at(hour: int, minute: int = 0, day: int = 23) -> dt.datetime:
    """A moment of November 2026 in Shanghai."""
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=SH)


@pytest.fixture
def frozen():
    """Monday 23 November 2026, 10:30 in Shanghai (site_a's desk: 9:00–12:00 Mon–Fri)."""
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def scenarios(db) -> dict[str, Service]:
    return {s.code: s for s in Service.objects.filter(kind="scenario")}


@pytest.fixture
def elders(world, frozen):
    manager = world.personas["site_manager"]
    return [
        elder_create(
            actor=manager,
            site=world.site_a,
            name=name,
            mobile=mobile,
            street=world.caoyang,
            consent=True,
        )
        for name, mobile in (("张小明", "13812345678"), ("李秀英", "13912340001"))
    ]
