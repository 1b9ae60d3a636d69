"""The staff's evaluation pages: overview, one class's results, entering a rating for an
elder, and the help session's rating QR code."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from huoban.classes.models import Course
from huoban.evaluations.models import Evaluation
from huoban.evaluations.services import evaluation_create
from huoban.evaluations.tokens import help_token
from tests.conftest import NOW
from tests.evaluations.helpers import attendee, ended_class, help_record, new_elder
from tests.workspace.pages import html, status_messages, summary_links, text, title

LATER = NOW + dt.timedelta(hours=3)


@pytest.fixture
def during():
    with time_machine.travel(LATER, tick=False):
        yield


@pytest.fixture
def lesson(world):
    course = Course.objects.create(title="智能手机入门")
    return ended_class(world.site_a, end=NOW, course=course)


def rated(lesson, admin, scores, comments=()):
    """Checked-in elders who rated ``lesson`` with ``scores``; returns their sign-ups."""
    signups = []
    for i, score in enumerate(scores):
        signup = attendee(lesson, new_elder(admin, lesson.site, f"长者{i}号"), admin)
        evaluation_create(
            actor=None,
            subject=lesson,
            score=score,
            comment=comments[i] if i < len(comments) else "",
            elder=signup.elder,
            now=NOW + dt.timedelta(hours=1),
        )
        signups.append(signup)
    return signups


def test_it_shows_one_class_with_numbers_bars_and_comments(world, client_for, lesson, during):
    admin = world.personas["site_manager"]
    rated(lesson, admin, [5, 5, 4, 2], comments=["", "讲得清楚"])
    waiting = attendee(lesson, new_elder(admin, world.site_a, "王建国"), admin)
    url = reverse("workspace:evaluation_session", kwargs={"public_id": lesson.public_id})
    response = client_for("volunteer").get(url)
    assert response.status_code == 200
    doc = html(response)
    assert text(doc.xpath("//*[@data-testid='evaluation-count']")[0]) == "4"
    assert text(doc.xpath("//*[@data-testid='evaluation-average']")[0]) == "4.0"
    bars = [
        [text(cell) for cell in row.xpath("./th|./td")][:3]
        for row in doc.xpath("//table[contains(@class,'evaluation-bars')]/tbody/tr")
    ]
    assert bars == [
        ["很满意", "2", "50%"],
        ["满意", "1", "25%"],
        ["一般", "0", "0%"],
        ["不满意", "1", "25%"],
        ["很不满意", "0", "0%"],
    ]
    page_text = text(doc)
    assert "很满意：讲得清楚 （长者1号）" in page_text
    assert "（评价中）" in page_text
    enter = reverse("workspace:evaluation_enter", kwargs={"public_id": waiting.public_id})
    assert doc.xpath(f"//a[@href='{enter}']/text()") == ["代王建国评价"]
    assert len(doc.xpath("//a[starts-with(@href, '/workspace/evaluations/signups/')]")) == 1


def test_the_desk_enters_a_rating_for_an_elder(world, client_for, lesson, during):
    volunteer = world.personas["volunteer"]
    signup = attendee(lesson, new_elder(volunteer, world.site_a, "李秀英"), volunteer)
    url = reverse("workspace:evaluation_enter", kwargs={"public_id": signup.public_id})
    client = client_for("volunteer")
    response = client.post(url, {"score": "3", "comment": "声音小了点"})
    assert response.status_code == 302
    assert response.url == reverse(
        "workspace:evaluation_session", kwargs={"public_id": lesson.public_id}
    )
    evaluation = Evaluation.objects.get()
    assert (evaluation.score, evaluation.comment, evaluation.on_behalf, evaluation.by) == (
        3,
        "声音小了点",
        True,
        volunteer,
    )
    response = client.get(response.url)
    assert status_messages(response) == ["已代李秀英提交评价。"]
    row = html(response).xpath("//caption[@id='attendees-caption']/../tbody/tr")[0]
    assert text(row).startswith("李秀英 · 137****") and "一般 （代填）" in text(row)
    # Once only: the form is gone.
    response = client.get(url)
    assert "这节课已经评价过了" in text(html(response))
    assert not html(response).xpath("//input[@name='score']")


def test_it_leads_with_the_errors_and_keeps_the_comment(world, client_for, lesson, during):
    volunteer = world.personas["volunteer"]
    signup = attendee(lesson, new_elder(volunteer, world.site_a), volunteer)
    url = reverse("workspace:evaluation_enter", kwargs={"public_id": signup.public_id})
    response = client_for("volunteer").post(url, {"comment": "好" * 201})
    assert response.status_code == 200
    assert title(response).startswith("错误：")
    assert summary_links(response) == [
        ("#id_score_0", "请选择长者的评价。"),
        ("#id_comment", "留言最多 200 个字，现在有 201 个字。"),
    ]
    assert html(response).get_element_by_id("id_comment").text.strip() == "好" * 201
    assert not Evaluation.objects.exists()


def test_it_shows_no_form_outside_the_window(world, client_for, lesson):
    volunteer = world.personas["volunteer"]
    signup = attendee(lesson, new_elder(volunteer, world.site_a), volunteer)
    url = reverse("workspace:evaluation_enter", kwargs={"public_id": signup.public_id})
    with time_machine.travel(NOW + dt.timedelta(days=8), tick=False):
        response = client_for("volunteer").get(url)
        assert "评价时间已经过了" in text(html(response))
        assert not html(response).xpath("//input[@name='score']")
        client_for("volunteer").post(url, {"score": "5"})
    assert not Evaluation.objects.exists()


def test_the_overview_groups_by_site_course_and_teacher(world, client_for, lesson, during):
    rated(lesson, world.personas["site_manager"], [5, 4])
    other = ended_class(world.site_b, end=NOW, teacher="李老师")
    rated(other, world.personas["city_admin"], [1])
    url = reverse("workspace:evaluation_overview")
    client = client_for("district_admin")

    def first_table(query):
        doc = html(client.get(url + query))
        return [
            [text(c) for c in row.xpath("./th|./td")][:3]
            for row in doc.xpath("//caption[@id='groups-caption']/../tbody/tr")
        ]

    assert first_table("") == [
        [world.site_a.name, "2", "4.5"],
        [world.site_b.name, "1", "1.0"],
    ]
    assert first_table("?by=course") == [["智能手机入门", "2", "4.5"]]
    assert first_table("?by=teacher") == [["王老师", "2", "4.5"], ["李老师", "1", "1.0"]]
    # The street admin of site_a's street sees only site_a.
    doc = html(client_for("street_admin").get(url))
    assert text(doc.xpath("//*[@data-testid='evaluation-count']")[0]) == "2"
    assert world.site_b.name not in text(doc)


def test_the_overview_reads_a_fixed_number_of_queries(world, client_for, during):
    admin = world.personas["city_admin"]
    client = client_for("city_admin")
    url = reverse("workspace:evaluation_overview")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    session = ended_class(world.site_a, end=NOW, title="第一课")
    rated(session, admin, [5])
    few = queries()
    for i, site in enumerate((world.site_a, world.site_b, world.site_c) * 2):
        session = ended_class(site, end=NOW - dt.timedelta(days=i), title=f"第{i}课")
        rated(session, admin, [4, 3], comments=["好", "还行"])
    assert queries() == few


def test_the_help_page_shows_a_qr_code_until_it_is_used(world, client_for):
    with time_machine.travel(NOW, tick=False):
        record = help_record(world.personas["volunteer"], world.site_a)
    url = reverse("workspace:evaluation_help", kwargs={"public_id": record.public_id})
    client = client_for("volunteer")
    with time_machine.travel(NOW + dt.timedelta(minutes=2), tick=False):
        doc = html(client.get(url))
        svg = doc.xpath("//div[@class='rating-qr-code']/*[local-name()='svg']")
        assert len(svg) == 1 and svg[0].get("role") == "img"
        link = doc.get_element_by_id("rating-link").get("value")
        assert link.endswith(reverse("portal:evaluate_help", kwargs={"token": help_token(record)}))
        evaluation_create(actor=None, subject=record, score=4, comment="谢谢")
        doc = html(client.get(url))
        assert "已经评价：满意" in text(doc) and "留言：谢谢" in text(doc)
        assert not doc.xpath("//div[@class='rating-qr-code']")
    with time_machine.travel(NOW + dt.timedelta(days=3), tick=False):
        with time_machine.travel(NOW, tick=False):
            fresh = help_record(world.personas["volunteer"], world.site_a)
        fresh_url = reverse("workspace:evaluation_help", kwargs={"public_id": fresh.public_id})
        doc = html(client.get(fresh_url))
        assert "评价时间已经过了" in text(doc)
        assert not doc.xpath("//div[@class='rating-qr-code']")


def test_the_nav_leads_to_the_evaluations(client_for, world):
    doc = html(client_for("volunteer").get(reverse("workspace:home")))
    assert doc.xpath("//nav[contains(@class,'main-nav')]//a[text()='评价']/@href") == [
        reverse("workspace:evaluation_overview")
    ]
