"""When a help desk is open: weekly periods, dated exceptions, open now, next opening.

Pure functions over plain values, so they are tested without a database; all times are
local to settings.TIME_ZONE (Asia/Shanghai by default).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

# How far ahead to look for the next opening before saying "no opening scheduled".
LOOKAHEAD_DAYS = 60


@dataclass(frozen=True, order=True)
class Period:
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class DayException:
    date: dt.date
    closed: bool
    start: dt.time | None = None
    end: dt.time | None = None
    reason: str = ""


@dataclass(frozen=True)
class OpenState:
    is_open: bool
    closes_at: dt.datetime | None  # when open: the end of the current period
    next_open: dt.datetime | None  # when closed: the start of the next period
    reason: str = ""  # an exception's reason for today, if any


class DeskHours:
    """A site's weekly periods and dated exceptions."""

    def __init__(
        self,
        periods: Iterable[tuple[int, dt.time, dt.time]],
        exceptions: Iterable[DayException] = (),
    ):
        self.weekly: dict[int, list[Period]] = defaultdict(list)
        for weekday, start, end in periods:
            self.weekly[weekday].append(Period(start, end))
        for day in self.weekly.values():
            day.sort()
        self.exceptions: dict[dt.date, list[DayException]] = defaultdict(list)
        for exc in exceptions:
            self.exceptions[exc.date].append(exc)

    @classmethod
    def for_site(cls, site) -> DeskHours:
        """Build from a Site whose desk_periods and desk_exceptions may be prefetched."""
        return cls(
            ((p.weekday, p.start, p.end) for p in site.desk_periods.all()),
            (
                DayException(e.date, e.kind == "closed", e.start, e.end, e.reason)
                for e in site.desk_exceptions.all()
            ),
        )

    def periods_on(self, day: dt.date) -> list[Period]:
        """The periods of one date, exceptions applied."""
        excs = self.exceptions.get(day)
        if excs:
            if any(e.closed for e in excs):
                return []
            return sorted(Period(e.start, e.end) for e in excs if e.start and e.end)
        return list(self.weekly.get(day.weekday(), []))

    def exception_reason(self, day: dt.date) -> str:
        return next((e.reason for e in self.exceptions.get(day, []) if e.reason), "")

    def state_at(self, now: dt.datetime) -> OpenState:
        """Open or closed at ``now`` (aware), with the closing or next opening moment."""
        local = timezone.localtime(now)
        tz = local.tzinfo
        today = local.date()
        t = local.time().replace(tzinfo=None)
        reason = self.exception_reason(today)
        for p in self.periods_on(today):
            if p.start <= t < p.end:
                return OpenState(True, dt.datetime.combine(today, p.end, tz), None, reason)
        for offset in range(LOOKAHEAD_DAYS + 1):
            day = today + dt.timedelta(days=offset)
            for p in self.periods_on(day):
                if offset > 0 or p.start > t:
                    return OpenState(False, None, dt.datetime.combine(day, p.start, tz), reason)
        return OpenState(False, None, None, reason)

    def week(self, today: dt.date) -> list[tuple[dt.date, list[Period], str]]:
        """Monday to Sunday of the week holding ``today``: date, periods, exception reason."""
        monday = today - dt.timedelta(days=today.weekday())
        days = (monday + dt.timedelta(days=i) for i in range(7))
        return [(d, self.periods_on(d), self.exception_reason(d)) for d in days]


def overlapping(periods: Iterable[Period]) -> list[tuple[Period, Period]]:
    """Pairs of periods that overlap (touching end to start is allowed)."""
    ordered = sorted(periods)
    return [(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :] if b.start < a.end]
