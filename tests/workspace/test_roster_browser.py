"""The duty roster's week in Debian's Chromium: one day after another on a 375 px phone,
seven columns on a wide screen, gaps in words, axe (WCAG 2.2 AA) without violations."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from huoban.roster.coverage import monday_of
from huoban.roster.services import shift_create, shift_request
from tests.browser.conftest import (
    _keep_migration_data,  # noqa: F401 (autouse fixture: the live server flushes the database)
    assert_no_axe_violations,
    assert_no_horizontal_scroll,
    sign_in,
)
from tests.workspace.test_browser import check_sizes_and_targets

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def week(world):
    """This week at site_a: everything staffed but Wednesday 10:00–11:00; one open request."""
    tz = timezone.get_current_timezone()
    monday = monday_of(timezone.localdate())
    # A week ahead, so that a request can still be made whatever today is.
    monday += dt.timedelta(weeks=1)

    def at(day: int, hour: int) -> dt.datetime:
        return dt.datetime.combine(monday + dt.timedelta(days=day), dt.time(hour), tz)

    shifts = []
    for day in range(5):
        for start, end in ((9, 12), (13, 17)):
            if (day, start) == (2, 9):
                shifts.append((at(day, 9), at(day, 10)))
                shifts.append((at(day, 11), at(day, 12)))
            else:
                shifts.append((at(day, start), at(day, end)))
    planned = [
        shift_create(
            actor=world.personas["site_manager"],
            site=world.site_a,
            person=world.personas["volunteer"],
            start=start,
            end=end,
        )
        for start, end in shifts
    ]
    shift_request(
        actor=world.personas["volunteer"], shift=planned[0], kind="swap", reason="孙子开家长会"
    )
    return f"/workspace/roster/{world.site_a.public_id}/?week={monday.isoformat()}"


def open_week(new_page, world, opened, path: str, viewport: dict):
    page = new_page(viewport=viewport)
    sign_in(page, world.personas["site_manager"].mobile)
    opened.errors.clear()
    response = page.goto(path)
    assert response is not None and response.status == 200
    return page


def test_the_week_reads_day_after_day_on_a_phone(new_page, world, opened, week):
    page = open_week(new_page, world, opened, week, PHONE)
    gap = page.locator("p.gap")
    assert gap.count() == 1
    assert gap.first.inner_text().startswith("无人值班 上午10:00–上午11:00")
    assert page.get_by_text("本周未达到要求").is_visible()
    days = page.locator("ol.week-days > li")
    assert days.count() == 7
    first, second = days.nth(0).bounding_box(), days.nth(1).bounding_box()
    assert second["y"] >= first["y"] + first["height"]  # stacked, Monday first
    assert_no_axe_violations(page, aaa_contrast=False)
    assert_no_horizontal_scroll(page, "roster week at 375 px")
    check_sizes_and_targets(page, "roster week")
    assert not opened.errors, "\n".join(opened.errors)


def test_the_week_has_seven_columns_on_a_wide_screen(new_page, world, opened, week):
    page = open_week(new_page, world, opened, week, DESKTOP)
    days = page.locator("ol.week-days > li")
    tops = {round(days.nth(i).bounding_box()["y"]) for i in range(7)}
    assert len(tops) == 1
    assert_no_axe_violations(page, aaa_contrast=False)
