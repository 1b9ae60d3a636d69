"""Reading sites: the public network, and each user's scoped part of it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from huoban.accounts.selectors import scope_q
from huoban.lib.geo import bounding_box, walking_m
from huoban.regions.models import Region
from huoban.sites.hours import LOOKAHEAD_DAYS, DeskHours, OpenState
from huoban.sites.models import DeskException, DeskPeriod, Organisation, Site, SiteStatus


def sites_public() -> QuerySet[Site]:
    """Sites an older person can visit: those in service."""
    return Site.objects.filter(status=SiteStatus.ACTIVE)


def sites_for(user, roles: Iterable[str]) -> QuerySet[Site]:
    """Every site inside a scope the user holds with one of ``roles`` (any status)."""
    return Site.objects.filter(
        scope_q(user, roles, site_field="pk", region_path_field="region_path")
    )


def organisations_for(user, roles: Iterable[str]) -> QuerySet[Organisation]:
    """Organisations the user may see: a region scope sees those running sites in it."""
    own = scope_q(
        user,
        roles,
        site_field="sites__pk",
        region_path_field="sites__region_path",
        organisation_field="pk",
    )
    return Organisation.objects.filter(pk__in=Organisation.objects.filter(own).values("pk"))


def with_hours(qs: QuerySet[Site], today: dt.date | None = None) -> QuerySet[Site]:
    """Prefetch the periods and the exceptions that matter from ``today`` on."""
    today = today or timezone.localdate()
    window = DeskException.objects.filter(
        date__gte=today - dt.timedelta(days=7), date__lte=today + dt.timedelta(days=LOOKAHEAD_DAYS)
    )
    return qs.prefetch_related(
        Prefetch("desk_periods", queryset=DeskPeriod.objects.order_by("weekday", "start")),
        Prefetch("desk_exceptions", queryset=window),
    )


def open_at_q(now: dt.datetime) -> Q:
    """A filter for sites whose desk is open at ``now``, computed in the database."""
    local = timezone.localtime(now)
    day, t = local.date(), local.time().replace(tzinfo=None)
    exc = DeskException.objects.filter(site=OuterRef("pk"), date=day)
    weekly = DeskPeriod.objects.filter(
        site=OuterRef("pk"), weekday=day.weekday(), start__lte=t, end__gt=t
    )
    return Q(~Exists(exc), Exists(weekly)) | Q(
        Exists(exc.filter(kind="open", start__lte=t, end__gt=t))
    )


def filter_sites(
    qs: QuerySet[Site],
    *,
    region: Region | None = None,
    service: str | None = None,
    text: str | None = None,
    level: int | None = None,
    venue_type: str | None = None,
    status: str | None = None,
) -> QuerySet[Site]:
    if region is not None:
        qs = qs.filter(region_path__startswith=region.path)
    if service:
        qs = qs.filter(services__code=service)
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(address__icontains=text))
    if level:
        qs = qs.filter(
            Q(level_certified=level) | Q(level_certified__isnull=True, level_claimed=level)
        )
    if venue_type:
        qs = qs.filter(venue_type=venue_type)
    if status:
        qs = qs.filter(status=status)
    return qs


@dataclass
class SiteRow:
    site: Site
    state: OpenState
    walking_m: int | None = None


def site_rows(
    sites: Iterable[Site], now: dt.datetime, origin: tuple[float, float] | None = None
) -> list[SiteRow]:
    """Sites (with hours prefetched) and their open state, and distance from ``origin``."""
    rows = []
    for site in sites:
        dist = None
        if origin is not None:
            dist = walking_m(origin[0], origin[1], float(site.latitude), float(site.longitude))
        rows.append(SiteRow(site, DeskHours.for_site(site).state_at(now), dist))
    return rows


def nearest_site_ids(
    qs: QuerySet[Site], lat: float, lng: float, limit: int, max_radius_m: float = 50_000
) -> list[tuple[int, int]]:
    """The ``limit`` nearest sites of ``qs`` to a point: ``[(site_id, walking_m), ...]``.

    Searches a growing box on the indexed coordinates; a box of half-side r holds every
    site within r, so once ``limit`` sites lie within r the answer is exact.
    """
    radius = 1_000.0
    while True:
        min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, radius)
        candidates = qs.filter(
            latitude__gte=min_lat,
            latitude__lte=max_lat,
            longitude__gte=min_lng,
            longitude__lte=max_lng,
        ).values_list("pk", "latitude", "longitude")
        scored = sorted(
            (walking_m(lat, lng, float(la), float(lo)), pk) for pk, la, lo in candidates
        )
        within = [(pk, d) for d, pk in scored if d <= radius * 1.3]
        if len(within) >= limit or radius >= max_radius_m:
            return within[:limit]
        radius *= 3


def street_centre(street: Region) -> tuple[float, float] | None:
    """The street's recorded centre, else the mean position of its sites."""
    if street.latitude is not None and street.longitude is not None:
        return float(street.latitude), float(street.longitude)
    coords = list(
        Site.objects.filter(region_path__startswith=street.path).values_list(
            "latitude", "longitude"
        )
    )
    if not coords:
        return None
    return (
        sum(float(a) for a, _b in coords) / len(coords),
        sum(float(b) for _a, b in coords) / len(coords),
    )
