"""Progress and the run-rate forecast: the status a street sees, at each boundary, and on
made-up series (ahead, behind, no data yet)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huoban.targets.progress import Status, progress

START = dt.date(2026, 1, 1)
HALF = dt.date(2026, 6, 30)  # 181 days from 1 January
DAYS = 181


def on(day: int) -> dt.date:
    """The ``day``-th day of the half-year (1 = 1 January)."""
    return START + dt.timedelta(days=day - 1)


def at(today: dt.date, *, done: int, target: int = 500, deadline: dt.date = HALF):
    return progress(target=target, done=done, start=START, deadline=deadline, today=today)


def test_it_has_not_started_before_the_period():
    p = at(dt.date(2025, 12, 31), done=0)
    assert p.status == Status.NOT_STARTED
    assert p.label == "未开始"
    assert p.elapsed_days == 0
    assert (p.forecast_total, p.forecast_date, p.rate) == (0, None, 0.0)


def test_it_calls_the_first_day_with_nothing_recorded_not_started():
    p = at(on(1), done=0)
    assert p.status == Status.NOT_STARTED
    assert p.colour == "neutral"


def test_it_projects_from_the_first_day_once_something_is_recorded():
    # 3 on day 1 → 3 × 181 = 543 by 30 June.
    p = at(on(1), done=3)
    assert p.forecast_total == 543
    assert p.status == Status.ON_TRACK
    # 500 × 1 / 3 → day 167 = 16 June.
    assert p.forecast_date == dt.date(2026, 6, 16)


def test_it_calls_nothing_done_from_the_second_day_behind():
    p = at(on(2), done=0)
    assert p.status == Status.BEHIND
    assert p.label == "落后"
    assert p.colour == "caution"
    assert (p.forecast_total, p.forecast_date) == (0, None)


def test_it_is_on_track_exactly_when_the_forecast_reaches_the_target():
    # Day 10 with 28 done: 28 × 181 / 10 = 506.8 → 506 ≥ 500.
    assert at(on(10), done=28).status == Status.ON_TRACK
    # 27 done: 488.7 → 488 < 500.
    behind = at(on(10), done=27)
    assert behind.status == Status.BEHIND
    assert behind.forecast_total == 488
    assert behind.forecast_date is not None and behind.forecast_date > HALF


def test_it_is_on_track_when_the_forecast_lands_on_the_target_itself():
    # 181 days, target 181, one a day: the forecast is exactly 181, reached on 30 June.
    p = at(on(50), done=50, target=181)
    assert p.forecast_total == 181
    assert p.status == Status.ON_TRACK
    assert p.forecast_date == HALF


def test_it_is_done_as_soon_as_the_target_is_reached():
    p = at(on(120), done=500)
    assert p.status == Status.DONE
    assert p.label == "已完成"
    assert p.colour == "success"
    assert p.rate == 1.0
    assert p.forecast_date is None  # nothing left to project
    assert p.remaining == 0


def test_it_counts_more_than_the_target_as_done():
    p = at(on(120), done=650)
    assert p.status == Status.DONE
    assert p.rate == pytest.approx(1.3)


def test_it_is_still_behind_on_the_deadline_day_and_missed_the_day_after():
    assert at(HALF, done=499).status == Status.BEHIND
    after = at(HALF + dt.timedelta(days=1), done=499)
    assert after.status == Status.MISSED
    assert after.label == "未完成"
    assert after.colour == "danger"
    assert after.forecast_total == 499  # the period is over: the forecast is the result
    assert after.forecast_date is None
    assert after.days_left == 0


def test_it_is_done_on_the_deadline_day_and_stays_done_after_it():
    assert at(HALF, done=500).status == Status.DONE
    assert at(dt.date(2026, 12, 31), done=500).status == Status.DONE


def test_it_counts_a_target_of_zero_as_done_with_no_rate():
    for today in (dt.date(2025, 12, 1), on(1), on(100), dt.date(2026, 8, 1)):
        p = at(today, done=0, target=0)
        assert p.status == Status.DONE
        assert p.rate is None


def test_it_says_how_many_a_day_are_still_needed():
    # Day 100 of 181 with 300 done: 200 left over 82 days → 3 a day (rounded up).
    p = at(on(100), done=300)
    assert p.days_left == 82
    assert p.needed_per_day == 3


def test_it_refuses_nonsense():
    with pytest.raises(ValueError):
        at(on(5), done=-1)
    with pytest.raises(ValueError):
        at(on(5), done=1, target=-5)
    with pytest.raises(ValueError):
        progress(target=1, done=0, start=HALF, deadline=START, today=on(5))


def test_it_gives_no_date_beyond_the_calendar():
    p = progress(
        target=100_000_000, done=1, start=START, deadline=dt.date(2026, 12, 31), today=on(365)
    )
    assert p.status == Status.BEHIND
    assert p.forecast_date is None


# --- Made-up series: cumulative person-times by day ------------------------------------------


def series(per_day: list[int]) -> int:
    return sum(per_day)


@pytest.mark.parametrize(
    ("name", "daily", "status"),
    [
        # 4 a day for 60 days (240): 4 × 181 = 724 by June → ahead.
        ("ahead", [4] * 60, Status.ON_TRACK),
        # 2 a day for 60 days (120): 362 by June → behind.
        ("behind", [2] * 60, Status.BEHIND),
        # A slow start and a fast catch-up: 1 a day for 40 days, then 10 a day for 20 (240).
        ("catching up", [1] * 40 + [10] * 20, Status.ON_TRACK),
        # Nothing recorded in 60 days.
        ("no data yet", [0] * 60, Status.BEHIND),
    ],
)
def test_it_judges_made_up_series(name, daily, status):
    p = at(on(len(daily)), done=series(daily))
    assert p.status == status, name
    if status == Status.ON_TRACK:
        assert p.forecast_date is not None and p.forecast_date <= HALF
    elif p.done:
        assert p.forecast_date is not None and p.forecast_date > HALF
    else:
        assert p.forecast_date is None


# --- Properties --------------------------------------------------------------------------------

days = st.integers(min_value=-30, max_value=400)


@given(
    target=st.integers(min_value=0, max_value=1_000_000),
    done=st.integers(min_value=0, max_value=1_000_000),
    length=st.integers(min_value=0, max_value=364),
    offset=days,
)
def test_it_keeps_its_promises_for_any_numbers(target, done, length, offset):
    deadline = START + dt.timedelta(days=length)
    today = START + dt.timedelta(days=offset)
    p = progress(target=target, done=done, start=START, deadline=deadline, today=today)
    assert p.forecast_total >= done
    assert (p.status == Status.DONE) == (done >= target)
    if p.forecast_date is not None:
        assert p.forecast_date > today
        # The forecast total and the forecast date tell the same story.
        assert (p.forecast_date <= deadline) == (p.forecast_total >= target)
    if p.status == Status.ON_TRACK:
        assert p.forecast_date is not None and p.forecast_date <= deadline
    if p.status == Status.MISSED:
        assert today > deadline
    if today > deadline:
        assert p.status in {Status.DONE, Status.MISSED}
        assert p.forecast_total == done
