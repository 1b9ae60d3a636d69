"""The rating pages in Debian's Chromium: axe with AAA contrast, elder font sizes and
targets, 320 px reflow, read-aloud, a rating with JavaScript off, and the desk's QR code
scanned from the staff page."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from huoban.evaluations.models import Evaluation
from huoban.evaluations.services import evaluation_create
from tests.browser.conftest import (
    assert_no_axe_violations,
    assert_no_horizontal_scroll,
    elder_font_problems,
    elder_target_problems,
    sign_in,
)
from tests.browser.test_elder_controls import SPEECH_STUB
from tests.evaluations.helpers import attendee, ended_class, help_record, new_elder

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def signup(world):
    """A checked-in elder of a class that ended an hour ago: rating is open."""
    manager = world.personas["site_manager"]
    session = ended_class(world.site_a, end=timezone.now() - dt.timedelta(hours=1))
    return attendee(session, new_elder(manager, world.site_a), manager)


def start(signup) -> str:
    return reverse("portal:evaluate_class", kwargs={"public_id": signup.public_id})


def comment(signup, score: int = 4) -> str:
    url = reverse("portal:evaluate_class_comment", kwargs={"public_id": signup.public_id})
    return f"{url}?score={score}"


def check_elder_page(page, what: str) -> None:
    assert_no_axe_violations(page, aaa_contrast=True)
    fonts = elder_font_problems(page)
    assert not fonts, f"{what}: text too small:\n" + "\n".join(fonts)
    targets = elder_target_problems(page)
    assert not targets, f"{what}: targets too small:\n" + "\n".join(targets)


@pytest.mark.parametrize("viewport", [NARROW, DESKTOP], ids=["320px", "desktop"])
def test_the_faces_page_meets_the_elder_rules(new_page, signup, viewport):
    page = new_page(viewport=viewport)
    page.goto(start(signup))
    faces = page.locator("label.face")
    assert faces.count() == 5
    for i in range(5):
        box = faces.nth(i).bounding_box()
        radio = faces.nth(i).locator("input[type=radio]").bounding_box()
        assert box["width"] >= 60 and box["height"] >= 60, box
        # The radio covers its whole face: the tap target is the big button.
        assert radio["width"] >= box["width"] - 8 and radio["height"] >= box["height"] - 8
    check_elder_page(page, "faces")
    assert_no_horizontal_scroll(page, "faces")


def test_the_other_rating_pages_meet_the_elder_rules(new_page, signup):
    page = new_page()
    page.goto(comment(signup))
    check_elder_page(page, "comment")
    page.locator("#id_comment").fill("好" * 201)
    with page.expect_navigation():
        page.get_by_role("button", name="提交评价").click()
    assert page.title().startswith("错误：")
    assert page.evaluate("() => document.activeElement.id") == "error-summary"
    check_elder_page(page, "comment error")
    page.locator("#id_comment").fill("讲得很清楚")
    with page.expect_navigation():
        page.get_by_role("button", name="提交评价").click()
    assert page.locator("h1").inner_text().strip() == "谢谢您的评价！"
    check_elder_page(page, "thanks")
    page.goto(start(signup))
    assert page.locator("h1").inner_text().strip() == "已经评价过了"
    check_elder_page(page, "already rated")


def test_it_does_not_scroll_sideways_with_big_text(new_page, signup):
    page = new_page(viewport=NARROW)
    for url in (start(signup), comment(signup)):
        page.goto(url)
        page.evaluate("() => { document.documentElement.style.fontSize = '44px'; }")
        assert_no_horizontal_scroll(page, f"{url} at 44 px")
    with page.expect_navigation():
        page.get_by_role("button", name="特大").click()
    assert_no_horizontal_scroll(page, "comment page at 特大")


def test_it_reads_the_question_aloud(new_page, signup):
    page = new_page()
    page.add_init_script(SPEECH_STUB)
    page.goto(start(signup))
    page.locator("#read-aloud").click()
    spoken = page.evaluate("() => window.__spoken")
    assert len(spoken) == 1 and spoken[0]["lang"] == "zh-CN"
    assert "这节课您满意吗？" in spoken[0]["text"] and "很满意" in spoken[0]["text"]


def test_an_elder_rates_with_javascript_off(new_page, signup):
    page = new_page(java_script_enabled=False)
    page.goto(start(signup))
    assert page.locator("#read-aloud").is_hidden(), "scripts ran: JavaScript is not off"
    with page.expect_navigation():
        page.get_by_role("button", name="下一步").click()  # nothing chosen
    assert page.title().startswith("错误：")
    page.locator("label.face", has_text="很满意").click()
    assert page.locator("#id_score_0").is_checked()
    assert page.locator("label.face", has_text="很满意").locator(".face-picked").is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="下一步").click()
    assert "您选了：很满意" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="提交评价").click()  # no comment: fine
    assert page.locator("h1").inner_text().strip() == "谢谢您的评价！"
    evaluation = Evaluation.objects.get()
    assert (evaluation.score, evaluation.comment, evaluation.elder) == (5, "", signup.elder)


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbarimg is not installed")
def test_the_desk_qr_code_scans_to_a_working_rating_page(new_page, world, tmp_path):
    record = help_record(world.personas["volunteer"], world.site_a)
    staff = new_page(viewport=DESKTOP)
    sign_in(staff, world.personas["volunteer"].mobile)
    staff.goto(reverse("workspace:evaluation_help", kwargs={"public_id": record.public_id}))
    assert_no_axe_violations(staff, aaa_contrast=False)
    shot = tmp_path / "qr.png"
    staff.locator(".rating-qr-code svg").screenshot(path=str(shot))
    decoded = subprocess.run(
        ["zbarimg", "--raw", "-q", str(shot)], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert decoded == staff.locator("#rating-link").input_value()

    elder = new_page()
    elder.goto(urlsplit(decoded).path)
    assert elder.locator("h1").inner_text().strip() == "这次帮您办事，您满意吗？"
    check_elder_page(elder, "help rating")
    elder.locator("label.face", has_text="一般").click()
    with elder.expect_navigation():
        elder.get_by_role("button", name="下一步").click()
    with elder.expect_navigation():
        elder.get_by_role("button", name="提交评价").click()
    assert elder.locator("h1").inner_text().strip() == "谢谢您的评价！"
    assert Evaluation.objects.get(help_session=record).score == 3

    staff.reload()
    assert "这个二维码已经用过了" in staff.locator("main").inner_text()


def test_the_staff_pages_have_no_axe_violations(new_page, world, signup):
    other = attendee(
        signup.session,
        new_elder(world.personas["volunteer"], world.site_a, "李秀英"),
        world.personas["volunteer"],
    )
    evaluation_create(
        actor=None, subject=signup.session, score=4, comment="很实用", elder=other.elder
    )
    page = new_page(viewport=DESKTOP)
    sign_in(page, world.personas["volunteer"].mobile)
    for url in (
        reverse("workspace:evaluation_overview"),
        reverse("workspace:evaluation_overview") + "?by=teacher",
        reverse("workspace:evaluation_session", kwargs={"public_id": signup.session.public_id}),
        reverse("workspace:evaluation_enter", kwargs={"public_id": signup.public_id}),
    ):
        page.goto(url)
        assert_no_axe_violations(page, aaa_contrast=False)
    with page.expect_navigation():
        page.get_by_role("button", name="提交评价").click()
    assert page.title().startswith("错误：")
    assert_no_axe_violations(page, aaa_contrast=False)
    page.set_viewport_size(NARROW)
    assert_no_horizontal_scroll(page, "enter a rating at 320 px")
