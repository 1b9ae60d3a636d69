import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from huoban.lib import ical

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_it_folds_long_lines_at_75_octets_without_splitting_a_character():
    line = "SUMMARY:" + "智能手机入门" * 20
    folded = ical.fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 1
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join([parts[0], *(p[1:] for p in parts[1:])]) == line


def test_it_escapes_text_and_writes_times_in_utc():
    start = dt.datetime(2026, 12, 1, 14, 0, tzinfo=SHANGHAI)
    body = ical.calendar(
        "课表",
        [
            ical.Event(
                uid="x@huoban",
                start=start,
                end=start + dt.timedelta(minutes=90),
                summary="打车; 挂号, 付钱\n第二行",
            )
        ],
        now=start,
    )
    assert "DTSTART:20261201T060000Z\r\n" in body
    assert "DTEND:20261201T073000Z\r\n" in body
    assert "SUMMARY:打车\\; 挂号\\, 付钱\\n第二行\r\n" in body
    assert body.endswith("END:VCALENDAR\r\n")


def test_it_refuses_naive_times():
    naive = dt.datetime(2026, 12, 1, 14, 0)  # noqa: DTZ001
    event = ical.Event(uid="x", start=naive, end=naive, summary="x")
    with pytest.raises(ValueError, match="timezone-aware"):
        ical.calendar("x", [event], now=dt.datetime.now(SHANGHAI))
