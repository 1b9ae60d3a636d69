"""API clients: anonymous, and one carrying a persona's bearer token."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from huoban.accounts.services import api_token_create

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Monday; the world's sites are open Mon–Fri 9–12 and 13–17.
MONDAY_10AM = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def api_client() -> Client:
    return Client()


@pytest.fixture
def token_for(world) -> Callable[[str], str]:
    """``token_for("street_admin")`` → a fresh plain token for that persona."""

    def make(persona: str) -> str:
        user = world.personas[persona]
        _token, plain = api_token_create(actor=user, user=user, name="测试令牌")
        return plain

    return make


@pytest.fixture
def client_with_token(token_for) -> Callable[[str], Client]:
    """``client_with_token("street_admin")`` → a client sending that persona's token."""

    def make(persona: str) -> Client:
        return Client(headers={"authorization": f"Bearer {token_for(persona)}"})

    return make
