"""Logging help at a busy desk, in Debian's Chromium on a 375 px phone.

The acceptance numbers: an anonymous walk-in from the workspace home in at most 3 taps
plus "save"; a known elder in at most 5. Every tap is counted by ``Taps``. The record
pages also meet the staff numbers (axe AA, no sideways scroll at 320 px).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from huoban.people.services import elder_create
from huoban.records.models import HelpSession
from huoban.records.services import help_session_log
from huoban.sites.models import Service
from tests.browser.conftest import (
    _keep_migration_data,  # noqa: F401 (autouse fixture: the live server flushes the database)
    assert_no_axe_violations,
    assert_no_horizontal_scroll,
    sign_in,
)
from tests.workspace.test_browser import check_sizes_and_targets

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
NARROW = {"width": 320, "height": 640}


class Taps:
    """Clicks and taps the person makes; typing into a field counts as the tap on it."""

    def __init__(self, page):
        self.page = page
        self.count = 0

    def tap(self, locator) -> None:
        self.count += 1
        locator.click()

    def type_into(self, locator, text: str) -> None:
        self.count += 1
        locator.click()
        locator.press_sequentially(text)


@pytest.fixture
def desk(new_page, world, opened):
    def open_(persona: str = "volunteer", viewport: dict = PHONE):
        page = new_page(viewport=viewport)
        sign_in(page, world.personas[persona].mobile)
        opened.errors.clear()
        page.goto("/workspace/")
        return page

    return open_


def test_an_anonymous_walk_in_takes_three_taps_and_save(desk, opened):
    page = desk()
    taps = Taps(page)
    with page.expect_navigation():
        taps.tap(page.get_by_role("link", name="记一次帮办").first)
    taps.tap(page.get_by_label("就医"))
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()  # the submit, not counted
    assert taps.count <= 3
    assert page.get_by_text("已记录：匿名长者，就医").is_visible()
    session = HelpSession.objects.get()
    assert session.elder is None and session.channel == "walk_in"
    assert not opened.errors, "\n".join(opened.errors)


def test_a_known_elder_takes_five_taps_and_save(desk, world):
    elder = elder_create(
        actor=world.personas["site_manager"],
        site=world.site_a,
        name="张小明",
        mobile="13812345678",
        consent=True,
    )
    page = desk()
    taps = Taps(page)
    with page.expect_navigation():
        taps.tap(page.get_by_role("link", name="记一次帮办").first)
    taps.type_into(page.get_by_label("查找已登记的长者"), "5678")
    choice = page.get_by_label("张小明")
    choice.wait_for()  # htmx fills in the matches as the person types
    taps.tap(choice)
    taps.tap(page.get_by_label("缴费"))
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    assert taps.count <= 5
    assert page.get_by_text("已记录：张小明，缴费").is_visible()
    assert HelpSession.objects.get().elder == elder


def test_the_desk_search_works_without_javascript(new_page, world):
    elder_create(
        actor=world.personas["site_manager"],
        site=world.site_a,
        name="李秀英",
        mobile="13912340001",
        consent=True,
    )
    page = new_page(viewport=PHONE, java_script_enabled=False)
    sign_in(page, world.personas["volunteer"].mobile)
    page.goto("/workspace/records/log/")
    page.get_by_label("查找已登记的长者").fill("lxy")
    with page.expect_navigation():
        page.get_by_role("button", name="查找").click()
    page.get_by_label("李秀英").check()
    page.get_by_label("亮码").check()
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    assert page.get_by_text("已记录：李秀英，亮码").is_visible()


PAGES = {
    "log": ("volunteer", "/workspace/records/log/"),
    "list": ("street_admin", "/workspace/records/"),
    "review": ("street_admin", "/workspace/records/review/"),
    "import": ("site_manager", "/workspace/records/import/"),
    "elder-new": ("volunteer", "/workspace/elders/new/"),
    "elders": ("site_manager", "/workspace/elders/"),
}


@pytest.mark.parametrize("key", list(PAGES))
def test_the_record_pages_meet_the_staff_numbers_at_320_px(desk, world, opened, key):
    old = help_session_log(
        actor=world.personas["volunteer"],
        site=world.site_a,
        scenarios=[Service.objects.get(code="chat")],
        occurred_at=timezone.now() - dt.timedelta(days=21),
    )
    assert old.flags.exists()  # back-dated: the review queue has a row to show
    persona, path = PAGES[key]
    page = desk(persona, NARROW)
    page.goto(path)
    assert_no_axe_violations(page, aaa_contrast=False)
    assert_no_horizontal_scroll(page, key)
    check_sizes_and_targets(page, key)
    assert not opened.errors, "\n".join(opened.errors)
