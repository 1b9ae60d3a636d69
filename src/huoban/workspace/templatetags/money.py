"""Money on staff pages: ``{{ amount|yuan }}`` → 1,234.00."""

from __future__ import annotations

from django import template

from huoban.lib.money import yuan as format_yuan

register = template.Library()


@register.filter
def yuan(value) -> str:
    return format_yuan(value)
