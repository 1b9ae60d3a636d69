"""Open now / next opening of a help desk: weekly periods, dated exceptions, midnight, edges.

``DeskHours`` is pure, so these tests need no database. The week used is 23–29 November
2026, Monday to Sunday; all local times are Shanghai time.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from huoban.sites.hours import DayException, DeskHours, Period, overlapping

SH = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC

MON, TUE, WED, FRI, SAT, SUN = (dt.date(2026, 11, d) for d in (23, 24, 25, 27, 28, 29))
NEXT_MON = dt.date(2026, 11, 30)

# Monday to Friday, 9:00–12:00 and 13:00–17:00 (the world fixture's hours).
WEEKLY = [(wd, dt.time(s), dt.time(e)) for wd in range(5) for s, e in ((9, 12), (13, 17))]


def at(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute, second), SH)


def hours(*exceptions: DayException, periods=WEEKLY) -> DeskHours:
    return DeskHours(periods, exceptions)


# --- the edges of a period ---------------------------------------------------------------


def test_it_is_open_at_exactly_the_start_of_a_period():
    state = hours().state_at(at(MON, 9))
    assert state.is_open
    assert state.closes_at == at(MON, 12)
    assert state.next_open is None


def test_it_is_still_open_one_second_before_the_end():
    state = hours().state_at(at(MON, 11, 59, 59))
    assert state.is_open
    assert state.closes_at == at(MON, 12)


def test_it_is_closed_at_exactly_the_end_and_reopens_after_lunch():
    state = hours().state_at(at(MON, 12))
    assert not state.is_open
    assert state.closes_at is None
    assert state.next_open == at(MON, 13)


def test_it_is_closed_one_second_before_opening_and_opens_later_that_day():
    state = hours().state_at(at(WED, 8, 59, 59))
    assert not state.is_open
    assert state.next_open == at(WED, 9)


def test_it_is_closed_at_exactly_the_end_of_the_last_period_of_the_day():
    state = hours().state_at(at(TUE, 17))
    assert not state.is_open
    assert state.next_open == at(WED, 9)


def test_it_gives_the_closing_and_opening_moments_in_shanghai_time():
    state = hours().state_at(at(MON, 10))
    assert state.closes_at.utcoffset() == dt.timedelta(hours=8)
    assert (state.closes_at.hour, state.closes_at.minute) == (12, 0)


# --- the week wraps ----------------------------------------------------------------------


def test_it_opens_next_on_monday_morning_after_friday_closing():
    state = hours().state_at(at(FRI, 17))
    assert not state.is_open
    assert state.next_open == at(NEXT_MON, 9)


@pytest.mark.parametrize("moment", [at(SAT, 10), at(SUN, 23, 59, 59), at(FRI, 20)])
def test_it_is_closed_over_the_weekend_until_monday(moment):
    state = hours().state_at(moment)
    assert not state.is_open
    assert state.next_open == at(NEXT_MON, 9)


def test_it_wraps_from_the_last_weekday_to_the_first():
    sunday_only = [(6, dt.time(10), dt.time(11))]
    state = hours(periods=sunday_only).state_at(at(SUN, 11))
    assert not state.is_open
    assert state.next_open == at(SUN + dt.timedelta(days=7), 10)


def test_it_never_opens_without_any_periods():
    state = hours(periods=[]).state_at(at(MON, 10))
    assert not state.is_open
    assert state.closes_at is None
    assert state.next_open is None


# --- midnight, in local and in UTC time --------------------------------------------------

# A desk open Monday 15:00–17:00 and on a night line Tuesday 0:00–2:00. Monday 16:00 UTC is
# Tuesday 0:00 in Shanghai: the Monday period must not count then, the Tuesday one must.
NIGHT = [(0, dt.time(15), dt.time(17)), (1, dt.time(0), dt.time(2))]
MON_235959_SH = at(MON, 23, 59, 59)
MON_235959_UTC = dt.datetime(2026, 11, 23, 15, 59, 59, tzinfo=UTC)
TUE_0000_SH = at(TUE, 0)
TUE_0000_UTC = dt.datetime(2026, 11, 23, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize("moment", [MON_235959_SH, MON_235959_UTC])
def test_it_is_closed_one_second_before_midnight_and_opens_at_midnight(moment):
    assert moment == MON_235959_SH == MON_235959_UTC
    state = hours(periods=NIGHT).state_at(moment)
    assert not state.is_open
    assert state.next_open == at(TUE, 0)


@pytest.mark.parametrize("moment", [TUE_0000_SH, TUE_0000_UTC])
def test_it_is_open_at_midnight_on_the_new_local_day(moment):
    assert moment == TUE_0000_SH == TUE_0000_UTC
    state = hours(periods=NIGHT).state_at(moment)
    assert state.is_open
    assert state.closes_at == at(TUE, 2)


@pytest.mark.parametrize("moment", [TUE_0000_SH, TUE_0000_UTC])
def test_it_does_not_use_the_utc_weekday_at_midnight(moment):
    # 16:00 UTC on Monday lies in Monday's 15:00–17:00 only if read as UTC.
    monday_afternoon = [(0, dt.time(15), dt.time(17))]
    state = hours(periods=monday_afternoon).state_at(moment)
    assert not state.is_open
    assert state.next_open == at(NEXT_MON, 15)


@pytest.mark.parametrize(
    ("moment", "next_open"),
    [(MON_235959_UTC, at(TUE, 9)), (TUE_0000_UTC, at(TUE, 9))],
)
def test_it_is_closed_overnight_and_opens_tuesday_morning(moment, next_open):
    state = hours().state_at(moment)
    assert not state.is_open
    assert state.next_open == next_open


# --- exception days ----------------------------------------------------------------------


def closed(day: dt.date, reason: str = "") -> DayException:
    return DayException(day, closed=True, reason=reason)


def special(day: dt.date, start: int, end: int, reason: str = "") -> DayException:
    return DayException(day, closed=False, start=dt.time(start), end=dt.time(end), reason=reason)


def test_it_is_closed_on_a_holiday_that_falls_in_weekly_hours():
    state = hours(closed(MON, "站点装修")).state_at(at(MON, 10))
    assert not state.is_open
    assert state.reason == "站点装修"
    assert state.next_open == at(TUE, 9)


def test_it_skips_a_closed_day_when_giving_the_next_opening():
    state = hours(closed(NEXT_MON, "元旦调休")).state_at(at(FRI, 17))
    assert state.next_open == at(NEXT_MON + dt.timedelta(days=1), 9)


def test_it_skips_several_closed_days_in_a_row():
    desk = hours(closed(MON), closed(TUE), closed(WED))
    state = desk.state_at(at(MON - dt.timedelta(days=1), 12))
    assert state.next_open == at(dt.date(2026, 11, 26), 9)


def test_a_closed_holiday_does_not_affect_other_days():
    assert hours(closed(TUE)).state_at(at(MON, 10)).is_open
    assert hours(closed(TUE)).state_at(at(WED, 10)).is_open


def test_a_special_opening_replaces_the_days_weekly_periods():
    desk = hours(special(MON, 10, 11, "只开放一小时"))
    before = desk.state_at(at(MON, 9, 30))
    assert not before.is_open
    assert before.next_open == at(MON, 10)
    during = desk.state_at(at(MON, 10, 30))
    assert during.is_open
    assert during.closes_at == at(MON, 11)
    assert during.reason == "只开放一小时"
    # The weekly afternoon period does not apply that day.
    afternoon = desk.state_at(at(MON, 14))
    assert not afternoon.is_open
    assert afternoon.next_open == at(TUE, 9)


def test_a_special_opening_at_its_own_edges():
    desk = hours(special(MON, 10, 11))
    assert desk.state_at(at(MON, 10)).is_open
    assert desk.state_at(at(MON, 10, 59, 59)).is_open
    assert not desk.state_at(at(MON, 11)).is_open


def test_an_extra_opening_on_a_sunday_is_open():
    desk = hours(special(SUN, 9, 11, "周日加开"))
    state = desk.state_at(at(SUN, 10))
    assert state.is_open
    assert state.closes_at == at(SUN, 11)
    assert state.reason == "周日加开"


def test_an_extra_sunday_opening_is_the_next_opening_from_saturday():
    state = hours(special(SUN, 9, 11)).state_at(at(SAT, 12))
    assert not state.is_open
    assert state.next_open == at(SUN, 9)


def test_two_special_periods_on_one_day_are_both_used():
    desk = hours(special(SAT, 9, 10), special(SAT, 14, 16))
    assert desk.state_at(at(SAT, 9, 30)).is_open
    state = desk.state_at(at(SAT, 10))
    assert not state.is_open
    assert state.next_open == at(SAT, 14)


def test_a_special_opening_is_found_on_a_site_with_no_weekly_hours():
    desk = hours(special(NEXT_MON, 9, 11), periods=[])
    assert desk.state_at(at(MON, 10)).next_open == at(NEXT_MON, 9)


def test_the_week_shows_exceptions_and_their_reasons():
    desk = hours(closed(TUE, "国庆节"), special(SUN, 9, 11, "周日加开"))
    week = desk.week(WED)
    assert [d for d, _p, _r in week] == [MON + dt.timedelta(days=i) for i in range(7)]
    by_day = {d: (p, r) for d, p, r in week}
    assert by_day[MON] == ([Period(dt.time(9), dt.time(12)), Period(dt.time(13), dt.time(17))], "")
    assert by_day[TUE] == ([], "国庆节")
    assert by_day[SAT] == ([], "")
    assert by_day[SUN] == ([Period(dt.time(9), dt.time(11))], "周日加开")


# --- overlapping periods -----------------------------------------------------------------


def test_periods_that_touch_do_not_overlap():
    assert overlapping([Period(dt.time(9), dt.time(12)), Period(dt.time(12), dt.time(17))]) == []


def test_it_finds_every_pair_of_overlapping_periods():
    long_day = Period(dt.time(9), dt.time(17))
    morning = Period(dt.time(10), dt.time(11))
    afternoon = Period(dt.time(14), dt.time(15))
    pairs = overlapping([afternoon, morning, long_day])
    assert set(pairs) == {(long_day, morning), (long_day, afternoon)}
