"""Duty coverage of a site's published desk hours, and the level-1 desk rule.

Pure functions over plain values (a ``DeskHours`` and the start and end of planned shifts),
so they are tested without a database. Times are minutes after local midnight
(settings.TIME_ZONE); a span includes its start and excludes its end, like a shift.

The level-1 desk rule (grading table, "regular service": desk open at least 3 days a week
and at least 5 hours a day, someone on duty during the published hours) is read as:

* a **published minute** is a minute inside one of the day's desk periods, after that date's
  exceptions (a closed holiday publishes nothing; an ``open`` exception replaces the day's
  weekly periods);
* a minute is **staffed** when at least one planned shift covers all of it;
* a day **counts** when it has at least 300 published minutes (5 h, summed over its periods)
  and every one of them is staffed;
* a week (Monday to Sunday) **passes** when at least 3 days count and no published minute
  of the week, on any day, is unstaffed. A short day (say 2 h on Saturday) does not count
  towards the 3 days, but it must still be staffed: the public was told the desk is open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from huoban.lib.when import date_words, time_words, weekday_name
from huoban.sites.hours import DeskHours, Period

MINUTES_PER_DAY = 24 * 60
# The grading table's level-1 desk figures.
MIN_OPEN_DAYS = 3
MIN_DAY_MINUTES = 5 * 60


@dataclass(frozen=True, order=True)
class Span:
    """Minutes ``start`` (included) to ``end`` (excluded) after local midnight; end ≤ 1440."""

    start: int
    end: int

    @property
    def minutes(self) -> int:
        return self.end - self.start

    @property
    def label(self) -> str:
        """上午10:00–上午11:00, in the house's time words (the end of the day is 午夜12:00)."""
        return f"{_clock(self.start)}–{_clock(self.end)}"


def _clock(minute: int) -> str:
    if minute >= MINUTES_PER_DAY:
        return _("午夜12:00")
    return time_words(dt.time(minute // 60, minute % 60))


def _minute_of(t: dt.time | dt.datetime) -> int:
    return t.hour * 60 + t.minute


def merge(spans: Iterable[Span]) -> list[Span]:
    """The union of ``spans`` as sorted, disjoint spans (touching spans are joined)."""
    out: list[Span] = []
    for s in sorted(spans):
        if s.end <= s.start:
            continue
        if out and s.start <= out[-1].end:
            if s.end > out[-1].end:
                out[-1] = Span(out[-1].start, s.end)
        else:
            out.append(s)
    return out


def intersect(a: Iterable[Span], b: Iterable[Span]) -> list[Span]:
    """The minutes in both ``a`` and ``b``."""
    left, right = merge(a), merge(b)
    out: list[Span] = []
    i = j = 0
    while i < len(left) and j < len(right):
        start = max(left[i].start, right[j].start)
        end = min(left[i].end, right[j].end)
        if start < end:
            out.append(Span(start, end))
        if left[i].end < right[j].end:
            i += 1
        else:
            j += 1
    return out


def subtract(a: Iterable[Span], b: Iterable[Span]) -> list[Span]:
    """The minutes of ``a`` not in ``b``."""
    out: list[Span] = []
    cuts = merge(b)
    for s in merge(a):
        start = s.start
        for c in cuts:
            if c.end <= start or c.start >= s.end:
                continue
            if c.start > start:
                out.append(Span(start, c.start))
            start = max(start, c.end)
        if start < s.end:
            out.append(Span(start, s.end))
    return out


def duty_spans(shifts: Iterable[tuple[dt.datetime, dt.datetime]], day: dt.date) -> list[Span]:
    """The minutes of local ``day`` during which one of ``shifts`` (aware start, end) runs.

    Only whole minutes count: a shift starting at 9:00:30 staffs from 9:01.
    """
    spans = []
    for start, end in shifts:
        local_start, local_end = timezone.localtime(start), timezone.localtime(end)
        if local_end.date() < day or local_start.date() > day:
            continue
        if local_start.date() < day:
            first = 0
        else:
            first = _minute_of(local_start.time())
            if local_start.second or local_start.microsecond:
                first += 1
        last = MINUTES_PER_DAY if local_end.date() > day else _minute_of(local_end.time())
        if first < last:
            spans.append(Span(first, last))
    return merge(spans)


@dataclass(frozen=True)
class DayCoverage:
    """One day's published desk periods and how they are staffed."""

    date: dt.date
    periods: list[Period]  # as published, exceptions applied
    note: str  # the reason of that date's exception, if any (e.g. 国庆节)
    published: list[Span]  # the periods as disjoint spans
    on_duty: list[Span]  # when someone is on duty, inside desk hours or not
    covered: list[Span]  # published and staffed
    uncovered: list[Span]  # published with nobody on duty

    @property
    def weekday(self) -> str:
        return weekday_name(self.date.weekday())

    @property
    def is_open(self) -> bool:
        return bool(self.published)

    @property
    def published_minutes(self) -> int:
        return sum(s.minutes for s in self.published)

    @property
    def staffed_minutes(self) -> int:
        """Published minutes with someone on duty."""
        return sum(s.minutes for s in self.covered)

    @property
    def uncovered_minutes(self) -> int:
        return sum(s.minutes for s in self.uncovered)

    @property
    def is_long_enough(self) -> bool:
        """Open at least 5 hours (published), staffed or not."""
        return self.published_minutes >= MIN_DAY_MINUTES

    @property
    def counts(self) -> bool:
        """Counts towards the level-1 rule: at least 5 h published, every minute staffed."""
        return self.is_long_enough and not self.uncovered


@dataclass(frozen=True)
class WeekCoverage:
    """Monday to Sunday of one site's desk: coverage per day and the level-1 desk rule."""

    monday: dt.date
    days: list[DayCoverage] = field(default_factory=list)

    @property
    def long_days(self) -> list[DayCoverage]:
        """Days with at least 5 h of published desk time."""
        return [d for d in self.days if d.is_long_enough]

    @property
    def counting_days(self) -> list[DayCoverage]:
        return [d for d in self.days if d.counts]

    @property
    def gaps(self) -> list[tuple[dt.date, Span]]:
        """Every published span with nobody on duty, in order."""
        return [(d.date, s) for d in self.days for s in d.uncovered]

    @property
    def published_minutes(self) -> int:
        return sum(d.published_minutes for d in self.days)

    @property
    def staffed_minutes(self) -> int:
        return sum(d.staffed_minutes for d in self.days)

    @property
    def passes(self) -> bool:
        """The level-1 desk rule: ≥ 3 counting days and no unstaffed published minute."""
        return len(self.counting_days) >= MIN_OPEN_DAYS and not self.gaps

    @property
    def reasons(self) -> list[str]:
        """Why the week fails the rule, in words for the site manager; empty when it passes."""
        out = []
        if len(self.long_days) < MIN_OPEN_DAYS:
            out.append(
                _("只有 %(count)s 天开放满 5 小时（至少需要 %(needed)s 天）")
                % {"count": len(self.long_days), "needed": MIN_OPEN_DAYS}
            )
        for day, span in self.gaps:
            out.append(
                _("%(day)s %(span)s 无人值班")
                % {"day": weekday_name(day.weekday()), "span": span.label}
            )
        return out


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def day_coverage(
    hours: DeskHours, day: dt.date, shifts: Iterable[tuple[dt.datetime, dt.datetime]]
) -> DayCoverage:
    """Coverage of one local ``day`` by planned ``shifts`` (aware start and end)."""
    periods = hours.periods_on(day)
    published = merge(Span(_minute_of(p.start), _minute_of(p.end)) for p in periods)
    on_duty = duty_spans(shifts, day)
    return DayCoverage(
        date=day,
        periods=periods,
        note=hours.exception_reason(day),
        published=published,
        on_duty=on_duty,
        covered=intersect(published, on_duty),
        uncovered=subtract(published, on_duty),
    )


def week_coverage(
    hours: DeskHours, monday: dt.date, shifts: Iterable[tuple[dt.datetime, dt.datetime]]
) -> WeekCoverage:
    """Coverage of the week holding ``monday`` (any date of it is taken to its Monday).

    ``shifts`` are the planned shifts' (start, end); cancelled ones must be left out.
    """
    monday = monday_of(monday)
    spans = list(shifts)
    days = [day_coverage(hours, monday + dt.timedelta(days=i), spans) for i in range(7)]
    return WeekCoverage(monday=monday, days=days)


def shift_span(start: dt.datetime, end: dt.datetime) -> Span:
    """A shift's minutes on its (local) start day; a shift ending at midnight ends at 1440."""
    local_start, local_end = timezone.localtime(start), timezone.localtime(end)
    last = MINUTES_PER_DAY if local_end.date() > local_start.date() else _minute_of(local_end)
    return Span(_minute_of(local_start), last)


def shift_words(start: dt.datetime, end: dt.datetime) -> str:
    """11月24日 周二 上午9:00–中午12:00 (a shift lies within one day, or ends at midnight)."""
    return f"{date_words(timezone.localdate(start))} {shift_span(start, end).label}"
