"""Date and time filters for every page (上午9:00, 明天 上午9:00); never 24-hour time alone."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

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
def date_words(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return when.date_words(value)


@register.filter
def moment_words(value: dt.datetime | None) -> str:
    """明天 上午9:00, relative to now."""
    if value is None:
        return ""
    return when.moment_words(timezone.localtime(value), timezone.localtime())


@register.filter
def datetime_words(value: dt.datetime | None) -> str:
    """2025年3月4日 下午2:00 — an absolute moment, for "last changed" columns."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return _("%(year)s年%(date)s %(time)s") % {
        "year": local.year,
        "date": when.date_words(local.date()),
        "time": when.time_words(local.time()),
    }


@register.simple_tag
def period_words(start: dt.time, end: dt.time) -> str:
    return when.time_range_words(start, end)
