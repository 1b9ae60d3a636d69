"""Progress against a target and a run-rate forecast: pure arithmetic, no database.

Days count inclusively and ``today`` counts as a day under way: records logged today are
in ``done``. A period runs from ``start`` to ``deadline``, both included.

* **run rate**: done ÷ days elapsed (``start`` … ``min(today, deadline)``).
* **forecast_total**: run rate × days in the period, rounded down; never below ``done``.
  Once the deadline has passed it is ``done`` itself.
* **forecast_date**: the first day on which the run rate reaches the target (it may lie
  after the deadline: that is the point of it). None when the target is already reached,
  when nothing is done yet (no rate to project), when the period is over, or when the date
  would be beyond the calendar.

Status, first rule that applies:

1. ``done``: done ≥ target, whatever the date (so a target of 0 is always done).
2. ``not_started``: the period has not begun, or it is its first day and nothing is
   recorded yet (one morning is no evidence of anything).
3. ``missed``: the deadline has passed short of the target.
4. ``on_track``: the forecast reaches the target by the deadline.
5. ``behind``: otherwise; from day 2, nothing done means behind.

``rate`` is done ÷ target, None when the target is 0 (nothing to divide by; the status says
done).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Status(StrEnum):
    NOT_STARTED = "not_started"
    DONE = "done"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    MISSED = "missed"


LABELS: dict[Status, Promise] = {
    Status.NOT_STARTED: _("未开始"),
    Status.DONE: _("已完成"),
    Status.ON_TRACK: _("按计划"),
    Status.BEHIND: _("落后"),
    Status.MISSED: _("未完成"),
}
# Semantic colour tokens; the face maps them to its palette (and always shows the words).
COLOURS: dict[Status, str] = {
    Status.NOT_STARTED: "neutral",
    Status.DONE: "success",
    Status.ON_TRACK: "success",
    Status.BEHIND: "caution",
    Status.MISSED: "danger",
}


@dataclass(frozen=True)
class Progress:
    done: int
    target: int
    start: dt.date
    deadline: dt.date
    today: dt.date
    rate: float | None
    forecast_total: int
    forecast_date: dt.date | None
    status: Status
    elapsed_days: int
    period_days: int

    @property
    def label(self) -> str:
        return str(LABELS[self.status])

    @property
    def colour(self) -> str:
        return COLOURS[self.status]

    @property
    def remaining(self) -> int:
        """Person-times still to do (0 once reached)."""
        return max(self.target - self.done, 0)

    @property
    def days_left(self) -> int:
        """Days from today to the deadline, both included; 0 once it has passed."""
        if self.today > self.deadline:
            return 0
        return (self.deadline - max(self.today, self.start)).days + 1

    @property
    def needed_per_day(self) -> int:
        """Person-times a day needed from today to reach the target by the deadline."""
        if not self.remaining or not self.days_left:
            return 0
        return -(-self.remaining // self.days_left)


def progress(
    *, target: int, done: int, start: dt.date, deadline: dt.date, today: dt.date
) -> Progress:
    """Where ``done`` stands against ``target`` for the period ``start``…``deadline`` on
    ``today``, with the run-rate forecast and a status (rules in the module docstring)."""
    if target < 0 or done < 0:
        raise ValueError("target and done cannot be negative")
    if deadline < start:
        raise ValueError("the deadline comes before the start")
    period_days = (deadline - start).days + 1
    elapsed = 0 if today < start else (min(today, deadline) - start).days + 1
    forecast_total = done * period_days // elapsed if elapsed else done
    over = today > deadline

    forecast_date = None
    if elapsed and done and done < target and not over:
        days_needed = -(-target * elapsed // done)  # ceil: the run rate's day of arrival
        try:
            forecast_date = start + dt.timedelta(days=days_needed - 1)
        except OverflowError:
            forecast_date = None

    if done >= target:
        status = Status.DONE
    elif today < start or (today == start and done == 0):
        status = Status.NOT_STARTED
    elif over:
        status = Status.MISSED
    elif forecast_total >= target:
        status = Status.ON_TRACK
    else:
        status = Status.BEHIND

    return Progress(
        done=done,
        target=target,
        start=start,
        deadline=deadline,
        today=today,
        rate=done / target if target else None,
        forecast_total=forecast_total,
        forecast_date=forecast_date,
        status=status,
        elapsed_days=elapsed,
        period_days=period_days,
    )
