"""Acceptance: an elder signs up for a class from the portal home in three taps and one
confirmation, with JavaScript on and off; undo works within ten minutes and not after."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from huoban.classes.models import SignUp, SignUpChannel, SignUpStatus
from tests.browser.conftest import PORTAL_CLASS, grandma, portal_class, sign_in_as_elder

pytestmark = pytest.mark.browser


def _tap(page, role: str, name, taps: list[str]) -> None:
    with page.expect_navigation():
        page.locator("main").get_by_role(role, name=name).first.click()
    taps.append(page.url)


@pytest.mark.parametrize("scripts", [True, False], ids=["javascript-on", "javascript-off"])
def test_it_signs_up_from_home_in_three_taps_and_undoes_within_ten_minutes(
    new_page, world, scripts
):
    session = portal_class(world)
    elder = grandma(world)
    page = new_page(java_script_enabled=scripts)
    sign_in_as_elder(page, world)
    page.goto("/")
    assert page.locator("#read-aloud").is_visible() == scripts

    taps: list[str] = []
    _tap(page, "link", re.compile("上课学手机"), taps)
    _tap(page, "link", PORTAL_CLASS, taps)
    _tap(page, "link", re.compile("我要报名"), taps)
    assert len(taps) == 3
    assert page.locator("h1").inner_text() == "确认报名吗？"
    assert not SignUp.objects.exists()
    with page.expect_navigation():
        page.get_by_role("button", name="确认报名").click()  # the confirmation

    signup = SignUp.objects.get()
    assert (signup.session, signup.elder, signup.status, signup.channel) == (
        session,
        elder,
        SignUpStatus.CONFIRMED,
        SignUpChannel.SELF,
    )
    assert "报名成功" in page.locator("h1").inner_text()
    assert page.locator(".code").inner_text() == signup.code
    assert page.locator(".qr svg").count() == 1
    assert page.get_by_role("button", name=re.compile("打印报名凭证")).is_visible() == scripts

    # Within ten minutes: the undo button takes the place back.
    with page.expect_navigation():
        page.get_by_role("button", name="撤销这次报名").click()
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.CANCELLED
    assert page.locator("h1").inner_text() == "报名已取消"

    # Sign up again, then come back eleven minutes later: no undo any more.
    with page.expect_navigation():
        page.get_by_role("link", name="回到这节课").click()
    _tap(page, "link", re.compile("我要报名"), [])
    with page.expect_navigation():
        page.get_by_role("button", name="确认报名").click()
    again = SignUp.objects.exclude(status=SignUpStatus.CANCELLED).get()
    assert page.get_by_role("button", name="撤销这次报名").is_visible()
    later = timezone.now() + dt.timedelta(minutes=11)
    with time_machine.travel(later, tick=True):
        page.reload()
        assert "报名成功" in page.locator("h1").inner_text()
        assert page.get_by_role("button", name="撤销这次报名").count() == 0
    again.refresh_from_db()
    assert again.status == SignUpStatus.CONFIRMED


def test_it_tells_an_elder_who_was_too_late_to_undo(new_page, world):
    """A page left open for more than ten minutes: the undo is refused in words."""
    portal_class(world)
    page = new_page()
    sign_in_as_elder(page, world)
    page.goto("/classes/")
    page.get_by_role("link", name=PORTAL_CLASS).click()
    page.get_by_role("link", name=re.compile("我要报名")).click()
    with page.expect_navigation():
        page.get_by_role("button", name="确认报名").click()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=10, seconds=30), tick=True):
        with page.expect_navigation():
            page.get_by_role("button", name="撤销这次报名").click()
        assert page.title().startswith("错误：")
        assert "已经超过 10 分钟" in page.locator(".error-summary").inner_text()
    assert SignUp.objects.get().status == SignUpStatus.CONFIRMED
