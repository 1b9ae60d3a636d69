"""Reading regions."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from huoban.accounts.selectors import memberships_of, scope_q
from huoban.regions.models import Region, RegionLevel

# The levels targets, progress and dashboards are kept at (not neighbourhoods).
PROGRAMME_LEVELS = (RegionLevel.CITY, RegionLevel.DISTRICT, RegionLevel.STREET)


def regions_public() -> QuerySet[Region]:
    """Every region: the division tree is public information."""
    return Region.objects.all()


def regions_within(region: Region, *, level: str | None = None) -> QuerySet[Region]:
    """``region`` and everything below it, optionally only one level."""
    qs = Region.objects.filter(path__under=region.path)
    if level:
        qs = qs.filter(level=level)
    return qs


def streets_of(district: Region) -> QuerySet[Region]:
    return regions_within(district, level=RegionLevel.STREET)


def regions_for(user, roles: Iterable[str]) -> QuerySet[Region]:
    """City, district and street regions inside the user's region scopes for ``roles``."""
    return Region.objects.filter(
        scope_q(user, roles, site_field=None, region_path_field="path"),
        level__in=PROGRAMME_LEVELS,
    )


def top_region(user, roles: Iterable[str]) -> Region | None:
    """The highest region the user holds one of ``roles`` over (the first by code among
    equals): where the progress page, the dashboard and the API open."""
    wanted = set(roles)
    found = [m.region for m in memberships_of(user) if m.role in wanted and m.region]
    return min(found, key=lambda r: (len(r.path), r.path), default=None)


def programme_children(region: Region) -> QuerySet[Region]:
    """The regions a target is split among: the districts of a city, the streets of a
    district (by code)."""
    return Region.objects.filter(parent=region, level__in=PROGRAMME_LEVELS).order_by("code")


def streets_in_region_scopes(user, wanted: Iterable[str]) -> QuerySet[Region]:
    """Streets inside the region scopes the user holds with one of ``wanted``."""
    return Region.objects.filter(
        scope_q(user, wanted, site_field=None, region_path_field="path"),
        level=RegionLevel.STREET,
    )
