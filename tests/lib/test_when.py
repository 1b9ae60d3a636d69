"""Dates and times as an older reader says them (上午9:00, 明天, 11月30日 周一), and in English."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils.translation import override

from huoban.lib.when import date_words, day_words, moment_words, time_range_words, time_words

MONDAY = dt.date(2026, 11, 23)
SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("t", "words"),
    [
        (dt.time(1, 30), "凌晨1:30"),
        (dt.time(5, 59), "凌晨5:59"),
        (dt.time(6, 0), "上午6:00"),
        (dt.time(9, 0), "上午9:00"),
        (dt.time(11, 59), "上午11:59"),
        (dt.time(12, 0), "中午12:00"),
        (dt.time(12, 30), "中午12:30"),
        (dt.time(13, 0), "下午1:00"),
        (dt.time(14, 0), "下午2:00"),
        (dt.time(17, 59), "下午5:59"),
        (dt.time(18, 0), "晚上6:00"),
        (dt.time(19, 30), "晚上7:30"),
        (dt.time(23, 5), "晚上11:05"),
    ],
)
def test_it_says_times_with_the_part_of_the_day_in_chinese(t, words):
    assert time_words(t) == words


def test_it_never_shows_a_bare_24_hour_time_in_chinese():
    for hour in range(24):
        words = time_words(dt.time(hour, 15))
        assert words[:2] in {"凌晨", "上午", "中午", "下午", "晚上"}
        assert int(words[2:].split(":")[0]) <= 12


@pytest.mark.parametrize(
    ("t", "words"),
    [
        (dt.time(0, 0), "12:00 am"),
        (dt.time(9, 0), "9:00 am"),
        (dt.time(12, 0), "12:00 pm"),
        (dt.time(14, 0), "2:00 pm"),
        (dt.time(19, 30), "7:30 pm"),
    ],
)
def test_it_says_times_with_am_and_pm_in_english(t, words):
    with override("en"):
        assert time_words(t) == words


def test_it_joins_a_time_range_with_a_dash():
    assert time_range_words(dt.time(9), dt.time(12)) == "上午9:00–中午12:00"
    with override("en"):
        assert time_range_words(dt.time(13), dt.time(17)) == "1:00 pm–5:00 pm"


@pytest.mark.parametrize(
    ("offset", "words"),
    [
        (0, "今天"),
        (1, "明天"),
        (2, "周三"),
        (6, "周日"),
        (7, "11月30日 周一"),
        (-1, "11月22日 周日"),
    ],
)
def test_it_says_days_relative_to_today_in_chinese(offset, words):
    assert day_words(MONDAY + dt.timedelta(days=offset), MONDAY) == words


def test_it_counts_days_from_the_given_today_not_the_clock():
    sunday = MONDAY - dt.timedelta(days=1)
    assert day_words(MONDAY, sunday) == "明天"
    assert day_words(MONDAY + dt.timedelta(days=1), sunday) == "周二"


def test_it_writes_a_full_date_with_month_day_and_weekday():
    assert date_words(dt.date(2026, 11, 23)) == "11月23日 周一"
    assert date_words(dt.date(2027, 1, 1)) == "1月1日 周五"


@pytest.mark.parametrize(
    ("offset", "words"),
    [
        (0, "Today"),
        (1, "Tomorrow"),
        (2, "Wed"),
        (7, "Mon 30 Nov"),
    ],
)
def test_it_says_days_in_english(offset, words):
    with override("en"):
        assert day_words(MONDAY + dt.timedelta(days=offset), MONDAY) == words


def test_it_says_a_moment_as_day_and_time():
    now = dt.datetime(2026, 11, 23, 18, 0, tzinfo=SH)
    assert moment_words(dt.datetime(2026, 11, 24, 9, 0, tzinfo=SH), now) == "明天 上午9:00"
    assert moment_words(dt.datetime(2026, 11, 26, 14, 0, tzinfo=SH), now) == "周四 下午2:00"
    with override("en"):
        assert moment_words(dt.datetime(2026, 11, 26, 14, 0, tzinfo=SH), now) == "Thu 2:00 pm"
