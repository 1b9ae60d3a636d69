"""The demo's elder and family accounts, linked to elder records, with a class booked.

刘阿姨 (13900000008) is an elder with her own account; 刘女士 (13900000009) is her daughter,
bound to her and to 刘老伯 (one phone, several elders). Both sign in to the portal with an
SMS code, which the demo prints in the server's console.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from huoban.accounts.models import ConsentMethod, ElderLink, LinkRelation, User
from huoban.classes.models import SignUp
from huoban.classes.services import signup_create
from huoban.classes.timetable import places_of, upcoming_sessions
from huoban.lib.crypto import mobile_index
from huoban.notify.services import deferred_sending
from huoban.people.models import Elder
from huoban.people.services import elder_create
from huoban.sites.models import Site

ELDER_MOBILE = "13900000008"
FAMILY_MOBILE = "13900000009"


def link_elders(*, site: Site, registrar: User) -> list[Elder]:
    """Elder records for the demo's elder account and her father, and the links."""
    mother = elder_create(
        actor=registrar,
        site=site,
        name="刘阿姨",
        mobile=ELDER_MOBILE,
        birth_year=1952,
        consent=True,
    )
    father = elder_create(
        actor=registrar,
        site=site,
        name="刘老伯",
        mobile="13900000010",
        birth_year=1946,
        consent=True,
    )
    elder_user = User.objects.get(mobile=ELDER_MOBILE)
    family_user = User.objects.get(mobile=FAMILY_MOBILE)
    now = timezone.now()
    ElderLink.objects.create(
        user=elder_user,
        elder=mother,
        relation=LinkRelation.SELF,
        consent_method=ConsentMethod.DESK,
        consent_at=now,
        recorded_by=registrar,
    )
    for elder in (mother, father):
        ElderLink.objects.create(
            user=family_user,
            elder=elder,
            relation=LinkRelation.FAMILY,
            consent_method=ConsentMethod.DESK,
            consent_at=now,
            recorded_by=registrar,
        )
    return [mother, father]


def book_a_class(*, site: Site, now: dt.datetime) -> SignUp | None:
    """刘阿姨 signs herself up for the next class with a free place at or near her site."""
    elder = Elder.objects.get(mobile_index=mobile_index(ELDER_MOBILE))
    sessions = list(upcoming_sessions(now).filter(start__gt=now + dt.timedelta(days=1))[:50])
    places = places_of(sessions)
    near = [s for s in sessions if s.site_id == site.pk] + sessions
    for session in near:
        if not places[session.pk].full:
            with deferred_sending():  # queued; `send_notifications` delivers it
                return signup_create(
                    actor=User.objects.get(mobile=ELDER_MOBILE), session=session, elder=elder
                )
    return None
