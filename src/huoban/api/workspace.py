"""Staff endpoints: a token acts with its user's roles and scopes.

As in the workspace pages: no suitable role anywhere is 403 (checked by the auth, first);
a site outside the scopes of those roles is 404 (its existence is not disclosed).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router

from huoban.accounts import roles
from huoban.accounts.selectors import memberships_of
from huoban.api.auth import ApiTokenAuth, request_user
from huoban.api.errors import ApiValidationError, not_found
from huoban.api.schemas import (
    AUTH_ERRORS,
    BODY_ERRORS,
    ErrorOut,
    MeOut,
    PeriodIn,
    WeeklyPeriodOut,
    WorkspaceSiteDetailOut,
    WorkspaceSiteFilters,
    WorkspaceSiteListOut,
    me_out,
    weekly_out,
    workspace_site_detail_out,
    workspace_site_out,
)
from huoban.sites.hours import DeskHours
from huoban.sites.models import Site
from huoban.sites.selectors import filter_sites, site_rows, sites_for, with_hours
from huoban.sites.services import desk_hours_set

router = Router(tags=["工作台"], auth=ApiTokenAuth())
site_viewers = ApiTokenAuth(roles.SITE_VIEW, gettext_lazy("您的账号没有查看站点的权限。"))
site_editors = ApiTokenAuth(roles.SITE_EDIT, gettext_lazy("您的账号没有修改站点的权限。"))


def _scoped_site(qs: QuerySet[Site], public_id: UUID) -> Site:
    site = qs.filter(public_id=public_id).first()
    if site is None:
        raise not_found(_("没有找到这个站点，或它不在您的管理范围内。"))
    return site


@router.get(
    "/sites",
    response={200: WorkspaceSiteListOut, **AUTH_ERRORS},
    auth=site_viewers,
    summary="我管理范围内的站点",
)
def site_list(request: HttpRequest, filters: Query[WorkspaceSiteFilters]) -> dict[str, Any]:
    """Every site in the caller's scopes, whatever its status."""
    user = request_user(request)
    qs = filter_sites(sites_for(user, roles.SITE_VIEW), status=filters.status, text=filters.q)
    page = qs.select_related("region", "organisation")[
        filters.offset : filters.offset + filters.limit
    ]
    return {"count": qs.count(), "items": [workspace_site_out(s) for s in page]}


@router.get(
    "/sites/{public_id}",
    response={200: WorkspaceSiteDetailOut, **AUTH_ERRORS},
    auth=site_viewers,
    summary="一个站点（工作台）",
)
def site_detail(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    user = request_user(request)
    now = timezone.now()
    qs = with_hours(sites_for(user, roles.SITE_VIEW), timezone.localdate(now))
    site = _scoped_site(
        qs.select_related("region", "organisation").prefetch_related("services"), public_id
    )
    (row,) = site_rows([site], now, hours={site.pk: DeskHours.for_site(site)})
    return workspace_site_detail_out(row)


@router.put(
    "/sites/{public_id}/hours",
    response={200: list[WeeklyPeriodOut], **BODY_ERRORS},
    auth=site_editors,
    summary="设置每周咨询时段",
)
def site_hours_set(
    request: HttpRequest, public_id: UUID, periods: list[PeriodIn]
) -> list[dict[str, Any]]:
    """Replace the site's weekly desk periods with the ones sent (an empty list clears them).

    Periods must end after they start and must not overlap on one day; otherwise nothing is
    saved and the reasons are listed.
    """
    user = request_user(request)
    site = _scoped_site(sites_for(user, roles.SITE_EDIT), public_id)
    try:
        created = desk_hours_set(actor=user, site=site, periods=[p.as_tuple() for p in periods])
    except ValidationError as exc:
        raise ApiValidationError(
            exc.messages, detail=_("咨询时段没有保存：%(why)s") % {"why": "".join(exc.messages)}
        ) from None
    return weekly_out(created)


@router.get("/me", response={200: MeOut, 401: ErrorOut}, summary="令牌所属的账号和角色")
def me(request: HttpRequest) -> dict[str, Any]:
    user = request_user(request)
    return me_out(user, memberships_of(user))
