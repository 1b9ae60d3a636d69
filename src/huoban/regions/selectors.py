"""Reading regions."""

from __future__ import annotations

from django.db.models import QuerySet

from huoban.regions.models import Region, RegionLevel


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
