"""Rating a class or a help session in the elder portal, as plain forms (no JavaScript)."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse

from huoban.evaluations.models import Evaluation
from huoban.evaluations.selectors import Summary, site_rating
from huoban.evaluations.tokens import help_token
from tests.conftest import NOW
from tests.evaluations.helpers import attendee, ended_class, help_record, new_elder

DAY = dt.timedelta(days=1)


def page(response):
    return lxml.html.fromstring(response.content.decode())


def words(response) -> str:
    return " ".join(page(response).text_content().split())


def title(response) -> str:
    return page(response).findtext(".//title").strip()


@pytest.fixture
def lesson(world):
    return ended_class(world.site_a, end=NOW)


@pytest.fixture
def signup(world, lesson):
    manager = world.personas["site_manager"]
    return attendee(lesson, new_elder(manager, world.site_a), manager)


@pytest.fixture
def url(signup):
    def make(step: str = "") -> str:
        name = "portal:evaluate_class" + (f"_{step}" if step else "")
        return reverse(name, kwargs={"public_id": signup.public_id})

    return make


@pytest.fixture
def during():
    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        yield


def test_it_shows_five_large_faces_with_words(client, url, during):
    response = client.get(url())
    assert response.status_code == 200
    doc = page(response)
    assert doc.findtext(".//h1").strip() == "这节课您满意吗？"
    labels = doc.xpath("//label[@class='face']")
    assert [" ".join(label.xpath(".//span[@class='face-word']/text()")) for label in labels] == [
        "很满意",
        "满意",
        "一般",
        "不满意",
        "很不满意",
    ]
    radios = doc.xpath("//form[@method='post']//input[@type='radio'][@name='score']")
    assert [r.get("value") for r in radios] == ["5", "4", "3", "2", "1"]
    assert all(label.xpath(".//svg[@aria-hidden='true']") for label in labels)
    assert doc.get_element_by_id("read-aloud") is not None
    assert "曹杨新村为老服务中心 · 用手机挂号" in words(response)


def test_it_rates_a_class_in_three_plain_steps(client, url, signup, during):
    response = client.post(url(), {"score": "4"})
    assert response.status_code == 302 and response.url == url("comment") + "?score=4"
    response = client.get(response.url)
    assert "您选了：满意" in words(response)
    assert page(response).xpath("//input[@type='hidden'][@name='score']/@value") == ["4"]
    response = client.post(url("comment"), {"score": "4", "comment": "老师讲得很慢，很耐心"})
    assert response.status_code == 302 and response.url == url("thanks")
    response = client.get(response.url)
    assert page(response).findtext(".//h1").strip() == "谢谢您的评价！"
    assert "您的评价：满意" in words(response) and "老师讲得很慢，很耐心" in words(response)
    evaluation = Evaluation.objects.get()
    assert (evaluation.score, evaluation.elder, evaluation.by) == (4, signup.elder, None)
    assert not evaluation.on_behalf


def test_it_notes_who_was_signed_in(client_for, world, url, during):
    client = client_for("elder")
    client.post(url("comment"), {"score": "5", "comment": ""})
    assert Evaluation.objects.get().by == world.personas["elder"]


def test_it_leads_with_an_error_when_no_face_is_chosen(client, url, during):
    response = client.post(url(), {})
    assert response.status_code == 200
    assert title(response).startswith("错误：")
    summary = page(response).get_element_by_id("error-summary")
    assert summary.xpath(".//a/@href") == ["#id_score_0"]
    assert "请选择一个表情" in summary.text_content()
    assert page(response).get_element_by_id("id_score_0") is not None
    assert not Evaluation.objects.exists()


def test_it_keeps_a_long_comment_and_says_what_is_wrong(client, url, during):
    text = "好" * 201
    response = client.post(url("comment"), {"score": "2", "comment": text})
    assert response.status_code == 200
    assert title(response).startswith("错误：")
    assert "留言最多 200 个字，现在有 201 个字。" in words(response)
    assert page(response).get_element_by_id("id_comment").text == text
    assert page(response).get_element_by_id("error-summary").xpath(".//a/@href") == ["#id_comment"]
    assert not Evaluation.objects.exists()


def test_it_sends_the_comment_page_back_to_the_faces_without_a_score(client, url, during):
    for query in ("", "?score=9", "?score=x"):
        response = client.get(url("comment") + query)
        assert response.status_code == 302 and response.url == url()


def test_it_keeps_the_chosen_face_when_going_back(client, url, during):
    doc = page(client.get(url() + "?score=2"))
    assert doc.xpath("//input[@checked]/@value") == ["2"]


@pytest.mark.parametrize(
    ("moment", "heading", "message"),
    [
        (NOW - dt.timedelta(minutes=1), "还不能评价", "下课后就可以评价"),
        (NOW + 7 * DAY, "评价已经结束", "评价时间已经过了"),
    ],
)
def test_it_says_when_rating_is_not_open_and_shows_no_form(client, url, moment, heading, message):
    with time_machine.travel(moment, tick=False):
        for step in ("", "comment"):
            response = client.get(url(step) + "?score=4")
            assert response.status_code == 200
            assert page(response).findtext(".//h1").strip() == heading
            assert message in words(response)
            assert not page(response).xpath("//input[@name='score']")
        response = client.post(url("comment"), {"score": "4"})
        assert page(response).findtext(".//h1").strip() == heading
    assert not Evaluation.objects.exists()


def test_it_says_when_already_rated(client, url, during):
    client.post(url("comment"), {"score": "5", "comment": ""})
    response = client.get(url())
    assert page(response).findtext(".//h1").strip() == "已经评价过了"
    assert "评价结果：很满意" in words(response)
    assert not page(response).xpath("//input[@name='score']")
    response = client.post(url("comment"), {"score": "1", "comment": ""})
    assert page(response).findtext(".//h1").strip() == "已经评价过了"
    assert Evaluation.objects.get().score == 5


def test_it_refuses_an_elder_who_did_not_check_in(client, world, lesson, during):
    manager = world.personas["site_manager"]
    absent = attendee(lesson, new_elder(manager, world.site_a, "李秀英"), manager, checked_in=False)
    response = client.get(reverse("portal:evaluate_class", kwargs={"public_id": absent.public_id}))
    assert page(response).findtext(".//h1").strip() == "不能评价"
    assert "只有签到上了这节课的长者才能评价" in words(response)


def test_it_does_not_know_a_made_up_sign_up(client, db, during):
    made_up = "00000000-0000-4000-8000-000000000000"
    url = reverse("portal:evaluate_class", kwargs={"public_id": made_up})
    assert client.get(url).status_code == 404


def test_the_thanks_page_needs_a_rating(client, url, during):
    response = client.get(url("thanks"))
    assert response.status_code == 302 and response.url == url()


# --- the desk's QR link -------------------------------------------------------------------


@pytest.fixture
def token(world):
    with time_machine.travel(NOW, tick=False):
        return help_token(help_record(world.personas["volunteer"], world.site_a))


def test_it_rates_a_help_session_once_through_its_link(client, token, during):
    start = reverse("portal:evaluate_help", kwargs={"token": token})
    response = client.get(start)
    assert page(response).findtext(".//h1").strip() == "这次帮您办事，您满意吗？"
    response = client.post(start, {"score": "5"})
    comment = reverse("portal:evaluate_help_comment", kwargs={"token": token})
    assert response.url == comment + "?score=5"
    response = client.post(comment, {"score": "5", "comment": "小伙子很耐心"})
    assert response.url == reverse("portal:evaluate_help_thanks", kwargs={"token": token})
    evaluation = Evaluation.objects.get()
    assert evaluation.help_session is not None and evaluation.elder is None
    # Used: the same link (another phone) shows it was rated, and no form.
    other = type(client)()
    response = other.get(start)
    assert page(response).findtext(".//h1").strip() == "已经评价过了"
    assert not page(response).xpath("//input[@name='score']")
    assert other.post(comment, {"score": "1"}).status_code == 200
    assert Evaluation.objects.get().score == 5


def test_it_does_not_open_a_forged_link(client, token, during):
    bad = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    for name in ("portal:evaluate_help", "portal:evaluate_help_comment"):
        assert client.get(reverse(name, kwargs={"token": bad})).status_code == 404


def test_the_help_link_closes_after_three_days(client, token):
    with time_machine.travel(NOW + 3 * DAY, tick=False):
        response = client.get(reverse("portal:evaluate_help", kwargs={"token": token}))
    assert page(response).findtext(".//h1").strip() == "评价已经结束"


# --- the site's public figure -------------------------------------------------------------


def test_the_site_rating_include_reads_in_words_and_stars():
    html = render_to_string(
        "portal/_site_rating.html", {"rating": Summary(38, 175, (0, 1, 2, 7, 28))}
    )
    doc = lxml.html.fromstring(html)
    assert " ".join(doc.text_content().split()) == "平均 4.6 分（共 38 人评价）"
    stars = doc.xpath("//svg[@aria-hidden='true']/g")
    assert len(stars) == 5
    empty = render_to_string("portal/_site_rating.html", {"rating": Summary(0, 0, (0,) * 5)})
    assert "还没有评价" in empty


def test_the_site_rating_counts_portal_ratings(client, url, world, during):
    client.post(url("comment"), {"score": "4", "comment": ""})
    figure = site_rating(world.site_a)
    assert (figure.count, str(figure.average)) == (1, "4.0")
