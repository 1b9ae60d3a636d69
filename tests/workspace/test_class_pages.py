"""The class pages of the workspace: list, courses, scheduling, publishing with the level-2
reasons, cancelling, and the desk's roster and check-in by code."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from huoban.accounts.models import Membership, Role
from huoban.classes.models import ClassSession, Course, SignUp
from huoban.classes.services import (
    course_create,
    session_create,
    session_publish,
    signup_cancel,
    signup_create,
)
from huoban.people.services import elder_create
from huoban.records.models import LedgerEntry
from huoban.sites.models import Service
from tests.conftest import NOW, SH
from tests.workspace.pages import (
    field_error,
    html,
    status_messages,
    summary_links,
    table_column,
    text,
    title,
    value_of,
)

pytestmark = pytest.mark.usefixtures("frozen")
LIST = "/workspace/classes/"
NEW = "/workspace/classes/new/"


def at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(NOW.date() + dt.timedelta(days=days), dt.time(hour, minute), SH)


@pytest.fixture(autouse=True)
def classrooms(world):
    for site, capacity in ((world.site_a, 30), (world.site_b, 25), (world.site_c, 20)):
        site.classroom_capacity = capacity
        site.save()


def make_session(
    world,
    *,
    site=None,
    title="用手机挂号",
    start=None,
    minutes=90,
    capacity=2,
    publish=True,
    published=None,
) -> ClassSession:
    """A session at ``site`` (site_a); published at ``published`` (default: now)."""
    start = start or at(20, 9, 30)
    made = (published or NOW) - dt.timedelta(minutes=1)
    session = session_create(
        actor=world.personas["city_admin"],
        site=site or world.site_a,
        title=title,
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        capacity=capacity,
        now=min(made, start - dt.timedelta(minutes=1)),
    )
    if publish:
        session_publish(actor=world.personas["city_admin"], session=session, now=published)
        session.refresh_from_db()
    return session


def make_elders(world, *names: str, site=None) -> list:
    return [
        elder_create(
            actor=world.personas["city_admin"],
            site=site or world.site_a,
            name=name,
            mobile=f"1371234{i:04d}",
            consent=True,
        )
        for i, name in enumerate(names)
    ]


def soon(world, **kwargs) -> ClassSession:
    """A class starting in an hour (check-in is open), published three weeks ago."""
    return make_session(world, start=NOW + dt.timedelta(hours=1), published=at(-21, 9), **kwargs)


def roster_url(session) -> str:
    return reverse("workspace:class_roster", args=[session.public_id])


def action_url(signup, action: str) -> str:
    return reverse("workspace:class_signup_action", args=[signup.public_id, action])


def code_url(session) -> str:
    return reverse("workspace:class_code", args=[session.public_id])


# --- The list ------------------------------------------------------------------------------------


def test_it_lists_upcoming_classes_with_places_waiting_and_the_level_2_mark(world, client_for):
    full = make_session(world, title="智能手机入门", capacity=1)
    elders = make_elders(world, "张小明", "李秀英")
    for elder in elders:
        signup_create(actor=world.personas["volunteer"], session=full, elder=elder)
    make_session(world, title="防诈骗讲座", start=at(5, 14), minutes=60)
    make_session(world, title="上周的课", start=at(-7, 9), published=at(-30, 9))
    response = client_for("volunteer").get(LIST)
    assert response.status_code == 200
    assert table_column(response, 1) == ["防诈骗讲座", "智能手机入门"]
    assert table_column(response, 4) == ["0 / 2", "1 / 1 已满"]
    assert table_column(response, 5) == ["0", "1"]
    marks = table_column(response, 6)
    assert marks[0].startswith("不计入二级站点")
    assert "时长 60 分钟" in marks[0] and "开课前 5 天才发布" in marks[0]
    assert marks[1] == "计入二级站点"
    assert "11月28日 周六 下午2:00–下午3:00" in table_column(response, 0)[0]


def test_it_filters_by_past_site_and_status(world, client_for):
    make_session(world, title="曹杨的课")
    make_session(world, title="长风的课", site=world.site_b)
    make_session(world, title="长风的草稿", site=world.site_b, publish=False)
    make_session(world, title="上周的课", start=at(-7, 9), published=at(-30, 9))
    client = client_for("district_admin")
    assert table_column(client.get(LIST, {"when": "past"}), 1) == ["上周的课"]
    by_site = client.get(LIST, {"site": world.site_b.pk})
    assert table_column(by_site, 1) == ["长风的课", "长风的草稿"]
    drafts = client.get(LIST, {"site": world.site_b.pk, "status": "draft"})
    assert table_column(drafts, 1) == ["长风的草稿"]
    assert "现在发布可计入二级站点" in table_column(drafts, 6)[0]
    # A volunteer of site_a sees neither site_b's classes nor site_b in the filter.
    volunteer = client_for("volunteer").get(LIST)
    assert table_column(volunteer, 1) == ["曹杨的课"]
    assert world.site_b.name not in volunteer.content.decode()


def test_it_pages_the_list(world, client_for):
    for i in range(27):
        make_session(world, title=f"课{i:02d}", start=at(20, 9) + dt.timedelta(hours=i % 3, days=i))
    client = client_for("site_manager")
    first = client.get(LIST)
    assert len(table_column(first, 1)) == 25
    assert "第 1 页，共 2 页" in first.content.decode()
    assert table_column(client.get(LIST, {"page": 2}), 1) == ["课25", "课26"]


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_reads_a_fixed_number_of_queries(world, client_for, django_assert_num_queries):
    client = client_for("street_admin")
    make_session(world, title="一节")
    few = _count_queries(client, LIST)
    elders = make_elders(world, "张小明", "李秀英", "王建国")
    for i in range(12):
        session = make_session(world, title=f"课{i}", start=at(20 + i, 9), capacity=1)
        for elder in elders:
            signup_create(actor=world.personas["volunteer"], session=session, elder=elder)
    with django_assert_num_queries(few):
        client.get(LIST)


# --- Courses -------------------------------------------------------------------------------------


def test_a_manager_adds_and_edits_a_course(world, client_for):
    client = client_for("site_manager")
    medical = Service.objects.get(code="medical")
    response = client.post(
        "/workspace/courses/new/",
        {
            "title": "用手机挂号",
            "scenario": medical.pk,
            "description": "在医院公众号上预约挂号",
            "materials": "讲义、演示手机",
        },
        follow=True,
    )
    assert "已添加课程“用手机挂号”。" in status_messages(response)
    course = Course.objects.get()
    assert course.scenario == medical and course.materials == "讲义、演示手机"
    assert "在医院公众号上预约挂号" in response.content.decode()
    edit = reverse("workspace:course_edit", args=[course.public_id])
    assert value_of(client.get(edit), "id_title") == "用手机挂号"
    client.post(edit, {"title": "用手机预约挂号", "scenario": medical.pk})
    course.refresh_from_db()
    assert course.title == "用手机预约挂号" and course.materials == ""


def test_a_course_without_a_title_is_explained_and_the_rest_kept(world, client_for):
    response = client_for("street_admin").post(
        "/workspace/courses/new/", {"title": " ", "description": "学会视频通话"}
    )
    assert response.status_code == 200
    assert title(response).startswith("错误：")
    assert summary_links(response) == [("#id_title", "请填写课程名称。")]
    assert "学会视频通话" in response.content.decode()
    assert not Course.objects.exists()


def test_volunteers_read_courses_but_do_not_add_them(world, client_for):
    course_create(actor=world.personas["city_admin"], title="视频通话")
    client = client_for("volunteer")
    page = client.get("/workspace/courses/")
    assert "视频通话" in page.content.decode() and "添加课程" not in page.content.decode()
    assert client.post("/workspace/courses/new/", {"title": "x"}).status_code == 403
    assert Course.objects.count() == 1


# --- Scheduling ----------------------------------------------------------------------------------


def schedule_data(world, **changes) -> dict:
    data = {
        "site": world.site_a.pk,
        "course": "",
        "title": "用手机挂号",
        "kind": "class",
        "date": "2026-12-14",
        "start": "09:30",
        "end": "11:00",
        "capacity": "20",
        "teacher": "王老师",
    }
    data.update(changes)
    return data


def test_a_manager_schedules_a_draft(world, client_for):
    client = client_for("site_manager")
    form = client.get(NEW)
    assert "不能超过曹杨新村为老服务中心的课堂容纳人数 30 人。" in form.content.decode()
    response = client.post(NEW, schedule_data(world), follow=True)
    session = ClassSession.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "workspace:class_detail", args=[session.public_id]
    )
    assert session.status == "draft" and session.teacher == "王老师"
    assert session.start == dt.datetime(2026, 12, 14, 9, 30, tzinfo=SH)
    assert session.end == dt.datetime(2026, 12, 14, 11, tzinfo=SH)
    body = response.content.decode()
    assert "已保存草稿“用手机挂号”" in body
    assert "12月14日 周一 上午9:30–上午11:00" in body


def test_a_course_fills_in_the_title(world, client_for):
    course = course_create(actor=world.personas["city_admin"], title="视频通话")
    client = client_for("street_admin")
    prefilled = client.get(NEW, {"course": str(course.public_id)})
    assert value_of(prefilled, "id_title") == "视频通话"
    assert value_of(prefilled, "id_course") == str(course.pk)
    client.post(NEW, schedule_data(world, course=course.pk, title=""))
    session = ClassSession.objects.get()
    assert session.title == "视频通话" and session.course == course


def test_an_admin_with_many_sites_is_told_each_classroom(world, client_for):
    body = client_for("district_admin").get(NEW).content.decode()
    assert "曹杨新村为老服务中心 30 人；长风长者照护之家 25 人" in body
    assert "石门二路老年活动室" not in body


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end": "09:00"}, "end", "结束时间要晚于开始时间。"),
        ({"capacity": "31"}, "capacity", "名额不能超过站点课堂容纳人数 30 人。"),
        ({"capacity": "0"}, "capacity", "名额至少 1 人。"),
        ({"capacity": "很多"}, "capacity", "名额请填整数。"),
        ({"date": "2026-11-20"}, "start", "开始时间已经过去了。"),
        ({"start": "9点"}, "start", "开始时间看不懂"),
        ({"title": ""}, "title", "请填写标题，或选择一门课程。"),
    ],
)
def test_a_bad_schedule_is_explained_and_what_was_typed_kept(
    world, client_for, changes, field, message
):
    data = schedule_data(world, **changes)
    response = client_for("site_manager").post(NEW, data)
    assert response.status_code == 200
    assert title(response).startswith("错误：")
    assert any(href == f"#id_{field}" and message in t for href, t in summary_links(response))
    assert message in field_error(response, f"id_{field}")
    assert value_of(response, "id_teacher") == "王老师"
    assert (value_of(response, f"id_{field}") or "") == data[field]
    assert not ClassSession.objects.exists()


def test_volunteers_do_not_schedule(world, client_for):
    response = client_for("volunteer").post(NEW, schedule_data(world))
    assert response.status_code == 403
    assert not ClassSession.objects.exists()


def test_a_manager_cannot_schedule_at_another_site(world, client_for):
    response = client_for("site_manager").post(NEW, schedule_data(world, site=world.site_b.pk))
    assert response.status_code == 200
    assert "选择一个有效的选项" in field_error(response, "id_site")
    assert not ClassSession.objects.exists()


# --- Detail, publishing, editing, cancelling ----------------------------------------------------


def test_publishing_first_shows_why_it_would_not_count_toward_level_2(world, client_for):
    session = make_session(world, start=at(10, 14), minutes=60, publish=False)
    client = client_for("site_manager")
    detail = client.get(reverse("workspace:class_detail", args=[session.public_id]))
    assert "如果现在发布，这节课不计入二级站点" in detail.content.decode()
    url = reverse("workspace:class_publish", args=[session.public_id])
    page = client.get(url)
    reasons = text(html(page).xpath("//*[@data-testid='level2-reasons']")[0])
    assert "时长 60 分钟，二级站点要求每次课不少于 90 分钟" in reasons
    assert "开课前 10 天才发布，二级站点要求提前至少 14 天发布招募" in reasons
    session.refresh_from_db()
    assert session.status == "draft"  # looking changes nothing
    response = client.post(url, follow=True)
    shown = status_messages(response)
    assert "已发布“用手机挂号”，长者可以报名了。" in shown
    assert any(m.startswith("这节课不计入二级站点：时长 60 分钟") for m in shown)
    session.refresh_from_db()
    assert session.status == "published" and session.published_at == NOW


def test_a_class_that_counts_is_published_on_a_confirm(world, client_for):
    session = make_session(world, start=at(14, 10, 30), publish=False)
    client = client_for("street_admin")
    url = reverse("workspace:class_publish", args=[session.public_id])
    assert "现在发布，这节课可以计入二级站点" in client.get(url).content.decode()
    client.post(url)
    session.refresh_from_db()
    assert session.counts_for_level2


def test_a_published_class_is_not_published_again(world, client_for):
    session = make_session(world)
    url = reverse("workspace:class_publish", args=[session.public_id])
    response = client_for("site_manager").post(url, follow=True)
    assert "只有草稿可以发布。" in status_messages(response)


def test_a_draft_is_edited_and_a_published_class_keeps_its_places(world, client_for):
    draft = make_session(world, publish=False)
    client = client_for("site_manager")
    edit = reverse("workspace:class_edit", args=[draft.public_id])
    page = client.get(edit)
    assert value_of(page, "id_start") == "09:30" and value_of(page, "id_date") == "2026-12-13"
    data = schedule_data(world, date="2026-12-13", title="用手机挂号（二）", capacity="25")
    data.pop("site")
    client.post(edit, data)
    draft.refresh_from_db()
    assert draft.title == "用手机挂号（二）" and draft.capacity == 25

    published = make_session(world, capacity=1, start=at(21, 9))
    first, second = make_elders(world, "张小明", "李秀英")
    signup_create(actor=world.personas["volunteer"], session=published, elder=first)
    waiting = signup_create(actor=world.personas["volunteer"], session=published, elder=second)
    edit = reverse("workspace:class_edit", args=[published.public_id])
    data.update(date="2026-12-14", capacity="2")
    response = client.post(edit, data)
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"  # a larger class moves the queue up
    data.update(capacity="1")
    response = client.post(edit, data)
    assert "已有 2 人报名，名额不能少于 2 人。" in field_error(response, "id_capacity")


def test_a_site_cancels_a_class_with_a_reason(world, client_for):
    session = make_session(world)
    (elder,) = make_elders(world, "张小明")
    signup = signup_create(actor=world.personas["volunteer"], session=session, elder=elder)
    url = reverse("workspace:class_cancel", args=[session.public_id])
    client = client_for("site_manager")
    refused = client.post(url, {"reason": ""})
    assert title(refused).startswith("错误：")
    assert summary_links(refused) == [("#id_reason", "请写明取消原因。")]
    response = client.post(url, {"reason": "老师生病"}, follow=True)
    assert "已取消“用手机挂号”。" in status_messages(response)
    session.refresh_from_db()
    signup.refresh_from_db()
    assert session.status == "cancelled" and signup.status == "cancelled"
    assert "这节课已取消，不计入二级站点。" in response.content.decode()


def test_volunteers_see_a_class_but_do_not_change_it(world, client_for):
    session = make_session(world, publish=False)
    client = client_for("volunteer")
    detail = client.get(reverse("workspace:class_detail", args=[session.public_id]))
    assert detail.status_code == 200
    links = html(detail).xpath("//main//a/@href")
    assert not [h for h in links if h.endswith(("/publish/", "/cancel/", "/edit/"))]
    for name in ("class_publish", "class_cancel", "class_edit"):
        url = reverse(f"workspace:{name}", args=[session.public_id])
        assert client.post(url, {"reason": "x"}).status_code == 403
    session.refresh_from_db()
    assert session.status == "draft"


# --- The roster ----------------------------------------------------------------------------------


def test_the_roster_lists_places_then_the_queue_in_order(world, client_for):
    session = make_session(world, capacity=2)
    elders = make_elders(world, "张小明", "李秀英", "王建国", "赵桂兰")
    for i, elder in enumerate(elders):
        signup_create(
            actor=world.personas["volunteer"],
            session=session,
            elder=elder,
            now=NOW - dt.timedelta(hours=4 - i),
        )
    response = client_for("volunteer").get(roster_url(session))
    page = html(response)
    confirmed = [text(li) for li in page.xpath("//section[h2[@id='confirmed-title']]//li")]
    waiting = [text(li) for li in page.xpath("//section[h2[@id='waiting-title']]//li")]
    assert [c.split()[0] for c in confirmed] == ["张小明", "李秀英"]
    assert waiting[0].startswith("第 1 位 王建国") and waiting[1].startswith("第 2 位 赵桂兰")
    assert "137****0000" in confirmed[0]  # phones masked
    assert text(page.get_element_by_id("confirmed-title")) == "已报名（2 人）"
    assert "13712340000" not in response.content.decode()


def test_the_roster_reads_a_fixed_number_of_queries(world, client_for, django_assert_num_queries):
    session = make_session(world, capacity=3)
    client = client_for("volunteer")
    empty = _count_queries(client, roster_url(session) + "?q=zxm")
    names = ["张小明", "李秀英", "王建国", "赵桂兰", "陈美华", "刘志强"]
    for elder in make_elders(world, *names):
        signup_create(actor=world.personas["volunteer"], session=session, elder=elder)
    with django_assert_num_queries(empty):
        client.get(roster_url(session) + "?q=zxm")


def test_the_desk_signs_an_elder_up_found_by_the_last_four_digits(world, client_for):
    session = make_session(world, capacity=1)
    first, second = make_elders(world, "张小明", "李秀英")
    client = client_for("volunteer")
    found = client.get(roster_url(session), {"q": "0001"})
    buttons = html(found).xpath("//section[h2[@id='add-title']]//li//button")
    assert [text(b) for b in buttons] == ["代为报名：李秀英"]
    for elder in (second, first):
        response = client.post(
            roster_url(session), {"elder": str(elder.public_id), "action": "sign_up"}, follow=True
        )
    assert "名额已满，张小明已排入候补。" in status_messages(response)
    statuses = dict(SignUp.objects.values_list("elder__name", "status"))
    assert statuses == {"李秀英": "confirmed", "张小明": "waiting"}
    assert set(SignUp.objects.values_list("channel", flat=True)) == {"staff"}
    again = client.post(
        roster_url(session), {"elder": str(second.public_id), "action": "sign_up"}, follow=True
    )
    assert any("已经报名了这节课" in m for m in status_messages(again))


def test_a_newly_registered_elder_comes_back_to_the_roster(world, client_for):
    session = make_session(world)
    client = client_for("volunteer")
    roster_page = client.get(roster_url(session)).content.decode()
    register = f"/workspace/elders/new/?next={roster_url(session)}"
    assert register in roster_page
    response = client.post(
        register,
        {"name": "孙阿姨", "mobile": "13700001111", "consent": "on", "next": roster_url(session)},
    )
    assert response.status_code == 302 and response.url.startswith(roster_url(session) + "?elder=")
    back = client.get(response.url)
    assert "代为报名：孙阿姨" in text(html(back))


def test_cancel_promotes_the_next_and_undo_takes_it_back(world, client_for):
    session = make_session(world, capacity=1)
    first, second = make_elders(world, "张小明", "李秀英")
    a = signup_create(
        actor=world.personas["volunteer"],
        session=session,
        elder=first,
        now=NOW - dt.timedelta(hours=1),
    )
    signup_create(
        actor=world.personas["volunteer"],
        session=session,
        elder=second,
        now=NOW - dt.timedelta(minutes=50),
    )
    client = client_for("volunteer")
    response = client.post(action_url(a, "cancel"), follow=True)
    shown = status_messages(response)
    assert "已取消张小明的报名，10 分钟内可以撤销。" in shown
    assert "李秀英 从候补转为已报名。" in shown
    page = html(response)
    undo = page.xpath("//section[h2[@id='cancelled-title']]//button")
    assert [text(b) for b in undo] == ["撤销取消：张小明"]
    response = client.post(action_url(a, "undo"), follow=True)
    assert "已撤销，张小明现在是“候补”。" in status_messages(response)


def test_a_fresh_sign_up_shows_undo_and_an_old_one_cancel(world, client_for):
    session = make_session(world, capacity=5)
    old, fresh = make_elders(world, "张小明", "李秀英")
    signup_create(
        actor=world.personas["volunteer"],
        session=session,
        elder=old,
        now=NOW - dt.timedelta(minutes=11),
    )
    signup_create(actor=world.personas["volunteer"], session=session, elder=fresh)
    page = html(client_for("volunteer").get(roster_url(session)))
    buttons = [text(b) for b in page.xpath("//section[h2[@id='confirmed-title']]//button")]
    assert buttons == ["取消报名：张小明", "撤销报名：李秀英"]  # not yet open for check-in


def test_check_in_from_the_roster_writes_one_person_time(world, client_for):
    session = soon(world, capacity=2)
    (elder,) = make_elders(world, "张小明")
    signup = signup_create(
        actor=world.personas["volunteer"], session=session, elder=elder, now=at(-1, 9)
    )
    client = client_for("volunteer")
    response = client.post(action_url(signup, "check-in"), follow=True)
    assert "张小明 已签到。" in status_messages(response)
    assert "已签到 上午10:30" in text(html(response))
    again = client.post(action_url(signup, "check-in"), follow=True)
    assert "张小明 已签到过，不重复计数。" in status_messages(again)
    assert LedgerEntry.objects.filter(kind="training").count() == 1


def test_a_walk_in_is_added_and_checked_in(world, client_for):
    session = soon(world, capacity=2)
    (elder,) = make_elders(world, "王建国")
    client = client_for("volunteer")
    found = client.get(roster_url(session), {"q": "wjg"})
    assert "现场加入并签到：王建国" in text(html(found))
    response = client.post(
        roster_url(session), {"elder": str(elder.public_id), "action": "walk_in"}, follow=True
    )
    assert "王建国 已现场加入并签到。" in status_messages(response)
    signup = SignUp.objects.get()
    assert signup.channel == "walk_in" and signup.checked_in_at == NOW
    assert LedgerEntry.objects.filter(kind="training", elder=elder).count() == 1


def test_another_sites_volunteer_gets_404_and_an_elder_403(world, client_for):
    session = make_session(world)
    (elder,) = make_elders(world, "张小明")
    signup = signup_create(actor=world.personas["volunteer"], session=session, elder=elder)
    stranger = world.personas["outsider"]
    Membership.objects.create(user=stranger, role=Role.VOLUNTEER, site=world.site_b)
    client = client_for("outsider")
    assert client.get(roster_url(session)).status_code == 404
    assert client.post(action_url(signup, "cancel")).status_code == 404
    assert client.post(code_url(session), {"code": signup.code}).status_code == 404
    post = {"elder": str(elder.public_id), "action": "sign_up"}
    assert client.post(roster_url(session), post).status_code == 404
    elder_client = client_for("elder")
    assert elder_client.post(action_url(signup, "cancel")).status_code == 403
    assert elder_client.get(roster_url(session)).status_code == 403
    signup.refresh_from_db()
    assert signup.status == "confirmed"


def test_the_desk_cannot_sign_up_an_elder_from_outside_its_scope(world, client_for):
    session = make_session(world)
    (far,) = make_elders(world, "远方长者", site=world.site_c)
    response = client_for("volunteer").post(
        roster_url(session), {"elder": str(far.public_id), "action": "sign_up"}
    )
    assert response.status_code == 404
    assert not SignUp.objects.exists()


def test_an_unknown_roster_action_is_not_found(world, client_for):
    session = make_session(world)
    (elder,) = make_elders(world, "张小明")
    signup = signup_create(actor=world.personas["volunteer"], session=session, elder=elder)
    assert client_for("volunteer").post(action_url(signup, "delete")).status_code == 404


# --- Check-in by code ----------------------------------------------------------------------------


def test_typing_the_code_checks_in_once_however_often(world, client_for):
    session = soon(world)
    (elder,) = make_elders(world, "张小明")
    signup = signup_create(
        actor=world.personas["volunteer"], session=session, elder=elder, now=at(-1, 9)
    )
    client = client_for("volunteer")
    page = html(client.get(code_url(session)))
    field = page.get_element_by_id("id_code")
    assert field.get("autocomplete") == "off" and field.get("inputmode") == "text"
    scanner = page.xpath("//*[@data-scanner]")[0]
    assert scanner.get("hidden") is not None  # shown only by the script, with a camera
    response = client.post(code_url(session), {"code": f" {signup.code.lower()} "}, follow=True)
    assert "张小明 已签到。" in status_messages(response)
    again = client.post(
        code_url(session), {"code": f"https://example.org/c/{signup.code}/"}, follow=True
    )
    assert "张小明 已签到过，不重复计数。" in status_messages(again)
    assert LedgerEntry.objects.filter(kind="training").count() == 1
    signup.refresh_from_db()
    assert signup.checked_in_at == NOW


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "请输入确认码。"),
        ("K7M", "确认码是 6 位字母和数字"),
        ("ZZZZZZ", "这节课没有确认码为“ZZZZZZ”的报名。"),
    ],
)
def test_a_bad_code_is_explained_and_kept(world, client_for, typed, message):
    session = soon(world)
    response = client_for("volunteer").post(code_url(session), {"code": typed})
    assert response.status_code == 200
    assert title(response).startswith("错误：")
    assert summary_links(response)[0][0] == "#id_code"
    assert message in field_error(response, "id_code")
    assert (value_of(response, "id_code") or "") == typed
    assert not LedgerEntry.objects.exists()


def test_a_waiting_elders_code_is_refused(world, client_for):
    session = soon(world, capacity=1)
    first, second = make_elders(world, "张小明", "李秀英")
    signup_create(actor=world.personas["volunteer"], session=session, elder=first, now=at(-1, 9))
    waiting = signup_create(
        actor=world.personas["volunteer"], session=session, elder=second, now=at(-1, 9)
    )
    response = client_for("volunteer").post(code_url(session), {"code": waiting.code})
    assert "李秀英的报名是“候补”，不能签到。" in field_error(response, "id_code")


def test_the_code_page_says_when_check_in_is_closed(world, client_for):
    session = make_session(world)
    (elder,) = make_elders(world, "张小明")
    signup = signup_create(actor=world.personas["volunteer"], session=session, elder=elder)
    client = client_for("volunteer")
    assert "现在不在签到时间内" in client.get(code_url(session)).content.decode()
    response = client.post(code_url(session), {"code": signup.code})
    assert "只能在上课前后两小时内签到。" in field_error(response, "id_code")


def test_a_cancelled_sign_up_code_is_refused(world, client_for):
    session = soon(world)
    (elder,) = make_elders(world, "张小明")
    signup = signup_create(
        actor=world.personas["volunteer"], session=session, elder=elder, now=at(-1, 9)
    )
    signup_cancel(actor=world.personas["volunteer"], signup=signup, now=at(-1, 10))
    response = client_for("volunteer").post(code_url(session), {"code": signup.code})
    assert "已取消" in field_error(response, "id_code")
