import pytest
from tests.browser.conftest import (axe, elder_font_problems, elder_target_problems,
    open_elder_page, REFLOW_JS)

def mutate(page, pattern, old, new):
    def handler(route):
        resp = route.fetch()
        body = resp.text()
        assert old in body, old
        route.fulfill(response=resp, body=body.replace(old, new))
    page.route(pattern, handler)

@pytest.mark.parametrize("case", ["font", "target", "contrast", "reflow", "speech", "checkbox"])
def test_mutant(new_page, sites, world, case):
    page = new_page(viewport={"width": 320, "height": 640})
    if case == "font":
        mutate(page, "**/elder.css", "html { font-size: 22px;", "html { font-size: 20px;")
        open_elder_page(page, "home", sites, world)
        print(case, elder_font_problems(page)[:3])
    elif case == "target":
        mutate(page, "**/elder.css", "min-height: 88px;", "min-height: 40px;")
        mutate(page, "**/elder.css", "a.site-link { display: inline-flex; align-items: center; min-height: 60px; }", "a.site-link {}")
        open_elder_page(page, "finder", sites, world)
        print(case, elder_target_problems(page)[:3])
    elif case == "checkbox":
        mutate(page, "**/elder.css", "width: 44px; height: 44px;", "width: 36px; height: 36px;")
        open_elder_page(page, "finder", sites, world)
        print(case, elder_target_problems(page)[:3])
    elif case == "contrast":
        mutate(page, "**/elder.css", "--muted: #3d3d3d;", "--muted: #6b6b6b;")
        open_elder_page(page, "home", sites, world)
        print(case, [v["id"] for v in axe(page, aaa_contrast=True)], [v["id"] for v in axe(page, aaa_contrast=False)])
    elif case == "reflow":
        mutate(page, "**/elder.css", ".hours { border-collapse: collapse; width: 100%; }", ".hours { border-collapse: collapse; width: 100%; white-space: nowrap; }")
        open_elder_page(page, "site-open", sites, world)
        print(case, page.evaluate(REFLOW_JS))
    elif case == "speech":
        mutate(page, "**/readaloud.js", '"zh-CN"', '"zh-TW"')
        page.add_init_script("window.__s=[];speechSynthesis.speak=u=>__s.push(u.lang)")
        open_elder_page(page, "home", sites, world)
        page.locator("#read-aloud").click()
        print(case, page.evaluate("() => window.__s"))
