"""The two outside checkers ACCESSIBILITY.md names, on the elder pages: the W3C Nu HTML
checker (no errors, every elder page) and Lighthouse's accessibility score (at least 0.95,
the pages an elder goes through to find help and get a place in a class).

Both come from npm (``make tools``, pinned in tools/package-lock.json); Java runs the first,
Node.js the second, with Debian's Chromium.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, ELDER_PAGES, open_elder_page
from tests.checkers import LIGHTHOUSE, VNU, need, nu_errors

pytestmark = [pytest.mark.browser, pytest.mark.checkers]

LIGHTHOUSE_PAGES = ["home", "finder-near", "site-open", "timetable", "class", "me", "sign-up"]
MIN_SCORE = 0.95


def _served_html(page, key: str, sites, world) -> str:
    """The HTML the server sent for one elder page (not the DOM after its scripts ran)."""
    documents: list = []

    def keep(response) -> None:
        if response.request.resource_type == "document" and response.frame == page.main_frame:
            documents.append(response)

    page.on("response", keep)
    try:
        open_elder_page(page, key, sites, world)
    finally:
        page.remove_listener("response", keep)
    return documents[-1].text()


def test_every_elder_page_is_valid_html(new_page, sites, world, tmp_path):
    need(VNU, "java")
    page = new_page()
    files = []
    for key in ELDER_PAGES:
        path = tmp_path / f"{key}.html"
        path.write_text(_served_html(page, key, sites, world), encoding="utf-8")
        files.append(path)
    errors = nu_errors(files)
    assert len(files) == len(ELDER_PAGES)
    assert not errors, "the Nu HTML checker found:\n" + "\n".join(errors)


def _lighthouse(node: str, url: str, cookie: str, out: Path) -> dict:
    headless = [a for a in CHROMIUM_ARGS if a != "--headless"] + ["--headless=new"]
    command = [
        node,
        str(LIGHTHOUSE),
        url,
        "--only-categories=accessibility",
        "--output=json",
        f"--output-path={out}",
        "--quiet",
        "--max-wait-for-load=30000",
        f"--chrome-flags={' '.join(headless)}",
    ]
    if cookie:
        command.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=180, env=env, check=False
    )
    assert result.returncode == 0, f"Lighthouse failed on {url}:\n{result.stderr[-2000:]}"
    return json.loads(out.read_text(encoding="utf-8"))


def test_the_main_elder_pages_score_at_least_095_in_lighthouse(new_page, sites, world, tmp_path):
    node = need(LIGHTHOUSE, "node")
    low = []
    for key in LIGHTHOUSE_PAGES:
        page = new_page()
        open_elder_page(page, key, sites, world)
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies())
        report = _lighthouse(node, page.url, cookie, tmp_path / f"{key}.json")
        assert report["finalDisplayedUrl"].split("?")[0] == page.url.split("?")[0], key
        score = report["categories"]["accessibility"]["score"]
        failed = [
            audit["id"]
            for audit in report["audits"].values()
            if audit.get("score") == 0 and audit.get("scoreDisplayMode") == "binary"
        ]
        if score is None or score < MIN_SCORE:
            low.append(f"{key}: {score} (failed: {', '.join(failed)})")
    assert not low, "Lighthouse accessibility below 0.95:\n" + "\n".join(low)
