"""The duty roster pages: a site's week, planning and cancelling shifts, my shifts, requests.

The world's site_a (曹杨) is open Monday to Friday 9:00–12:00 and 13:00–17:00; it is Monday
23 November 2026, 10:30 in Shanghai.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from huoban.accounts.models import Membership, Role, User
from huoban.audit.models import AuditEvent
from huoban.roster.models import RequestKind, RequestStatus, Shift, ShiftRequest, ShiftStatus
from huoban.roster.services import shift_create, shift_request
from tests.conftest import at
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


def plan(world, person: str | User, start, end, site=None) -> Shift:
    return shift_create(
        actor=world.personas["city_admin"],
        site=site or world.site_a,
        person=world.personas[person] if isinstance(person, str) else person,
        start=start,
        end=end,
    )


def staff_the_week(world, skip=()):
    """The volunteer on duty in every desk period of site_a, Monday to Friday."""
    for day in range(23, 28):
        for start, end in ((9, 12), (13, 17)):
            if (day, start) not in skip:
                plan(world, "volunteer", at(start, day=day), at(end, day=day))


def week_url(world, site=None, week: str | None = None) -> str:
    url = reverse("workspace:roster_week", kwargs={"public_id": (site or world.site_a).public_id})
    return f"{url}?week={week}" if week else url


def add_url(world, site=None) -> str:
    return reverse(
        "workspace:roster_shift_add", kwargs={"public_id": (site or world.site_a).public_id}
    )


def days(response) -> list[str]:
    """The text of each day of the week view, Monday first."""
    return [text(li) for li in html(response).xpath("//ol[@class='week-days']/li")]


def rule(response) -> str:
    return text(html(response).xpath("//section[@aria-labelledby='rule-title']")[0])


# --- The week ----------------------------------------------------------------------------


def test_it_shows_who_is_on_duty_and_marks_every_gap_in_words(world, client_for):
    staff_the_week(world, skip={(25, 9)})
    plan(world, "volunteer", at(9, day=25), at(10, day=25))
    plan(world, "site_manager", at(11, day=25), at(12, day=25))
    response = client_for("site_manager").get(week_url(world))
    assert response.status_code == 200
    monday, _tue, wednesday, *_rest, sunday = days(response)
    assert monday.startswith("11月23日 周一 今天")
    assert "开放 上午9:00–中午12:00" in monday
    assert "volunteer 上午9:00–中午12:00" in monday
    assert "计入：满 5 小时，都有人值班" in monday
    assert "无人值班 上午10:00–上午11:00" in wednesday
    assert "site_manager 上午11:00–中午12:00" in wednesday
    assert "有时段无人值班" in wednesday
    assert "不开放" in sunday
    # The gap is marked by more than colour: the words and its own class.
    gap = html(response).xpath("//p[@class='gap']")
    assert len(gap) == 1 and text(gap[0]).startswith("无人值班 上午10:00–上午11:00")
    assert "本周未达到要求" in rule(response)
    assert "周三 上午10:00–上午11:00 无人值班" in rule(response)


def test_it_says_when_the_week_meets_the_desk_rule(world, client_for):
    staff_the_week(world)
    response = client_for("volunteer").get(week_url(world))
    assert "本周达到要求" in rule(response)
    assert "无人值班0 分钟" in rule(response)
    assert not html(response).xpath("//p[@class='gap']")


def test_it_explains_an_empty_week_and_links_every_gap_to_planning(world, client_for):
    response = client_for("site_manager").get(week_url(world))
    assert "周一 上午9:00–中午12:00 无人值班" in rule(response)
    assert "无人值班35 小时" in rule(response)
    links = html(response).xpath("//p[@class='gap']/a/@href")
    assert len(links) == 10
    assert links[0] == add_url(world) + "?date=2026-11-23&start=09%3A00&end=12%3A00"


def test_it_moves_between_weeks(world, client_for):
    plan(world, "volunteer", at(9, day=30), at(12, day=30))
    client = client_for("volunteer")
    response = client.get(week_url(world))
    page = html(response)
    assert page.xpath("//a[@rel='next']/@href") == [week_url(world, week="2026-11-30")]
    assert page.xpath("//a[@rel='prev']/@href") == [week_url(world, week="2026-11-16")]
    # Any day of a week opens that week; the page says which.
    response = client.get(week_url(world, week="2026-12-02"))
    assert "11月30日 周一 至 12月6日 周日" in text(html(response).xpath("//p[@class='lead']")[0])
    assert "volunteer 上午9:00–中午12:00" in days(response)[0]
    assert "回到本周" in response.content.decode()


@pytest.mark.parametrize("week", ["next-tuesday", "9999-12-31", "0001-01-01", "0001-01-07"])
def test_an_unreadable_week_shows_this_week(world, client_for, week):
    response = client_for("volunteer").get(week_url(world, week=week))
    assert response.status_code == 200
    assert days(response)[0].startswith("11月23日 周一 今天")


def test_a_volunteer_sees_the_roster_but_cannot_change_it(world, client_for):
    plan(world, "volunteer", at(9, day=24), at(12, day=24))
    response = client_for("volunteer").get(week_url(world))
    content = response.content.decode()
    assert "volunteer 上午9:00–中午12:00" in days(response)[1]
    assert "添加值班" not in content and "安排值班" not in content
    assert "待处理的换班和取消申请" not in content


def test_the_site_list_shows_each_sites_week(world, client_for):
    staff_the_week(world)
    response = client_for("district_admin").get(reverse("workspace:roster_list"))
    assert table_column(response, 0) == ["曹杨新村为老服务中心", "长风长者照护之家"]
    assert table_column(response, 2) == ["达到", "未达到"]
    assert table_column(response, 3) == ["没有", "35 小时"]


def test_the_site_list_counts_open_requests_for_those_who_decide_them(world, client_for):
    shift = plan(world, "volunteer", at(9, day=24), at(12, day=24))
    shift_request(actor=world.personas["volunteer"], shift=shift, kind="swap", reason="有事")
    url = reverse("workspace:roster_list")
    assert table_column(client_for("site_manager").get(url), 4) == ["1 条"]
    assert table_column(client_for("volunteer").get(url), 4) == ["—"]


def test_the_site_list_reads_in_a_fixed_number_of_queries(
    world, client_for, django_assert_num_queries
):
    client = client_for("city_admin")
    url = reverse("workspace:roster_list")
    client.get(url)  # the session and the language are settled
    with django_assert_num_queries(9) as few:
        client.get(url)
    staff_the_week(world)
    for day, site in ((24, world.site_b), (25, world.site_c)):
        plan(world, "city_admin", at(9, day=day), at(12, day=day), site=site)
        plan(world, "city_admin", at(13, day=day), at(17, day=day), site=site)
    shift = Shift.objects.filter(person=world.personas["volunteer"]).first()
    shift_request(actor=world.personas["volunteer"], shift=shift, kind="cancel", reason="病了")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(table_column(response, 0)) == 3


def test_the_week_reads_in_a_fixed_number_of_queries(world, client_for, django_assert_num_queries):
    plan(world, "site_manager", at(7, day=23), at(8, day=23))  # one shift: prefetches run
    client = client_for("site_manager")
    client.get(week_url(world))
    with django_assert_num_queries(10) as few:
        client.get(week_url(world))
    staff_the_week(world)
    for shift in Shift.objects.filter(person=world.personas["volunteer"])[:3]:
        shift_request(actor=world.personas["volunteer"], shift=shift, kind="swap", reason="x")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(week_url(world))
    assert len(table_column(response, 0)) == 3


# --- Planning ----------------------------------------------------------------------------


def post_shift(client, world, **fields):
    data = {"person": world.personas["volunteer"].pk, "date": "2026-11-24", "start": "09:00"}
    data.update(end="12:00", note="")
    data.update(fields)
    return client.post(add_url(world), data)


def test_a_site_manager_plans_a_shift(world, client_for):
    client = client_for("site_manager")
    response = post_shift(client, world)
    assert response.status_code == 302
    assert response.url == week_url(world, week="2026-11-23")
    shift = Shift.objects.get()
    assert (shift.person, shift.start, shift.end) == (
        world.personas["volunteer"],
        at(9, day=24),
        at(12, day=24),
    )
    assert AuditEvent.objects.filter(action="shift.create").count() == 1
    page = client.get(response.url)
    assert status_messages(page) == ["已排班：volunteer，11月24日 周二 上午9:00–中午12:00。"]


def test_it_offers_the_sites_volunteers_and_managers_only(world, client_for):
    response = client_for("site_manager").get(add_url(world))
    options = [text(o) for o in html(response).xpath("//select[@id='id_person']/option")]
    assert options == ["请选择", "site_manager", "volunteer"]


def test_it_fills_in_a_gap_from_its_link(world, client_for):
    response = client_for("site_manager").get(
        add_url(world) + "?date=2026-11-25&start=10:00&end=11:00"
    )
    assert value_of(response, "id_date") == "2026-11-25"
    assert value_of(response, "id_start") == "10:00"
    assert value_of(response, "id_end") == "11:00"


def test_a_shift_to_midnight_is_written_as_0_00(world, client_for):
    response = post_shift(client_for("site_manager"), world, start="20:00", end="00:00")
    assert response.status_code == 302
    assert Shift.objects.get().end == at(0, day=25)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"start": "12:00", "end": "09:00"}, "end", "结束时间应晚于开始时间。"),
        ({"start": "07:00", "end": "20:00"}, "end", "一个班次不能超过 12 小时。"),
        ({"start": "9点", "end": "12:00"}, "start", "开始时间看不懂，请按“时:分”填写。"),
        ({"date": ""}, "date", "请填写日期。"),
        ({"person": ""}, "person", "请选择值班人。"),
        ({"date": "9999-12-31", "end": "00:00"}, "date", "日期要在 2000 年到 2099 年之间。"),
        ({"date": "0001-01-01"}, "date", "日期要在 2000 年到 2099 年之间。"),
    ],
)
def test_bad_input_is_refused_with_the_values_kept(world, client_for, fields, field, message):
    response = post_shift(client_for("site_manager"), world, note="早班", **fields)
    assert response.status_code == 200
    assert title(response).startswith("错误：")
    assert (f"#id_{field}", message) in summary_links(response)
    assert message in field_error(response, f"id_{field}")
    assert value_of(response, "id_note") == "早班"
    if "start" in fields:
        assert value_of(response, "id_start") == fields["start"]
    assert not Shift.objects.exists()


def test_an_overlap_for_the_same_person_is_refused(world, client_for):
    plan(world, "volunteer", at(9, day=24), at(12, day=24), site=world.site_a)
    response = post_shift(client_for("site_manager"), world, start="11:00", end="13:00")
    message = (
        "volunteer 在 11月24日 周二 上午9:00–中午12:00 已在“曹杨新村为老服务中心”值班，时间重叠。"
    )
    assert ("#id_start", message) in summary_links(response)
    assert value_of(response, "id_end") == "13:00"
    assert Shift.objects.count() == 1


def test_a_person_from_another_site_cannot_be_chosen(world, client_for):
    other = User.objects.create_user("13900009999", "x", name="别站志愿者")
    Membership.objects.create(user=other, role=Role.VOLUNTEER, site=world.site_b)
    response = post_shift(client_for("site_manager"), world, person=other.pk)
    assert field_error(response, "id_person") == "错误：请从列表中选择本站点的志愿者或负责人。"
    assert not Shift.objects.exists()


def test_a_manager_cannot_plan_another_sites_roster(world, client_for):
    response = client_for("site_manager").post(
        add_url(world, world.site_b), {"person": world.personas["volunteer"].pk}
    )
    assert response.status_code == 404
    response = client_for("volunteer").post(add_url(world), {})
    assert response.status_code == 403
    assert not Shift.objects.exists()


# --- Cancelling --------------------------------------------------------------------------


def cancel_url(shift: Shift) -> str:
    return reverse("workspace:roster_shift_cancel", kwargs={"public_id": shift.public_id})


def test_a_manager_cancels_a_shift_with_a_reason(world, client_for):
    shift = plan(world, "volunteer", at(9, day=24), at(12, day=24))
    client = client_for("site_manager")
    response = client.post(cancel_url(shift), {"reason": ""})
    assert title(response).startswith("错误：")
    assert summary_links(response) == [("#id_reason", "请填写取消原因。")]
    response = client.post(cancel_url(shift), {"reason": "站点停电"})
    assert response.status_code == 302
    shift.refresh_from_db()
    assert (shift.status, shift.cancel_reason) == (ShiftStatus.CANCELLED, "站点停电")
    page = client.get(response.url)
    assert "无人值班 上午9:00–中午12:00" in days(page)[1]
    # A cancelled shift has no cancel page any more.
    assert client.get(cancel_url(shift)).status_code == 404


def test_cancelling_is_for_the_sites_roster_keepers(world, client_for):
    shift = plan(world, "district_admin", at(9, day=24), at(12, day=24), site=world.site_b)
    assert client_for("site_manager").get(cancel_url(shift)).status_code == 404
    assert client_for("volunteer").get(cancel_url(shift)).status_code == 403
    assert client_for("district_admin").get(cancel_url(shift)).status_code == 200


# --- My shifts and requests --------------------------------------------------------------

MY = "/workspace/my-shifts/"


def request_url(shift: Shift, kind: str = "") -> str:
    url = reverse("workspace:my_shift_request", kwargs={"public_id": shift.public_id})
    return f"{url}?kind={kind}" if kind else url


def test_my_shifts_lists_what_is_ahead_across_sites(world, client_for):
    plan(world, "district_admin", at(9, day=20), at(12, day=20))  # last week: over
    plan(world, "district_admin", at(13, day=24), at(17, day=24), site=world.site_b)
    plan(world, "district_admin", at(10, day=23), at(11, day=23))  # running now
    plan(world, "volunteer", at(9, day=24), at(12, day=24))  # someone else's
    response = client_for("district_admin").get(MY)
    assert table_column(response, 0) == [
        "11月23日 周一 上午10:00–上午11:00",
        "11月24日 周二 下午1:00–下午5:00",
    ]
    assert table_column(response, 1) == ["曹杨新村为老服务中心", "长风长者照护之家"]
    assert "申请换班" in table_column(response, 2)[0]


def test_a_volunteer_asks_for_a_swap_and_the_manager_approves_it(world, client_for):
    shift = plan(world, "volunteer", at(9, day=24), at(12, day=24))
    volunteer = client_for("volunteer")
    form = volunteer.get(request_url(shift, "swap"))
    assert html(form).xpath("//input[@id='id_kind_0']/@checked")
    response = volunteer.post(request_url(shift), {"kind": "swap", "reason": "孙子生病"})
    assert response.status_code == 302 and response.url == MY
    page = volunteer.get(MY)
    assert "已申请换班，等待站点处理" in table_column(page, 2)[0]

    manager = client_for("site_manager")
    week = manager.get(week_url(world))
    assert table_column(week, 0) == ["volunteer"]
    assert "申请换班" in days(week)[1]
    req = ShiftRequest.objects.get()
    decide = reverse("workspace:roster_request_decide", kwargs={"public_id": req.public_id})
    # The volunteer themself is not offered as the one taking over.
    options = [
        text(o) for o in html(manager.get(decide)).xpath("//select[@id='id_replacement']/option")
    ]
    assert options == ["暂不指定", "site_manager"]
    response = manager.post(
        decide, {"decision": "approve", "replacement": world.personas["site_manager"].pk}
    )
    assert response.status_code == 302
    req.refresh_from_db()
    shift.refresh_from_db()
    assert req.status == RequestStatus.APPROVED and req.handled_by == world.personas["site_manager"]
    assert shift.status == ShiftStatus.CANCELLED
    assert Shift.objects.get(status=ShiftStatus.PLANNED).person == world.personas["site_manager"]
    assert AuditEvent.objects.filter(action="shift_request.decide").count() == 1
    # The volunteer sees the answer; the shift is no longer theirs.
    page = volunteer.get(MY)
    assert "接下来没有您的班次。" in page.content.decode()
    assert "换班申请已同意" in page.content.decode()


def test_a_declined_request_keeps_the_shift(world, client_for):
    shift = plan(world, "volunteer", at(9, day=24), at(12, day=24))
    req = shift_request(
        actor=world.personas["volunteer"], shift=shift, kind=RequestKind.CANCEL, reason="有事"
    )
    decide = reverse("workspace:roster_request_decide", kwargs={"public_id": req.public_id})
    manager = client_for("site_manager")
    assert "replacement" not in manager.get(decide).content.decode()
    response = manager.post(decide, {})
    assert summary_links(response) == [("#id_decision_0", "请选择“同意”或“不同意”。")]
    manager.post(decide, {"decision": "decline"})
    shift.refresh_from_db()
    req.refresh_from_db()
    assert (shift.status, req.status) == (ShiftStatus.PLANNED, RequestStatus.DECLINED)
    # Deciding twice is refused in words; the page no longer offers the form.
    response = manager.post(decide, {"decision": "approve"})
    assert "这条申请已经处理过了。" in response.content.decode()
    assert shift.status == ShiftStatus.PLANNED


def test_a_swap_to_someone_busy_changes_nothing(world, client_for):
    plan(world, "site_manager", at(11, day=24), at(13, day=24))
    shift = plan(world, "volunteer", at(9, day=24), at(12, day=24))
    req = shift_request(actor=world.personas["volunteer"], shift=shift, kind="swap", reason="x")
    decide = reverse("workspace:roster_request_decide", kwargs={"public_id": req.public_id})
    response = client_for("site_manager").post(
        decide, {"decision": "approve", "replacement": world.personas["site_manager"].pk}
    )
    assert title(response).startswith("错误：")
    assert "时间重叠" in field_error(response, "id_replacement")
    req.refresh_from_db()
    assert req.status == RequestStatus.OPEN


def test_a_request_needs_a_reason_and_keeps_the_choice(world, client_for):
    shift = plan(world, "volunteer", at(9, day=24), at(12, day=24))
    response = client_for("volunteer").post(request_url(shift), {"kind": "cancel", "reason": " "})
    assert title(response).startswith("错误：")
    assert ("#id_reason", "请填写原因。") in summary_links(response)
    assert html(response).xpath("//input[@id='id_kind_1']/@checked")
    assert not ShiftRequest.objects.exists()


def test_a_second_open_request_is_refused(world, client_for):
    shift = plan(world, "volunteer", at(9, day=24), at(12, day=24))
    client = client_for("volunteer")
    client.post(request_url(shift), {"kind": "swap", "reason": "有事"})
    response = client.post(request_url(shift), {"kind": "cancel", "reason": "有事"})
    assert "这个班次已有一条待处理的申请。" in [t for _h, t in summary_links(response)]
    assert ShiftRequest.objects.count() == 1


def test_nobody_asks_about_someone_elses_shift(world, client_for):
    shift = plan(world, "volunteer", at(9, day=24), at(12, day=24))
    assert client_for("site_manager").get(request_url(shift)).status_code == 404
    assert client_for("elder").get(request_url(shift)).status_code == 403


def test_requests_are_decided_only_by_the_sites_roster_keepers(world, client_for):
    shift = plan(world, "volunteer", at(9, day=24), at(12, day=24))
    req = shift_request(actor=world.personas["volunteer"], shift=shift, kind="swap", reason="x")
    decide = reverse("workspace:roster_request_decide", kwargs={"public_id": req.public_id})
    other = User.objects.create_user("13900009998", "x", name="长风站长")
    Membership.objects.create(user=other, role=Role.SITE_MANAGER, site=world.site_b)
    client = client_for("volunteer")
    assert client.post(decide, {"decision": "approve"}).status_code == 403
    client.force_login(other)
    assert client.post(decide, {"decision": "approve"}).status_code == 404
    req.refresh_from_db()
    assert req.status == RequestStatus.OPEN


def test_my_shifts_reads_in_a_fixed_number_of_queries(world, client_for, django_assert_num_queries):
    plan(world, "volunteer", at(18, day=23), at(19, day=23))  # one shift: prefetches run
    client = client_for("volunteer")
    client.get(MY)
    with django_assert_num_queries(6) as few:
        client.get(MY)
    staff_the_week(world)
    volunteer = world.personas["volunteer"]
    for shift in Shift.objects.all()[:3]:
        shift_request(actor=volunteer, shift=shift, kind="swap", reason="x")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(MY)
    assert len(table_column(response, 0)) == 11


@pytest.mark.parametrize("path", ["/workspace/roster/", MY])
def test_the_roster_pages_are_one_section_of_the_navigation(world, client_for, path):
    page = html(client_for("volunteer").get(path))
    assert [text(a) for a in page.xpath("//nav//a[@aria-current='page']")] == ["值班"]
    assert "我的值班" in [text(a) for a in page.xpath("//main//a")] or path == MY
