"""Setting targets, splitting them from the district to its streets and rolling them up:
who may, what is refused, what is audited (seed 001: 10 streets × 500 / 1000)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from huoban.audit.models import AuditEvent
from huoban.demo import targets as demo_targets
from huoban.regions.models import Region
from huoban.targets.models import Target
from huoban.targets.selectors import targets_rollup
from huoban.targets.services import may_split_target, target_pair_set, target_set, target_split
from tests.conftest import region as make_region
from tests.targets.conftest import YEAR

pytestmark = pytest.mark.django_db


def values(regions, period="half") -> list[int | None]:
    found = {
        t.region_id: t.value
        for t in Target.objects.filter(year=YEAR, period=period, measure="both")
    }
    return [found.get(r.pk) for r in regions]


def putuo_targets(office, putuo) -> tuple[Target, Target]:
    half = target_set(actor=office, region=putuo, year=YEAR, period="half", value=5000)
    annual = target_set(actor=office, region=putuo, year=YEAR, period="year", value=10000)
    return half, annual


# --- Setting ------------------------------------------------------------------------------------


def test_it_sets_a_districts_target_with_the_configured_deadlines_and_audits_it(world, office):
    half = target_set(actor=office, region=world.putuo, year=YEAR, period="half", value=5000)
    annual = target_set(actor=office, region=world.putuo, year=YEAR, period="year", value=10000)
    assert (half.value, half.deadline, half.measure) == (5000, dt.date(YEAR, 6, 30), "both")
    assert (annual.value, annual.deadline) == (10000, dt.date(YEAR, 9, 30))
    assert half.start == dt.date(YEAR, 1, 1)
    assert half.created_by == office
    event = AuditEvent.objects.get(action="target.create", object_id=str(half.pk))
    assert event.actor == office
    assert event.changes["value"] == 5000
    assert event.changes["deadline"] == f"{YEAR}-06-30"


def test_it_reads_the_deadlines_from_the_setting(world, office, settings):
    settings.HUOBAN_TARGET_DEADLINES = {"half": (7, 15), "year": (12, 31)}
    half = target_set(actor=office, region=world.putuo, year=YEAR, period="half", value=10)
    annual = target_set(actor=office, region=world.putuo, year=YEAR, period="year", value=20)
    assert (half.deadline, annual.deadline) == (dt.date(YEAR, 7, 15), dt.date(YEAR, 12, 31))


def test_it_changes_a_target_in_place_and_audits_old_and_new(world, office):
    first = target_set(actor=office, region=world.putuo, year=YEAR, period="year", value=10000)
    again = target_set(actor=office, region=world.putuo, year=YEAR, period="year", value=12000)
    assert again.pk == first.pk
    assert Target.objects.count() == 1
    assert Target.objects.get().value == 12000
    event = AuditEvent.objects.get(action="target.update")
    assert event.changes["value"] == [10000, 12000]
    assert "deadline" not in event.changes  # kept as it was


def test_it_writes_nothing_when_nothing_changes(world, office):
    target_set(actor=office, region=world.putuo, year=YEAR, period="year", value=10000)
    target_set(actor=office, region=world.putuo, year=YEAR, period="year", value=10000)
    assert AuditEvent.objects.filter(action__startswith="target.").count() == 1


def test_it_keeps_a_chosen_deadline_until_another_is_chosen(world, office):
    custom = dt.date(YEAR, 10, 31)
    target_set(
        actor=office, region=world.putuo, year=YEAR, period="year", value=10, deadline=custom
    )
    kept = target_set(actor=office, region=world.putuo, year=YEAR, period="year", value=20)
    assert kept.deadline == custom


def test_it_keeps_measures_apart(world, office):
    target_set(actor=office, region=world.putuo, year=YEAR, period="year", value=10000)
    target_set(
        actor=office, region=world.putuo, year=YEAR, period="year", value=4000, measure="training"
    )
    assert sorted(Target.objects.values_list("measure", "value")) == [
        ("both", 10000),
        ("training", 4000),
    ]


@pytest.mark.parametrize(
    ("persona", "where", "allowed"),
    [
        ("city_admin", "city", True),
        ("city_admin", "putuo", True),
        ("city_admin", "caoyang", True),
        ("city_admin", "jingan_street", True),
        # The office gives the district its number; the district admin splits it.
        ("district_admin", "putuo", False),
        ("district_admin", "caoyang", True),
        ("district_admin", "changfeng", True),
        ("district_admin", "jingan_street", False),
        ("district_admin", "city", False),
        ("street_admin", "caoyang", False),
        ("site_manager", "caoyang", False),
        ("volunteer", "caoyang", False),
        ("reviewer", "caoyang", False),
        ("outsider", "caoyang", False),
    ],
)
def test_it_lets_only_the_right_people_set_a_target(world, persona, where, allowed):
    region = getattr(world, where)
    attempt = {
        "actor": world.personas[persona],
        "region": region,
        "year": YEAR,
        "period": "year",
        "value": 1000,
    }
    if allowed:
        assert target_set(**attempt).value == 1000
    else:
        with pytest.raises(PermissionDenied) as refused:
            target_set(**attempt)
        assert region.name in str(refused.value)
        assert not Target.objects.exists()
        assert not AuditEvent.objects.filter(action__startswith="target.").exists()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"value": -1}, "value", "负数"),
        ({"value": 12.5}, "value", "整数"),
        ({"value": "500"}, "value", "整数"),
        ({"value": True}, "value", "整数"),
        ({"year": 1999}, "year", "2000"),
        ({"year": 20260}, "year", "2099"),
        ({"period": "quarter"}, "period", "半年或年度"),
        ({"measure": "classes"}, "measure", "帮办"),
        ({"deadline": dt.date(YEAR + 1, 1, 31)}, "deadline", f"{YEAR} 年内"),
    ],
)
def test_it_refuses_bad_values_with_a_chinese_message(world, office, changes, field, words):
    attempt = {"actor": office, "region": world.putuo, "year": YEAR, "period": "year"}
    attempt["value"] = 1000
    attempt.update(changes)
    with pytest.raises(ValidationError) as refused:
        target_set(**attempt)
    assert words in " ".join(refused.value.message_dict[field])
    assert not Target.objects.exists()


def test_it_sets_no_target_on_a_neighbourhood(world, office):
    neighbourhood = make_region("310107005001", "兰溪路居委会", "neighbourhood", world.caoyang)
    with pytest.raises(ValidationError) as refused:
        target_set(actor=office, region=neighbourhood, year=YEAR, period="year", value=10)
    assert "居村" in str(refused.value)


def test_it_keeps_the_half_year_within_the_year(world, office):
    target_set(actor=office, region=world.putuo, year=YEAR, period="year", value=1000)
    with pytest.raises(ValidationError) as refused:
        target_set(actor=office, region=world.putuo, year=YEAR, period="half", value=1001)
    assert "普陀区的半年指标 1001 不能大于年度指标 1000" in str(refused.value)
    target_set(actor=office, region=world.putuo, year=YEAR, period="half", value=1000)
    with pytest.raises(ValidationError):
        target_set(actor=office, region=world.putuo, year=YEAR, period="year", value=999)
    assert values([world.putuo], "year") == [1000]


def test_it_raises_or_lowers_both_periods_together(world, office):
    target_pair_set(actor=office, region=world.caoyang, year=YEAR, half=500, annual=1000)
    target_pair_set(actor=office, region=world.caoyang, year=YEAR, half=1200, annual=2000)
    assert (values([world.caoyang], "half"), values([world.caoyang], "year")) == (
        [1200],
        [2000],
    )
    target_pair_set(actor=office, region=world.caoyang, year=YEAR, half=200, annual=400)
    assert (values([world.caoyang], "half"), values([world.caoyang], "year")) == ([200], [400])
    with pytest.raises(ValidationError):
        target_pair_set(actor=office, region=world.caoyang, year=YEAR, half=401, annual=400)


# --- Splitting ----------------------------------------------------------------------------------


def test_it_splits_putuos_targets_evenly_among_its_ten_streets(
    putuo, streets, office, district_admin
):
    half, annual = putuo_targets(office, putuo)
    split = target_split(actor=district_admin, parent=half, mode="even")
    target_split(actor=district_admin, parent=annual, mode="even")
    assert [t.region for t in split] == streets
    assert values(streets, "half") == [500] * 10
    assert values(streets, "year") == [1000] * 10
    assert {t.deadline for t in Target.objects.filter(region__in=streets, period="half")} == {
        dt.date(YEAR, 6, 30)
    }
    for parent in (half, annual):
        rollup = targets_rollup(putuo, YEAR, parent.period)
        assert rollup.own == rollup.children_total == parent.value
        assert not rollup.differs
        assert rollup.warning is None
    event = AuditEvent.objects.get(action="target.split", object_id=str(half.pk))
    assert event.actor == district_admin
    assert event.changes["mode"] == "even"
    assert AuditEvent.objects.filter(action="target.create", actor=district_admin).count() == 20


def test_it_gives_the_remainder_one_each_to_the_first_streets_by_code(putuo, streets, office):
    half = target_set(actor=office, region=putuo, year=YEAR, period="half", value=5003)
    target_split(actor=office, parent=half, mode="even")
    assert values(streets) == [501, 501, 501] + [500] * 7
    assert sum(values(streets)) == 5003


def test_it_splits_fewer_than_one_each_as_zeros(putuo, streets, office):
    half = target_set(actor=office, region=putuo, year=YEAR, period="half", value=4)
    target_split(actor=office, parent=half, mode="even")
    assert values(streets) == [1, 1, 1, 1] + [0] * 6


def test_it_splits_by_hand_when_the_numbers_add_up(putuo, streets, office, district_admin):
    half, _annual = putuo_targets(office, putuo)
    by_hand = {s: 400 + 20 * i for i, s in enumerate(streets)}  # 400 … 580, sum 4900
    by_hand[streets[-1]] += 100
    target_split(actor=district_admin, parent=half, mode="manual", values=by_hand)
    assert values(streets) == [by_hand[s] for s in streets]
    assert targets_rollup(putuo, YEAR, "half").children_total == 5000


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (-100, "各街镇指标合计 4900，比普陀区的半年指标 5000 少 100。"),
        (+40, "各街镇指标合计 5040，比普陀区的半年指标 5000 多 40。"),
    ],
)
def test_it_refuses_a_manual_split_that_does_not_add_up_and_saves_nothing(
    putuo, streets, office, district_admin, change, words
):
    half, _annual = putuo_targets(office, putuo)
    by_hand = dict.fromkeys(streets, 500)
    by_hand[streets[3]] += change
    with pytest.raises(ValidationError) as refused:
        target_split(actor=district_admin, parent=half, mode="manual", values=by_hand)
    assert words in str(refused.value)
    assert values(streets) == [None] * 10
    assert not AuditEvent.objects.filter(actor=district_admin).exists()


def test_it_asks_for_every_street_in_a_manual_split(putuo, streets, world, office):
    half, _annual = putuo_targets(office, putuo)
    by_hand = {s: 500 for s in streets[:8]}
    by_hand[world.jingan_street] = 1000
    with pytest.raises(ValidationError) as refused:
        target_split(actor=office, parent=half, mode="manual", values=by_hand)
    message = str(refused.value)
    assert "长征镇、桃浦镇" in message
    assert "石门二路街道不是普陀区的下级区划" in message
    assert values(streets) == [None] * 10


def test_it_refuses_a_negative_or_fractional_share(putuo, streets, office):
    half, _annual = putuo_targets(office, putuo)
    by_hand = dict.fromkeys(streets, 500)
    by_hand[streets[0]] = 1000
    by_hand[streets[1]] = -500
    with pytest.raises(ValidationError) as refused:
        target_split(actor=office, parent=half, mode="manual", values=by_hand)
    assert "长风新村街道的指标不能是负数" in str(refused.value)
    by_hand[streets[1]] = 0.5
    with pytest.raises(ValidationError) as refused:
        target_split(actor=office, parent=half, mode="manual", values=by_hand)
    assert "整数" in str(refused.value)


def test_it_refuses_a_split_that_would_put_a_half_year_above_a_year(putuo, streets, office):
    half, annual = putuo_targets(office, putuo)
    target_set(actor=office, region=streets[0], year=YEAR, period="year", value=100)
    with pytest.raises(ValidationError) as refused:
        target_split(actor=office, parent=half, mode="even")
    assert "曹杨新村街道的半年指标 500 不能大于年度指标 100" in str(refused.value)
    assert values(streets) == [None] * 10  # all or nothing
    target_split(actor=office, parent=annual, mode="even")
    target_split(actor=office, parent=half, mode="even")
    assert values(streets) == [500] * 10


def test_it_splits_the_citys_target_among_districts_for_the_office_only(
    world, office, district_admin
):
    city = target_set(actor=office, region=world.city, year=YEAR, period="year", value=30001)
    with pytest.raises(PermissionDenied):
        target_split(actor=district_admin, parent=city, mode="even")
    target_split(actor=office, parent=city, mode="even")
    # 静安区 (310106000) comes before 普陀区 (310107000) by code.
    assert values([world.jingan, world.putuo], "year") == [15001, 15000]


def test_it_lets_no_one_else_split_a_district(putuo, world, office, jingan_admin):
    half, _annual = putuo_targets(office, putuo)
    for actor in (jingan_admin, world.personas["street_admin"], world.personas["outsider"]):
        with pytest.raises(PermissionDenied):
            target_split(actor=actor, parent=half, mode="even")
    assert Target.objects.count() == 2


def test_one_rule_says_who_may_split_a_target(putuo, world, office, district_admin, jingan_admin):
    # The page's button, the split and the indicator import all ask may_split_target.
    assert may_split_target(office, world.city) and may_split_target(office, putuo)
    assert may_split_target(district_admin, putuo)
    assert not may_split_target(district_admin, world.city)  # Jing'an is not theirs
    assert not may_split_target(jingan_admin, putuo)
    assert not may_split_target(office, world.caoyang)  # a street has nothing below it


def test_it_does_not_split_a_street(world, office):
    street = target_set(actor=office, region=world.caoyang, year=YEAR, period="year", value=10)
    with pytest.raises(ValidationError) as refused:
        target_split(actor=office, parent=street, mode="even")
    assert "不再向下分解" in str(refused.value)


def test_it_refuses_an_unknown_mode(putuo, office):
    half, _annual = putuo_targets(office, putuo)
    with pytest.raises(ValidationError):
        target_split(actor=office, parent=half, mode="random")


# --- Rolling up ---------------------------------------------------------------------------------


def test_it_rolls_streets_up_to_a_district_with_no_target_of_its_own(
    putuo, streets, office, district_admin
):
    for street, value in zip(streets[:3], (300, 400, 500), strict=True):
        target_set(actor=district_admin, region=street, year=YEAR, period="half", value=value)
    rollup = targets_rollup(putuo, YEAR, "half")
    assert rollup.own is None
    assert rollup.effective == rollup.children_total == 1200
    assert rollup.missing == streets[3:]
    assert not rollup.differs
    city = targets_rollup(Region.objects.get(code="310000000"), YEAR, "half")
    assert city.effective == 1200  # 普陀区 1200 from its streets; 静安区 nothing


def test_it_warns_when_the_streets_do_not_add_up_to_the_district(
    putuo, streets, office, district_admin
):
    half, _annual = putuo_targets(office, putuo)
    target_split(actor=district_admin, parent=half, mode="even")
    target_set(actor=district_admin, region=streets[0], year=YEAR, period="half", value=400)
    rollup = targets_rollup(putuo, YEAR, "half")
    assert rollup.effective == 5000  # the district's own number stands
    assert rollup.children_total == 4900
    assert rollup.differs
    assert rollup.warning == "普陀区的半年指标是 5000，各街镇指标合计 4900，少 100。"
    target_set(actor=district_admin, region=streets[0], year=YEAR, period="half", value=650)
    assert targets_rollup(putuo, YEAR, "half").warning == (
        "普陀区的半年指标是 5000，各街镇指标合计 5150，多 150。"
    )


# --- The demo -----------------------------------------------------------------------------------


def test_it_gives_the_demo_seed_001s_targets_for_putuo(putuo, streets, office, district_admin):
    for _run in range(2):  # loading twice changes nothing
        demo_targets.load(office=office, district_admin=district_admin, year=YEAR)
    assert values(streets, "half") == [500] * 10
    assert values(streets, "year") == [1000] * 10
    assert targets_rollup(putuo, YEAR, "half").effective == sum(values(streets, "half")) == 5000
    assert targets_rollup(putuo, YEAR, "year").effective == sum(values(streets, "year")) == 10000
    assert Target.objects.count() == 22
