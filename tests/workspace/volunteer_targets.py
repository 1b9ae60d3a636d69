"""Objects behind the ``vol_*`` and ``volcert_*`` targets of test_scopes.TABLE.

| target      | who                                        |
|-------------|--------------------------------------------|
| vol_self    | the volunteer persona (site_a)             |
| vol_a       | another volunteer at site_a                |
| vol_b       | a volunteer at site_b                      |
| vol_c       | a volunteer at site_c                      |
| volcert_a   | a certificate of the volunteer persona from site_a |
| volcert_b   | a certificate of a student at site_b       |

Every volunteer has accepted both pledges, so that their badge prints.
"""

from __future__ import annotations

import datetime as dt

from huoban.accounts.models import Membership, Role, User
from huoban.people.models import Certificate, Pledge, Volunteer
from huoban.people.pledges import CURRENT

MOBILES = {"a": "13700000011", "b": "13700000012", "c": "13700000013"}


def _volunteer(world, key: str) -> User:
    if key == "self":
        user = world.personas["volunteer"]
    else:
        user = User.objects.create_user(MOBILES[key], "pw-123456789", name=f"志愿者{key}")
        Membership.objects.create(
            user=user, role=Role.VOLUNTEER, site=getattr(world, f"site_{key}")
        )
    profile, _ = Volunteer.objects.get_or_create(
        user=user, defaults={"is_student": True, "school": "曹杨二中"}
    )
    for text in CURRENT.values():
        Pledge.objects.get_or_create(
            volunteer=profile,
            document=text.document,
            version=text.version,
            defaults={"accepted_at": dt.datetime.now(dt.UTC), "accepted_by": user},
        )
    return user


def volunteer_kwargs(world, target: str) -> dict:
    kind, key = target.split("_")
    if kind == "vol":
        return {"public_id": _volunteer(world, key).public_id}
    user = _volunteer(world, "self" if key == "a" else key)
    certificate = Certificate.objects.create(
        volunteer=user.volunteer_profile,
        site=getattr(world, f"site_{key}"),
        period_start=dt.date(2026, 9, 1),
        period_end=dt.date(2026, 9, 30),
        minutes=120,
        name=user.name,
        school="曹杨二中",
        issued_on=dt.date(2026, 10, 1),
        issued_by=world.personas["city_admin"],
    )
    return {"public_id": certificate.public_id}
