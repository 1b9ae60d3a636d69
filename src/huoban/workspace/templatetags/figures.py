"""Figures on the progress pages and the dashboard: ``{{ rate|percent }}`` → 45.2%."""

from __future__ import annotations

import math

from django import template

register = template.Library()


@register.filter
def percent(rate: float | None) -> str:
    """A share (0.452) as a percentage with one decimal (45.2%); a dash when there is none."""
    if rate is None:
        return "—"
    # Rounded down, so that 99.96% is not shown as 100.0% beside "behind".
    return f"{math.floor(rate * 1000) / 10:.1f}%"


@register.filter
def figure(value: int | None) -> str:
    """A count with thousands grouped as on the programme's tables: 10000 → 10,000.

    (Django's Chinese number format groups by four without a separator, which nobody
    reading the indicator table expects.)
    """
    if value is None:
        return ""
    return f"{value:,}"
