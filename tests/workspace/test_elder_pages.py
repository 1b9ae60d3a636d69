"""The elder register: search, correct a profile, read a number in full (audited)."""

from __future__ import annotations

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
