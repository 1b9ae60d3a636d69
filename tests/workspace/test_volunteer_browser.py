"""The volunteer pages in Debian's Chromium: axe (WCAG 2.2 AA) and 320 px reflow for the staff
pages; axe with AAA contrast, text sizes and targets for the public verification pages."""

from __future__ import annotations

import datetime as dt

import pytest

from huoban.people.models import Certificate
from huoban.people.volunteers import volunteer_update
from tests.browser.conftest import (
    _keep_migration_data,  # noqa: F401 (autouse fixture: the live server flushes the database)
    assert_no_axe_violations,
    assert_no_horizontal_scroll,
    elder_font_problems,
    elder_target_problems,
    sign_in,
)

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}


@pytest.fixture
def student(world):
    vol = world.personas["volunteer"]
    profile = volunteer_update(
        actor=vol,
        person=vol,
        is_student=True,
        school="曹杨二中",
        dialects=["mandarin", "shanghainese"],
        availability=["0_am", "5_pm"],
    )
    return profile


STAFF_PAGES = {
    "list": ("site_manager", lambda w, p: "/workspace/volunteers/"),
    "detail": ("site_manager", lambda w, p: f"/workspace/volunteers/{p.user.public_id}/"),
    "me": ("volunteer", lambda w, p: "/workspace/volunteers/me/"),
    "edit": ("volunteer", lambda w, p: f"/workspace/volunteers/{p.user.public_id}/edit/"),
    "pledges": ("volunteer", lambda w, p: f"/workspace/volunteers/{p.user.public_id}/pledges/"),
    "certificate": (
        "site_manager",
        lambda w, p: f"/workspace/volunteers/{p.user.public_id}/certificates/new/",
    ),
}


@pytest.mark.parametrize("key", list(STAFF_PAGES))
def test_it_meets_the_staff_rules_at_320_px(new_page, opened, world, student, key):
    persona, path = STAFF_PAGES[key]
    page = new_page(viewport=NARROW)
    sign_in(page, world.personas[persona].mobile)
    opened.errors.clear()
    response = page.goto(path(world, student))
    assert response is not None and response.status == 200
    assert_no_axe_violations(page, aaa_contrast=False)
    assert_no_horizontal_scroll(page, key)
    assert not opened.errors, "\n".join(opened.errors)


def test_it_shows_a_refused_profile_form_accessibly(new_page, world, student):
    page = new_page(viewport=NARROW)
    sign_in(page, world.personas["volunteer"].mobile)
    page.goto(f"/workspace/volunteers/{student.user.public_id}/edit/")
    page.get_by_label("学校").fill("")
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="保存").click()
    assert page.title().startswith("错误：")
    assert_no_axe_violations(page, aaa_contrast=False)


@pytest.mark.parametrize("which", ["badge", "certificate"])
def test_it_meets_the_elder_rules_on_the_verification_pages(new_page, world, student, which):
    if which == "badge":
        path = f"/volunteers/{student.public_id}/"
    else:
        certificate = Certificate.objects.create(
            volunteer=student,
            site=world.site_a,
            period_start=dt.date(2026, 9, 1),
            period_end=dt.date(2026, 9, 30),
            minutes=150,
            name="volunteer",
            school="曹杨二中",
            issued_on=dt.date(2026, 10, 1),
            issued_by=world.personas["site_manager"],
        )
        path = f"/volunteers/certificates/{certificate.public_id}/"
    page = new_page(viewport=NARROW)
    response = page.goto(path)
    assert response is not None and response.status == 200
    assert_no_axe_violations(page, aaa_contrast=True)
    assert_no_horizontal_scroll(page, which)
    assert elder_font_problems(page) == []
    assert elder_target_problems(page) == []
