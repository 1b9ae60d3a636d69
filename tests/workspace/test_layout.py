"""The frame every workspace page shares: language, navigation, sign-out, no inline code."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.workspace.pages import html, status_messages, text, title


def test_it_frames_the_page_for_screen_readers_and_keyboards(client_for, world):
    response = client_for("site_manager").get(reverse("workspace:home"))
    page = html(response)
    assert page.get("lang") == "zh-CN"
    assert title(response) == "首页 - 工作台 - 数字伙伴计划"
    skip = page.xpath("//body/*[1]")[0]
    assert (skip.tag, skip.get("href")) == ("a", "#main")
    assert page.xpath("//main/@id") == ["main"]
    assert page.xpath("//*[@role='status']")
    assert page.xpath("//link[@rel='stylesheet']/@href") == ["/static/huoban/staff.css"]


def test_it_has_no_inline_styles_or_scripts_and_uses_the_csp_nonce(client_for, world):
    response = client_for("city_admin").get(
        reverse("workspace:site_detail", args=[world.site_a.public_id])
    )
    page = html(response)
    assert not page.xpath("//*[@style]") and not page.xpath("//style")
    scripts = page.xpath("//script")
    assert scripts and all(s.get("src") and not (s.text or "").strip() for s in scripts)
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert {s.get("nonce") for s in scripts} == {nonce}


@pytest.mark.parametrize(
    ("persona", "sections"),
    [
        (
            "volunteer",
            ["首页", "站点", "帮办记录", "课堂", "数据看板", "评价", "值班", "我的志愿服务"],
        ),
        (
            "site_manager",
            ["首页", "站点", "帮办记录", "课堂", "数据看板", "评价", "值班", "志愿者"],
        ),
        (
            "street_admin",
            [
                "首页",
                "站点",
                "帮办记录",
                "课堂",
                "数据看板",
                "评价",
                "值班",
                "志愿者",
                "指标进度",
                "经费",
            ],
        ),
        (
            "city_admin",
            [
                "首页",
                "站点",
                "帮办记录",
                "课堂",
                "数据看板",
                "评价",
                "值班",
                "志愿者",
                "指标进度",
                "经费",
                "运营单位",
                "人员",
            ],
        ),
        ("vendor", ["首页"]),
    ],
)
def test_it_shows_the_sections_the_roles_allow(client_for, world, persona, sections):
    page = html(client_for(persona).get(reverse("workspace:home")))
    assert [text(a) for a in page.xpath("//nav[contains(@class,'main-nav')]//a")] == sections


def test_it_marks_the_current_section(client_for, world):
    page = html(
        client_for("city_admin").get(reverse("workspace:site_hours", args=[world.site_a.public_id]))
    )
    assert [text(a) for a in page.xpath("//nav//a[@aria-current='page']")] == ["站点"]


def test_it_shows_roles_scopes_and_the_elder_zone_on_home(client_for, world):
    page = html(client_for("district_admin").get(reverse("workspace:home")))
    assert page.findtext(".//h1") == "您好，district_admin"
    assert "区管理员 · 普陀区" in text(page)
    hrefs = page.xpath("//main//a/@href")
    assert reverse("workspace:site_list") in hrefs
    assert reverse("workspace:site_create") in hrefs
    assert reverse("workspace:organisation_list") not in hrefs
    assert "/" in hrefs  # 打开长者专区
    assert [text(a) for a in page.xpath("//header//a[@href='/']")] == ["长者专区"]


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("volunteer", ["dashboard"], ["progress", "budget_list"]),
        ("street_admin", ["dashboard", "progress", "budget_list"], []),
    ],
)
def test_it_links_the_dashboard_progress_and_budget_from_home(
    client_for, world, persona, shown, hidden
):
    tasks = html(client_for(persona).get(reverse("workspace:home"))).xpath(
        "//a[@class='task']/@href"
    )
    assert all(reverse(f"workspace:{name}") in tasks for name in shown)
    assert not any(reverse(f"workspace:{name}") in tasks for name in hidden)


def test_it_signs_out_and_switches_language_with_plain_forms(client_for, world):
    page = html(client_for("volunteer").get(reverse("workspace:home")))
    logout = page.xpath("//header//form")[0]
    assert (logout.get("method"), logout.get("action")) == ("post", "/accounts/logout/")
    assert logout.xpath(".//input[@name='csrfmiddlewaretoken']")
    lang = page.xpath("//footer//form")[0]
    assert (lang.get("method"), lang.get("action")) == ("post", "/i18n/setlang/")
    assert lang.xpath(".//select[@name='language']/option/@value") == ["zh-hans", "en"]
    assert lang.xpath(".//input[@name='next']/@value") == ["/workspace/"]


def test_it_switches_to_english(client_for, world):
    client = client_for("volunteer")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/workspace/"})
    assert response.url == "/workspace/"
    page = html(client.get("/workspace/"))
    assert page.get("lang") == "en"
    assert page.xpath("//select[@name='language']/option[@selected]/@value") == ["en"]


def test_it_announces_success_in_the_status_region(client_for, world):
    client = client_for("site_manager")
    url = reverse("workspace:site_exceptions", args=[world.site_a.public_id])
    response = client.post(url, {"date": "2099-01-01", "kind": "closed"}, follow=True)
    assert status_messages(response) == ["例外安排已添加。"]
