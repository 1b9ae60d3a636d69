"""Take the README's screenshots from a running demo (`make demo`) in Debian's Chromium.

    .venv/bin/python scripts/screenshots.py [--base http://127.0.0.1:8000] [--out docs/screenshots]

Signs in with the demo accounts printed by `huoban load_demo`. Only loopback is visited.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

PASSWORD = "huoban-demo-2026"  # noqa: S105 - the demo's published password
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}

# file name, account (None: signed out), path, viewport, and a link to follow from there
# (a CSS selector; its first match), for pages whose address the demo data decides.
SHOTS = [
    ("home.png", None, "/", PHONE, None),
    ("site.png", None, "/sites/?district=310107000", PHONE, None),
    ("workspace.png", "13900000003", "/workspace/", DESKTOP, None),
    ("record-log.png", "13900000005", "/workspace/records/log/", PHONE, None),
    ("records.png", "13900000003", "/workspace/records/", DESKTOP, None),
    ("progress.png", "13900000002", "/workspace/progress/", DESKTOP, None),
    ("dashboard.png", "13900000002", "/workspace/dashboard/", DESKTOP, None),
    ("timetable.png", None, "/classes/", PHONE, None),
    ("class.png", None, "/classes/", PHONE, "main a.site-link"),
    ("classes.png", "13900000004", "/workspace/classes/", DESKTOP, None),
    ("roster-week.png", "13900000004", "/workspace/roster/", DESKTOP, "main a[href*='/roster/']"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="docs/screenshots")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        for name, account, path, viewport, follow in SHOTS:
            context = browser.new_context(viewport=viewport, base_url=args.base, locale="zh-CN")
            page = context.new_page()
            if account:
                page.goto("/accounts/login/")
                page.get_by_label("手机号码").fill(account)
                page.get_by_label("密码").fill(PASSWORD)
                with page.expect_navigation():
                    page.locator("main").get_by_role("button", name="登录").click()
            response = page.goto(path)
            if response is None or response.status != 200:
                print(f"skipped {name}: {path} gave {response and response.status}")
                context.close()
                continue
            if follow:
                with page.expect_navigation():
                    page.locator(follow).first.click()
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(out / name), full_page=False)
            print(f"wrote {out / name}")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
