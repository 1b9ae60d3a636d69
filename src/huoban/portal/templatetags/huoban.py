"""Template filters for dates and times in words (上午9:00, 明天 上午9:00)."""

import datetime as dt

from django import template
from django.utils import timezone

from huoban.lib import when

register = template.Library()


@register.filter
def time_words(value: dt.time | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).time()
    return when.time_words(value)


@register.filter
def moment_words(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return when.moment_words(timezone.localtime(value), timezone.localtime())


@register.filter
def date_words(value: dt.date | None) -> str:
    return when.date_words(value) if value else ""
