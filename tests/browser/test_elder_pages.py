"""Every elder page against ACCESSIBILITY.md: axe (AAA contrast), sizes, targets, reflow."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from tests.browser.conftest import (
    ELDER_PAGES,
    assert_no_axe_violations,
    assert_no_horizontal_scroll,
    elder_font_problems,
    elder_target_problems,
    is_outside,
    open_elder_page,
)

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 640}
BODY_PX = "() => parseFloat(getComputedStyle(document.body).fontSize)"


@pytest.fixture
def elder(new_page, sites, world):
    """``elder(key, viewport=...)`` → a page showing that elder page, scripts running."""

    def open_(key: str, **options):
        page = new_page(**options)
        open_elder_page(page, key, sites, world)
        return page

    return open_


@pytest.mark.parametrize("key", ELDER_PAGES)
def test_it_has_no_axe_violations_with_aaa_contrast(elder, key):
    assert_no_axe_violations(elder(key), aaa_contrast=True)


@pytest.mark.parametrize("key", ["home", "finder-near", "map", "site-closed", "login-error"])
def test_it_has_no_axe_violations_on_a_wide_screen(elder, key):
    assert_no_axe_violations(elder(key, viewport=DESKTOP), aaa_contrast=True)


@pytest.mark.parametrize("key", ["home", "map", "site-closed", "login-error"])
def test_it_has_no_axe_violations_without_javascript(elder, new_page, key):
    # axe needs scripts, so render the page without them, then run axe on that DOM (scripts
    # removed) in a scripted page: the read-aloud and locate buttons stay hidden, the map
    # stays a list.
    plain = elder(key, java_script_enabled=False)
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", plain.content(), flags=re.DOTALL)
    page = new_page()
    page.route(plain.url, lambda route: route.fulfill(body=html, content_type="text/html"))
    page.goto(plain.url)
    assert page.locator("script:not([src*=axe])").count() == 0
    assert page.locator("#read-aloud").is_hidden()
    assert_no_axe_violations(page, aaa_contrast=True)


@pytest.fixture
def tour(new_page, sites, world):
    """``tour(page)`` → yields each elder page's key with the page showing it, in turn."""

    def walk(page, keys=ELDER_PAGES):
        for key in keys:
            open_elder_page(page, key, sites, world)
            yield key

    return walk


def test_it_sets_text_at_22_px_and_never_below_18(new_page, tour):
    page = new_page()
    problems = [f"{key}: {p}" for key in tour(page) for p in elder_font_problems(page)]
    assert not problems, "text too small:\n" + "\n".join(problems)


def test_it_makes_every_target_big_enough(new_page, tour):
    problems = []
    for viewport in (NARROW, DESKTOP):
        page = new_page(viewport=viewport)
        problems += [
            f"{key} at {viewport['width']} px: {p}"
            for key in tour(page)
            for p in elder_target_problems(page)
        ]
    assert not problems, "targets too small:\n" + "\n".join(problems)


def test_it_does_not_scroll_sideways_at_320_px_nor_at_large_text(new_page, tour):
    page = new_page(viewport=NARROW)
    for key in tour(page):
        assert page.evaluate("() => window.innerWidth") == 320
        assert_no_horizontal_scroll(page, f"{key} at 320 px")

        # 200 % of the 22 px default (WCAG 1.4.4), still on the 320 px phone: stricter
        # than WCAG, which would allow 640 px for 200 % text.
        page.evaluate("() => { document.documentElement.style.fontSize = '44px'; }")
        assert page.evaluate(BODY_PX) == 44
        assert_no_horizontal_scroll(page, f"{key} at 320 px, 44 px text")

    # The page's own largest size (特大, ≥ 30 px) on the narrowest phone: chosen once,
    # it stays for every page after.
    with page.expect_navigation():
        page.get_by_role("button", name="特大").click()
    for key in tour(page):
        assert page.evaluate(BODY_PX) >= 30, key
        assert_no_horizontal_scroll(page, f"{key} at 320 px, 特大")


def test_it_keeps_the_help_phone_and_ask_for_help_in_the_same_place(new_page, tour):
    page = new_page()
    seen = {}
    for key in tour(page):
        seen[key] = page.evaluate(
            """() => {
              const main = document.querySelector("main");
              const bar = main && main.nextElementSibling;
              if (!bar || !bar.matches("aside.help-bar")) return null;
              return [...bar.querySelectorAll("a")].map(a => {
                const r = a.getBoundingClientRect();
                return {href: a.getAttribute("href"), text: a.textContent.trim(),
                        big: r.width >= 60 && r.height >= 60};
              });
            }"""
        )
    home = seen["home"]
    assert home is not None, "no .help-bar right after main on the home page"
    assert [a["href"] for a in home] == [f"tel:{settings.HUOBAN_HELP_PHONE}", "/help/"], home
    assert settings.HUOBAN_HELP_PHONE in home[0]["text"] and "我要求助" in home[1]["text"]
    assert all(a["big"] for a in home), home
    different = {key: links for key, links in seen.items() if links != home}
    assert not different, f"the help bar differs from the home page's on: {different}"


def test_it_names_the_language_and_the_page(new_page, tour):
    page = new_page()
    titles = set()
    for key in tour(page):
        assert page.locator("html").get_attribute("lang") == "zh-CN", key
        title = page.title()
        own, _sep, suffix = title.partition(" · ")
        assert own.strip() and suffix.strip(), f"{key}: title {title!r}"
        assert page.locator("h1").count() == 1, key
        assert title.startswith("错误：") == key.endswith("-error"), f"{key}: {title}"
        titles.add(own)
    assert len(titles) >= 6, f"pages share titles: {titles}"


@pytest.mark.viewport(320, 640)
def test_it_leads_with_the_errors_after_a_bad_sign_in(page, world):
    assert page.viewport_size == {"width": 320, "height": 640}
    page.goto("/accounts/login/")
    page.get_by_label("手机号码").fill("13900000999")
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="登录").click()  # no password
    assert page.title().startswith("错误：")
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert page.evaluate("() => document.activeElement.id") == "error-summary"
    link = summary.get_by_role("link", name="密码")
    assert link.get_attribute("href") == "#id_password"
    assert page.locator("#id_password-error").is_visible()
    assert page.get_by_label("手机号码").input_value() == "13900000999", "typed value lost"
    link.click()
    assert page.evaluate("() => document.activeElement.id") == "id_password"


def test_it_never_asks_a_host_other_than_the_server(new_page, tour, opened):
    page = new_page()
    seen = []
    page.on("request", lambda request: seen.append(request.url))
    for key in tour(page):
        assert seen, f"{key}: no request recorded: the listener is not working"
        if key == "map":
            assert page.locator("#map .leaflet-marker-icon").count() >= 1, "map did not draw"
    assert any("/static/huoban/readaloud.js" in u for u in seen)
    outside = [u for u in seen if is_outside(u)]
    assert not outside, f"requests to other hosts: {outside}"
    assert not opened.outside, f"requests to other hosts: {opened.outside}"
    assert not opened.errors, f"console errors (a CSP refusal?): {opened.errors}"
