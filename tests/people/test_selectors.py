"""Who sees which elder, and how the desk finds them."""

from __future__ import annotations

import pytest

from huoban.accounts import roles
from huoban.people.models import Elder
from huoban.people.selectors import elder_search, elders_for
from huoban.people.services import REVEAL_ROLES
from tests.people.conftest import LI_MOBILE, X_ID, ZHANG_ID

# --- Scope ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "seen"),
    [
        # registered at site_a (张小明, 周德华) or living in its street 曹杨 (王建国)
        ("volunteer", {"zhang", "zhou", "wang"}),
        ("site_manager", {"zhang", "zhou", "wang"}),
        # living in 曹杨, wherever registered; 周德华 lives in 长风
        ("street_admin", {"zhang", "wang"}),
        # 普陀: everyone but 赵丽 of 静安; 孙桂兰 gave no street and counts at site_b's 长风
        ("district_admin", {"zhang", "zhou", "wang", "li", "sun"}),
        ("city_admin", {"zhang", "zhou", "wang", "li", "sun", "zhao"}),
        ("elder", set()),
        ("family", set()),
        ("reviewer", set()),
        ("vendor", set()),
        ("outsider", set()),
    ],
)
def test_it_shows_each_persona_the_elders_of_their_scope(world, folks, persona, seen):
    user = world.personas[persona]
    assert set(elders_for(user, roles.RECORDS_LOG)) == folks.named(*seen)


def test_it_shows_nothing_for_roles_the_user_does_not_hold(world, folks):
    # A volunteer holds no role that may reveal numbers: the reveal scope is empty.
    assert not elders_for(world.personas["volunteer"], REVEAL_ROLES).exists()
    assert set(elders_for(world.personas["site_manager"], REVEAL_ROLES)) == folks.named(
        "zhang", "zhou", "wang"
    )


def test_it_follows_an_elder_who_moves_into_the_street(world, folks):
    from huoban.people.services import elder_update

    volunteer = world.personas["volunteer"]
    assert folks.li not in elders_for(volunteer, roles.RECORDS_LOG)
    elder_update(actor=world.personas["city_admin"], elder=folks.li, street=world.caoyang)
    assert folks.li in elders_for(volunteer, roles.RECORDS_LOG)
    assert folks.li in elders_for(world.personas["street_admin"], roles.RECORDS_LOG)


def test_it_lists_elders_by_name(world, folks):
    names = [e.name for e in elders_for(world.personas["city_admin"], roles.RECORDS_LOG)]
    assert names == sorted(names)


def test_it_reads_the_scope_in_one_query(world, folks, django_assert_num_queries):
    user = world.personas["volunteer"]
    with django_assert_num_queries(2):  # the memberships, then the elders
        assert len(list(elders_for(user, roles.RECORDS_LOG))) == 3


# --- Search ---------------------------------------------------------------------------------


def found(text: str) -> list[str]:
    return [e.name for e in elder_search(Elder.objects.all(), text)]


@pytest.mark.parametrize("text", ["zxm", "ZXM", "zx", "zhang", "zhangxiao", "Zhang Xiao Ming"])
def test_it_finds_by_pinyin_initials_or_the_start_of_the_full_pinyin(folks, text):
    assert found(text) == ["张小明"]


def test_it_does_not_find_by_pinyin_inside_a_name(folks):
    assert found("xiaoming") == []
    assert found("qq") == []


def test_it_finds_a_surname_by_its_surname_reading(world, register):
    # 曾 is "ceng" as a word but "zeng" as a surname: both work.
    register("曾小明", site=world.site_a)
    assert found("zxm") == ["曾小明"]
    assert found("zeng") == ["曾小明"]
    assert found("cxm") == ["曾小明"]


@pytest.mark.parametrize("text", ["5678", " 5678 ", "５６７８"])
def test_it_finds_by_the_last_four_digits_of_the_mobile(folks, text):
    assert found(text) == ["张小明"]


def test_it_finds_everyone_sharing_the_last_four_digits(world, folks, register):
    register("钱阿婆", site=world.site_a, mobile="13600005678")
    assert found("5678") == ["张小明", "钱阿婆"]


@pytest.mark.parametrize(
    "text", ["13912340001", "139 1234 0001", "139-1234-0001", "+86 139 1234 0001"]
)
def test_it_finds_by_the_full_mobile(folks, text):
    assert found(text) == ["李秀英"]


def test_it_finds_no_one_by_a_mobile_nobody_has_or_a_partial_number(folks):
    assert found("13912340002") == []
    assert found("1391234") == []
    assert found(LI_MOBILE[-5:]) == []  # the last four digits, and only four, find her
    assert found(LI_MOBILE[-4:]) == ["李秀英"]


@pytest.mark.parametrize("text", [ZHANG_ID, f" {ZHANG_ID} "])
def test_it_finds_by_the_resident_id_number(folks, text):
    assert found(text) == ["张小明"]


def test_it_finds_an_id_number_with_a_lower_case_x(folks):
    assert found(X_ID.lower()) == ["赵丽"]


def test_it_finds_by_part_of_the_name(folks):
    assert found("小明") == ["张小明"]
    assert found("秀") == ["李秀英"]
    assert found("不存在") == []


def test_it_finds_no_one_for_empty_text(folks):
    assert found("") == []
    assert found("   ") == []


def test_it_searches_only_inside_the_scope(world, folks):
    qs = elders_for(world.personas["volunteer"], roles.RECORDS_LOG)
    assert list(elder_search(qs, LI_MOBILE)) == []
    assert list(elder_search(qs, "lxy")) == []
    assert [e.name for e in elder_search(qs, "wjg")] == ["王建国"]


def test_it_tells_a_mobile_from_an_id_number_by_purpose(world, folks):
    # The same digits under another purpose index differently.
    assert not Elder.objects.filter(id_index=folks.li.mobile_index).exists()
