"""Money as people read it on a ledger: 1,234.00 (yuan, two decimals, thousands grouped)."""

from __future__ import annotations

from decimal import Decimal

CENT = Decimal("0.01")


def yuan(value: Decimal | int | str | None) -> str:
    """``Decimal("1234.5")`` → ``"1,234.50"``; None → ``""``."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value).quantize(CENT):,.2f}"
