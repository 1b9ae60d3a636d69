"""Reading the budget ledger: which streets and expenses a user may see, and the sums.

The counting rule, in one place: the money spent is the sum of the expenses that are not
voided; the remaining money is the cap less that.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from huoban.accounts import roles as role_sets
from huoban.accounts.selectors import scope_q, streets_in_region_scopes
from huoban.budget.models import DEFAULT_CAP, FIRST_YEAR, BudgetCap, Category, Expense
from huoban.regions.models import Region

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=12, decimal_places=2)


def budget_years() -> list[int]:
    """The years a ledger may be kept for: from the programme's first to next year."""
    return list(range(FIRST_YEAR, timezone.localdate().year + 2))


def streets_for_budget(user, roles: Iterable[str] = role_sets.BUDGET_VIEW) -> QuerySet[Region]:
    """The streets whose budgets the user sees: those inside their region scopes."""
    return streets_in_region_scopes(user, roles)


def expenses_for(user, roles: Iterable[str] = role_sets.BUDGET_VIEW) -> QuerySet[Expense]:
    """The expenses of the streets inside the user's region scopes (voided ones included)."""
    return Expense.objects.filter(
        scope_q(user, roles, site_field=None, region_path_field="region_path")
    )


def counted(expenses: QuerySet[Expense]) -> QuerySet[Expense]:
    """The expenses that count against the cap."""
    return expenses.filter(voided=False)


def cap_for(street: Region, year: int) -> Decimal:
    """The street's cap for the year: its own row, or the default."""
    cap = BudgetCap.objects.filter(street=street, year=year).values_list("cap", flat=True).first()
    return DEFAULT_CAP if cap is None else cap


def spent_in(street: Region, year: int) -> Decimal:
    """What the street has spent in the year (expenses not voided)."""
    total = counted(Expense.objects.filter(street=street, year=year)).aggregate(
        total=Sum("amount")
    )["total"]
    return total or ZERO


def percent_of(spent: Decimal, cap: Decimal) -> Decimal | None:
    """Spent as a percentage of the cap, one decimal; None for a cap of nothing."""
    if not cap:
        return None
    return (spent * 100 / cap).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class CategoryTotal:
    category: str
    label: str
    total: Decimal


@dataclass(frozen=True)
class BudgetSummary:
    """One street's year: the cap, what is spent, what remains, and the spending by use."""

    street: Region
    year: int
    cap: Decimal
    spent: Decimal
    categories: list[CategoryTotal]

    @property
    def remaining(self) -> Decimal:
        return self.cap - self.spent

    @property
    def percent_used(self) -> Decimal | None:
        return percent_of(self.spent, self.cap)


def budget_summary(street: Region, year: int) -> BudgetSummary:
    """The cap, the spending by category (every category, zero included) and the total.

    Two queries: the cap, and the totals per category.
    """
    rows = (
        counted(Expense.objects.filter(street=street, year=year))
        .order_by()
        .values("category")
        .annotate(total=Sum("amount"))
    )
    by_category = {r["category"]: r["total"] for r in rows}
    categories = [
        CategoryTotal(c.value, str(c.label), by_category.get(c.value) or ZERO) for c in Category
    ]
    return BudgetSummary(
        street=street,
        year=year,
        cap=cap_for(street, year),
        spent=sum((c.total for c in categories), ZERO),
        categories=categories,
    )


def with_budget(streets: QuerySet[Region], year: int) -> QuerySet[Region]:
    """Annotate each street with ``budget_cap`` and ``budget_spent`` for the year.

    One query for the whole list, however many streets.
    """
    caps = BudgetCap.objects.filter(street=OuterRef("pk"), year=year).values("cap")[:1]
    spent = (
        counted(Expense.objects.filter(street=OuterRef("pk"), year=year))
        .order_by()
        .values("street")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return streets.annotate(
        budget_cap=Coalesce(
            Subquery(caps, output_field=MONEY), Value(DEFAULT_CAP), output_field=MONEY
        ),
        budget_spent=Coalesce(Subquery(spent, output_field=MONEY), Value(ZERO), output_field=MONEY),
    )
