"""Site list, site page and site profile editing in the workspace."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from huoban.audit.models import AuditEvent
from huoban.sites.models import DeskException, Service, Site, SiteStatus
from tests.conftest import site_in
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

SHANGHAI = ZoneInfo("Asia/Shanghai")


def site_form_data(site: Site, **changes) -> dict:
    data = {
        "name": site.name,
        "venue_type": site.venue_type,
        "address": site.address,
        "latitude": str(site.latitude),
        "longitude": str(site.longitude),
        "phone": site.phone,
        "description": site.description,
        "classroom_capacity": site.classroom_capacity,
        "level_claimed": site.level_claimed,
        "status": site.status,
        "services": [s.pk for s in site.services.all()],
    }
    if site.has_desk:
        data["has_desk"] = "on"
    data.update(changes)
    return data


# --- List ----------------------------------------------------------------------------------


def test_it_lists_only_the_sites_in_scope(client_for, world):
    response = client_for("district_admin").get(reverse("workspace:site_list"))
    assert table_column(response) == ["曹杨新村为老服务中心", "长风长者照护之家"]
    assert "共 2 个站点" in text(html(response))


def test_it_filters_by_street_within_scope(client_for, world):
    client = client_for("district_admin")
    page = client.get(reverse("workspace:site_list"))
    streets = html(page).xpath("//select[@name='street']/option/@value")
    assert streets == ["", world.caoyang.code, world.changfeng.code]  # not 静安's street
    response = client.get(reverse("workspace:site_list"), {"street": world.changfeng.code})
    assert table_column(response) == ["长风长者照护之家"]
    # A street outside the scope is not a choice: the filter is dropped, nothing leaks.
    response = client.get(reverse("workspace:site_list"), {"street": world.jingan_street.code})
    assert table_column(response) == ["曹杨新村为老服务中心", "长风长者照护之家"]


def test_it_filters_by_status_level_and_venue_type(client_for, world):
    Site.objects.filter(pk=world.site_b.pk).update(
        status=SiteStatus.SUSPENDED, level_claimed=2, venue_type="library"
    )
    client = client_for("city_admin")
    url = reverse("workspace:site_list")
    assert table_column(client.get(url, {"status": "suspended"})) == ["长风长者照护之家"]
    assert table_column(client.get(url, {"level": "2"})) == ["长风长者照护之家"]
    assert table_column(client.get(url, {"level": "1"})) == [
        "曹杨新村为老服务中心",
        "石门二路老年活动室",
    ]
    assert table_column(client.get(url, {"venue_type": "library"})) == ["长风长者照护之家"]


def test_it_searches_name_and_address(client_for, world):
    client = client_for("city_admin")
    url = reverse("workspace:site_list")
    assert table_column(client.get(url, {"q": "照护"})) == ["长风长者照护之家"]
    assert table_column(client.get(url, {"q": "石门二路街道1号"})) == ["石门二路老年活动室"]
    empty = client.get(url, {"q": "不存在的站点"})
    assert table_column(empty) == []
    assert "没有符合条件的站点" in text(html(empty))
    assert "共 0 个站点" in text(html(empty))


def test_it_sorts_by_clickable_headers_with_aria_sort(client_for, world):
    client = client_for("city_admin")
    url = reverse("workspace:site_list")
    response = client.get(url)
    headers = html(response).xpath("//thead/tr/th")
    assert headers[0].get("aria-sort") == "ascending"
    assert all(h.get("aria-sort") is None for h in headers[1:])
    descending_link = headers[0].xpath("./a/@href")[0]
    assert descending_link == "?sort=-name"
    by_name_desc = client.get(url + descending_link)
    assert table_column(by_name_desc) == sorted(table_column(response), reverse=True)
    assert html(by_name_desc).xpath("//thead/tr/th")[0].get("aria-sort") == "descending"
    by_street = client.get(url, {"sort": "street"})
    assert table_column(by_street, 1) == sorted(table_column(by_street, 1))
    Site.objects.filter(pk=world.site_c.pk).update(level_certified=3, level_claimed=3)
    by_level = client.get(url, {"sort": "-level"})
    assert table_column(by_level)[0] == "石门二路老年活动室"
    # Sorting keeps the filters.
    filtered = client.get(url, {"q": "为老", "sort": "name"})
    assert html(filtered).xpath("//thead/tr/th[1]/a/@href")[0] == "?q=%E4%B8%BA%E8%80%81&sort=-name"


def test_it_pages_25_sites_at_a_time(client_for, world):
    for i in range(30):
        site_in(world.caoyang, world.org, f"曹杨测试站{i:02d}", "31.240000", "121.410000")
    client = client_for("street_admin")
    first = client.get(reverse("workspace:site_list"))
    assert len(table_column(first)) == 25
    assert "共 31 个站点" in text(html(first))
    assert "第 1 页，共 2 页" in text(html(first))
    second = client.get(reverse("workspace:site_list"), {"page": 2})
    assert len(table_column(second)) == 6
    assert set(table_column(first)).isdisjoint(table_column(second))


def test_it_lists_sites_in_a_fixed_number_of_queries(
    client_for, world, django_assert_max_num_queries
):
    for i in range(40):
        site = site_in(world.caoyang, world.org, f"曹杨测试站{i:02d}", "31.240000", "121.410000")
        site.services.add(Service.objects.get(code="medical"))
    client = client_for("city_admin")
    # session, user, memberships, count, streets (validate, render), page
    with django_assert_max_num_queries(7):
        response = client.get(reverse("workspace:site_list"), {"sort": "-street"})
    assert len(table_column(response)) == 25


# --- Site page ---------------------------------------------------------------------------------


@time_machine.travel(dt.datetime(2025, 11, 24, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_it_shows_the_site_with_its_week_and_open_state(client_for, world):
    DeskException.objects.create(
        site=world.site_a, date=dt.date(2025, 11, 26), kind="closed", reason="消防检查"
    )
    response = client_for("volunteer").get(
        reverse("workspace:site_detail", args=[world.site_a.public_id])
    )
    page = text(html(response))
    assert "现在开放，中午12:00结束" in page
    assert "11月24日 周一 今天 上午9:00–中午12:00、下午1:00–下午5:00" in page
    assert "11月26日 周三 不开放 消防检查" in page
    assert "11月26日 周三：全天不开放（消防检查）" in page
    hrefs = html(response).xpath("//a/@href")
    public = f"/sites/{world.site_a.public_id}/"
    assert {public, f"{public}qr.svg", f"{public}poster.pdf"} <= set(hrefs)
    # A volunteer sees the site but may not change it.
    assert reverse("workspace:site_edit", args=[world.site_a.public_id]) not in hrefs


def test_it_offers_edit_links_to_those_who_may_edit(client_for, world):
    response = client_for("site_manager").get(
        reverse("workspace:site_detail", args=[world.site_a.public_id])
    )
    hrefs = html(response).xpath("//a/@href")
    for name in ("site_edit", "site_hours", "site_exceptions"):
        assert reverse(f"workspace:{name}", args=[world.site_a.public_id]) in hrefs


# --- Edit and create ------------------------------------------------------------------------------


def test_it_lets_a_site_manager_edit_their_site(client_for, world):
    manager = world.personas["site_manager"]
    medical = Service.objects.get(code="medical")
    url = reverse("workspace:site_edit", args=[world.site_a.public_id])
    response = client_for("site_manager").post(
        url,
        site_form_data(
            world.site_a,
            name="曹杨新村数字伙伴站",
            classroom_capacity=24,
            has_projector="on",
            services=[s.pk for s in world.site_a.services.all()],
            scenarios=[medical.pk],
            level_claimed=2,
            level_certified=3,  # not a field for a site manager: ignored
        ),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse(
        "workspace:site_detail", args=[world.site_a.public_id]
    )
    assert "站点“曹杨新村数字伙伴站”已保存。" in status_messages(response)
    site = Site.objects.get(pk=world.site_a.pk)
    assert (site.name, site.classroom_capacity, site.has_projector) == (
        "曹杨新村数字伙伴站",
        24,
        True,
    )
    assert (site.level_claimed, site.level_certified) == (2, None)
    assert set(site.services.values_list("code", flat=True)) == {"help_desk", "medical"}
    event = AuditEvent.objects.get(action="site.update")
    assert event.actor == manager
    assert event.changes["name"] == ["曹杨新村为老服务中心", "曹杨新村数字伙伴站"]


def test_it_hides_moving_and_certifying_from_a_site_manager(client_for, world):
    page = html(
        client_for("site_manager").get(
            reverse("workspace:site_edit", args=[world.site_a.public_id])
        )
    )
    names = set(page.xpath("//form//*[@name]/@name"))
    assert {"name", "level_claimed", "status", "services", "scenarios"} <= names
    assert not {"region", "organisation", "level_certified"} & names


def test_it_lets_the_programme_office_certify_a_level(client_for, world):
    url = reverse("workspace:site_edit", args=[world.site_b.public_id])
    data = site_form_data(
        world.site_b,
        level_claimed=2,
        level_certified=2,
        region=world.changfeng.pk,
        organisation=world.org.pk,
    )
    response = client_for("city_admin").post(url, data)
    assert response.status_code == 302
    assert Site.objects.get(pk=world.site_b.pk).level_certified == 2


def test_it_shows_a_service_rule_at_its_field_and_keeps_the_input(client_for, world):
    url = reverse("workspace:site_edit", args=[world.site_a.public_id])
    response = client_for("site_manager").post(
        url, site_form_data(world.site_a, name="新名字", latitude="48.856600", longitude="2.352200")
    )
    assert response.status_code == 200
    assert title(response).startswith("错误：")
    assert ("#id_latitude", "这个位置不在中国境内，请检查纬度和经度是否填反。") in summary_links(
        response
    )
    assert "这个位置不在中国境内" in field_error(response, "id_latitude")
    assert value_of(response, "id_name") == "新名字"
    assert value_of(response, "id_latitude") == "48.856600"
    assert Site.objects.get(pk=world.site_a.pk).name == "曹杨新村为老服务中心"
    assert not AuditEvent.objects.filter(action="site.update").exists()
    # The page heading still names the saved site, not the rejected input.
    assert html(response).findtext(".//h1") == "编辑站点：曹杨新村为老服务中心"


def test_it_creates_a_site_in_the_street_admins_own_street(client_for, world):
    client = client_for("street_admin")
    url = reverse("workspace:site_create")
    page = html(client.get(url))
    assert page.xpath("//select[@name='region']/option/@value") == ["", str(world.caoyang.pk)]
    data = {
        "organisation": world.org.pk,
        "region": world.caoyang.pk,
        "name": "曹杨银行网点",
        "venue_type": "bank",
        "address": "枫桥路 1 号",
        "latitude": "31.241000",
        "longitude": "121.411000",
        "classroom_capacity": "0",
        "level_claimed": "1",
        "status": "active",
        "has_desk": "on",
        "services": [Service.objects.get(code="help_desk").pk],
    }
    response = client.post(url, data)
    site = Site.objects.get(name="曹杨银行网点")
    assert response.url == reverse("workspace:site_detail", args=[site.public_id])
    assert site.region_path == world.caoyang.path
    assert AuditEvent.objects.filter(action="site.create", object_id=str(site.pk)).exists()
    # Another street of the district is not a choice for this street admin.
    response = client.post(url, {**data, "name": "长风银行网点", "region": world.changfeng.pk})
    assert response.status_code == 200
    assert field_error(response, "id_region")
    assert not Site.objects.filter(name="长风银行网点").exists()


def test_it_asks_for_the_missing_fields_of_a_new_site(client_for, world):
    response = client_for("district_admin").post(
        reverse("workspace:site_create"), {"name": "", "latitude": "abc"}
    )
    assert response.status_code == 200
    assert title(response).startswith("错误：新建站点")
    links = dict(summary_links(response))
    assert links["#id_name"] == "请填写站点名称。"
    assert links["#id_address"] == "请填写地址。"
    assert "#id_latitude" in links
    assert value_of(response, "id_latitude") == "abc"
    assert Site.objects.count() == 3


@pytest.mark.parametrize("persona", ["site_manager", "street_admin"])
def test_it_will_not_edit_a_site_outside_the_scope(client_for, world, persona):
    url = reverse("workspace:site_edit", args=[world.site_c.public_id])
    response = client_for(persona).post(url, site_form_data(world.site_c, name="改名"))
    assert response.status_code == 404
    assert Site.objects.get(pk=world.site_c.pk).name == "石门二路老年活动室"


def test_it_shows_a_site_in_a_fixed_number_of_queries(
    client_for, world, django_assert_max_num_queries
):
    today = timezone.localdate()
    for i in range(1, 6):
        DeskException.objects.create(
            site=world.site_a, date=today + dt.timedelta(days=i), kind="closed"
        )
    world.site_a.services.add(*Service.objects.all())
    # session, user, memberships, site, periods, exceptions, services, may-edit check
    client = client_for("street_admin")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("workspace:site_detail", args=[world.site_a.public_id]))
    assert response.status_code == 200


def test_it_says_a_suspended_site_is_not_public(client_for, world):
    Site.objects.filter(pk=world.site_a.pk).update(status=SiteStatus.SUSPENDED)
    response = client_for("site_manager").get(
        reverse("workspace:site_detail", args=[world.site_a.public_id])
    )
    lead = text(html(response).xpath("//p[@class='lead']")[0])
    assert lead == "暂停服务 不在公开的站点列表中，长者看不到这个站点。"
