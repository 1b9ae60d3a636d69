"""The dashboard: person-times and persons today, this week, this month and this year for
the viewer's site or region, by scenario, channel and site, and the last 30 days — every
figure as the ledger counts it, in a handful of queries however many records there are."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from huoban.records.selectors import ledger_counts, ledger_in
from huoban.records.services import help_session_log, help_session_void
from huoban.sites.models import Service
from tests.conftest import SH, site_in
from tests.workspace.pages import html, text, title

URL = "/workspace/dashboard/"


def log(world, site, when: dt.datetime, *codes: str, elder=None, channel="walk_in"):
    return help_session_log(
        actor=world.personas["city_admin"],
        site=site,
        scenarios=[Service.objects.get(code=c) for c in codes or ("medical",)],
        elder=elder,
        occurred_at=when,
        channel=channel,
    )


def day(month: int, d: int, hour: int = 9, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, d, hour, tzinfo=SH)


@pytest.fixture
def records(world, frozen, elders):
    """Caoyang's year, seen on Monday 23 November 2026."""
    first, second = elders
    log(world, world.site_a, day(11, 23), "medical", "pay_bills", elder=first)
    log(world, world.site_a, day(11, 23, 10), "medical")  # anonymous
    log(world, world.site_a, day(11, 22), "chat", elder=second)  # Sunday: last week
    log(world, world.site_a, day(11, 2), "medical", elder=first, channel="phone")
    log(world, world.site_a, day(3, 10), "pay_bills", channel="home_visit")
    log(world, world.site_a, day(12, 31, year=2025))  # last year
    voided = log(world, world.site_a, day(11, 23, 10))
    help_session_void(actor=world.personas["city_admin"], session=voided, reason="重复登记")
    log(world, world.site_b, day(11, 23), "travel")  # 长风: the district's, not the street's
    log(world, world.site_c, day(11, 23), "travel")  # 静安


def totals(response) -> dict[str, tuple[str, str]]:
    page = html(response)
    return {
        key: (
            text(page.xpath(f"//*[@data-testid='{key}-times']")[0]),
            text(page.xpath(f"//*[@data-testid='{key}-persons']")[0]),
        )
        for key in ("today", "week", "month", "year")
    }


def table(response, section: str) -> list[list[str]]:
    page = html(response)
    rows = page.xpath(f"//section[@aria-labelledby='{section}-title']//table/tbody/tr")
    return [[text(c) for c in tr.xpath("./th|./td")] for tr in rows]


def test_it_counts_today_this_week_this_month_and_the_year(world, client_for, records):
    response = client_for("street_admin").get(URL)
    assert response.status_code == 200
    assert title(response) == "曹杨新村街道数据看板 - 工作台 - 数字伙伴计划"
    assert totals(response) == {
        "today": ("2", "1"),
        "week": ("2", "1"),
        "month": ("4", "2"),
        "year": ("5", "2"),
    }
    # The same figures as the ledger's own count.
    year = ledger_counts(
        ledger_in(world.caoyang, start=dt.date(2026, 1, 1), end=dt.date(2026, 11, 23))
    )
    assert (str(year.person_times), str(year.persons)) == totals(response)["year"]


def test_it_shows_each_scope_its_own_figures(world, client_for, records):
    assert totals(client_for("district_admin").get(URL))["today"] == ("3", "1")
    assert totals(client_for("city_admin").get(URL))["today"] == ("4", "1")
    volunteer = client_for("volunteer").get(URL)
    assert title(volunteer).startswith("曹杨新村为老服务中心数据看板")
    assert totals(volunteer)["year"] == ("5", "2")
    district = client_for("district_admin")
    assert totals(district.get(f"{URL}?site={world.site_b.pk}"))["today"] == ("1", "0")
    assert totals(district.get(f"{URL}?region={world.changfeng.code}"))["year"] == ("1", "0")


def test_it_puts_the_top_scenarios_first_for_class_planning(world, client_for, records):
    response = client_for("street_admin").get(URL)
    assert table(response, "scenarios") == [["就医", "3"], ["缴费", "2"], ["聊天", "1"]]
    assert "高频场景可作为下一期课程的主题。" in text(html(response))
    chart = json.loads(html(response).get_element_by_id("chart-scenarios-data").text)
    assert chart["categories"] == ["就医", "缴费", "聊天"]
    assert chart["series"] == [{"name": "人次", "data": [3, 2, 1]}]


def test_it_breaks_the_period_down_by_channel_and_narrows_it_on_request(world, client_for, records):
    client = client_for("street_admin")
    assert table(client.get(URL), "channels") == [["到站", "3"], ["电话", "1"], ["上门", "1"]]
    month = client.get(f"{URL}?period=month")
    assert table(month, "channels") == [["到站", "3"], ["电话", "1"]]
    assert table(client.get(f"{URL}?period=today"), "scenarios") == [["就医", "2"], ["缴费", "1"]]


def test_it_lists_the_busiest_sites_with_links_to_their_records(world, client_for, records):
    quiet = site_in(world.changfeng, world.org, "长风社区学校", "31.225000", "121.398000")
    log(world, quiet, day(11, 20))
    log(world, quiet, day(11, 21))
    response = client_for("district_admin").get(URL)
    assert table(response, "sites") == [
        ["曹杨新村为老服务中心", "5", "2", "记录 曹杨新村为老服务中心"],
        ["长风社区学校", "2", "0", "记录 长风社区学校"],
        ["长风长者照护之家", "1", "0", "记录 长风长者照护之家"],
    ]
    links = html(response).xpath("//section[@aria-labelledby='sites-title']//td/a/@href")
    assert links[0] == f"{reverse('workspace:record_list')}?site={world.site_a.pk}"
    # The records list opens filtered on that site (all its records, last year's too).
    records_page = html(client_for("district_admin").get(links[0]))
    assert records_page.xpath("//select[@name='site']/option[@selected]/text()") == [
        "曹杨新村为老服务中心"
    ]
    assert text(records_page.xpath("//*[@data-testid='person-times']")[0]) == "6"


def test_it_draws_the_last_30_days_with_a_table_of_every_day(world, client_for, records):
    response = client_for("street_admin").get(URL)
    data = json.loads(html(response).get_element_by_id("chart-daily-data").text)
    assert data["kind"] == "line"
    assert len(data["categories"]) == 30
    assert data["categories"][0] == "10月25日" and data["categories"][-1] == "11月23日"
    assert data["series"][0]["data"][-2:] == [1, 2]
    assert sum(data["series"][0]["data"]) == 4
    days = table(response, "daily")
    assert len(days) == 30 and days[-1] == ["11月23日 周一", "2"]


def test_a_site_chooser_lists_only_the_sites_in_scope(world, client_for, records):
    page = html(client_for("street_admin").get(URL))
    assert page.xpath("//select[@name='site']/option/text()") == [
        "全部站点",
        "曹杨新村为老服务中心",
    ]
    assert page.xpath("//select[@name='region']/option/@value") == [world.caoyang.code]
    volunteer = html(client_for("volunteer").get(URL))
    assert not volunteer.xpath("//select[@name='region']")


def test_it_ignores_a_site_left_chosen_when_the_region_changes(world, client_for, records):
    url = f"{URL}?region={world.changfeng.code}&site={world.site_a.pk}"
    assert title(client_for("district_admin").get(url)).startswith("长风新村街道数据看板")


def test_it_says_so_when_there_is_nothing_yet(world, client_for, frozen):
    page = html(client_for("street_admin").get(URL))
    assert "这段时间还没有帮办记录。" in text(page)
    assert not page.xpath("//*[@data-chart]")


def test_it_takes_the_same_few_queries_however_many_records_and_sites(
    world, client_for, records, django_assert_num_queries, django_assert_max_num_queries
):
    client = client_for("district_admin")
    with CaptureQueriesContext(connection) as before:
        client.get(URL)
    with django_assert_max_num_queries(14):
        client.get(URL)
    for i in range(6):
        site = site_in(world.changfeng, world.org, f"长风服务点{i}", "31.225000", "121.398000")
        log(world, site, day(11, 20), "safety", "travel")
    with django_assert_num_queries(len(before)):
        response = client.get(URL)
    assert len(table(response, "sites")) == 8  # 曹杨's, 长风's and the six new ones
