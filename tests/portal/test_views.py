import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from huoban.sites.models import DeskException, SiteStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_10AM = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
MONDAY_8PM = dt.datetime(2026, 11, 23, 20, 0, tzinfo=SHANGHAI)


def names(response) -> list[str]:
    return [row.site.name for row in response.context["rows"]]


def test_it_lists_only_sites_in_service(client, world):
    world.site_c.status = SiteStatus.SUSPENDED
    world.site_c.save()
    response = client.get(reverse("portal:finder"))
    assert response.status_code == 200
    assert set(names(response)) == {world.site_a.name, world.site_b.name}


def test_it_filters_by_district_street_and_service(client, world):
    assert set(names(client.get("/sites/", {"district": "310107000"}))) == {
        world.site_a.name,
        world.site_b.name,
    }
    assert names(client.get("/sites/", {"street": "310107014"})) == [world.site_b.name]
    world.site_b.services.clear()
    assert set(names(client.get("/sites/", {"service": "help_desk"}))) == {
        world.site_a.name,
        world.site_c.name,
    }


def test_it_rejects_an_unknown_region_code_with_a_message(client, world):
    response = client.get("/sites/", {"street": "999999999"})
    assert response.status_code == 200
    assert response.context["has_errors"]
    assert "错误：" in response.content.decode()


@time_machine.travel(MONDAY_10AM, tick=False)
def test_it_marks_sites_open_now_and_filters_them(client, world):
    DeskException.objects.create(
        site=world.site_b, date=MONDAY_10AM.date(), kind="closed", reason="设备检修"
    )
    response = client.get("/sites/", {"open": "on"})
    assert set(names(response)) == {world.site_a.name, world.site_c.name}
    body = response.content.decode()
    assert "现在开放" in body
    assert "中午12:00 结束" in body


@time_machine.travel(MONDAY_8PM, tick=False)
def test_it_says_when_a_closed_site_opens_next(client, world):
    body = client.get(f"/sites/{world.site_a.public_id}/").content.decode()
    assert "现在未开放" in body
    assert "明天 上午9:00 开门" in body


def test_it_sorts_by_walking_distance_from_the_chosen_street(client, world):
    response = client.get("/sites/", {"near": "310107014"})
    rows = response.context["rows"]
    assert rows[0].site.name == world.site_b.name
    distances = [r.walking_m for r in rows]
    assert distances == sorted(distances)
    assert "步行约" in response.content.decode()


def test_it_sorts_by_distance_from_the_browser_position(client, world):
    response = client.get("/sites/", {"lat": "31.2321", "lng": "121.4601"})
    assert names(response)[0] == world.site_c.name


def test_it_refuses_a_position_out_of_range(client, world):
    response = client.get("/sites/", {"lat": "95", "lng": "121.4"})
    assert response.context["has_errors"]


@time_machine.travel(MONDAY_10AM, tick=False)
def test_it_shows_the_site_page_with_this_weeks_hours_and_today(client, world):
    response = client.get(f"/sites/{world.site_a.public_id}/")
    body = response.content.decode()
    assert world.site_a.name in body
    assert 'aria-current="date"' in body
    assert "11月23日 周一" in body
    assert 'href="tel:021-62000000"' in body
    assert "上午9:00–中午12:00" in body


def test_it_hides_sites_not_in_service(client, world):
    world.site_a.status = SiteStatus.CLOSED
    world.site_a.save()
    assert client.get(f"/sites/{world.site_a.public_id}/").status_code == 404


def test_it_remembers_the_chosen_text_size_without_javascript(client, world):
    response = client.post("/text-size/", {"size": "xlarge", "next": "/sites/"})
    assert response.status_code == 302
    assert response["Location"] == "/sites/"
    assert 'class="text-xlarge"' in client.get("/").content.decode()


def test_it_does_not_redirect_the_text_size_form_off_site(client, db):
    response = client.post("/text-size/", {"size": "large", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_it_speaks_chinese_even_to_an_english_browser(client, db):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-CN"' in body
    assert "找附近的服务点" in body


def test_it_puts_help_in_the_same_place_on_every_page(client, world):
    for url in ["/", "/sites/", "/map/", "/help/", f"/sites/{world.site_a.public_id}/"]:
        body = client.get(url).content.decode()
        assert 'class="help-bar"' in body, url
        bar = body[body.index('class="help-bar"') :]
        assert bar.index('href="tel:12345"') < bar.index('href="/help/"') < bar.index("</aside>")


def test_it_lists_the_finder_without_n_plus_one(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        client.get("/sites/")


@pytest.mark.parametrize("url", ["/map/", "/help/", "/"])
def test_it_serves_every_portal_page(client, world, url):
    assert client.get(url).status_code == 200
