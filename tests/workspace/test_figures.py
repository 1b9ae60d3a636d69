"""The figures shown beside statuses: a rate is never rounded up to 100 %."""

from __future__ import annotations

import pytest

from huoban.workspace.templatetags.figures import figure, percent


@pytest.mark.parametrize(
    ("rate", "shown"),
    [
        (None, "—"),
        (0, "0.0%"),
        (0.4526, "45.2%"),
        (0.9996, "99.9%"),
        (1, "100.0%"),
        (1.914, "191.4%"),
    ],
)
def test_a_rate_is_shown_rounded_down(rate, shown):
    assert percent(rate) == shown


def test_counts_are_grouped_by_thousands():
    assert figure(10000) == "10,000" and figure(None) == ""
