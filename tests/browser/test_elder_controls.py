"""The elder pages' own controls: text size, read aloud, "find by my position"."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import open_elder_page

pytestmark = pytest.mark.browser

BODY_PX = "() => parseFloat(getComputedStyle(document.body).fontSize)"

SPEECH_STUB = """
window.__spoken = [];
window.__cancelled = 0;
if ("speechSynthesis" in window) {
  window.speechSynthesis.speak = u => { window.__spoken.push({text: u.text, lang: u.lang}); };
  window.speechSynthesis.cancel = () => { window.__cancelled += 1; };
}
"""


def pressed_size(page) -> str:
    return page.locator(".size-form button[aria-pressed=true]").inner_text().strip()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_it_enlarges_the_text_and_remembers_it(new_page, world, javascript):
    page = new_page(java_script_enabled=javascript)
    page.goto("/sites/?open=on")
    assert page.evaluate(BODY_PX) == 22
    assert pressed_size(page) == "标准"

    with page.expect_navigation():
        page.get_by_role("button", name="特大").click()
    assert urlsplit(page.url).path + "?" + urlsplit(page.url).query == "/sites/?open=on"
    assert page.evaluate(BODY_PX) >= 30
    assert pressed_size(page) == "特大"

    page.goto("/help/")  # the next page keeps the size
    assert page.evaluate(BODY_PX) >= 30
    assert (
        page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
        >= 45
    )

    with page.expect_navigation():
        page.get_by_role("button", name="大", exact=True).click()
    assert 22 < page.evaluate(BODY_PX) < 30
    assert pressed_size(page) == "大"

    with page.expect_navigation():
        page.get_by_role("button", name="标准").click()
    assert page.evaluate(BODY_PX) == 22


@pytest.mark.parametrize("key", ["home", "finder-near", "site-closed", "help"])
def test_it_reads_the_main_content_aloud_in_chinese(new_page, sites, world, key):
    page = new_page()
    page.add_init_script(SPEECH_STUB)
    open_elder_page(page, key, sites, world)
    button = page.locator("header .tools #read-aloud")
    assert button.is_visible(), "the 朗读 button is not in the header's tools"
    assert button.get_attribute("aria-pressed") == "false"
    assert button.inner_text().strip().endswith("朗读")

    button.click()
    spoken = page.evaluate("() => window.__spoken")
    assert len(spoken) == 1, spoken
    assert spoken[0]["lang"] == "zh-CN"
    h1 = page.locator("h1").inner_text().strip()
    assert h1 and h1 in spoken[0]["text"]
    assert "求助电话" not in spoken[0]["text"], "reads more than the main content"
    assert button.get_attribute("aria-pressed") == "true"
    assert "停止朗读" in button.inner_text()

    button.click()
    assert button.get_attribute("aria-pressed") == "false"
    assert page.evaluate("() => window.__cancelled") >= 1
    assert len(page.evaluate("() => window.__spoken")) == 1


def test_it_hides_the_read_aloud_button_without_javascript(new_page, world):
    page = new_page(java_script_enabled=False)
    page.goto("/")
    assert page.locator("#read-aloud").count() == 1
    assert page.locator("#read-aloud").is_hidden()
    assert page.locator("#locate").count() == 0
    page.goto("/sites/")
    assert page.locator("#locate").is_hidden(), "a button that cannot work is shown"


@pytest.mark.parametrize(
    ("where", "lat", "lng"),
    [("a", 31.2399, 121.4099), ("c", 31.2321, 121.4601)],
    ids=["near-site-a", "near-site-c"],
)
def test_it_finds_the_nearest_site_from_my_position(new_page, sites, where, lat, lng):
    page = new_page(geolocation={"latitude": lat, "longitude": lng}, permissions=["geolocation"])
    page.goto("/sites/")
    locate = page.get_by_role("button", name="用我的位置查找")
    assert locate.is_visible()
    with page.expect_navigation(url=lambda url: "lat=" in url):
        locate.click()
    query = parse_qs(urlsplit(page.url).query)
    assert float(query["lat"][0]) == pytest.approx(lat, abs=1e-6)
    assert float(query["lng"][0]) == pytest.approx(lng, abs=1e-6)
    first = page.locator(".site-list .site-card").first
    assert first.locator("a.site-link").inner_text().strip() == sites[where].name
    assert "步行约" in first.inner_text()
    assert page.locator("#results-title").inner_text().startswith("离您最近的服务点")


def test_it_says_so_when_the_position_is_refused(new_page, world):
    page = new_page()  # no geolocation permission granted
    page.goto("/sites/")
    page.get_by_role("button", name="用我的位置查找").click()
    status = page.locator("#locate-status")
    status.filter(has_text="没有拿到您的位置").wait_for()
    assert status.get_attribute("role") == "status"
    assert "lat=" not in page.url
