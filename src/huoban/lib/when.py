"""Dates and times the way an older reader says them: 11月23日 星期一 下午2:00.

Never 24-hour time alone (ACCESSIBILITY.md rule 10). English has its own forms.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

# The years a date typed into the programme may fall in: wide enough for its history and
# plans, narrow enough to catch "20260" and keep date arithmetic (a week on, a day on)
# away from the calendar's ends.
MIN_YEAR = 2000
MAX_YEAR = 2099


def in_years(day: dt.date) -> bool:
    """Whether a date (or a datetime) lies in MIN_YEAR … MAX_YEAR."""
    return MIN_YEAR <= day.year <= MAX_YEAR


def years_error() -> str:
    return _("日期要在 %(first)s 年到 %(last)s 年之间。") % {"first": MIN_YEAR, "last": MAX_YEAR}


WEEKDAYS_ZH = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
WEEKDAYS_EN = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def _english() -> bool:
    return (get_language() or "").startswith("en")


def weekday_name(weekday: int) -> str:
    """周一 … 周日 (Mon … Sun); Monday is 0."""
    return WEEKDAYS_EN[weekday] if _english() else WEEKDAYS_ZH[weekday]


def time_words(t: dt.time) -> str:
    """上午9:00, 中午12:30, 下午2:00, 晚上7:30; in English 9:00 am, 2:00 pm."""
    hour, minute = t.hour, t.minute
    if _english():
        suffix = "am" if hour < 12 else "pm"
        h12 = hour % 12 or 12
        return f"{h12}:{minute:02d} {suffix}"
    if hour < 6:
        word, h12 = "凌晨", hour
    elif hour < 12:
        word, h12 = "上午", hour
    elif hour < 13:
        word, h12 = "中午", 12
    elif hour < 18:
        word, h12 = "下午", hour - 12
    else:
        word, h12 = "晚上", hour - 12
    return f"{word}{h12}:{minute:02d}"


def time_range_words(start: dt.time, end: dt.time) -> str:
    return f"{time_words(start)}–{time_words(end)}"


def date_words(d: dt.date) -> str:
    """11月23日 星期一 / Mon 23 Nov."""
    if _english():
        return f"{WEEKDAYS_EN[d.weekday()]} {d.day} {d:%b}"
    return f"{d.month}月{d.day}日 {WEEKDAYS_ZH[d.weekday()]}"


def day_words(d: dt.date, today: dt.date) -> str:
    """今天 / 明天 / 周二 (within the week) / 11月30日 周一 (further)."""
    delta = (d - today).days
    if delta == 0:
        return "Today" if _english() else pgettext("day", "今天")
    if delta == 1:
        return "Tomorrow" if _english() else pgettext("day", "明天")
    if 1 < delta < 7:
        return weekday_name(d.weekday())
    return date_words(d)


def moment_words(moment: dt.datetime, now: dt.datetime) -> str:
    """明天 上午9:00 — a day and a time, relative to ``now`` (both local)."""
    return _("%(day)s %(time)s") % {
        "day": day_words(moment.date(), now.date()),
        "time": time_words(moment.time()),
    }
