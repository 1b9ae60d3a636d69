"""The volunteer pages: the list, a profile with its hours, the volunteer's own page,
onboarding, the badge and certificates, with bad input and permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from huoban.accounts.models import Membership, Role, User
from huoban.audit.models import AuditEvent
from huoban.people.models import Certificate, Pledge, Volunteer
from huoban.people.volunteers import is_onboarded, volunteer_update
from huoban.records.models import HelpSession
from huoban.roster.models import Shift
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


def volunteer_at(site, name: str, mobile: str) -> User:
    user = User.objects.create_user(mobile, "pw-123456789", name=name)
    Membership.objects.create(user=user, role=Role.VOLUNTEER, site=site)
    return user


def main_text(response) -> str:
    return text(html(response).xpath("//main")[0])


@pytest.fixture
def vol(world):
    return world.personas["volunteer"]


@pytest.fixture
def crew(world, vol):
    """Volunteers of site_a (the persona, a student, a Cantonese speaker) and of site_b."""
    manager = world.personas["city_admin"]
    student = volunteer_at(world.site_a, "王同学", "13700000001")
    volunteer_update(
        actor=manager, person=student, is_student=True, school="曹杨二中", dialects=["mandarin"]
    )
    cantonese = volunteer_at(world.site_a, "陈阿姨", "13700000002")
    volunteer_update(actor=manager, person=cantonese, dialects=["cantonese", "shanghainese"])
    far = volunteer_at(world.site_b, "李先生", "13700000003")
    return {"student": student, "cantonese": cantonese, "far": far}


# --- The list -----------------------------------------------------------------------------


def test_it_lists_the_volunteers_of_the_managers_sites(client_for, crew):
    response = client_for("site_manager").get(reverse("workspace:volunteer_list"))
    assert response.status_code == 200
    assert table_column(response) == ["volunteer", "王同学", "陈阿姨"]
    assert table_column(response, 2) == ["—", "曹杨二中", "—"]
    assert table_column(response, 3) == ["—", "普通话", "沪语、粤语"]
    assert table_column(response, 4) == ["未完成", "未完成", "未完成"]


def test_it_filters_by_name_student_dialect_and_site(client_for, world, crew):
    client = client_for("district_admin")
    url = reverse("workspace:volunteer_list")
    assert table_column(client.get(url)) == ["volunteer", "李先生", "王同学", "陈阿姨"]
    assert table_column(client.get(url, {"q": "王"})) == ["王同学"]
    assert table_column(client.get(url, {"student": "yes"})) == ["王同学"]
    assert table_column(client.get(url, {"student": "no"})) == ["volunteer", "李先生", "陈阿姨"]
    assert table_column(client.get(url, {"dialect": "shanghainese"})) == ["陈阿姨"]
    by_site = client.get(url, {"site": str(world.site_b.public_id)})
    assert table_column(by_site) == ["李先生"]
    assert value_of(by_site, "id_site") == str(world.site_b.public_id)
    nothing = client.get(url, {"dialect": "minnan"})
    assert "没有找到符合条件的志愿者。" in main_text(nothing)


def test_it_ignores_a_site_outside_the_scope(client_for, world, crew):
    response = client_for("site_manager").get(
        reverse("workspace:volunteer_list"), {"site": str(world.site_b.public_id)}
    )
    assert response.status_code == 200
    assert table_column(response) == ["volunteer", "王同学", "陈阿姨"]


def test_it_reads_the_list_in_a_fixed_number_of_queries(
    client_for, world, crew, django_assert_num_queries
):
    client = client_for("city_admin")
    url = reverse("workspace:volunteer_list")
    client.get(url)
    for i in range(10):
        person = volunteer_at(world.site_c, f"新志愿者{i}", f"136000000{i:02d}")
        volunteer_update(actor=world.personas["city_admin"], person=person, dialects=["minnan"])
    # session, user, memberships, sites of the filter, count, page, prefetched memberships
    with django_assert_num_queries(7):
        response = client.get(url)
    assert len(table_column(response)) == 14


# --- Profile and own page ------------------------------------------------------------------


def test_it_shows_the_hours_this_month_and_this_year(client_for, world, vol, frozen):
    Shift.objects.create(
        site=world.site_a,
        person=vol,
        start=at(9, 0, day=20),
        end=at(12, 0, day=20),
        created_by=vol,
    )
    Shift.objects.create(
        site=world.site_a,
        person=vol,
        start=dt.datetime(2026, 3, 2, 9, 0, tzinfo=at(9).tzinfo),
        end=dt.datetime(2026, 3, 2, 11, 0, tzinfo=at(9).tzinfo),
        created_by=vol,
    )
    HelpSession.objects.create(
        site=world.site_a,
        region_path=world.site_a.region_path,
        helper=vol,
        occurred_at=at(14, 0, day=20),
        duration_minutes=30,
    )
    response = client_for("site_manager").get(
        reverse("workspace:volunteer_detail", args=[vol.public_id])
    )
    rows = [text(d) for d in html(response).xpath("//dl[1]/div/dd")]
    assert rows == ["3.5 小时", "5.5 小时"]
    own = client_for("volunteer").get(reverse("workspace:volunteer_me"))
    assert title(own).startswith("我的志愿服务")
    assert [text(d) for d in html(own).xpath("//dl[1]/div/dd")] == rows


def test_it_puts_my_volunteering_in_the_volunteers_menu(client_for):
    nav = html(client_for("volunteer").get(reverse("workspace:home"))).xpath("//nav//a/text()")
    assert "我的志愿服务" in nav and "志愿者" not in nav
    nav = html(client_for("site_manager").get(reverse("workspace:home"))).xpath("//nav//a/text()")
    assert "志愿者" in nav and "我的志愿服务" not in nav


# --- Editing --------------------------------------------------------------------------------


def test_it_saves_the_volunteers_own_profile(client_for, vol):
    client = client_for("volunteer")
    url = reverse("workspace:volunteer_edit", args=[vol.public_id])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "skills": ["medical", "anti_fraud"],
            "skills_other": "会剪视频",
            "dialects": ["shanghainese"],
            "availability": ["0_am", "5_pm"],
            "bio": "退休教师",
        },
        follow=True,
    )
    assert status_messages(response) == ["已保存volunteer的志愿者资料。"]
    assert title(response).startswith("我的志愿服务")
    body = main_text(response)
    assert "就医挂号、防范诈骗、会剪视频" in body and "沪语" in body
    profile = Volunteer.objects.get(user=vol)
    assert profile.availability_codes == ["0_am", "5_pm"]
    again = client.get(url)
    checked = html(again).xpath("//input[@name='availability'][@checked]/@value")
    assert checked == ["0_am", "5_pm"]


def test_it_shows_errors_the_gov_uk_way_and_keeps_the_values(client_for, vol):
    client = client_for("site_manager")
    url = reverse("workspace:volunteer_edit", args=[vol.public_id])
    unknown = client.post(url, {"dialects": ["klingon"], "bio": "会讲沪语"})
    assert title(unknown).startswith("错误：")
    assert [href for href, _text in summary_links(unknown)] == ["#id_dialects_0"]
    assert [t.strip() for t in html(unknown).xpath("//textarea[@id='id_bio']/text()")] == [
        "会讲沪语"
    ]
    response = client.post(
        url, {"is_student": "on", "grade": "初二（3）班", "guardian_mobile": "12345"}
    )
    assert response.status_code == 200
    assert title(response).startswith("错误：")
    links = dict(summary_links(response))
    assert links["#id_school"] == "学生志愿者请填写学校名称。"
    assert "#id_guardian_mobile" in links
    assert field_error(response, "id_school") == "错误：学生志愿者请填写学校名称。"
    assert value_of(response, "id_grade") == "初二（3）班"
    assert value_of(response, "id_guardian_mobile") == "12345"
    assert not Volunteer.objects.exists()


def test_it_keeps_the_guardians_number_when_left_empty(client_for, vol):
    volunteer_update(
        actor=vol,
        person=vol,
        is_student=True,
        school="曹杨二中",
        guardian_name="王女士",
        guardian_mobile="13812345678",
    )
    client = client_for("volunteer")
    url = reverse("workspace:volunteer_edit", args=[vol.public_id])
    page = client.get(url)
    assert "现为 138****5678" in main_text(page)
    assert "13812345678" not in page.content.decode()
    client.post(url, {"is_student": "on", "school": "曹杨二中", "guardian_name": "王女士"})
    assert Volunteer.objects.get(user=vol).guardian_mobile == "13812345678"


def test_it_hides_other_volunteers_from_a_volunteer(client_for, crew):
    client = client_for("volunteer")
    other = crew["student"]
    for name in ("volunteer_detail", "volunteer_edit", "volunteer_pledges", "volunteer_badge"):
        assert client.get(reverse(f"workspace:{name}", args=[other.public_id])).status_code == 404
    refused = client.post(
        reverse("workspace:volunteer_edit", args=[other.public_id]), {"bio": "改掉"}
    )
    assert refused.status_code == 404
    assert Volunteer.objects.get(user=other).bio == ""


# --- Onboarding and badge -------------------------------------------------------------------


def test_it_asks_for_both_pledges_before_printing_the_badge(client_for, vol):
    client = client_for("volunteer")
    badge = reverse("workspace:volunteer_badge", args=[vol.public_id])
    pledges = reverse("workspace:volunteer_pledges", args=[vol.public_id])
    refused = client.get(badge, follow=True)
    assert refused.redirect_chain == [(pledges, 302)]
    assert status_messages(refused) == [
        "打印铭牌前，需要先确认《服务手册》和《隐私与资金安全承诺》。"
    ]
    body = main_text(refused)
    assert "不询问、不记录、不代为输入长者的银行卡密码" in body  # the privacy pledge's text
    assert "佩戴统一的志愿者铭牌上岗" in body  # the service manual's
    half = client.post(pledges, {"service_manual": "on"})
    assert title(half).startswith("错误：")
    assert summary_links(half) == [("#id_privacy", "请阅读《隐私与资金安全承诺》后勾选。")]
    assert html(half).xpath("//input[@id='id_service_manual']/@checked")
    assert not Pledge.objects.exists()
    done = client.post(pledges, {"service_manual": "on", "privacy": "on"}, follow=True)
    assert status_messages(done) == ["已记录承诺，现在可以打印志愿者铭牌。"]
    assert is_onboarded(vol)
    assert Pledge.objects.filter(accepted_by=vol).count() == 2
    pdf = client.get(badge)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_it_lets_the_site_manager_record_a_paper_signature(client_for, world, vol):
    client = client_for("site_manager")
    pledges = reverse("workspace:volunteer_pledges", args=[vol.public_id])
    page = client.get(pledges)
    assert "本人已签署《服务手册》" in main_text(page)
    client.post(pledges, {"service_manual": "on", "privacy": "on"})
    assert set(Pledge.objects.values_list("accepted_by", flat=True)) == {
        world.personas["site_manager"].pk
    }
    detail = client.get(reverse("workspace:volunteer_detail", args=[vol.public_id]))
    assert "由site_manager代为记录" in main_text(detail)
    assert html(detail).xpath(
        f"//a[@href='{reverse('workspace:volunteer_badge', args=[vol.public_id])}']"
    )


# --- Certificates ---------------------------------------------------------------------------


@pytest.fixture
def student(world, vol, frozen):
    volunteer_update(actor=vol, person=vol, is_student=True, school="曹杨二中")
    Shift.objects.create(
        site=world.site_a, person=vol, start=at(9, 0, day=20), end=at(12, 0, day=20), created_by=vol
    )
    return vol


def test_it_issues_and_downloads_a_certificate(client_for, world, student):
    client = client_for("site_manager")
    url = reverse("workspace:certificate_issue", args=[student.public_id])
    page = client.get(url)
    assert value_of(page, "id_site") == str(world.site_a.public_id)
    done = client.post(
        url,
        {
            "site": str(world.site_a.public_id),
            "period_start": "2026-11-01",
            "period_end": "2026-11-23",
        },
        follow=True,
    )
    assert status_messages(done) == ["已出具服务时长证明（3.0 小时），可以下载打印。"]
    certificate = Certificate.objects.get()
    assert AuditEvent.objects.filter(action="certificate.issue").count() == 1
    link = reverse("workspace:certificate_download", args=[certificate.public_id])
    assert html(done).xpath(f"//a[@href='{link}']")
    for persona in ("site_manager", "volunteer"):
        pdf = client_for(persona).get(link)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_it_refuses_bad_certificate_input(client_for, world, student):
    client = client_for("site_manager")
    url = reverse("workspace:certificate_issue", args=[student.public_id])
    response = client.post(
        url, {"site": str(world.site_a.public_id), "period_start": "2026-11-20", "period_end": "x"}
    )
    assert title(response).startswith("错误：")
    assert summary_links(response) == [("#id_period_end", "请按 2026-09-01 的格式填写日期。")]
    assert value_of(response, "id_period_start") == "2026-11-20"
    later = client.post(
        url,
        {
            "site": str(world.site_a.public_id),
            "period_start": "2026-11-20",
            "period_end": "2026-12-01",
        },
    )
    assert summary_links(later) == [("#id_period_end", "截止日期不能晚于今天。")]
    elsewhere = client.post(
        url,
        {
            "site": str(world.site_b.public_id),
            "period_start": "2026-11-01",
            "period_end": "2026-11-20",
        },
    )
    assert title(elsewhere).startswith("错误：")
    assert "#id_site" in dict(summary_links(elsewhere))
    assert not Certificate.objects.exists()


def test_it_refuses_a_certificate_for_an_adult(client_for, world, vol, frozen):
    volunteer_update(actor=vol, person=vol, bio="成年志愿者")
    response = client_for("site_manager").post(
        reverse("workspace:certificate_issue", args=[vol.public_id]),
        {
            "site": str(world.site_a.public_id),
            "period_start": "2026-11-01",
            "period_end": "2026-11-20",
        },
    )
    assert title(response).startswith("错误：")
    assert "服务时长证明只为学生志愿者出具" in main_text(response)
    assert not Certificate.objects.exists()


def test_it_does_not_let_a_volunteer_issue_their_own_certificate(client_for, world, student):
    response = client_for("volunteer").post(
        reverse("workspace:certificate_issue", args=[student.public_id]),
        {
            "site": str(world.site_a.public_id),
            "period_start": "2026-11-01",
            "period_end": "2026-11-20",
        },
    )
    assert response.status_code == 403
    assert not Certificate.objects.exists()
