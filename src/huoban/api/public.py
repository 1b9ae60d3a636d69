"""Public endpoints: the division tree and the sites in service. No token needed."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from huoban.api.errors import not_found
from huoban.api.schemas import (
    PUBLIC_ERRORS,
    RegionOut,
    SiteDetailOut,
    SiteFilters,
    SiteListOut,
    Text,
    region_out,
    site_out,
    week_out,
)
from huoban.regions.models import Region, RegionLevel
from huoban.regions.selectors import regions_public
from huoban.sites.models import Site
from huoban.sites.selectors import (
    desk_hours,
    filter_sites,
    nearest_rows,
    open_at_q,
    services_public,
    site_rows,
    sites_public,
    sites_with_total,
)

router = Router(tags=["公开数据"])

# With ``lat``/``lng`` every matching site is listed, nearest first, however far: half the
# earth's circumference is the search radius at which the selector has seen them all.
WHOLE_EARTH_M = 20_100_000


class RegionFilters(Schema):
    level: RegionLevel | None = Field(None, description="只列这一层级")
    parent: Text | None = Field(None, description="只列这个区划代码的直接下级")


def _region_or_404(code: str) -> Region:
    region = regions_public().select_related("parent").filter(code=code).first()
    if region is None:
        raise not_found(_("没有区划代码为“%(code)s”的区划。") % {"code": code})
    return region


@router.get(
    "/regions",
    response={200: list[RegionOut], **PUBLIC_ERRORS},
    summary="行政区划列表",
)
def region_list(request: HttpRequest, filters: Query[RegionFilters]) -> list[dict[str, Any]]:
    """The division tree, in path order (each region after its parent)."""
    qs = regions_public().select_related("parent")
    if filters.parent:
        qs = qs.filter(parent=_region_or_404(filters.parent))
    if filters.level:
        qs = qs.filter(level=filters.level)
    return [region_out(r) for r in qs]


@router.get("/regions/{code}", response={200: RegionOut, **PUBLIC_ERRORS}, summary="一个行政区划")
def region_detail(request: HttpRequest, code: Text) -> dict[str, Any]:
    return region_out(_region_or_404(code))


def _regions_by_code(district: str | None, street: str | None) -> list[Region]:
    """Both filter regions in one query; an unknown or wrong-level code is 404."""
    wanted = {
        code: level
        for code, level in ((district, RegionLevel.DISTRICT), (street, RegionLevel.STREET))
        if code
    }
    if not wanted:
        return []
    found = {r.code: r for r in regions_public().filter(code__in=wanted)}
    for code, level in wanted.items():
        if code not in found or found[code].level != level:
            raise not_found(
                _("没有区划代码为“%(code)s”的%(level)s。") % {"code": code, "level": level.label}
            )
    return list(found.values())


def _rows(qs: QuerySet[Site], filters: SiteFilters, now: dt.datetime) -> tuple[int, list]:
    """The total and one page of rows, everything an item shows loaded in a fixed number
    of queries."""
    loaded = qs.select_related("region").prefetch_related("services")
    origin = filters.origin
    if origin is None:
        sites, count = sites_with_total(loaded, filters.offset, filters.limit)
        return count, site_rows(sites, now)
    count = qs.count()
    limit = min(filters.limit, count - filters.offset)
    if limit <= 0:
        return count, []
    rows = nearest_rows(
        loaded, origin, now, limit=limit, offset=filters.offset, max_radius_m=WHOLE_EARTH_M
    )
    return count, rows


@router.get(
    "/sites",
    response={200: SiteListOut, **PUBLIC_ERRORS},
    summary="站点列表",
)
def site_list(request: HttpRequest, filters: Query[SiteFilters]) -> dict[str, Any]:
    """Sites in service, filtered; with ``lat`` and ``lng``, nearest first with ``walking_m``."""
    now = timezone.now()
    qs = sites_public()
    for region in _regions_by_code(filters.district, filters.street):
        qs = filter_sites(qs, region=region)
    if filters.service:
        if not services_public().filter(code=filters.service).exists():
            raise not_found(_("没有代码为“%(code)s”的服务项目。") % {"code": filters.service})
        qs = filter_sites(qs, service=filters.service)
    if filters.open_now is not None:
        qs = qs.filter(open_at_q(now)) if filters.open_now else qs.exclude(open_at_q(now))
    count, rows = _rows(qs, filters, now)
    return {"count": count, "items": [site_out(row) for row in rows]}


@router.get(
    "/sites/{public_id}",
    response={200: SiteDetailOut, **PUBLIC_ERRORS},
    summary="一个站点，含本周开放时间",
)
def site_detail(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    now = timezone.now()
    today = timezone.localdate(now)
    qs = sites_public().select_related("region").prefetch_related("services")
    site = qs.filter(public_id=public_id).first()
    if site is None:
        raise not_found(_("没有找到这个站点，它可能已经暂停或停止服务。"))
    hours = desk_hours([site.pk], today)
    (row,) = site_rows([site], now, hours=hours)
    week = hours[site.pk].week(today)
    return {**site_out(row), "description": site.description, "week": week_out(week)}
