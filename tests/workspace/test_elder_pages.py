"""The elder register: search, correct a profile, read a number in full (audited)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from huoban.audit.models import AuditEvent

pytestmark = pytest.mark.usefixtures("frozen")


def test_the_register_lists_elders_masked_and_finds_by_initials(world, client_for, elders):
    client = client_for("volunteer")
    body = client.get("/workspace/elders/").content.decode()
    assert "张小明" in body and "138****5678" in body and "13812345678" not in body
    found = client.get("/workspace/elders/", {"q": "lxy"}).content.decode()
    assert "李秀英" in found and "张小明" not in found


def test_a_profile_is_corrected_and_an_empty_number_keeps_the_old_one(world, client_for, elders):
    elder = elders[0]
    url = reverse("workspace:elder_edit", args=[elder.public_id])
    client = client_for("volunteer")
    response = client.post(url, {"name": "张晓明", "mobile": "", "birth_year": "1948"})
    assert response.status_code == 302
    elder.refresh_from_db()
    assert (elder.name, elder.mobile, elder.birth_year) == ("张晓明", "13812345678", 1948)


def test_a_bad_number_is_explained_and_nothing_changes(world, client_for, elders):
    elder = elders[0]
    url = reverse("workspace:elder_edit", args=[elder.public_id])
    response = client_for("volunteer").post(url, {"name": "张晓明", "mobile": "12345"})
    assert response.status_code == 200 and "手机" in response.content.decode()
    elder.refresh_from_db()
    assert elder.name == "张小明"


def test_a_site_manager_reads_a_number_in_full_and_it_is_audited(world, client_for, elders):
    elder = elders[0]
    url = reverse("workspace:elder_reveal", args=[elder.public_id, "mobile"])
    response = client_for("site_manager").post(url)
    assert 'data-testid="revealed">13812345678<' in response.content.decode()
    event = AuditEvent.objects.get(action="elder.reveal")
    assert event.actor == world.personas["site_manager"] and "13812345678" not in str(event.changes)


def test_a_volunteer_may_not_read_a_number_in_full(world, client_for, elders):
    url = reverse("workspace:elder_reveal", args=[elders[0].public_id, "mobile"])
    assert client_for("volunteer").post(url).status_code == 403
    assert not AuditEvent.objects.filter(action="elder.reveal").exists()
    page = client_for("volunteer").get(reverse("workspace:elder_edit", args=[elders[0].public_id]))
    assert "查看完整号码" not in page.content.decode()


def test_an_unknown_field_is_refused(world, client_for, elders):
    url = reverse("workspace:elder_reveal", args=[elders[0].public_id, "password"])
    assert client_for("site_manager").post(url).status_code == 403


def test_an_elders_page_lists_only_records_in_the_viewers_scope(
    world, client_for, elders, scenarios
):
    from huoban.records.services import help_session_log

    help_session_log(
        actor=world.personas["district_admin"],
        site=world.site_b,
        elder=elders[0],
        scenarios=[scenarios["chat"]],
    )
    url = reverse("workspace:elder_edit", args=[elders[0].public_id])
    assert "长风长者照护之家" not in client_for("volunteer").get(url).content.decode()
    assert "长风长者照护之家" in client_for("district_admin").get(url).content.decode()

    def count_of_zhang(persona: str) -> str:
        listed = client_for(persona).get("/workspace/elders/").content.decode()
        row = re.search(r"张小明</a></td>(.*?)</tr>", listed, re.S).group(1)
        return re.findall(r"<td>([^<]*)</td>", row)[-1]

    assert count_of_zhang("volunteer") == "0"
    assert count_of_zhang("district_admin") == "1"


def test_a_site_in_a_neighbourhood_offers_its_street(world, client_for):
    from huoban.accounts.models import Membership
    from tests.conftest import region, site_in

    estate = region("310107005001", "杏梅居委会", "neighbourhood", world.caoyang)
    site = site_in(estate, world.org, "杏梅睦邻点", "31.241", "121.411")
    user = world.personas["outsider"]
    Membership.objects.create(user=user, role="volunteer", site=site)
    client = client_for("outsider")
    body = client.get("/workspace/elders/new/").content.decode()
    assert "曹杨新村街道" in body
