"""Rule 7: every core flow works as plain forms and links, with JavaScript switched off."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from huoban.sites.hours import DeskHours
from huoban.sites.models import Site
from huoban.sites.selectors import with_hours

pytestmark = pytest.mark.browser


def expected_state_words(site: Site) -> set[str]:
    """现在开放 or 现在未开放, as the server decided it in the last 30 seconds (both if the
    clock passed an opening or closing time meanwhile)."""
    hours = DeskHours.for_site(with_hours(Site.objects.filter(pk=site.pk)).get())
    now = timezone.localtime()
    moments = (now - dt.timedelta(seconds=30), now)
    return {"现在开放" if hours.state_at(t).is_open else "现在未开放" for t in moments}


def card_names(page) -> list[str]:
    return [n.strip() for n in page.locator(".site-card a.site-link").all_inner_texts()]


@pytest.fixture
def plain(new_page, world):
    page = new_page(java_script_enabled=False)
    assert page.evaluate("() => 1") == 1  # Playwright's own evaluate still works
    page.goto("/")
    assert page.locator("#read-aloud").is_hidden(), "scripts ran: JavaScript is not off"
    return page


def test_it_finds_the_nearest_site_by_street_and_opens_it(plain, world):
    page = plain
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("找附近的服务点")).click()
    assert page.url.endswith("/sites/")

    page.get_by_label("我住在哪个街道/镇").select_option(label=world.caoyang.name)
    with page.expect_navigation():
        page.get_by_role("button", name="按离这里的距离排列").click()
    assert f"near={world.caoyang.code}" in page.url
    assert page.locator("#results-title").inner_text().startswith("离您最近的服务点")
    assert page.get_by_label("我住在哪个街道/镇").input_value() == world.caoyang.code

    assert card_names(page) == [world.site_a.name, world.site_b.name, world.site_c.name]
    walks = [
        int(m.group(1))
        for text in page.locator(".site-card").all_inner_texts()
        if (m := re.search(r"步行约\s*(\d+)\s*米", text))
    ]
    assert len(walks) == 3, walks
    assert walks == sorted(walks) and walks[0] < walks[-1], walks

    with page.expect_navigation():
        page.get_by_role("link", name=world.site_a.name).click()
    assert page.locator("h1").inner_text().strip() == world.site_a.name
    assert page.title().startswith(world.site_a.name)

    rows = page.locator("table.hours tbody tr")
    assert rows.count() == 7
    today = timezone.localdate()
    current = page.locator("table.hours tr[aria-current=date]")
    assert current.count() == 1
    assert rows.nth(today.weekday()).get_attribute("aria-current") == "date"
    assert "today" in (current.get_attribute("class") or "")
    backgrounds = {
        page.evaluate("el => getComputedStyle(el).backgroundColor", rows.nth(i).element_handle())
        for i in range(7)
    }
    assert len(backgrounds) == 2, "today's row is not highlighted"
    # site_a opens Monday to Friday.
    assert ("不开放" in current.inner_text()) == (today.weekday() >= 5), current.inner_text()

    notice = page.locator("main .notice").first.inner_text()
    found = {w for w in ("现在开放", "现在未开放") if w in notice}
    assert found and found <= expected_state_words(world.site_a), notice


def test_it_filters_by_district_street_service_and_open_now(plain, world):
    page = plain
    page.goto("/sites/")
    assert set(card_names(page)) == {world.site_a.name, world.site_b.name, world.site_c.name}

    def search(**choices):
        form = page.locator("form.filters")
        for label, value in choices.items():
            form.get_by_label(label).select_option(value=value)
        with page.expect_navigation():
            form.get_by_role("button", name="查找").click()

    search(区=world.putuo.code)
    assert set(card_names(page)) == {world.site_a.name, world.site_b.name}
    assert "共 2 个" in page.locator("#results-title").inner_text()
    assert page.locator("form.filters").get_by_label("区").input_value() == world.putuo.code

    search(区="", **{"街道/镇": world.changfeng.code})
    assert card_names(page) == [world.site_b.name]

    search(**{"街道/镇": "", "服务": "help_desk"}, 区=world.jingan.code)
    assert card_names(page) == [world.site_c.name]
    assert "service=help_desk" in page.url

    search(区="", 服务="")
    page.locator("form.filters").get_by_label("只看现在开放的").check()
    with page.expect_navigation():
        page.locator("form.filters").get_by_role("button", name="查找").click()
    assert "open=on" in page.url
    assert page.locator("form.filters").get_by_label("只看现在开放的").is_checked()
    open_now = {
        s.name
        for s in (world.site_a, world.site_b, world.site_c)
        if expected_state_words(s) == {"现在开放"}
    }
    maybe = {
        s.name
        for s in (world.site_a, world.site_b, world.site_c)
        if "现在开放" in expected_state_words(s)
    }
    assert open_now <= set(card_names(page)) <= maybe
    if not card_names(page):
        assert page.get_by_text("没有找到符合条件的服务点").is_visible()
    for text in page.locator(".site-card").all_inner_texts():
        assert "现在开放" in text and "现在未开放" not in text
