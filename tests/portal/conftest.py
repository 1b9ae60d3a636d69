"""Classes to sign up for, and signed-in elders and family members."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from huoban.accounts.models import ConsentMethod, ElderLink, LinkRelation
from huoban.classes.services import session_create, session_publish
from huoban.people.services import elder_create

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def make_class(world):
    """``make_class("智能手机入门", days=20, capacity=20)``: a published class at site A."""
    world.site_a.classroom_capacity = 40
    world.site_a.save()
    manager = world.personas["site_manager"]

    def make(title="智能手机入门", *, days=20, hour=14, minutes=90, capacity=20, site=None):
        site = site or world.site_a
        if not site.classroom_capacity:
            site.classroom_capacity = 40
            site.save()
        day = timezone.localdate() + dt.timedelta(days=days)
        start = dt.datetime.combine(day, dt.time(hour), SHANGHAI)
        session = session_create(
            actor=world.personas["city_admin"] if site != world.site_a else manager,
            site=site,
            title=title,
            start=start,
            end=start + dt.timedelta(minutes=minutes),
            capacity=capacity,
            teacher="王老师",
        )
        session_publish(actor=world.personas["city_admin"], session=session)
        session.refresh_from_db()
        return session

    return make


def _elder(world, name: str, mobile: str):
    return elder_create(
        actor=world.personas["city_admin"],
        site=world.site_a,
        name=name,
        mobile=mobile,
        consent=True,
    )


def link(user, elder, relation=LinkRelation.SELF) -> ElderLink:
    return ElderLink.objects.create(
        user=user,
        elder=elder,
        relation=relation,
        consent_method=ConsentMethod.DESK,
        consent_at=timezone.now(),
    )


@pytest.fixture
def grandma(world):
    """The elder persona, linked to her own record: 李阿姨."""
    elder = _elder(world, "李阿姨", "13912345678")
    link(world.personas["elder"], elder)
    return elder


@pytest.fixture
def elder_client(world, grandma) -> Client:
    client = Client()
    client.force_login(world.personas["elder"])
    return client


@pytest.fixture
def parents(world):
    """The family persona, bound to two elders (one phone, several elders)."""
    father = _elder(world, "张伯伯", "13812340001")
    mother = _elder(world, "王阿姨", "13812340002")
    for elder in (father, mother):
        link(world.personas["family"], elder, LinkRelation.FAMILY)
    return father, mother


@pytest.fixture
def family_client(world, parents) -> Client:
    client = Client()
    client.force_login(world.personas["family"])
    return client
