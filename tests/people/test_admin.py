"""The Django admin shows elders masked and changes nothing (the workspace's services do)."""

from __future__ import annotations

from django.test import Client

from huoban.accounts.models import User
from tests.people.conftest import ZHANG_ID, ZHANG_MOBILE


def admin_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("13900009999", "x", name="管理员"))
    return client


def test_it_lists_and_shows_elders_with_masked_numbers_only(folks):
    client = admin_client()
    listing = client.get("/django-admin/people/elder/")
    detail = client.get(f"/django-admin/people/elder/{folks.zhang.pk}/change/")
    for response in (listing, detail):
        assert response.status_code == 200
        page = response.content.decode()
        assert "张小明" in page
        assert "138****5678" in page
        assert ZHANG_MOBILE not in page
        assert ZHANG_ID not in page


def test_it_lets_nobody_add_change_or_delete_an_elder_there(folks):
    client = admin_client()
    assert client.get("/django-admin/people/elder/add/").status_code == 403
    response = client.post(f"/django-admin/people/elder/{folks.zhang.pk}/change/", {"name": "改名"})
    assert response.status_code == 403
    assert client.get(f"/django-admin/people/elder/{folks.zhang.pk}/delete/").status_code == 403
    folks.zhang.refresh_from_db()
    assert folks.zhang.name == "张小明"
