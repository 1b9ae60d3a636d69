"""Shared fixtures: a small world of regions and sites, and one persona per role."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
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
SH = ZoneInfo("Asia/Shanghai")
# Monday 23 November 2026, 10:30 in Shanghai: site_a's desk is open 9:00–12:00 Mon–Fri.
NOW = dt.datetime(2026, 11, 23, 10, 30, tzinfo=SH)

# --- The instant the suite runs at -------------------------------------------------------
#
# No test depends on the wall clock: every test starts at one instant, a Wednesday
# afternoon by default, and the clock ticks on from it during the test. Set
# ``HUOBAN_TEST_NOW`` to run the whole suite as if it were started at another instant
# (ISO 8601 with an offset: ``HUOBAN_TEST_NOW=2026-12-31T23:30+08:00 make test``), or to
# ``now`` for the machine's clock. The travel also covers collection, so values computed
# when test modules are imported see the same instant. Tests that need a particular
# moment freeze it themselves (``frozen`` below, ``time_machine.travel``).
TEST_NOW_VARIABLE = "HUOBAN_TEST_NOW"
DEFAULT_TEST_NOW = "2026-11-25T15:10+08:00"
_travel: time_machine.travel | None = None


def suite_instant() -> dt.datetime | None:
    """The instant every test starts at, or None for the machine's clock."""
    value = os.environ.get(TEST_NOW_VARIABLE, "").strip() or DEFAULT_TEST_NOW
    if value == "now":
        return None
    try:
        instant = dt.datetime.fromisoformat(value)
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise pytest.UsageError(
            f"{TEST_NOW_VARIABLE}={value!r} is not an ISO 8601 instant with an offset "
            "(e.g. 2026-12-31T23:30+08:00) nor 'now'"
        )
    return instant


def pytest_configure(config):
    global _travel
    instant = suite_instant()
    if instant is not None and _travel is None:
        _travel = time_machine.travel(instant, tick=True)
        _travel.start()


def pytest_unconfigure(config):
    global _travel
    if _travel is not None:
        _travel.stop()
        _travel = None


def pytest_report_header(config):
    instant = suite_instant()
    started = instant.isoformat() if instant else "the machine's clock"
    return f"huoban: every test starts at {started} ({TEST_NOW_VARIABLE})"


@pytest.fixture(autouse=True)
def _start_at_the_suite_instant() -> Iterator[None]:
    """Each test starts at the suite's instant, whatever ran before it and for how long."""
    instant = suite_instant()
    if instant is None:
        yield
        return
    with time_machine.travel(instant, tick=True):
        yield


@pytest.fixture(autouse=True)
def _chinese_first() -> Iterator[None]:
    """Each test starts in the default language: a request with the English cookie leaves
    English active in the thread (as Django's LocaleMiddleware does), and the next test must
    not inherit it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


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
    shared: bool = False  # fetched from the module's rows rather than built for this test


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


def build_world() -> World:
    """Regions, organisations, sites with desk hours and one user per persona."""
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


_REGIONS = ("city", "putuo", "caoyang", "changfeng", "jingan", "jingan_street")


def world_keys(world: World) -> dict:
    """The primary keys of a world's rows, to fetch fresh copies of them later."""
    return {
        "regions": {name: getattr(world, name).pk for name in _REGIONS},
        "organisations": {"org": world.org.pk, "vendor_org": world.vendor_org.pk},
        "sites": {"site_a": world.site_a.pk, "site_b": world.site_b.pk, "site_c": world.site_c.pk},
        "personas": {name: user.pk for name, user in world.personas.items()},
    }


def fetch_world(keys: dict) -> World | None:
    """Fresh instances of the world's rows (four queries), or None if they are gone."""
    regions = Region.objects.in_bulk(keys["regions"].values())
    organisations = Organisation.objects.in_bulk(keys["organisations"].values())
    sites = Site.objects.in_bulk(keys["sites"].values())
    users = User.objects.in_bulk(keys["personas"].values())
    if len(regions) + len(organisations) + len(sites) + len(users) != sum(
        len(group) for group in keys.values()
    ):
        return None
    parts = {name: regions[pk] for name, pk in keys["regions"].items()}
    parts |= {name: organisations[pk] for name, pk in keys["organisations"].items()}
    parts |= {name: sites[pk] for name, pk in keys["sites"].items()}
    personas = {name: users[pk] for name, pk in keys["personas"].items()}
    return World(**parts, personas=personas, shared=True)


# The world is built once per test module, inside a transaction that is rolled back when
# the module ends (Django's setUpTestData idea). Each test runs in a savepoint inside it
# (pytest-django's ``db``) and gets fresh instances of the rows, so neither a test's writes
# nor its changes to the objects reach the next test. The module's transaction must be open
# before the test's own (``pytest_collection_modifyitems`` below puts it first). Tests that
# commit (``transactional_db``, the live server) cannot run inside it: it is rolled back
# before they start (pytest-django runs them after all the others) and they build their own
# world. Either way the rows are made at ``NOW``.


class ModuleTransaction:
    """An open transaction holding rows one test module shares, rolled back at its end."""

    def __init__(self) -> None:
        from django.db import transaction

        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        # Like TestCase's own atomics: not the outermost block a durable atomic refers to.
        self.atomic._from_testcase = True  # type: ignore[attr-defined]

    @property
    def is_open(self) -> bool:
        return self.atomic is not None

    def close(self) -> None:
        from django.db import transaction

        atomic, self.atomic = self.atomic, None
        if atomic is not None:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


_open_transactions: list[ModuleTransaction] = []


@contextlib.contextmanager
def module_transaction(django_db_blocker) -> Iterator[ModuleTransaction]:
    """``with module_transaction(django_db_blocker):`` rows made inside are seen by the
    module's tests (each in a savepoint of its own) and rolled back after the last one."""
    with django_db_blocker.unblock():
        opened = ModuleTransaction()
        _open_transactions.append(opened)
        try:
            yield opened
        finally:
            _open_transactions.remove(opened)
            opened.close()


def is_transactional(item: pytest.Item) -> bool:
    """Whether a test commits to the database (as pytest-django decides it)."""
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names


def uses_database(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    return bool(item.get_closest_marker("django_db")) or "db" in names or is_transactional(item)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Share one world in a module whose every test that uses the database (and does not
    commit) asks for ``world``: a test without it must find the database empty. The shared
    world is opened before the test's own transaction (pytest-django's ``db``); ``world``
    asks for it at run time, too late to come first by itself."""
    by_module: dict[object, list[pytest.Item]] = {}
    for item in items:
        if uses_database(item) and not is_transactional(item):
            by_module.setdefault(getattr(item, "module", None), []).append(item)
    for module_items in by_module.values():
        if all("world" in item.fixturenames for item in module_items):
            for item in module_items:
                if "_module_world" not in item.fixturenames:
                    item.fixturenames.insert(0, "_module_world")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Roll back the open module transactions before a test that commits to the database."""
    if _open_transactions and is_transactional(item):
        for opened in reversed(_open_transactions):
            opened.close()


@pytest.fixture(autouse=True)
def _shared_rows_stay_open(request) -> Iterator[None]:
    """Fail the test that closes the connection holding its module's shared rows, rather
    than every test after it."""
    yield
    if not _open_transactions or is_transactional(request.node):
        return
    from django.db import connection

    if connection.closed_in_transaction:
        pytest.fail(
            "This test closed the database connection inside its module's open transaction, "
            "so the rows its module shares are gone. HttpResponse.close() outside the test "
            "client sends request_finished, which closes it: read the response instead."
        )


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker) -> Iterator[tuple[ModuleTransaction, dict]]:
    with module_transaction(django_db_blocker) as opened:
        with time_machine.travel(NOW, tick=False):
            keys = world_keys(build_world())
        yield opened, keys


@pytest.fixture
def world(request, db) -> World:
    """The small world of regions, sites and personas: built once per module where every
    test of the module's that uses the database has it, else for each test; fresh objects
    for every test either way."""
    if "_module_world" in request.fixturenames:
        from django.db import connection

        opened, keys = request.getfixturevalue("_module_world")
        if opened.is_open:
            if connection.atomic_blocks[:1] != [opened.atomic]:
                pytest.fail("The module's world was opened inside this test's transaction.")
            found = fetch_world(keys)
            if found is None:
                pytest.fail("The module's world is gone: a test before this one removed it.")
            return found
    with time_machine.travel(NOW, tick=False):
        return build_world()


@pytest.fixture
def client_for(world):
    """``client_for("street_admin")`` → a test client signed in as that persona."""

    def make(persona: str) -> Client:
        client = Client()
        client.force_login(world.personas[persona])
        return client

    return make


# --- Help records ----------------------------------------------------------------------


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
