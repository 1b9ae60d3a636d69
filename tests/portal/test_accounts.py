"""Signing in to the portal with an SMS code, registering, and binding family members."""

from __future__ import annotations

import copy
import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from huoban.accounts.models import ElderLink, LinkRelation, Membership, Role, SignInCode, User
from huoban.people.models import Elder
from huoban.people.services import elder_create
from huoban.signin.services import CODE_TRIES


@pytest.fixture
def texts(monkeypatch) -> list[tuple[str, str]]:
    """The text messages sent, as (mobile, text)."""
    sent: list[tuple[str, str]] = []
    monkeypatch.setattr(
        "huoban.signin.services.deliver_text",
        lambda *, mobile, text, kind: sent.append((mobile, text)),
    )
    return sent


def _code(texts) -> str:
    return re.search(r"\d{6}", texts[-1][1]).group()


def _start(client, mobile, next_url=""):
    data = {"mobile": mobile}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("portal:sign_in"), data)


def test_it_signs_in_an_elder_registered_at_a_desk_with_a_code(client, world, texts):
    elder = elder_create(
        actor=world.personas["volunteer"],
        site=world.site_a,
        name="陈奶奶",
        mobile="13700001111",
        consent=True,
    )
    response = _start(client, "137 0000 1111")
    assert response.status_code == 302
    assert texts[0][0] == "13700001111"
    code_page = client.get(response["Location"]).content.decode()
    assert "137****1111" in code_page
    assert 'autocomplete="one-time-code"' in code_page
    signed_in = client.post(response["Location"], {"code": _code(texts)})
    assert signed_in.status_code == 302
    user = User.objects.get(mobile="13700001111")
    assert user.name == "陈奶奶"
    assert ElderLink.objects.get(user=user).elder == elder
    assert Membership.objects.filter(user=user, role=Role.ELDER).exists()
    assert "陈奶奶，您好" in client.get(reverse("portal:me")).content.decode()
    assert not SignInCode.objects.get().code_hash.endswith(_code(texts))


def test_it_registers_someone_new_after_the_code(client, world, texts):
    response = _start(client, "13700002222", next_url="/classes/")
    client.post(response["Location"], {"code": _code(texts)})
    page = client.get(reverse("portal:register"))
    assert "第一次使用" in page.content.decode()
    missing = client.post(reverse("portal:register"), {"who": "elder", "name": "赵爷爷"})
    text = missing.content.decode()
    assert "错误：" in text and "请选择您住的街道或镇" in text and "需要您同意" in text
    assert 'value="赵爷爷"' in text  # what was typed is kept
    assert not User.objects.filter(mobile="13700002222").exists()
    done = client.post(
        reverse("portal:register"),
        {
            "who": "elder",
            "name": "赵爷爷",
            "street": "310107005",
            "consent": "on",
            "next": "/classes/",
        },
    )
    assert done["Location"] == "/classes/"
    elder = Elder.objects.get(name="赵爷爷")
    assert elder.mobile == "13700002222"
    assert elder.street.code == "310107005"
    assert ElderLink.objects.get(elder=elder).relation == LinkRelation.SELF


def test_it_counts_wrong_codes_and_stops_after_the_last_try(client, world, texts):
    response = _start(client, "13700003333")
    url = response["Location"]
    for n in range(CODE_TRIES - 1):
        wrong = client.post(url, {"code": "000000" if _code(texts) != "000000" else "111111"})
        assert f"还可以输入 {CODE_TRIES - n - 1} 次" in wrong.content.decode()
    client.post(url, {"code": "000000" if _code(texts) != "000000" else "111111"})
    right = client.post(url, {"code": _code(texts)})
    assert "输错次数太多" in right.content.decode()
    assert not right.wsgi_request.user.is_authenticated


def test_it_announces_an_expired_code_and_sends_a_new_one(client, world, texts):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        url = _start(client, "13700004444")["Location"]
    with time_machine.travel(start + dt.timedelta(minutes=11), tick=False):
        old = _code(texts)
        expired = client.post(url, {"code": old})
        assert "验证码已过期" in expired.content.decode()
        resent = client.post(url, {"resend": "1"})
        assert "新的验证码已发到" in resent.content.decode()
        assert len(texts) == 2
        assert client.post(url, {"code": _code(texts)}).status_code == 302


def test_it_limits_how_often_codes_are_sent(client, world, texts):
    _start(client, "13700005555")
    again = _start(client, "13700005555")
    assert "秒后再重新获取" in again.content.decode()
    assert len(texts) == 1


def test_it_rejects_a_bad_number_with_a_message(client, world, texts):
    response = _start(client, "12345")
    assert response.status_code == 200
    assert "错误：" in response.content.decode()
    assert not texts


def test_it_sends_staff_to_the_password_sign_in(client, world, texts):
    response = _start(client, world.personas["volunteer"].mobile)
    assert "工作人员入口" in response.content.decode()
    assert not texts


def test_it_binds_a_family_member_with_the_elders_code(client_for, world, texts):
    elder = elder_create(
        actor=world.personas["volunteer"],
        site=world.site_a,
        name="孙阿婆",
        mobile="13700006666",
        consent=True,
    )
    client = client_for("family")
    response = client.post(reverse("portal:family_add"), {"mobile": "13700006666"})
    assert response["Location"] == reverse("portal:family_code")
    assert texts[-1][0] == "13700006666"
    assert "请求代您" in texts[-1][1]
    wrong = client.post(
        reverse("portal:family_code"), {"code": "999999" if _code(texts) != "999999" else "888888"}
    )
    assert "验证码不对" in wrong.content.decode()
    done = client.post(reverse("portal:family_code"), {"code": _code(texts)})
    assert done["Location"] == reverse("portal:me")
    link = ElderLink.objects.get(user=world.personas["family"])
    assert (link.elder, link.relation, link.consent_method) == (elder, "family", "sms_code")
    me = client.get(reverse("portal:me")).content.decode()
    assert "孙阿婆" in me
    client.post(reverse("portal:family_remove", args=[link.public_id]))
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_it_registers_a_family_members_elder_who_is_new(client_for, world, texts):
    client = client_for("family")
    client.post(reverse("portal:family_add"), {"mobile": "13700007777"})
    missing = client.post(reverse("portal:family_code"), {"code": _code(texts)})
    assert "请填写家人的姓名" in missing.content.decode()
    done = client.post(
        reverse("portal:family_code"),
        {"code": _code(texts), "name": "周奶奶", "street": "310107014"},
    )
    assert done.status_code == 302  # the code was not used up by the missing name
    assert ElderLink.objects.get(user=world.personas["family"]).elder.name == "周奶奶"


def test_it_does_not_let_one_user_remove_anothers_link(client_for, world, texts):
    elder = elder_create(
        actor=world.personas["volunteer"], site=world.site_a, name="吴伯", consent=True
    )
    link = ElderLink.objects.create(
        user=world.personas["family"],
        elder=elder,
        relation="family",
        consent_method="desk",
        consent_at=timezone.now(),
    )
    response = client_for("elder").post(reverse("portal:family_remove", args=[link.public_id]))
    assert response.status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def test_an_admin_account_never_signs_in_with_a_code(client, world, texts):
    admin = User.objects.create_superuser("13700008888", "长期密码-不是验证码", name="管理员")
    assert not Membership.objects.filter(user=admin).exists()  # no staff role, still staff
    refused = _start(client, "13700008888")
    assert "工作人员入口" in refused.content.decode()
    assert not texts
    # A code sent before the account became staff does not let anyone in either.
    admin.is_superuser = admin.is_staff = False
    admin.set_unusable_password()
    admin.save()
    url = _start(client, "13700008888")["Location"]
    User.objects.filter(pk=admin.pk).update(is_staff=True)
    page = client.post(url, {"code": _code(texts)})
    assert page.status_code == 200
    assert "工作人员入口" in page.content.decode()
    assert not page.wsgi_request.user.is_authenticated


def test_a_closed_account_cannot_sign_in_with_a_code(client, world, texts):
    user = User.objects.create_user("13700009999", None, name="停用的人")
    Membership.objects.create(user=user, role=Role.FAMILY)
    user.is_active = False
    user.save()
    url = _start(client, "13700009999")["Location"]
    page = client.post(url, {"code": _code(texts)})
    assert "账号已停用" in page.content.decode()
    assert not page.wsgi_request.user.is_authenticated


def test_asking_for_an_elders_consent_leaves_their_own_sign_in_alone(
    client, client_for, world, texts
):
    elder_create(
        actor=world.personas["volunteer"],
        site=world.site_a,
        name="钱阿婆",
        mobile="13700005656",
        consent=True,
    )
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        url = _start(client, "13700005656")["Location"]  # the elder asks for her code
    own_code = _code(texts)
    stranger = client_for("family")
    for n in range(1, 8):  # seven tries in eight minutes: the asker is stopped at five
        with time_machine.travel(start + dt.timedelta(seconds=65 * n), tick=False):
            asked = stranger.post(reverse("portal:family_add"), {"mobile": "13700005656"})
    assert sum("请求代您" in text for _, text in texts) == 5
    assert "一小时内获取验证码太多次了" in asked.content.decode()
    with time_machine.travel(start + dt.timedelta(minutes=8, seconds=30), tick=False):
        elsewhere = stranger.post(reverse("portal:family_add"), {"mobile": "13700005757"})
    assert "您一小时内发出的验证码太多了" in elsewhere.content.decode()  # nor other numbers
    with time_machine.travel(start + dt.timedelta(minutes=9), tick=False):
        signed_in = client.post(url, {"code": own_code})  # her code was not voided
    assert signed_in.status_code == 302
    assert signed_in.wsgi_request.user.name == "钱阿婆"


def test_two_tries_at_the_same_moment_each_use_up_one_of_the_five(world, texts, monkeypatch):
    from django.db.models.query import QuerySet

    from huoban.signin.services import sign_in_code_check, sign_in_code_send

    sign_in_code_send(mobile="13700004545")
    code = SignInCode.objects.get()
    wrong = "000000" if _code(texts) != "000000" else "111111"
    SignInCode.objects.filter(pk=code.pk).update(attempts=3)
    stale = SignInCode.objects.get(pk=code.pk)
    # Both requests read the code (3 tries used) before either counted its own: the race.
    real_first = QuerySet.first

    def first(self):
        return copy.copy(stale) if self.model is SignInCode else real_first(self)

    monkeypatch.setattr(QuerySet, "first", first)
    for _n in range(2):
        with pytest.raises(ValidationError):
            sign_in_code_check(mobile="13700004545", code=wrong)
    stale.refresh_from_db()
    assert stale.attempts == CODE_TRIES
    with pytest.raises(ValidationError, match="输错次数太多"):
        sign_in_code_check(mobile="13700004545", code=_code(texts))


def test_a_code_lets_in_once(world, texts):
    from huoban.signin.services import sign_in_code_check, sign_in_code_send

    sign_in_code_send(mobile="13700004646")
    assert sign_in_code_check(mobile="13700004646", code=_code(texts)) == "13700004646"
    with pytest.raises(ValidationError, match="已过期"):
        sign_in_code_check(mobile="13700004646", code=_code(texts))


def test_one_address_cannot_ask_for_codes_for_a_whole_district(client, world, texts, settings):
    settings.HUOBAN_CODES_PER_ADDRESS_HOUR = 3
    for n in range(3):
        assert _start(client, f"1370000{n:04d}").status_code == 302
    refused = _start(client, "13700000099")
    assert "这个网络一小时内获取验证码太多次了" in refused.content.decode()
    assert len(texts) == 3
    elsewhere = client.post(
        reverse("portal:sign_in"), {"mobile": "13700000099"}, REMOTE_ADDR="10.1.2.3"
    )
    assert elsewhere.status_code == 302  # another address is not held back


def test_behind_the_proxy_the_address_is_the_one_nginx_saw(rf, settings):
    from huoban.lib.client_ip import client_ip

    settings.HUOBAN_TRUSTED_PROXIES = 1
    spoofed = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="127.0.0.1")
    assert client_ip(spoofed) == "203.0.113.9"
    assert client_ip(rf.get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="nonsense")) == "127.0.0.1"
    settings.HUOBAN_TRUSTED_PROXIES = 0
    assert client_ip(spoofed) == "127.0.0.1"
