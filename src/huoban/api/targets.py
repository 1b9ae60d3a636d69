"""Target progress over the API: each child region's targets, done, rate, forecast, status."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema

from huoban.accounts import roles
from huoban.accounts.selectors import regions_for, top_region
from huoban.api.auth import ApiTokenAuth, request_user
from huoban.api.errors import not_found
from huoban.api.schemas import AUTH_ERRORS, Text
from huoban.records.selectors import PersonTimesByChild
from huoban.targets.models import MAX_YEAR, MIN_YEAR
from huoban.targets.selectors import Cell, progress_table

router = Router(tags=["指标进度"])
viewers = ApiTokenAuth(roles.TARGETS_VIEW, gettext_lazy("您的账号没有查看指标进度的权限。"))


class ProgressFilters(Schema):
    region: Text | None = Field(None, description="区划代码；不填为您管理范围的最高一级")
    year: int | None = Field(None, ge=MIN_YEAR, le=MAX_YEAR, description="年度；不填为今年")
    measure: str = Field(
        "both", pattern="^(help|training|both)$", description="help、training 或 both"
    )


class CellOut(Schema):
    target: int | None = Field(description="指标（人次）；没有设定为 null")
    done: int = Field(description="截至今天（不晚于期限）已完成的人次")
    deadline: dt.date
    rate: float | None = Field(description="完成率，0–1 以上")
    forecast_total: int | None = Field(description="按目前进度到期限时预计完成的人次")
    forecast_date: dt.date | None = Field(description="按目前进度预计达到指标的日期")
    status: str | None = Field(description="not_started、done、on_track、behind 或 missed")
    status_label: str | None


class RowOut(Schema):
    code: str
    name: str
    total: bool = Field(description="合计行")
    half: CellOut
    year: CellOut


class ProgressOut(Schema):
    region: str
    name: str
    year: int
    rows: list[RowOut]


def _cell(cell: Cell) -> dict[str, Any]:
    p = cell.progress
    return {
        "target": cell.target,
        "done": cell.done,
        "deadline": cell.deadline,
        "rate": cell.rate,
        "forecast_total": p.forecast_total if p else None,
        "forecast_date": p.forecast_date if p else None,
        "status": str(p.status) if p else None,
        "status_label": p.label if p else None,
    }


@router.get(
    "/progress",
    response={200: ProgressOut, **AUTH_ERRORS},
    auth=viewers,
    summary="指标完成进度",
)
def progress(request: HttpRequest, filters: Query[ProgressFilters]) -> dict[str, Any]:
    """Half-year and annual targets of a region's children (a district's streets), with
    what is done, the completion rate, the run-rate forecast and a status; and a total."""
    user = request_user(request)
    if filters.region:
        region = regions_for(user, roles.TARGETS_VIEW).filter(code=filters.region).first()
    else:
        region = top_region(user, roles.TARGETS_VIEW)
    if region is None:
        raise not_found(
            _("没有区划代码为“%(code)s”的区划，或它不在您的管理范围内。")
            % {"code": filters.region or ""}
        )
    today = timezone.localdate()
    year = filters.year or today.year
    rows = progress_table(
        region, year, count_done=PersonTimesByChild(region), today=today, measure=filters.measure
    )
    return {
        "region": region.code,
        "name": region.name,
        "year": year,
        "rows": [
            {
                "code": row.region.code,
                "name": row.region.name,
                "total": row.is_total,
                "half": _cell(row.half),
                "year": _cell(row.year),
            }
            for row in rows
        ],
    }
