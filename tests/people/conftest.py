"""Elders for the people tests, placed so that every persona sees a different set.

| elder  | registered at        | lives in        | seen by site_a staff because |
|--------|----------------------|-----------------|------------------------------|
| 张小明 | site_a (曹杨)        | 曹杨            | registered there             |
| 周德华 | site_a (曹杨)        | 长风            | registered there             |
| 王建国 | site_c (静安)        | 曹杨            | lives in the site's street   |
| 李秀英 | site_b (长风)        | 长风            | —                            |
| 孙桂兰 | site_b (长风)        | (not given)     | —                            |
| 赵丽   | site_c (静安)        | 石门二路        | —                            |
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine

from huoban.lib.ids import resident_id_check_char
from huoban.people.models import Elder
from huoban.people.services import elder_create

SH = ZoneInfo("Asia/Shanghai")
# Monday 23 November 2026: the youngest birth year accepted is 2026 - 50 = 1976.
NOW = dt.datetime(2026, 11, 23, 10, 30, tzinfo=SH)


def resident_id(body17: str) -> str:
    """A valid resident ID number from its first 17 digits."""
    return body17 + resident_id_check_char(body17)


ZHANG_MOBILE = "13812345678"
# Born 15 March 1948 in Putuo.
ZHANG_ID = resident_id("31010719480315001")
LI_MOBILE = "13912340001"
# Born 31 December 1949; its check character is X.
X_ID = "11010519491231002X"


@dataclass
class Elders:
    zhang: Elder
    zhou: Elder
    wang: Elder
    li: Elder
    sun: Elder
    zhao: Elder

    def named(self, *names: str) -> set[Elder]:
        return {getattr(self, n) for n in names}


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def register(world, frozen):
    """``register(name, site=..., **fields)``: an elder registered by the programme office."""

    def make(name: str, *, site, **fields) -> Elder:
        fields.setdefault("consent", True)
        return elder_create(actor=world.personas["city_admin"], site=site, name=name, **fields)

    return make


@pytest.fixture
def folks(world, register) -> Elders:
    w = world
    return Elders(
        zhang=register(
            "张小明",
            site=w.site_a,
            street=w.caoyang,
            mobile=ZHANG_MOBILE,
            id_number=ZHANG_ID,
        ),
        zhou=register("周德华", site=w.site_a, street=w.changfeng, mobile="13700001111"),
        wang=register("王建国", site=w.site_c, street=w.caoyang, birth_year=1950),
        li=register("李秀英", site=w.site_b, street=w.changfeng, mobile=LI_MOBILE),
        sun=register("孙桂兰", site=w.site_b, mobile="15800002222"),
        zhao=register("赵丽", site=w.site_c, street=w.jingan_street, id_number=X_ID),
    )
