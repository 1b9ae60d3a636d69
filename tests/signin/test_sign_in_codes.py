"""Sign-in codes go out through the SMS gateway and are never stored in clear; a staff
account's number gets none (the service says so, whichever face asks)."""

from __future__ import annotations

import logging
import re

import pytest
from django.core.exceptions import ValidationError

from huoban.accounts.models import SignInCode, User
from huoban.signin.services import sign_in_code_check, sign_in_code_send

SENT: list[tuple[str, str]] = []


class CapturingGateway:
    def send(self, mobile: str, text: str) -> None:
        SENT.append((mobile, text))


def test_it_sends_the_code_through_the_configured_sms_gateway(db, settings):
    settings.HUOBAN_NOTIFY_CHANNELS = ["sms"]
    settings.HUOBAN_SMS_GATEWAY = f"{__name__}.CapturingGateway"
    SENT.clear()
    sign_in_code_send(mobile="13700001234")
    ((mobile, text),) = SENT
    code = re.search(r"\d{6}", text).group()
    assert mobile == "13700001234"
    assert code not in SignInCode.objects.get().code_hash
    assert sign_in_code_check(mobile="13700001234", code=f" {code} ") == "13700001234"


def test_it_prints_the_code_where_the_demo_runs_without_a_gateway(db, settings, caplog):
    settings.HUOBAN_NOTIFY_CHANNELS = ["console"]
    with caplog.at_level(logging.WARNING, logger="huoban.sms"):
        sign_in_code_send(mobile="13700004321")
    assert re.search(r"登录验证码是 \d{6}", caplog.text)
    assert "137****4321" in caplog.text


def test_it_sends_no_code_to_a_staff_accounts_number_before_any_limit_counts(db, settings):
    settings.HUOBAN_NOTIFY_CHANNELS = ["sms"]
    settings.HUOBAN_SMS_GATEWAY = f"{__name__}.CapturingGateway"
    SENT.clear()
    User.objects.create_user("13700005555", "a-password-of-its-own", name="站长")
    throttled: list[str] = []
    with pytest.raises(ValidationError) as refused:
        sign_in_code_send(mobile="137 0000 5555", throttle=lambda: throttled.append("staff"))
    assert "工作人员入口" in str(refused.value.message_dict["mobile"])
    assert not SENT and not throttled and not SignInCode.objects.exists()
    sign_in_code_send(mobile="13700006666", throttle=lambda: throttled.append("elder"))
    assert throttled == ["elder"] and len(SENT) == 1
