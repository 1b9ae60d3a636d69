"""Staff signing in and out with a password and accepting an invitation: the workspace's
account pages (huoban.workspace.views.accounts, at /accounts/)."""

import datetime as dt

import time_machine
from django.utils import timezone

from tests.conftest import PASSWORD


def sign_in(client, mobile, password):
    return client.post("/accounts/login/", {"username": mobile, "password": password})


def test_it_signs_in_with_a_mobile_number_in_any_common_form(client, world):
    user = world.personas["street_admin"]
    spaced = f"{user.mobile[:3]} {user.mobile[3:7]} {user.mobile[7:]}"
    response = sign_in(client, spaced, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/workspace/"
    assert client.get("/workspace/").status_code == 200


def test_it_explains_a_wrong_password_and_keeps_the_number(client, world):
    user = world.personas["street_admin"]
    response = sign_in(client, user.mobile, "wrong-password")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>错误：" in body
    assert "手机号码或密码不对" in body
    assert f'value="{user.mobile}"' in body


def test_it_explains_an_invalid_mobile_number(client, world):
    body = sign_in(client, "12345", PASSWORD).content.decode()
    assert "<title>错误：" in body
    assert "11位手机号码" in body or "手机号码" in body


def test_it_cools_off_after_repeated_failures_and_never_locks_for_good(client, world):
    user = world.personas["street_admin"]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            sign_in(client, user.mobile, "wrong-password")
        locked = sign_in(client, user.mobile, PASSWORD)
        assert locked.status_code == 429
        assert "15 分钟后会自动恢复" in locked.content.decode()
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        response = sign_in(client, user.mobile, PASSWORD)
        assert response.status_code == 302


def test_it_signs_out_only_by_post(client, world):
    client.force_login(world.personas["volunteer"])
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/workspace/").status_code == 302


def test_it_does_not_follow_a_next_link_off_site(client, world):
    user = world.personas["volunteer"]
    response = client.post(
        "/accounts/login/?next=https://evil.example/",
        {"username": user.mobile, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/workspace/"


def test_it_accepts_an_invitation_once(client, world):
    from huoban.accounts.services import invitation_create

    _inv, token, _m = invitation_create(
        actor=world.personas["city_admin"],
        mobile="13700000001",
        name="新志愿者",
        role="volunteer",
        site=world.site_a,
    )
    url = f"/accounts/invite/{token}/"
    weak = client.post(url, {"password1": "12345678", "password2": "12345678"})
    assert "<title>错误：" in weak.content.decode()
    ok = client.post(url, {"password1": "long-enough-pass", "password2": "long-enough-pass"})
    assert ok.status_code == 302
    assert client.get("/workspace/").status_code == 200
    client.logout()
    assert client.get(url).status_code == 410


def test_it_links_each_error_to_its_field(client, world):
    body = sign_in(client, "12345", PASSWORD).content.decode()
    assert 'aria-invalid="true"' in body
    assert 'aria-describedby="id_username-error"' in body
    assert 'id="id_username-error"' in body
