"""Reading who holds which role where, and the scope filter built from it: the regions a
user's memberships cover (``regions_for``) and ``scope_q`` for every other app's rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from huoban.accounts.models import (
    ApiToken,
    ElderLink,
    Invitation,
    LinkRelation,
    Membership,
    User,
)
from huoban.regions.models import Region, RegionLevel
from huoban.regions.selectors import PROGRAMME_LEVELS

# Recording every request's time would make every read a write; a minute is precise enough
# to tell a token in use from a forgotten one.
TOKEN_LAST_USED_PRECISION = dt.timedelta(minutes=1)
# Tokens we issue are ~46 characters; anything far longer is not ours and is not hashed.
MAX_TOKEN_LENGTH = 200


def memberships_of(user: User) -> list[Membership]:
    """The user's memberships, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_huoban_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user).select_related("region", "site", "organisation")
        )
        user._huoban_memberships = cached  # type: ignore[attr-defined]
    return cached


def roles_of(user: User) -> set[str]:
    return {m.role for m in memberships_of(user)}


def has_any_role(user: User, roles: Iterable[str]) -> bool:
    return bool(roles_of(user) & set(roles))


def holds_role_over(
    user: User,
    roles: Iterable[str],
    *,
    region_path: str | None = None,
    site_id: int | None = None,
    anywhere: bool = False,
) -> bool:
    """Whether the user holds one of ``roles`` over a region path or a site.

    A region membership covers every path below it; with ``anywhere`` any membership of
    those roles counts (for things without a place, such as the organisation register).
    """
    wanted = set(roles)
    for m in memberships_of(user):
        if m.role not in wanted:
            continue
        if anywhere:
            return True
        if m.region is not None and region_path and region_path.startswith(m.region.path):
            return True
        if m.site_id is not None and site_id is not None and m.site_id == site_id:
            return True
    return False


def holds_role_at_site(user: User, roles: Iterable[str], site: Any) -> bool:
    """Whether the user holds one of ``roles`` at ``site`` or over a region above it."""
    return holds_role_over(user, roles, region_path=site.region_path, site_id=site.pk)


def scope_q(
    user: User,
    roles: Iterable[str],
    *,
    site_field: str | None,
    region_path_field: str | None,
    organisation_field: str | None = None,
) -> Q:
    """A filter matching rows inside the scopes the user holds with any of ``roles``.

    ``site_field`` names the lookup to a site id, ``region_path_field`` the lookup to the
    row's region path (a region scope covers its subtree). Matches nothing when the user
    holds none of the roles.
    """
    wanted = set(roles)
    q = Q(pk__in=[])
    for m in memberships_of(user):
        if m.role not in wanted:
            continue
        if m.site_id and site_field:
            q |= Q(**{site_field: m.site_id})
        elif m.region is not None and region_path_field:
            q |= Q(**{f"{region_path_field}__under": m.region.path})
        elif m.organisation_id and organisation_field:
            q |= Q(**{organisation_field: m.organisation_id})
    return q


def regions_in_scope(user, roles: Iterable[str]) -> QuerySet[Region]:
    """Regions of every level inside the user's region scopes for ``roles``."""
    return Region.objects.filter(scope_q(user, roles, site_field=None, region_path_field="path"))


def regions_for(user, roles: Iterable[str]) -> QuerySet[Region]:
    """City, district and street regions inside the user's region scopes for ``roles``."""
    return regions_in_scope(user, roles).filter(level__in=PROGRAMME_LEVELS)


def top_region(user, roles: Iterable[str]) -> Region | None:
    """The highest region the user holds one of ``roles`` over (the first by code among
    equals): where the progress page, the dashboard and the API open."""
    wanted = set(roles)
    found = [m.region for m in memberships_of(user) if m.role in wanted and m.region]
    return min(found, key=lambda r: (len(r.path), r.path), default=None)


def streets_in_region_scopes(user, wanted: Iterable[str]) -> QuerySet[Region]:
    """Streets inside the region scopes the user holds with one of ``wanted``."""
    return Region.objects.filter(
        scope_q(user, wanted, site_field=None, region_path_field="path"),
        level=RegionLevel.STREET,
    )


def members_for(user: User, roles: Iterable[str]) -> QuerySet[Membership]:
    """Memberships the user may see: those whose scope lies inside one of theirs."""
    return Membership.objects.filter(
        scope_q(user, roles, site_field="site_id", region_path_field="region__path")
        | scope_q(user, roles, site_field=None, region_path_field="site__region__path")
    ).select_related("user", "region", "site", "organisation")


def api_token_user(token: str) -> User | None:
    """The active user behind a presented API token, or None.

    Only hashes are stored, so the token is hashed and looked up; revoked tokens and
    deactivated users give None. Notes the token's last use (at most once a minute) with a
    bare UPDATE: bookkeeping, not a change anyone made, so it is not audited.
    """
    token = token.strip()
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    found = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=Invitation.hash_token(token), revoked_at__isnull=True)
        .first()
    )
    if found is None or not found.user.is_active:
        return None
    now = timezone.now()
    if found.last_used_at is None or now - found.last_used_at >= TOKEN_LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.user


def elder_links_held_by(user: User) -> list[ElderLink]:
    """The links the user holds: their active links to elders, through which they act (as
    the elder, or for a family member), cached for the request. (``elder_links_for`` is
    what the user may *see*: also the family links others hold to the user's own record.)"""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_huoban_elder_links", None)
    if cached is None:
        cached = list(
            ElderLink.objects.filter(user=user, revoked_at__isnull=True)
            .select_related("elder")
            .order_by("-relation", "created_at", "id")  # "self" sorts after "family"
        )
        user._huoban_elder_links = cached  # type: ignore[attr-defined]
    return cached


def elder_links_for(user: User) -> QuerySet[ElderLink]:
    """Active links the user may see: those they hold (``elder_links_held_by``), and the
    family links to an elder whose own account they hold (an elder sees who acts for
    them), with the elder."""
    if not getattr(user, "is_authenticated", False):
        return ElderLink.objects.none()
    own_elders = ElderLink.objects.filter(
        user=user, relation=LinkRelation.SELF, revoked_at__isnull=True
    ).values("elder_id")
    return ElderLink.objects.filter(
        Q(user=user) | Q(elder_id__in=own_elders, relation=LinkRelation.FAMILY),
        revoked_at__isnull=True,
    ).select_related("elder")


def acts_for(user: User, elder: Any) -> str | None:
    """How the user may act for ``elder``: "self", "family" or None."""
    for link in elder_links_held_by(user):
        if link.elder_id == elder.pk:
            return link.relation
    return None
