"""The elder pages with the demo's 30 sites: two finder pages, a crowded map, exceptions."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from huoban.sites.models import Site
from tests.browser.conftest import (
    assert_no_axe_violations,
    assert_no_horizontal_scroll,
    elder_font_problems,
    elder_target_problems,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=io.StringIO())
    sites = list(Site.objects.order_by("pk"))
    assert len(sites) == 30
    return sites


def check_elder_page(page) -> list[str]:
    problems = elder_font_problems(page) + elder_target_problems(page)
    assert_no_axe_violations(page, aaa_contrast=True)
    return [f"{page.url}: {p}" for p in problems]


def test_it_pages_through_the_demo_sites_without_javascript(new_page, demo):
    page = new_page(java_script_enabled=False)
    page.goto("/sites/")
    title = page.locator("#results-title").inner_text()
    assert "共 30 个" in title, title
    first_page = page.locator(".site-card a.site-link").all_inner_texts()
    assert len(first_page) == 20
    pager = page.get_by_role("navigation", name="翻页")
    assert "第 1 页，共 2 页" in pager.inner_text()
    with page.expect_navigation():
        pager.get_by_role("link", name="下一页").click()
    second_page = page.locator(".site-card a.site-link").all_inner_texts()
    assert len(second_page) == 10
    assert not set(first_page) & set(second_page)
    assert page.get_by_role("navigation", name="翻页").get_by_role("link", name="上一页")


def test_it_meets_the_elder_rules_with_the_demo_data(new_page, demo):
    page = new_page()
    problems = []
    for path in (
        "/sites/",
        "/sites/?page=2",
        "/sites/?near=310107005&open=on",
        "/map/",
        f"/sites/{demo[0].public_id}/",  # closed in three days, with a reason
        f"/sites/{demo[1].public_id}/",  # an extra Saturday
    ):
        response = page.goto(path)
        assert response.ok, f"{path}: {response.status}"
        problems += check_elder_page(page)
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/sites/", "/map/", f"/sites/{demo[0].public_id}/"):
        page.goto(path)
        assert_no_horizontal_scroll(page, "320 px")
    assert not problems, "\n".join(problems)
