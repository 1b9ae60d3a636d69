"""The class pages in Debian's Chromium on a 375 px phone: check-in by typing the code (and
by a scan, with the camera and the detector stubbed), axe on the list, detail, roster and
check-in pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from huoban.classes.models import ClassSession, SignUp
from huoban.classes.services import session_create, session_publish, signup_create
from huoban.people.services import elder_create
from huoban.records.models import LedgerEntry
from tests.browser.conftest import (
    _keep_migration_data,  # noqa: F401 (autouse fixture: the live server flushes the database)
    assert_no_axe_violations,
    assert_no_horizontal_scroll,
    sign_in,
)
from tests.workspace.test_browser import check_sizes_and_targets

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


def _today_class(world, *, capacity: int = 5) -> ClassSession:
    """A class on now's day around now, so check-in is open whenever the suite runs."""
    now = timezone.localtime()
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    start = max(now - dt.timedelta(minutes=30), day_start)
    end = min(start + dt.timedelta(minutes=90), day_start + dt.timedelta(hours=23, minutes=59))
    long_ago = start - dt.timedelta(days=21)
    world.site_a.classroom_capacity = 30
    world.site_a.save()
    manager = world.personas["site_manager"]
    session = session_create(
        actor=manager,
        site=world.site_a,
        title="用手机挂号",
        start=start,
        end=end,
        capacity=capacity,
        teacher="王老师",
        now=long_ago,
    )
    session_publish(actor=manager, session=session, now=long_ago)
    return session


@pytest.fixture
def signed_up(world):
    session = _today_class(world, capacity=1)
    manager = world.personas["site_manager"]
    names = ("张小明", "李秀英")
    elders = [
        elder_create(
            actor=manager, site=world.site_a, name=n, mobile=f"1381234567{i}", consent=True
        )
        for i, n in enumerate(names)
    ]
    long_ago = session.start - dt.timedelta(days=20)
    for elder in elders:
        signup_create(actor=manager, session=session, elder=elder, now=long_ago)
    return session


@pytest.fixture
def desk(new_page, world, opened):
    def open_(persona: str = "volunteer", *, java_script_enabled: bool = True):
        page = new_page(viewport=PHONE, java_script_enabled=java_script_enabled)
        sign_in(page, world.personas[persona].mobile)
        opened.errors.clear()
        return page

    return open_


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_typing_the_code_checks_the_elder_in(desk, signed_up, opened, javascript):
    signup = SignUp.objects.get(elder__name="张小明")
    page = desk(java_script_enabled=javascript)
    page.goto(f"/workspace/classes/{signed_up.public_id}/check-in/")
    # No camera detector in this browser: the scan button stays hidden, typing is the way.
    assert not page.get_by_role("button", name="用摄像头扫码").is_visible()
    page.get_by_label("确认码").fill(signup.code.lower())
    with page.expect_navigation():
        page.get_by_role("button", name="签到", exact=True).click()
    assert page.get_by_text("张小明 已签到。").is_visible()
    page.get_by_label("确认码").fill(signup.code)
    with page.expect_navigation():
        page.get_by_role("button", name="签到", exact=True).click()
    assert page.get_by_text("张小明 已签到过，不重复计数。").is_visible()
    assert LedgerEntry.objects.filter(kind="training").count() == 1
    assert_no_horizontal_scroll(page, "check-in")
    assert not opened.errors, "\n".join(opened.errors)


# A camera that shows a blank canvas and a detector that "sees" the confirmation QR's URL.
FAKE_CAMERA = """
(() => {
  const canvas = document.createElement("canvas");
  canvas.width = 320; canvas.height = 240;
  navigator.mediaDevices.getUserMedia = () => Promise.resolve(canvas.captureStream(5));
  window.BarcodeDetector = class {
    constructor(options) { this.formats = options.formats; }
    detect() { return Promise.resolve([{rawValue: window.__qr || ""}]); }
  };
})();
"""


def test_a_scanned_code_fills_the_field_and_checks_in(desk, signed_up, opened):
    signup = SignUp.objects.get(elder__name="张小明")
    page = desk()
    page.add_init_script(FAKE_CAMERA)
    page.add_init_script(f'window.__qr = "https://example.org/c/{signup.code}";')
    page.goto(f"/workspace/classes/{signed_up.public_id}/check-in/")
    with page.expect_navigation():
        page.get_by_role("button", name="用摄像头扫码").click()
    assert page.get_by_text("张小明 已签到。").is_visible()
    signup.refresh_from_db()
    assert signup.checked_in_at is not None
    assert not opened.errors, "\n".join(opened.errors)


NO_QR_DETECTOR = """
(() => {
  navigator.mediaDevices.getUserMedia = () => Promise.reject(new Error("unused"));
  window.BarcodeDetector = class {
    static getSupportedFormats() { return Promise.resolve(["ean_13", "code_128"]); }
    detect() { return Promise.reject(new Error("no qr")); }
  };
})();
"""

FAILING_DETECTOR = FAKE_CAMERA.replace(
    'detect() { return Promise.resolve([{rawValue: window.__qr || ""}]); }',
    'detect() { return Promise.reject(new Error("cannot read")); }',
)


def test_without_a_qr_reader_only_the_typed_code_is_offered(desk, signed_up):
    page = desk()
    page.add_init_script(NO_QR_DETECTOR)
    page.goto(f"/workspace/classes/{signed_up.public_id}/check-in/")
    page.wait_for_load_state("networkidle")
    assert not page.get_by_role("button", name="用摄像头扫码").is_visible()
    assert page.get_by_label("确认码").is_visible()


def test_a_detector_that_keeps_failing_gives_way_to_the_typed_code(desk, signed_up):
    assert "cannot read" in FAILING_DETECTOR
    page = desk()
    page.add_init_script(FAILING_DETECTOR)
    page.goto(f"/workspace/classes/{signed_up.public_id}/check-in/")
    page.get_by_role("button", name="用摄像头扫码").click()
    scanner = page.locator("[data-scanner]")
    unsupported = scanner.get_attribute("data-unsupported")
    page.wait_for_function(
        "text => document.querySelector('[data-scan-status]').textContent === text",
        arg=unsupported,
        timeout=10_000,
    )
    assert page.get_by_role("button", name="用摄像头扫码").is_visible()  # may try again
    assert page.get_by_label("确认码").is_visible()


def test_the_roster_is_ticked_on_a_phone(desk, signed_up):
    page = desk()
    page.goto(f"/workspace/classes/{signed_up.public_id}/roster/")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("签到.*张小明")).click()
    assert page.get_by_text("张小明 已签到。").is_visible()
    assert page.get_by_test_id("checked-in").inner_text() == "1"


PAGES = {
    "list": ("volunteer", lambda s: "/workspace/classes/"),
    "detail": ("site_manager", lambda s: f"/workspace/classes/{s.public_id}/"),
    "roster": ("volunteer", lambda s: f"/workspace/classes/{s.public_id}/roster/?q=zxm"),
    "check-in": ("volunteer", lambda s: f"/workspace/classes/{s.public_id}/check-in/"),
    "courses": ("site_manager", lambda s: "/workspace/courses/"),
    "schedule": ("site_manager", lambda s: "/workspace/classes/new/"),
}


@pytest.mark.parametrize("key", list(PAGES))
def test_the_class_pages_meet_the_staff_numbers(desk, signed_up, world, opened, key):
    # A short class announced late, so the list and detail show the level-2 reasons.
    late = timezone.localtime(signed_up.start).replace(hour=10, minute=0) + dt.timedelta(days=3)
    session_create(
        actor=world.personas["site_manager"],
        site=world.site_a,
        title="防诈骗讲座",
        start=late,
        end=late + dt.timedelta(minutes=45),
        capacity=10,
    )
    persona, path = PAGES[key]
    page = desk(persona)
    response = page.goto(path(signed_up))
    assert response is not None and response.status == 200
    assert_no_axe_violations(page, aaa_contrast=False)
    assert_no_horizontal_scroll(page, key)
    check_sizes_and_targets(page, key)
    assert not opened.errors, "\n".join(opened.errors)
