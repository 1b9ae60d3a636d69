"""Duty coverage and the level-1 desk rule (≥ 3 days, ≥ 5 h a day, every published minute
staffed), at their boundaries.

``roster.coverage`` is pure, so these tests need no database. The week is 23–29 November
2026, Monday to Sunday, Shanghai time.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from huoban.roster.coverage import Span, week_coverage
from huoban.sites.hours import DayException, DeskHours

SH = ZoneInfo("Asia/Shanghai")
MON, TUE, WED, THU, FRI, SAT, SUN = (dt.date(2026, 11, d) for d in range(23, 30))


def at(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute, second), SH)


def t(hhmm: str) -> dt.time:
    hour, minute = hhmm.split(":")
    return dt.time(int(hour), int(minute))


def desk(days: dict[int, list[tuple[str, str]]], *exceptions: DayException) -> DeskHours:
    return DeskHours(
        [(wd, t(s), t(e)) for wd, periods in days.items() for s, e in periods], exceptions
    )


def staffed(hours: DeskHours, monday: dt.date = MON) -> list[tuple[dt.datetime, dt.datetime]]:
    """One shift for exactly every published period of the week."""
    out = []
    for i in range(7):
        day = monday + dt.timedelta(days=i)
        for p in hours.periods_on(day):
            out.append((dt.datetime.combine(day, p.start, SH), dt.datetime.combine(day, p.end, SH)))
    return out


FIVE_HOURS = [("9:00", "14:00")]
THREE_DAYS = {0: FIVE_HOURS, 1: FIVE_HOURS, 2: FIVE_HOURS}


# --- 2 vs 3 days -------------------------------------------------------------------------


def test_it_passes_with_three_fully_staffed_days_of_five_hours():
    hours = desk(THREE_DAYS)
    week = week_coverage(hours, MON, staffed(hours))
    assert week.passes
    assert week.reasons == []
    assert [d.date for d in week.counting_days] == [MON, TUE, WED]
    assert week.published_minutes == week.staffed_minutes == 3 * 300


def test_it_fails_with_only_two_days_of_five_hours_even_fully_staffed():
    hours = desk({0: FIVE_HOURS, 1: FIVE_HOURS})
    week = week_coverage(hours, MON, staffed(hours))
    assert not week.passes
    assert week.reasons == ["只有 2 天开放满 5 小时（至少需要 3 天）"]


def test_it_fails_when_a_third_day_is_open_but_short():
    hours = desk({0: FIVE_HOURS, 1: FIVE_HOURS, 2: [("9:00", "11:00")]})
    week = week_coverage(hours, MON, staffed(hours))
    assert not week.passes
    assert len(week.counting_days) == 2
    assert week.reasons == ["只有 2 天开放满 5 小时（至少需要 3 天）"]


# --- 4 h 59 min vs 5 h -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wednesday_end", "minutes", "passes"), [("13:59", 299, False), ("14:00", 300, True)]
)
def test_it_needs_five_full_hours_on_the_third_day(wednesday_end, minutes, passes):
    hours = desk({0: FIVE_HOURS, 1: FIVE_HOURS, 2: [("9:00", wednesday_end)]})
    week = week_coverage(hours, MON, staffed(hours))
    wednesday = week.days[2]
    assert wednesday.published_minutes == wednesday.staffed_minutes == minutes
    assert wednesday.counts is passes
    assert week.passes is passes
    if not passes:
        assert week.reasons == ["只有 2 天开放满 5 小时（至少需要 3 天）"]


@pytest.mark.parametrize(("shift_end", "passes"), [("13:59", False), ("14:00", True)])
def test_it_needs_five_staffed_hours_not_only_five_published(shift_end, passes):
    hours = desk(THREE_DAYS)
    shifts = [*staffed(hours)[:2], (at(WED, 9), dt.datetime.combine(WED, t(shift_end), SH))]
    week = week_coverage(hours, MON, shifts)
    assert week.days[2].staffed_minutes == (300 if passes else 299)
    assert week.passes is passes
    assert week.reasons == ([] if passes else ["周三 下午1:59–下午2:00 无人值班"])


def test_it_sums_the_periods_of_a_day_towards_five_hours():
    split = [("9:00", "12:00"), ("13:00", "15:00")]
    hours = desk({0: split, 1: split, 2: split})
    week = week_coverage(hours, MON, staffed(hours))
    assert [d.published_minutes for d in week.days[:3]] == [300, 300, 300]
    assert week.passes
    # The lunch break is not published, so nobody need be on duty then.
    assert week.gaps == []


# --- nobody on duty ----------------------------------------------------------------------


def test_it_fails_and_names_an_hour_with_nobody_on_duty():
    hours = desk(THREE_DAYS)
    shifts = [*staffed(hours)[:2], (at(WED, 9), at(WED, 10)), (at(WED, 11), at(WED, 14))]
    week = week_coverage(hours, MON, shifts)
    assert not week.passes
    assert week.days[2].uncovered == [Span(10 * 60, 11 * 60)]
    assert week.days[2].staffed_minutes == 240
    assert week.days[2].counts is False
    assert week.reasons == ["周三 上午10:00–上午11:00 无人值班"]


def test_it_fails_for_a_single_minute_with_nobody_on_duty():
    hours = desk(THREE_DAYS)
    shifts = [*staffed(hours)[:2], (at(WED, 9), at(WED, 10, 59)), (at(WED, 11), at(WED, 14))]
    week = week_coverage(hours, MON, shifts)
    assert not week.passes
    assert week.gaps == [(WED, Span(659, 660))]
    assert week.reasons == ["周三 上午10:59–上午11:00 无人值班"]


def test_it_counts_only_whole_minutes_on_duty():
    hours = desk(THREE_DAYS)
    shifts = [*staffed(hours)[:2], (at(WED, 9, 0, 30), at(WED, 14))]
    week = week_coverage(hours, MON, shifts)
    assert week.reasons == ["周三 上午9:00–上午9:01 无人值班"]


def test_it_fails_when_a_short_extra_day_is_not_staffed():
    hours = desk({**THREE_DAYS, 5: [("9:00", "11:00")]})
    shifts = staffed(hours)[:3]  # Saturday has nobody
    week = week_coverage(hours, MON, shifts)
    assert len(week.counting_days) == 3
    assert not week.passes
    assert week.reasons == ["周六 上午9:00–上午11:00 无人值班"]


def test_it_reports_both_too_few_days_and_every_gap():
    hours = desk({0: FIVE_HOURS, 4: [("9:00", "12:00"), ("13:00", "17:00")]})
    week = week_coverage(hours, MON, [(at(FRI, 9), at(FRI, 12))])
    assert week.reasons == [
        "只有 2 天开放满 5 小时（至少需要 3 天）",
        "周一 上午9:00–下午2:00 无人值班",
        "周五 下午1:00–下午5:00 无人值班",
    ]


def test_it_joins_overlapping_shifts_of_several_people():
    hours = desk(THREE_DAYS)
    shifts = [*staffed(hours)[:2], (at(WED, 9), at(WED, 12)), (at(WED, 11), at(WED, 14))]
    week = week_coverage(hours, MON, shifts)
    assert week.passes
    assert week.days[2].covered == [Span(9 * 60, 14 * 60)]


def test_it_does_not_count_duty_outside_the_published_hours():
    hours = desk(THREE_DAYS)
    shifts = [(at(d, 7), at(d, 9)) for d in (MON, TUE, WED)] + [
        (at(d, 14), at(d, 18)) for d in (MON, TUE, WED)
    ]
    week = week_coverage(hours, MON, shifts)
    assert week.staffed_minutes == 0
    assert week.days[0].on_duty == [Span(7 * 60, 9 * 60), Span(14 * 60, 18 * 60)]
    assert not week.passes


def test_it_ignores_shifts_of_other_weeks_and_takes_any_date_to_its_monday():
    hours = desk(THREE_DAYS)
    last_week = [(s - dt.timedelta(days=7), e - dt.timedelta(days=7)) for s, e in staffed(hours)]
    week = week_coverage(hours, THU, last_week)
    assert week.monday == MON
    assert week.staffed_minutes == 0
    assert not week.passes


def test_it_counts_a_shift_ending_at_midnight_to_the_end_of_the_day():
    hours = desk({**THREE_DAYS, 6: [("20:00", "23:59")]})
    shifts = [*staffed(hours)[:3], (at(SUN, 20), at(SUN, 0) + dt.timedelta(days=1))]
    week = week_coverage(hours, MON, shifts)
    assert week.days[6].on_duty == [Span(20 * 60, 24 * 60)]
    assert week.days[6].on_duty[0].label == "晚上8:00–午夜12:00"
    assert week.passes


# --- exceptions --------------------------------------------------------------------------


def test_it_drops_a_closed_holiday_from_the_published_days():
    holiday = DayException(WED, closed=True, reason="调休")
    hours = desk(THREE_DAYS, holiday)
    week = week_coverage(hours, MON, staffed(desk(THREE_DAYS)))
    wednesday = week.days[2]
    assert not wednesday.is_open
    assert wednesday.note == "调休"
    assert wednesday.published_minutes == 0
    assert not week.passes
    assert week.reasons == ["只有 2 天开放满 5 小时（至少需要 3 天）"]


def test_it_uses_an_open_exceptions_hours_instead_of_the_weekly_ones():
    short = DayException(WED, closed=False, start=t("9:00"), end=t("12:00"), reason="培训")
    hours = desk(THREE_DAYS, short)
    week = week_coverage(hours, MON, staffed(hours))
    assert week.days[2].published_minutes == 180
    assert not week.passes
    extra = DayException(SAT, closed=False, start=t("9:00"), end=t("14:00"), reason="加开")
    hours = desk(THREE_DAYS, short, extra)
    week = week_coverage(hours, MON, staffed(hours))
    assert [d.date for d in week.counting_days] == [MON, TUE, SAT]
    assert week.passes


def test_it_fails_a_site_with_no_desk_hours():
    week = week_coverage(desk({}), MON, [])
    assert not week.passes
    assert week.reasons == ["只有 0 天开放满 5 小时（至少需要 3 天）"]
