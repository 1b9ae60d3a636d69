"""People and roles: the list, invitations and taking a role away."""

from __future__ import annotations

import re

from django.conf import settings
from django.urls import reverse

from huoban.accounts.models import Invitation, Membership, Role, User
from huoban.audit.models import AuditEvent
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


def test_it_lists_members_in_scope_with_masked_mobiles(client_for, world):
    response = client_for("city_admin").get(reverse("workspace:people"))
    names = table_column(response)
    assert {"volunteer", "site_manager", "street_admin", "district_admin", "city_admin"} <= set(
        names
    )
    assert "elder" not in names  # no scope, not staff of any place
    page = response.content.decode()
    volunteer = world.personas["volunteer"]
    assert volunteer.masked_mobile in page
    assert volunteer.mobile not in page


def test_it_filters_members_by_role(client_for, world, django_assert_max_num_queries):
    client = client_for("city_admin")
    with django_assert_max_num_queries(5):
        response = client.get(reverse("workspace:people"), {"role": Role.SITE_MANAGER})
    assert table_column(response) == ["site_manager"]
    assert table_column(response, 3) == ["曹杨新村为老服务中心"]


def test_it_invites_a_new_person_with_a_one_time_link(client_for, world):
    response = client_for("city_admin").post(
        reverse("workspace:invite"),
        {
            "name": "赵志愿",
            "mobile": "13812345678",
            "role": Role.VOLUNTEER,
            "site": str(world.site_b.public_id),
        },
    )
    assert response.status_code == 200
    invitation = Invitation.objects.get()
    assert (invitation.name, invitation.role, invitation.site) == (
        "赵志愿",
        Role.VOLUNTEER,
        world.site_b,
    )
    assert invitation.invited_by == world.personas["city_admin"]
    link = html(response).get_element_by_id("invite-link").get("value")
    match = re.fullmatch(re.escape(settings.HUOBAN_BASE_URL) + r"/accounts/invite/([^/]+)/", link)
    assert match, link
    assert Invitation.hash_token(match.group(1)) == invitation.token_hash
    assert not User.objects.filter(mobile="13812345678").exists()


def test_it_grants_the_role_at_once_to_someone_with_an_account(client_for, world):
    outsider = world.personas["outsider"]
    response = client_for("city_admin").post(
        reverse("workspace:invite"),
        {
            "name": "outsider",
            "mobile": outsider.mobile,
            "role": Role.STREET_ADMIN,
            "region": world.changfeng.code,
        },
        follow=True,
    )
    assert any(m.startswith("已授予") for m in status_messages(response))
    assert Membership.objects.filter(
        user=outsider, role=Role.STREET_ADMIN, region=world.changfeng
    ).exists()
    assert not Invitation.objects.exists()


def test_it_shows_the_scope_a_role_needs_at_its_field(client_for, world):
    response = client_for("city_admin").post(
        reverse("workspace:invite"),
        {
            "name": "钱站长",
            "mobile": "13812345679",
            "role": Role.SITE_MANAGER,
            "region": world.caoyang.code,
        },
    )
    assert response.status_code == 200
    assert title(response).startswith("错误：")
    links = dict(summary_links(response))
    assert links["#id_site"] == "角色“站点负责人”需要选择站点。"
    assert links["#id_region"] == "角色“站点负责人”不应选择区划。"
    assert value_of(response, "id_region") == world.caoyang.code
    assert value_of(response, "id_name") == "钱站长"
    assert not Invitation.objects.exists()


def test_it_checks_the_region_level_and_the_mobile(client_for, world):
    response = client_for("city_admin").post(
        reverse("workspace:invite"),
        {
            "name": "孙区长",
            "mobile": "1381234",
            "role": Role.DISTRICT_ADMIN,
            "region": world.caoyang.code,
        },
    )
    assert field_error(response, "id_mobile").startswith("错误：")
    assert not Invitation.objects.exists()
    response = client_for("city_admin").post(
        reverse("workspace:invite"),
        {
            "name": "孙区长",
            "mobile": "13812345670",
            "role": Role.DISTRICT_ADMIN,
            "region": world.caoyang.code,
        },
    )
    assert "应是区级区划" in field_error(response, "id_region")
    assert not Invitation.objects.exists()


def test_it_offers_scope_choices_from_the_inviters_scope(client_for, world):
    page = html(client_for("city_admin").get(reverse("workspace:invite")))
    regions = page.xpath("//select[@name='region']/option/@value")
    assert world.city.code in regions and world.caoyang.code in regions
    sites = page.xpath("//select[@name='site']/option/@value")
    assert str(world.site_c.public_id) in sites
    orgs = page.xpath("//select[@name='organisation']/option/@value")
    assert str(world.vendor_org.public_id) in orgs  # runs no site, still invitable
    # The script that shows one scope field at a time knows which role needs which.
    assert page.get_element_by_id("id_site").get("data-scope-for") == "volunteer site_manager"


def test_it_revokes_a_role_after_asking(client_for, world):
    membership = Membership.objects.get(user=world.personas["volunteer"])
    client = client_for("city_admin")
    url = reverse("workspace:membership_revoke", args=[membership.pk])
    assert "确定撤销 volunteer 的“志愿者/工作人员”角色" in text(html(client.get(url)))
    assert Membership.objects.filter(pk=membership.pk).exists()
    response = client.post(url, follow=True)
    assert any(m.startswith("已撤销 volunteer") for m in status_messages(response))
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.get(action="membership.revoke").actor == world.personas["city_admin"]
    # And the volunteer is out of the workspace's site pages.
    assert client_for("volunteer").get(reverse("workspace:site_list")).status_code == 403
