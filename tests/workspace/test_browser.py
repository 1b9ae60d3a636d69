"""Staff pages in Debian's Chromium: axe (WCAG 2.2 AA), text size, targets, 320 px reflow.

The staff column of ACCESSIBILITY.md: body ≥ 16 px, primary targets ≥ 44 px, other targets
≥ 24 px, no sideways scrolling at 320 px, and after a refused form the error summary has
the focus. Uses the browser fixtures of tests/browser (see conftest.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from huoban.accounts.models import Membership
from huoban.sites.models import DeskException
from tests.browser.conftest import (
    FONT_SIZES_JS,
    TARGETS_JS,
    _keep_migration_data,  # noqa: F401 (autouse fixture: the live server flushes the database)
    assert_no_axe_violations,
    assert_no_horizontal_scroll,
    sign_in,
)

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 900}

# key: (persona, path builder)
PAGES = {
    "home": ("site_manager", lambda w: "/workspace/"),
    "site-list": ("district_admin", lambda w: "/workspace/sites/?sort=-street"),
    "site-detail": ("site_manager", lambda w: f"/workspace/sites/{w.site_a.public_id}/"),
    "site-edit": ("city_admin", lambda w: f"/workspace/sites/{w.site_a.public_id}/edit/"),
    "site-create": ("street_admin", lambda w: "/workspace/sites/new/"),
    "site-hours": ("site_manager", lambda w: f"/workspace/sites/{w.site_a.public_id}/hours/"),
    "site-exceptions": (
        "site_manager",
        lambda w: f"/workspace/sites/{w.site_a.public_id}/exceptions/",
    ),
    "organisations": ("city_admin", lambda w: "/workspace/organisations/"),
    "organisation-new": ("city_admin", lambda w: "/workspace/organisations/new/"),
    "people": ("city_admin", lambda w: "/workspace/people/"),
    "invite": ("city_admin", lambda w: "/workspace/people/invite/"),
    "revoke": (
        "city_admin",
        lambda w: (
            f"/workspace/people/{Membership.objects.get(user=w.personas['volunteer']).pk}/revoke/"
        ),
    ),
}


@pytest.fixture
def staff_page(new_page, opened, world):
    # A row with a delete button on the exceptions page, so its table is measured too.
    DeskException.objects.create(
        site=world.site_a,
        date=timezone.localdate() + dt.timedelta(days=3),
        kind="open",
        start=dt.time(9),
        end=dt.time(11),
        reason="加开上午场",
    )

    def open_(key: str, viewport: dict = NARROW):
        persona, path = PAGES[key]
        page = new_page(viewport=viewport)
        sign_in(page, world.personas[persona].mobile)
        opened.errors.clear()  # only this page's errors, not the sign-in page's
        response = page.goto(path(world))
        assert response is not None and response.status == 200, f"{key}: {response}"
        return page

    return open_


def check_sizes_and_targets(page, what: str) -> None:
    sizes = page.evaluate(FONT_SIZES_JS)
    assert sizes["body"] >= 16, f"{what}: body text {sizes['body']} px"
    small = [i for i in sizes["items"] if i["size"] < 14]
    assert not small, f"{what}: text below 14 px: {small[:5]}"
    for target in page.evaluate(TARGETS_JS):
        if target["exempt"]:
            continue
        need = 44 if target["primary"] else 24
        assert target["width"] >= need - 0.5 and target["height"] >= need - 0.5, (
            f"{what}: {target['what']} is {target['width']:.0f}×{target['height']:.0f} px, "
            f"needs {need}"
        )


@pytest.mark.parametrize("key", list(PAGES))
def test_it_meets_the_staff_numbers_at_320_px(staff_page, opened, key):
    page = staff_page(key)
    assert_no_axe_violations(page, aaa_contrast=False)
    assert_no_horizontal_scroll(page, key)
    check_sizes_and_targets(page, key)
    assert not opened.errors, "\n".join([*opened.errors, *opened.requests])


@pytest.mark.parametrize("key", ["site-list", "site-detail", "site-edit", "people"])
def test_it_has_no_axe_violations_on_a_wide_screen(staff_page, key):
    assert_no_axe_violations(staff_page(key, DESKTOP), aaa_contrast=False)


def test_it_focuses_the_error_summary_after_a_refused_form(staff_page):
    page = staff_page("organisation-new")
    page.get_by_label("单位名称").fill("曹杨社区服务社")
    page.get_by_label("统一社会信用代码").fill("91310107ma1g00777x")
    with page.expect_navigation():
        page.get_by_role("button", name="登记").click()
    assert page.title().startswith("错误：")
    assert page.evaluate("() => document.activeElement.hasAttribute('data-error-summary')")
    assert page.get_by_label("统一社会信用代码").input_value() == "91310107ma1g00777x"
    assert_no_axe_violations(page, aaa_contrast=False)
    assert_no_horizontal_scroll(page, "organisation-new with errors")
    # The summary's link takes the keyboard to the field.
    page.locator("[data-error-summary] a").first.click()
    assert page.evaluate("() => document.activeElement.id") == "id_uscc"


def test_it_shows_only_the_scope_field_the_role_needs(staff_page):
    page = staff_page("invite")
    page.get_by_label("角色").select_option("site_manager")
    assert page.locator("#id_site").is_visible()
    assert page.locator("#id_region").is_hidden()
    assert page.locator("#id_organisation").is_hidden()
    page.get_by_label("角色").select_option("street_admin")
    assert page.locator("#id_region").is_visible()
    assert page.locator("#id_site").is_hidden()


def test_it_keeps_hours_errors_readable_at_320_px(staff_page):
    page = staff_page("site-hours")
    page.locator("#id_hours-1-start").fill("11:00")
    with page.expect_navigation():
        page.get_by_role("button", name="保存咨询时段").click()
    assert page.title().startswith("错误：")
    assert_no_axe_violations(page, aaa_contrast=False)
    assert_no_horizontal_scroll(page, "site-hours with errors")
    check_sizes_and_targets(page, "site-hours with errors")
