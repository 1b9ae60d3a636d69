"""Reading regions: the public division tree. (A user's regions — ``regions_for`` and the
like — are read through their memberships, in ``accounts.selectors``.)"""

from __future__ import annotations

from django.db.models import QuerySet

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


def programme_children(region: Region) -> QuerySet[Region]:
    """The regions a target is split among: the districts of a city, the streets of a
    district (by code)."""
    return Region.objects.filter(parent=region, level__in=PROGRAMME_LEVELS).order_by("code")
