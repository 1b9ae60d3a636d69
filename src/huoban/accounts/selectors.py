"""Reading who holds which role where."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from huoban.accounts.models import Membership, User


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
        elif m.region_id and region_path_field:
            q |= Q(**{f"{region_path_field}__startswith": m.region.path})
        elif m.organisation_id and organisation_field:
            q |= Q(**{organisation_field: m.organisation_id})
    return q


def members_for(user: User, roles: Iterable[str]) -> QuerySet[Membership]:
    """Memberships the user may see: those whose scope lies inside one of theirs."""
    return Membership.objects.filter(
        scope_q(user, roles, site_field="site_id", region_path_field="region__path")
        | scope_q(user, roles, site_field=None, region_path_field="site__region__path")
    ).select_related("user", "region", "site", "organisation")
