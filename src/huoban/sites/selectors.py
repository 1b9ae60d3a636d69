"""Reading sites: the public network, and each user's scoped part of it."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, FloatField, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.expressions import Window
from django.db.models.functions import Cast
from django.utils import timezone

from huoban.accounts.selectors import scope_q
from huoban.lib.geo import bounding_box, walking_m
from huoban.regions.models import Region, RegionLevel
from huoban.sites.hours import LOOKAHEAD_DAYS, DayException, DeskHours, OpenState
from huoban.sites.models import (
    DeskException,
    DeskPeriod,
    Organisation,
    Service,
    Site,
    SiteStatus,
)


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


def organisations_in_scope_or_siteless(user, roles: Iterable[str]) -> QuerySet[Organisation]:
    """Organisations in the user's scopes, and those that run no site yet.

    ``organisations_for`` finds an organisation through its sites, so one just registered
    (or a vendor, which runs none) would be invisible even to the office that keeps the
    register; the views calling this are limited to the register's keepers by role.
    """
    return Organisation.objects.filter(
        Q(pk__in=organisations_for(user, roles).values("pk"))
        | ~Exists(Site.objects.filter(organisation=OuterRef("pk")))
    )


def all_organisations() -> QuerySet[Organisation]:
    """Every registered organisation, whoever asks: the register is programme-wide (a site
    may be run by any of them), so the site forms offer all of it. (The register's own pages
    list ``organisations_in_scope_or_siteless``.)"""
    return Organisation.objects.all()


def streets_with_sites(user, roles: Iterable[str]) -> QuerySet[Region]:
    """Streets holding at least one site the user sees with one of ``roles``."""
    return Region.objects.filter(level=RegionLevel.STREET).filter(
        Exists(sites_for(user, roles).filter(region_path__startswith=OuterRef("path")))
    )


def regions_with_sites(level: str) -> QuerySet[Region]:
    """Districts (or streets) with at least one site in service, by code: the public
    filters offer only places where there is somewhere to go."""
    depth = {"district": 2, "street": 3}[level]
    paths = sites_public().order_by().values_list("region_path", flat=True)
    codes = {p.split("/")[depth - 1] for p in paths.distinct() if p.count("/") >= depth}
    return Region.objects.filter(level=level, code__in=codes).order_by("code")


def services_public(kind: str | None = None) -> QuerySet[Service]:
    """The catalogue of services and help scenarios (public), or those of one ``kind``."""
    qs = Service.objects.all()
    return qs.filter(kind=kind) if kind else qs


def _exception_window(today: dt.date) -> Q:
    """The dated exceptions that matter from ``today`` on (and this week's past days)."""
    return Q(
        date__gte=today - dt.timedelta(days=7), date__lte=today + dt.timedelta(days=LOOKAHEAD_DAYS)
    )


def with_hours(qs: QuerySet[Site], today: dt.date | None = None) -> QuerySet[Site]:
    """Prefetch the periods and the exceptions that matter from ``today`` on.

    For one site's page; lists use :func:`desk_hours`, which builds no model instances.
    """
    today = today or timezone.localdate()
    window = DeskException.objects.filter(_exception_window(today))
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
        qs = qs.filter(region_path__under=region.path)
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


def desk_hours(site_ids: Iterable[int], today: dt.date) -> dict[int, DeskHours]:
    """The desk hours of many sites in two queries, read as plain values."""
    ids = list(site_ids)
    periods: dict[int, list] = {pk: [] for pk in ids}
    exceptions: dict[int, list] = {pk: [] for pk in ids}
    for site_id, *period in (
        DeskPeriod.objects.filter(site_id__in=ids)
        .order_by()
        .values_list("site_id", "weekday", "start", "end")
    ):
        periods[site_id].append(period)
    for site_id, date, kind, start, end, reason in (
        DeskException.objects.filter(_exception_window(today), site_id__in=ids)
        .order_by()
        .values_list("site_id", "date", "kind", "start", "end", "reason")
    ):
        exceptions[site_id].append(DayException(date, kind == "closed", start, end, reason))
    return {pk: DeskHours(periods[pk], exceptions[pk]) for pk in ids}


def site_rows(
    sites: Iterable[Site],
    now: dt.datetime,
    origin: tuple[float, float] | None = None,
    hours: dict[int, DeskHours] | None = None,
) -> list[SiteRow]:
    """Sites with their open state at ``now``, and walking distance from ``origin``.

    Reads the desk hours unless given (a page that also shows the week passes its own).
    """
    sites = list(sites)
    if hours is None:
        hours = desk_hours((s.pk for s in sites), timezone.localdate(now))
    rows = []
    for site in sites:
        dist = None
        if origin is not None:
            dist = walking_m(origin[0], origin[1], float(site.latitude), float(site.longitude))
        rows.append(SiteRow(site, hours[site.pk].state_at(now), dist))
    return rows


def sites_with_total(qs: QuerySet[Site], offset: int, limit: int) -> tuple[list[Site], int]:
    """A slice of ``qs`` and the number of all its rows, from one query (a window count)."""
    items: list[Site] = list(qs.annotate(_total=Window(Count("pk")))[offset : offset + limit])
    if items:
        return items, int(items[0]._total)  # type: ignore[attr-defined]
    return items, qs.count() if offset else 0


def page_of_sites(qs: QuerySet[Site], number: int | str | None, size: int) -> Page:
    """One page of ``qs`` with its total; like ``Paginator.get_page``, a bad number gives
    the first page and a number past the end the last."""
    try:
        wanted = max(1, int(number or 1))
    except (TypeError, ValueError):
        wanted = 1
    items, total = sites_with_total(qs, (wanted - 1) * size, size)
    page = Paginator(range(total), size).get_page(wanted)
    if not items and total:
        items, _total = sites_with_total(qs, (page.number - 1) * size, size)
    page.object_list = items  # type: ignore[assignment]
    return page


def nearest_site_ids(
    qs: QuerySet[Site], lat: float, lng: float, limit: int, max_radius_m: float = 50_000
) -> list[tuple[int, int]]:
    """The ``limit`` nearest sites of ``qs`` to a point: ``[(site_id, walking_m), ...]``.

    Searches a growing box on the indexed coordinates; a box of half-side r holds every
    site within r, so once ``limit`` sites lie within r the answer is exact. The database
    ranks each box by a flat-earth distance (within a few kilometres it orders like the
    great circle) and returns twice ``limit`` candidates, which are ranked exactly here.
    """
    scale = math.cos(math.radians(lat))
    dlat = Cast(F("latitude"), FloatField()) - Value(lat)
    dlng = (Cast(F("longitude"), FloatField()) - Value(lng)) * Value(scale)
    ranked = qs.order_by().annotate(_d2=dlat * dlat + dlng * dlng).order_by("_d2", "pk")
    radius = 1_000.0
    while True:
        min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, radius)
        candidates = ranked.filter(
            latitude__gte=min_lat,
            latitude__lte=max_lat,
            longitude__gte=min_lng,
            longitude__lte=max_lng,
        ).values_list("pk", "latitude", "longitude")[: 2 * limit]
        scored = sorted(
            (walking_m(lat, lng, float(la), float(lo)), pk) for pk, la, lo in candidates
        )
        within = [(pk, d) for d, pk in scored if d <= radius * 1.3]
        if len(within) >= limit or radius >= max_radius_m:
            return within[:limit]
        radius *= 3


def nearest_rows(
    qs: QuerySet[Site],
    origin: tuple[float, float],
    now: dt.datetime,
    *,
    limit: int,
    offset: int = 0,
    max_radius_m: float = 50_000,
) -> list[SiteRow]:
    """Rows ``offset`` to ``offset + limit`` of the sites of ``qs`` nearest to ``origin``.

    Load related rows by giving ``qs`` its ``select_related``/``prefetch_related``.
    """
    ranked = nearest_site_ids(qs, origin[0], origin[1], offset + limit, max_radius_m)[offset:]
    by_id = qs.order_by().in_bulk([pk for pk, _m in ranked])
    return site_rows([by_id[pk] for pk, _m in ranked if pk in by_id], now, origin)


def street_centre(street: Region) -> tuple[float, float] | None:
    """The street's recorded centre, else the mean position of its sites."""
    if street.latitude is not None and street.longitude is not None:
        return float(street.latitude), float(street.longitude)
    coords = list(
        Site.objects.filter(region_path__under=street.path).values_list("latitude", "longitude")
    )
    if not coords:
        return None
    return (
        sum(float(a) for a, _b in coords) / len(coords),
        sum(float(b) for _a, b in coords) / len(coords),
    )
