"""The elder portal's classes: timetables, a class page, signing up, undo and cancel."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse
from django.utils import timezone

from huoban.classes.models import SignUp, SignUpChannel, SignUpStatus
from huoban.classes.services import session_create, signup_create
from tests.portal.conftest import SHANGHAI


def _sign_up(client, session, elder):
    url = reverse("portal:sign_up", args=[session.public_id])
    return client.post(url, {"elder": str(elder.public_id)})


def test_it_lists_upcoming_classes_by_day_with_their_places(client, world, make_class):
    soon = make_class("智能手机入门", days=15, capacity=2)
    later = make_class("防范电信诈骗", days=16)
    response = client.get(reverse("portal:timetable"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("智能手机入门") < page.index("防范电信诈骗")
    assert "还有 2 个名额" in page
    assert "下午2:00–下午3:30" in page
    assert str(soon.public_id) in page and str(later.public_id) in page


def test_it_leaves_drafts_cancelled_and_past_classes_off_the_timetable(client, world, make_class):
    make_class("已发布的课", days=15)
    day = timezone.localdate() + dt.timedelta(days=15)
    start = dt.datetime.combine(day, dt.time(14), timezone.get_current_timezone())
    session_create(
        actor=world.personas["site_manager"],
        site=world.site_a,
        title="草稿课",
        start=start,
        end=start + dt.timedelta(hours=2),
        capacity=10,
    )
    page = client.get(reverse("portal:timetable")).content.decode()
    assert "已发布的课" in page
    assert "草稿课" not in page


def test_it_filters_the_timetable_by_street(client, world, make_class):
    make_class("曹杨的课", days=15)
    make_class("长风的课", days=15, site=world.site_b)
    page = client.get(reverse("portal:timetable"), {"street": "310107014"}).content.decode()
    assert "长风的课" in page and "曹杨的课" not in page
    street = client.get(reverse("portal:street_timetable", args=["310107005"]))
    assert "曹杨的课" in street.content.decode()
    assert "长风的课" not in street.content.decode()
    assert client.get(reverse("portal:street_timetable", args=["999"])).status_code == 404


def test_it_shows_a_full_class_as_full_with_its_waiting_list(
    client, world, make_class, grandma, parents
):
    session = make_class(capacity=1)
    signup_create(actor=world.personas["volunteer"], session=session, elder=grandma)
    signup_create(actor=world.personas["volunteer"], session=session, elder=parents[0])
    page = client.get(reverse("portal:class", args=[session.public_id])).content.decode()
    assert "已满（1 人排队候补）" in page


def test_it_pages_the_timetable_in_few_queries(
    client, world, make_class, django_assert_max_num_queries
):
    for i in range(25):
        make_class(f"第{i}课", days=15 + i % 5, hour=9 + i % 8)
    with django_assert_max_num_queries(8):
        first = client.get(reverse("portal:timetable"))
    assert len([r for _d, rows in first.context["days"] for r in rows]) == 20
    second = client.get(reverse("portal:timetable"), {"page": 2})
    assert len([r for _d, rows in second.context["days"] for r in rows]) == 5


def test_it_asks_a_signed_out_visitor_to_sign_in_to_sign_up(client, make_class):
    session = make_class()
    page = client.get(reverse("portal:class", args=[session.public_id])).content.decode()
    assert "登录后报名" in page
    response = client.get(reverse("portal:sign_up", args=[session.public_id]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:sign_in"))


def test_it_signs_an_elder_up_after_one_confirmation(elder_client, world, make_class, grandma):
    session = make_class()
    page = elder_client.get(reverse("portal:class", args=[session.public_id]))
    assert "我要报名" in page.content.decode()
    confirm = elder_client.get(
        reverse("portal:sign_up", args=[session.public_id]), {"elder": grandma.public_id}
    )
    assert "确认报名吗？" in confirm.content.decode()
    assert not SignUp.objects.exists()  # looking at the question changes nothing
    response = _sign_up(elder_client, session, grandma)
    signup = SignUp.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:signup", args=[signup.public_id])
    assert signup.status == SignUpStatus.CONFIRMED
    assert signup.channel == SignUpChannel.SELF
    assert signup.by == world.personas["elder"]
    shown = elder_client.get(response["Location"]).content.decode()
    assert "报名成功" in shown
    assert signup.code in shown
    assert "<svg" in shown  # the QR code to show at check-in


def test_it_lets_a_family_member_sign_up_each_of_their_elders(
    family_client, world, make_class, parents
):
    session = make_class()
    page = family_client.get(reverse("portal:class", args=[session.public_id])).content.decode()
    assert "为张伯伯报名" in page and "为王阿姨报名" in page
    for elder in parents:
        assert _sign_up(family_client, session, elder).status_code == 302
    assert {s.channel for s in SignUp.objects.all()} == {SignUpChannel.FAMILY}
    assert SignUp.objects.filter(by=world.personas["family"]).count() == 2


def test_it_refuses_to_sign_up_an_elder_the_user_does_not_act_for(
    elder_client, make_class, parents
):
    session = make_class()
    response = _sign_up(elder_client, session, parents[0])
    assert response.status_code == 404
    assert not SignUp.objects.exists()


def test_it_says_so_when_the_elder_is_already_signed_up(elder_client, make_class, grandma):
    session = make_class()
    _sign_up(elder_client, session, grandma)
    again = _sign_up(elder_client, session, grandma)
    assert again.status_code == 422
    assert "已经报名了这节课" in again.content.decode()
    assert SignUp.objects.count() == 1


def test_it_puts_an_elder_on_the_waiting_list_of_a_full_class(
    elder_client, world, make_class, grandma, parents
):
    session = make_class(capacity=1)
    signup_create(actor=world.personas["volunteer"], session=session, elder=parents[0])
    confirm = elder_client.get(
        reverse("portal:sign_up", args=[session.public_id]), {"elder": grandma.public_id}
    ).content.decode()
    assert "确认排队候补" in confirm
    response = _sign_up(elder_client, session, grandma)
    page = elder_client.get(response["Location"]).content.decode()
    assert "正在排队候补" in page and "候补第 1 位" in page


def test_it_undoes_a_sign_up_within_ten_minutes_and_not_after(elder_client, make_class, grandma):
    session = make_class()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        signup_url = _sign_up(elder_client, session, grandma)["Location"]
    undo_url = reverse("portal:signup_undo", args=[SignUp.objects.get().public_id])
    with time_machine.travel(start + dt.timedelta(minutes=9, seconds=59), tick=False):
        assert "撤销这次报名" in elder_client.get(signup_url).content.decode()
    with time_machine.travel(start + dt.timedelta(minutes=10, seconds=1), tick=False):
        assert "撤销这次报名" not in elder_client.get(signup_url).content.decode()
        late = elder_client.post(undo_url)
        assert late.status_code == 422
        assert "已经超过 10 分钟" in late.content.decode()
    assert SignUp.objects.get().status == SignUpStatus.CONFIRMED
    again = make_class("第二节", days=21)
    with time_machine.travel(start, tick=False):
        _sign_up(elder_client, again, grandma)
        second = SignUp.objects.get(session=again)
    with time_machine.travel(start + dt.timedelta(minutes=5), tick=False):
        assert (
            elder_client.post(reverse("portal:signup_undo", args=[second.public_id])).status_code
            == 302
        )
    second.refresh_from_db()
    assert second.status == SignUpStatus.CANCELLED


def test_it_cancels_after_a_question_and_the_cancellation_can_be_undone(
    elder_client, make_class, grandma
):
    session = make_class()
    _sign_up(elder_client, session, grandma)
    signup = SignUp.objects.get()
    cancel_url = reverse("portal:signup_cancel", args=[signup.public_id])
    assert "确定要取消报名吗？" in elder_client.get(cancel_url).content.decode()
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.CONFIRMED
    response = elder_client.post(cancel_url)
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.CANCELLED
    page = elder_client.get(response["Location"]).content.decode()
    assert "报名已取消" in page and "撤销取消，恢复报名" in page
    elder_client.post(reverse("portal:signup_undo", args=[signup.public_id]))
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.CONFIRMED


def test_it_hides_a_confirmation_from_anyone_who_does_not_act_for_the_elder(
    family_client, world, make_class, grandma
):
    session = make_class()
    signup = signup_create(actor=world.personas["volunteer"], session=session, elder=grandma)
    for name in ("signup", "signup_cancel"):
        assert (
            family_client.get(reverse(f"portal:{name}", args=[signup.public_id])).status_code == 404
        )
    assert (
        family_client.post(reverse("portal:signup_undo", args=[signup.public_id])).status_code
        == 404
    )
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.CONFIRMED


def test_it_lists_my_classes_and_my_family(family_client, world, make_class, parents):
    session = make_class("手机支付")
    signup_create(actor=world.personas["volunteer"], session=session, elder=parents[1])
    page = family_client.get(reverse("portal:me")).content.decode()
    assert "手机支付" in page
    assert "张伯伯" in page and "王阿姨" in page
    assert "解除与张伯伯的绑定" in page


def test_it_serves_the_timetables_as_icalendar_feeds(client, world, make_class):
    session = make_class("出行打车, 就医挂号")
    response = client.get(reverse("portal:site_feed", args=[world.site_a.public_id]))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert f"UID:{session.public_id}@huoban" in body
    assert "SUMMARY:出行打车\\, 就医挂号" in body
    local = timezone.localtime(session.start, SHANGHAI)
    assert f"DTSTART:{session.start.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}" in body
    assert local.hour == 14
    street = client.get(reverse("portal:street_feed", args=["310107005"])).content.decode()
    assert f"UID:{session.public_id}@huoban" in street
    other = client.get(reverse("portal:street_feed", args=["310107014"])).content.decode()
    assert "BEGIN:VEVENT" not in other
