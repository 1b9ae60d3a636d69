"""The ledger page in Debian's Chromium: axe at WCAG 2.2 AA, before and after a refused form.

Uses the browser fixtures of tests/browser, brought in by this folder's conftest.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from huoban.budget import services
from tests.browser.conftest import (
    _keep_migration_data,  # noqa: F401 (autouse fixture: the live server flushes the database)
    assert_no_axe_violations,
    assert_no_horizontal_scroll,
    sign_in,
)
from tests.budget.conftest import PDF, add, upload

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}


def test_it_has_no_axe_violations_on_the_ledger(new_page, opened, world):
    today = timezone.localdate()
    add(world, "3000.00", date=today, receipt=upload())
    add(world, "56000.00", date=today, category="venue", payee="曹杨文化中心")
    services.expense_void(
        actor=world.personas["street_admin"],
        expense=add(world, "800.00", date=today - dt.timedelta(days=1), payee="错账"),
        reason="金额填错",
    )
    page = new_page(viewport=NARROW)
    sign_in(page, world.personas["district_admin"].mobile)
    opened.errors.clear()
    response = page.goto(f"/workspace/budget/{world.caoyang.code}/{today.year}/")
    assert response is not None and response.status == 200
    assert page.locator("del").first.is_visible()
    assert_no_axe_violations(page, aaa_contrast=False)
    assert_no_horizontal_scroll(page, "ledger")

    # Over the cap: refused, the summary has the focus, the typed values stay.
    page.get_by_label("类别").select_option("materials")
    page.get_by_label("金额（元）").fill("1500")
    page.get_by_label("收款方").fill("曹杨印刷厂")
    page.locator("#id_receipt").set_input_files(
        files=[{"name": "教材发票.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    with page.expect_navigation():
        page.get_by_role("button", name="登记支出").click()
    assert page.title().startswith("错误：")
    assert page.evaluate("() => document.activeElement.hasAttribute('data-error-summary')")
    assert "剩余 1,000.00 元，本笔 1,500.00 元" in page.locator("[data-error-summary]").inner_text()
    assert page.get_by_label("收款方").input_value() == "曹杨印刷厂"
    assert_no_axe_violations(page, aaa_contrast=False)
    assert_no_horizontal_scroll(page, "ledger with errors")
    assert not opened.errors, "\n".join(opened.errors)
