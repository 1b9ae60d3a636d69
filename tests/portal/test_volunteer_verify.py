"""The public pages a badge's and a certificate's QR codes lead to."""

from __future__ import annotations

import datetime as dt
import uuid

from django.urls import reverse

from huoban.accounts.models import Membership
from huoban.people.models import Certificate
from huoban.people.volunteers import volunteer_update
from tests.workspace.pages import html, text


def page_text(response) -> str:
    return text(html(response).xpath("//main")[0])


def test_it_confirms_an_active_volunteer_with_their_site(world, client):
    vol = world.personas["volunteer"]
    profile = volunteer_update(actor=vol, person=vol, bio="x")
    response = client.get(reverse("portal:volunteer_verify", args=[profile.public_id]))
    assert response.status_code == 200
    body = page_text(response)
    assert "volunteer 是本平台在岗的志愿者。" in body
    assert world.site_a.name in body and "在岗" in body
    assert html(response).xpath("//main//a/@href") == [
        reverse("portal:site", args=[world.site_a.public_id])
    ]


def test_it_says_when_a_volunteer_no_longer_serves(world, client):
    vol = world.personas["volunteer"]
    profile = volunteer_update(actor=vol, person=vol, bio="x")
    Membership.objects.filter(user=vol).delete()
    response = client.get(reverse("portal:volunteer_verify", args=[profile.public_id]))
    assert response.status_code == 200
    body = page_text(response)
    assert "volunteer 目前不是本平台在岗的志愿者。" in body
    assert "已不在岗" in body and world.site_a.name not in body


def test_it_says_so_for_a_disabled_account_too(world, client):
    vol = world.personas["volunteer"]
    profile = volunteer_update(actor=vol, person=vol, bio="x")
    vol.is_active = False
    vol.save()
    response = client.get(reverse("portal:volunteer_verify", args=[profile.public_id]))
    assert "目前不是本平台在岗的志愿者" in page_text(response)


def test_it_answers_404_for_an_unknown_badge_or_certificate(world, client):
    for name in ("portal:volunteer_verify", "portal:certificate_verify"):
        assert client.get(reverse(name, args=[uuid.uuid4()])).status_code == 404


def test_it_shows_what_a_certificate_says(world, client):
    vol = world.personas["volunteer"]
    profile = volunteer_update(actor=vol, person=vol, is_student=True, school="曹杨二中")
    certificate = Certificate.objects.create(
        volunteer=profile,
        site=world.site_a,
        period_start=dt.date(2026, 9, 1),
        period_end=dt.date(2026, 11, 20),
        minutes=754,
        name="王小明",
        school="曹杨二中",
        grade="初二（3）班",
        issued_on=dt.date(2026, 11, 23),
        issued_by=world.personas["site_manager"],
    )
    response = client.get(reverse("portal:certificate_verify", args=[certificate.public_id]))
    assert response.status_code == 200
    body = page_text(response)
    assert certificate.number in body
    assert "王小明" in body and "曹杨二中 初二（3）班" in body
    assert "2026年9月1日 至 2026年11月20日" in body
    assert "12.5 小时" in body
    assert world.site_a.name in body and "2026年11月23日" in body
