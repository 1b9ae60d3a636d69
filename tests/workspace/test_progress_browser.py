"""The progress pages and the dashboard in Debian's Chromium: axe (WCAG 2.2 AA) with no
violations, no sideways scrolling at 320 px, the staff text and target sizes, and the charts
drawn by ECharts' SVG renderer (under the pages' real CSP) next to their tables."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from huoban.records.services import help_session_log
from huoban.sites.models import Service
from huoban.targets.services import target_pair_set, target_set
from tests.browser.conftest import (
    _keep_migration_data,  # noqa: F401 (autouse fixture: the live server flushes the database)
    assert_no_axe_violations,
    assert_no_horizontal_scroll,
    sign_in,
)
from tests.workspace.test_browser import check_sizes_and_targets

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 900}

PROGRESS_CHARTS = ["chart-half", "chart-year"]
# key: (persona, path builder, the charts the page draws)
PAGES = {
    "progress-district": ("district_admin", lambda w: "/workspace/progress/", PROGRESS_CHARTS),
    "progress-street": ("street_admin", lambda w: "/workspace/progress/", PROGRESS_CHARTS),
    "progress-city": ("city_admin", lambda w: "/workspace/progress/", PROGRESS_CHARTS),
    "targets-edit": (
        "district_admin",
        lambda w: f"/workspace/progress/{w.putuo.code}/{timezone.localdate().year}/targets/",
        [],
    ),
    "indicators-import": (
        "district_admin",
        lambda w: f"/workspace/progress/{w.putuo.code}/{timezone.localdate().year}/import/",
        [],
    ),
    "dashboard-district": (
        "district_admin",
        lambda w: "/workspace/dashboard/",
        ["chart-scenarios", "chart-channels", "chart-sites", "chart-daily"],
    ),
    "dashboard-site": (
        "volunteer",
        lambda w: "/workspace/dashboard/",
        ["chart-scenarios", "chart-channels", "chart-daily"],
    ),
}


@pytest.fixture
def figures(world):
    """This year's targets for Putuo and its streets, and a few records this week."""
    today = timezone.localdate()
    year = today.year
    target_set(actor=None, region=world.putuo, year=year, period="year", value=1000)
    target_set(actor=None, region=world.putuo, year=year, period="half", value=500)
    target_pair_set(actor=None, region=world.caoyang, year=year, half=200, annual=400)
    target_pair_set(actor=None, region=world.changfeng, year=year, half=300, annual=600)
    now = timezone.now()
    days_back = min(3, (today - dt.date(year, 1, 1)).days)
    scenarios = {s.code: s for s in Service.objects.filter(kind="scenario")}
    for site, codes, channel, back in (
        (world.site_a, ["medical", "pay_bills"], "walk_in", 0),
        (world.site_a, ["medical"], "phone", days_back),
        (world.site_a, ["chat"], "walk_in", days_back),
        (world.site_b, ["travel"], "home_visit", 0),
    ):
        help_session_log(
            actor=world.personas["city_admin"],
            site=site,
            scenarios=[scenarios[c] for c in codes],
            channel=channel,
            occurred_at=now - dt.timedelta(days=back, minutes=5),
        )


@pytest.fixture
def open_page(new_page, opened, world, figures):
    def open_(key: str, viewport: dict = NARROW):
        persona, path, _charts = PAGES[key]
        page = new_page(viewport=viewport)
        sign_in(page, world.personas[persona].mobile)
        opened.errors.clear()
        response = page.goto(path(world))
        assert response is not None and response.status == 200, f"{key}: {response}"
        page.wait_for_load_state("load")
        return page

    return open_


def assert_charts_drawn(page, ids: list[str]) -> None:
    """Each chart is shown, holds an SVG (not a canvas) and keeps its name for screen readers."""
    for chart_id in ids:
        chart = page.locator(f"#{chart_id}")
        chart.locator("svg").first.wait_for(state="attached")
        assert chart.is_visible(), chart_id
        assert chart.locator("canvas").count() == 0, chart_id
        assert chart.get_attribute("role") == "img"
        assert "表格" in (chart.get_attribute("aria-label") or ""), chart_id
        box = chart.bounding_box()
        assert box and box["height"] >= 200, f"{chart_id}: {box}"
    # Every chart on the page is one of those expected (none left undrawn).
    assert page.locator("[data-chart]").count() == len(ids)


@pytest.mark.parametrize("key", list(PAGES))
def test_it_meets_the_staff_numbers_at_320_px(open_page, opened, key):
    page = open_page(key)
    assert_charts_drawn(page, PAGES[key][2])
    assert_no_axe_violations(page, aaa_contrast=False)
    assert_no_horizontal_scroll(page, key)
    check_sizes_and_targets(page, key)
    assert not opened.errors, "\n".join([*opened.errors])
    assert not opened.outside, opened.outside


@pytest.mark.parametrize("key", ["progress-district", "dashboard-district"])
def test_it_has_no_axe_violations_on_a_wide_screen(open_page, opened, key):
    page = open_page(key, DESKTOP)
    assert_charts_drawn(page, PAGES[key][2])
    assert_no_axe_violations(page, aaa_contrast=False)
    assert not opened.errors, "\n".join(opened.errors)


def test_the_tables_stand_alone_without_javascript(new_page, world, figures):
    page = new_page(viewport=NARROW, java_script_enabled=False)
    sign_in(page, world.personas["district_admin"].mobile)
    page.goto("/workspace/progress/")
    assert page.locator("#chart-half").is_hidden()
    assert page.get_by_role("rowheader", name="曹杨新村街道").first.is_visible()
    assert_no_horizontal_scroll(page, "progress without JavaScript")
