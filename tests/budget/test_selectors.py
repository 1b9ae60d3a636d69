"""Who sees which streets' money, and how the sums are made."""

from __future__ import annotations

from decimal import Decimal

import pytest

from huoban.budget import services
from huoban.budget.selectors import (
    budget_summary,
    expenses_for,
    streets_for_budget,
    with_budget,
)
from tests.budget.conftest import YEAR, add

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.mark.parametrize(
    ("persona", "streets"),
    [
        ("street_admin", ["曹杨新村街道"]),
        ("district_admin", ["曹杨新村街道", "长风新村街道"]),
        ("city_admin", ["石门二路街道", "曹杨新村街道", "长风新村街道"]),
        ("site_manager", []),
        ("volunteer", []),
        ("outsider", []),
    ],
)
def test_it_shows_each_persona_the_streets_of_its_scope(world, persona, streets):
    found = streets_for_budget(world.personas[persona]).order_by("path")
    assert [s.name for s in found] == streets


def test_it_shows_expenses_only_inside_the_scope(world):
    add(world, "100")
    add(world, "200", persona="district_admin", street=world.changfeng)
    add(world, "300", persona="city_admin", street=world.jingan_street)

    def amounts(persona: str) -> list[Decimal]:
        qs = expenses_for(world.personas[persona]).order_by("amount")
        return [e.amount for e in qs]

    assert amounts("street_admin") == [Decimal("100.00")]
    assert amounts("district_admin") == [Decimal("100.00"), Decimal("200.00")]
    assert len(amounts("city_admin")) == 3
    assert amounts("site_manager") == []


def test_it_sums_by_category_without_the_voided(world):
    add(world, "100.10", category="badges_signs")
    add(world, "200.20", category="badges_signs")
    voided = add(world, "999.00", category="teachers")
    services.expense_void(actor=world.personas["street_admin"], expense=voided, reason="取消")
    summary = budget_summary(world.caoyang, YEAR)
    totals = {c.category: c.total for c in summary.categories}
    assert totals["badges_signs"] == Decimal("300.30")
    assert totals["teachers"] == Decimal("0.00")
    assert summary.spent == Decimal("300.30")
    assert summary.remaining == Decimal("59699.70")
    assert [c.label for c in summary.categories] == [
        "组织培训",
        "宣传推广",
        "教材印制",
        "志愿者铭牌和服务点标识",
        "师资聘请",
        "场地租赁",
        "其他",
    ]


def test_it_gives_a_street_without_a_cap_row_the_default(world):
    services.budget_cap_set(
        actor=world.personas["district_admin"], street=world.changfeng, year=YEAR, cap="0"
    )
    add(world, "10")
    rows = {
        s.name: (s.budget_cap, s.budget_spent)
        for s in with_budget(streets_for_budget(world.personas["district_admin"]), YEAR)
    }
    assert rows == {
        "曹杨新村街道": (Decimal("60000.00"), Decimal("10.00")),
        "长风新村街道": (Decimal("0.00"), Decimal("0.00")),
    }
    assert budget_summary(world.changfeng, YEAR).percent_used is None
