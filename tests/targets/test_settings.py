"""HUOBAN_TARGET_DEADLINES: the half-year's and the year's deadlines, checked at start-up."""

from __future__ import annotations

import datetime as dt

import pytest

from huoban.targets.models import default_deadline, period_start
from tests.test_settings import start


@pytest.mark.parametrize(
    "value",
    [
        "06-30",  # one date
        "06-30,09-31",  # no 31 September
        "02-29,09-30",  # not a day of every year
        "30/06,30/09",  # not MM-DD
        "09-30,06-30",  # the half-year after the year
    ],
)
def test_it_refuses_to_start_with_bad_deadlines(value):
    result = start(HUOBAN_ENV="demo", HUOBAN_TARGET_DEADLINES=value)
    assert result.returncode != 0
    assert "HUOBAN_TARGET_DEADLINES" in result.stderr


def test_it_starts_with_other_deadlines():
    result = start(HUOBAN_ENV="demo", HUOBAN_TARGET_DEADLINES="06-15, 12-31")
    assert result.returncode == 0, result.stderr


def test_it_defaults_to_seed_001s_deadlines_and_starts_every_period_on_1_january():
    assert default_deadline(2021, "half") == dt.date(2021, 6, 30)
    assert default_deadline(2021, "year") == dt.date(2021, 9, 30)
    assert period_start(2021) == dt.date(2021, 1, 1)
