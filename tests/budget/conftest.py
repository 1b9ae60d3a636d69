"""Fixtures for the budget ledger: a fixed day, receipts kept in a temporary folder, files."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from huoban.budget import services
from huoban.budget.models import Expense
from tests.browser.conftest import browser, new_page, opened  # noqa: F401 (for test_browser.py)

SH = ZoneInfo("Asia/Shanghai")
# Monday 23 November 2026, 10:30 in Shanghai.
NOW = dt.datetime(2026, 11, 23, 10, 30, tzinfo=SH)
TODAY = NOW.date()
YEAR = TODAY.year

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


@pytest.fixture(autouse=True)
def private_dir(settings, tmp_path):
    """Receipts go to a folder of this test, beside a media folder of this test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "private"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def upload(name: str = "收据.pdf", content: bytes = PDF, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def add(world, amount: str, *, persona: str = "street_admin", street=None, **extra) -> Expense:
    """An expense through the service, with sensible defaults."""
    values = {
        "date": TODAY,
        "category": "training",
        "payee": "曹杨社区学校",
    }
    values.update(extra)
    return services.expense_add(
        actor=world.personas[persona],
        street=street or world.caoyang,
        amount=Decimal(amount),
        **values,
    )
