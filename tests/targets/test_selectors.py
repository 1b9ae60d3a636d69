"""Who sees which targets, and the progress table a district admin reads: each street's
targets, what is done by each deadline so far, the rate, the status and a total."""

from __future__ import annotations

import datetime as dt

import pytest

from huoban.records.selectors import person_times
from huoban.targets.models import Target
from huoban.targets.selectors import progress_table, targets_for
from huoban.targets.services import target_set, target_split
from tests.targets.conftest import PUTUO_STREETS, YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def split(putuo, streets, office, district_admin):
    """Seed 001's numbers: 普陀区 5000 / 10000, split evenly among its ten streets."""
    for period, value in (("year", 10000), ("half", 5000)):
        parent = target_set(actor=office, region=putuo, year=YEAR, period=period, value=value)
        target_split(actor=district_admin, parent=parent, mode="even")
    return streets


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("city_admin", {"普陀区", "石门二路街道", *PUTUO_STREETS}),
        ("district_admin", {"普陀区", *PUTUO_STREETS}),
        ("street_admin", {"曹杨新村街道"}),
        ("site_manager", set()),
        ("volunteer", set()),
        ("reviewer", set()),
        ("outsider", set()),
    ],
)
def test_it_shows_each_person_the_targets_in_their_scope(world, split, office, persona, sees):
    target_set(actor=office, region=world.jingan_street, year=YEAR, period="year", value=800)
    names = set(targets_for(world.personas[persona]).values_list("region__name", flat=True))
    assert names == sees


def test_it_shows_a_district_admin_nothing_of_another_district(world, split, jingan_admin):
    assert not targets_for(jingan_admin).filter(region__path__startswith=world.putuo.path)


def test_it_tabulates_each_street_and_the_total_half_way_through_the_half_year(
    putuo, split, counter, django_assert_num_queries
):
    # 曹杨 3 a day, 长风 2 a day, the others nothing yet; 31 March is day 90.
    counter.per_day = {"310107005": 3, "310107014": 2}
    today = dt.date(YEAR, 3, 31)
    with django_assert_num_queries(2):
        rows = progress_table(putuo, YEAR, count_done=counter, today=today)
    assert [r.name for r in rows] == [*PUTUO_STREETS, "合计"]
    caoyang, changfeng, changshou = rows[0], rows[1], rows[2]
    assert (caoyang.half.target, caoyang.year.target) == (500, 1000)
    assert (caoyang.half.done, caoyang.year.done) == (270, 270)
    assert caoyang.half.rate == pytest.approx(0.54)
    assert caoyang.half.progress is not None
    assert caoyang.half.progress.label == "按计划"  # 3 × 181 = 543 by 30 June
    assert caoyang.year.progress is not None
    assert caoyang.year.progress.label == "落后"  # 3 × 273 = 819 by 30 September
    assert changfeng.half.progress is not None
    assert changfeng.half.progress.label == "落后"  # 2 × 181 = 362
    assert changshou.half.done == 0
    assert changshou.half.progress is not None
    assert changshou.half.progress.label == "落后"
    total = rows[-1]
    assert total.is_total
    assert (total.half.target, total.year.target) == (5000, 10000)
    assert total.half.done == 270 + 180
    assert total.half.deadline == dt.date(YEAR, 6, 30)
    assert total.year.deadline == dt.date(YEAR, 9, 30)
    # Every count ran from 1 January to today (both deadlines are still ahead).
    assert {(start, end) for _code, start, end, _m in counter.calls} == {
        (dt.date(YEAR, 1, 1), today)
    }
    assert {measure for *_rest, measure in counter.calls} == {"both"}


def test_it_counts_the_half_year_only_up_to_its_deadline(putuo, split, counter):
    counter.per_day = {"310107005": 3}
    rows = progress_table(putuo, YEAR, count_done=counter, today=dt.date(YEAR, 8, 15))
    caoyang = rows[0]
    assert caoyang.half.done == 3 * 181  # 1 January – 30 June
    assert caoyang.half.progress is not None
    assert caoyang.half.progress.label == "已完成"
    assert caoyang.year.done == 3 * 227  # 1 January – 15 August
    others = rows[1]
    assert others.half.progress is not None
    assert others.half.progress.label == "未完成"


def test_it_reports_a_street_without_a_target_as_having_none(putuo, streets, office, counter):
    target_set(actor=office, region=streets[0], year=YEAR, period="year", value=1000)
    counter.per_day = {"310107014": 1}
    rows = progress_table(putuo, YEAR, count_done=counter, today=dt.date(YEAR, 2, 1))
    assert rows[0].year.target == 1000
    assert rows[0].half.target is None
    assert rows[0].half.progress is None
    assert rows[1].year.target is None
    assert rows[1].year.done == 32  # done is counted even without a target
    total = rows[-1]
    assert (total.half.target, total.year.target) == (None, 1000)
    # Against the one target that is set, only its street's person-times count.
    assert total.year.done == rows[0].year.done == 0
    assert total.half.done == 32  # no target anywhere: the plain sum


def test_it_counts_nothing_before_the_year_begins(putuo, split, counter):
    counter.per_day = {"310107005": 3}
    rows = progress_table(putuo, YEAR, count_done=counter, today=dt.date(YEAR - 1, 12, 20))
    assert all(r.half.done == 0 and r.year.done == 0 for r in rows)
    assert rows[0].half.progress is not None
    assert rows[0].half.progress.label == "未开始"
    assert counter.calls == []


def test_it_uses_a_streets_own_deadline(putuo, streets, office, counter):
    target_set(
        actor=office,
        region=streets[0],
        year=YEAR,
        period="half",
        value=100,
        deadline=dt.date(YEAR, 5, 31),
    )
    counter.per_day = {"310107005": 1}
    rows = progress_table(putuo, YEAR, count_done=counter, today=dt.date(YEAR, 6, 10))
    assert rows[0].half.deadline == dt.date(YEAR, 5, 31)
    assert rows[0].half.done == 151
    assert rows[-1].half.deadline == dt.date(YEAR, 6, 30)


def test_it_tabulates_a_street_on_its_own(world, office, counter):
    target_set(actor=office, region=world.caoyang, year=YEAR, period="half", value=500)
    counter.per_day = {"310107005": 4}
    rows = progress_table(world.caoyang, YEAR, count_done=counter, today=dt.date(YEAR, 1, 10))
    assert len(rows) == 1
    assert rows[0].is_total
    assert (rows[0].half.target, rows[0].half.done) == (500, 40)


def test_it_tabulates_the_city_by_district(world, split, office, counter):
    counter.per_day = {"310107005": 1}
    rows = progress_table(world.city, YEAR, count_done=counter, today=dt.date(YEAR, 1, 31))
    assert [r.name for r in rows] == ["静安区", "普陀区", "合计"]
    assert rows[1].year.target == 10000
    assert rows[0].year.target is None
    assert Target.objects.filter(region=world.city).count() == 0


def test_it_counts_with_the_records_apps_person_times(world, putuo, streets, split):
    """The real counters (one count per row, or one grouped query) give the ledger's figures."""
    from zoneinfo import ZoneInfo

    from huoban.records.selectors import PersonTimesByChild
    from huoban.records.services import help_session_log
    from huoban.sites.models import Service
    from tests.conftest import site_in

    site = site_in(streets[1], world.org, "长风帮办点", "31.22", "121.39")
    chat = Service.objects.get(code="chat")
    for month in (2, 3, 8):
        help_session_log(
            actor=world.personas["city_admin"],
            site=site,
            scenarios=[chat],
            occurred_at=dt.datetime(YEAR, month, 10, 10, tzinfo=ZoneInfo("Asia/Shanghai")),
            now=dt.datetime(YEAR, 9, 1, 12, tzinfo=ZoneInfo("Asia/Shanghai")),
        )
    today = dt.date(YEAR, 9, 1)
    for counter in (person_times, PersonTimesByChild(putuo)):
        rows = progress_table(putuo, YEAR, count_done=counter, today=today)
        by_code = {r.region.code: r for r in rows}
        assert (by_code[streets[1].code].half.done, by_code[streets[1].code].year.done) == (2, 3)
        assert by_code[streets[0].code].year.done == 0
        assert rows[-1].year.done == 3
