"""Request and response shapes of API v1, and the functions that fill them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Self
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, GetJsonSchemaHandler, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from huoban.accounts.models import ROLE_SCOPE, Membership, Role, User
from huoban.lib.when import in_years, weekday_name, years_error
from huoban.regions.models import Region, RegionLevel
from huoban.sites.hours import Period
from huoban.sites.models import DeskPeriod, Site, SiteLevel, SiteStatus
from huoban.sites.selectors import SiteRow

# --- Errors -----------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str = Field(description="给人看的中文说明", examples=["没有找到这个站点。"])


class ValidationErrorOut(Schema):
    detail: str = Field(description="给人看的中文说明")
    errors: list[str] = Field(default_factory=list, description="逐条列出的问题")


# The errors each kind of operation can answer with (declared, so a client knows them all):
# 404 for an unknown or out-of-scope object, 422 for a value that breaks the rules;
# with a token also 401 (no valid token) and 403 (no suitable role); with a JSON body also
# 400 (the body is not JSON at all).
PUBLIC_ERRORS: dict[int, type[Schema]] = {404: ErrorOut, 422: ValidationErrorOut}
AUTH_ERRORS: dict[int, type[Schema]] = {
    401: ErrorOut,
    403: ErrorOut,
    **PUBLIC_ERRORS,
}
BODY_ERRORS: dict[int, type[Schema]] = {400: ErrorOut, **AUTH_ERRORS}

# --- Text -------------------------------------------------------------------------------------

# A NUL character cannot be stored in (or even compared with) a PostgreSQL text column, and
# a lone surrogate cannot be encoded for any database: such text is refused with a 422 before
# it reaches a query, instead of failing there with a 500.
NO_NUL_PATTERN = "^[^\\x00]*$"


def _storable(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("huoban_nul", _("不能含有空字符（\\x00）"))
    if any("\ud800" <= c <= "\udfff" for c in value):
        raise PydanticCustomError("huoban_surrogate", _("含有无法识别的字符"))
    return value


class DocumentedPattern:
    """States a rule in the OpenAPI schema as a ``pattern`` (so clients and generated tests
    know it) while a validator checks it with a message that says what is wrong, rather than
    pydantic's "should match pattern"."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["pattern"] = self.pattern
        return json_schema


Text = Annotated[str, AfterValidator(_storable), DocumentedPattern(NO_NUL_PATTERN)]


def _in_years(value: dt.datetime) -> dt.datetime:
    if not in_years(value):
        raise PydanticCustomError("huoban_years", years_error())
    return value


# A moment sent in a request body: within the programme's years, which also keeps the date
# arithmetic of the services (local dates, a day on) away from the calendar's ends.
Moment = Annotated[dt.datetime, AfterValidator(_in_years)]

# --- Pagination -------------------------------------------------------------------------------


# The furthest a list can be paged: far beyond any real list, and well inside the 64-bit
# integers a database accepts for OFFSET (a larger number was a 500, not a 422).
MAX_OFFSET = 1_000_000


def offset_field() -> Any:
    return Field(0, ge=0, le=MAX_OFFSET, description=f"跳过前面多少条，0–{MAX_OFFSET:,}，默认 0")


class PageIn(Schema):
    limit: int = Field(20, ge=1, le=100, description="每页条数，1–100，默认 20")
    offset: int = offset_field()


# --- Regions ----------------------------------------------------------------------------------


class RegionOut(Schema):
    code: str = Field(examples=["310107005"])
    name: str = Field(examples=["曹杨新村街道"])
    level: RegionLevel
    parent_code: str | None


class RegionRef(Schema):
    code: str
    name: str


def region_out(region: Region) -> dict[str, Any]:
    """``region`` with its parent selected (or None)."""
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "parent_code": region.parent.code if region.parent else None,
    }


# --- Sites (public) ---------------------------------------------------------------------------


class SiteFilters(PageIn):
    district: Text | None = Field(None, description="区的区划代码，如 310107000")
    street: Text | None = Field(None, description="街镇的区划代码，如 310107005")
    service: Text | None = Field(None, description="服务项目代码，如 help_desk、medical")
    open_now: bool | None = Field(
        None, description="true 只列正在开放的站点，false 只列此刻不开放的站点"
    )
    lat: float | None = Field(None, ge=-90, le=90, description="纬度（WGS-84），与 lng 一起给出")
    lng: float | None = Field(None, ge=-180, le=180, description="经度（WGS-84），与 lat 一起给出")

    @model_validator(mode="after")
    def _both_or_neither(self) -> Self:
        if (self.lat is None) != (self.lng is None):
            raise PydanticCustomError(
                "huoban_near", _("按距离排序需要同时提供纬度 lat 和经度 lng，现在只给了一个。")
            )
        return self

    @property
    def origin(self) -> tuple[float, float] | None:
        if self.lat is None or self.lng is None:
            return None
        return self.lat, self.lng


class SiteOut(Schema):
    public_id: UUID
    name: str
    venue_type: str = Field(examples=["community_centre"])
    venue_type_label: str = Field(examples=["社区综合为老服务中心"])
    level: int = Field(description="认定等级；尚未认定时为申报等级", examples=[1])
    level_label: str
    certified: bool = Field(description="等级是否已经认定")
    address: str
    latitude: float = Field(description="纬度（WGS-84）")
    longitude: float = Field(description="经度（WGS-84）")
    phone: str
    region: RegionRef = Field(description="所属街镇")
    services: list[str] = Field(description="服务项目代码")
    open_now: bool
    closes_at: dt.datetime | None = Field(description="正在开放时：本时段结束的时刻")
    next_open: dt.datetime | None = Field(description="不开放时：下一次开放的时刻（60 天内）")
    walking_m: int | None = Field(None, description="给出 lat/lng 时：估计步行距离（米）")


class SiteListOut(Schema):
    count: int = Field(description="符合条件的站点总数")
    items: list[SiteOut]


class PeriodOut(Schema):
    start: str = Field(examples=["09:00"])
    end: str = Field(examples=["12:00"])


class OpeningDayOut(Schema):
    date: dt.date
    weekday: int = Field(description="0 = 周一 … 6 = 周日")
    weekday_label: str
    periods: list[PeriodOut]
    note: str = Field(description="这一天有特别安排时的说明（如节假日闭馆）")


class SiteDetailOut(SiteOut):
    description: str
    week: list[OpeningDayOut] = Field(description="本周一到周日每天的开放时段（已计入例外日期）")


def _hhmm(t: dt.time) -> str:
    return f"{t:%H:%M}"


def period_out(p: Period | DeskPeriod) -> dict[str, str]:
    return {"start": _hhmm(p.start), "end": _hhmm(p.end)}


def site_out(row: SiteRow) -> dict[str, Any]:
    """A public site item; the site needs region, services and hours loaded."""
    site = row.site
    return {
        "public_id": site.public_id,
        "name": site.name,
        "venue_type": site.venue_type,
        "venue_type_label": str(site.get_venue_type_display()),
        "level": site.level,
        "level_label": str(SiteLevel(site.level).label),
        "certified": site.is_certified,
        "address": site.address,
        "latitude": float(site.latitude),
        "longitude": float(site.longitude),
        "phone": site.phone,
        "region": {"code": site.region.code, "name": site.region.name},
        "services": [s.code for s in site.services.all()],
        "open_now": row.state.is_open,
        "closes_at": row.state.closes_at,
        "next_open": row.state.next_open,
        "walking_m": row.walking_m,
    }


def week_out(week: list[tuple[dt.date, list[Period], str]]) -> list[dict[str, Any]]:
    return [
        {
            "date": day,
            "weekday": day.weekday(),
            "weekday_label": weekday_name(day.weekday()),
            "periods": [period_out(p) for p in periods],
            "note": note,
        }
        for day, periods, note in week
    ]


# --- Workspace --------------------------------------------------------------------------------


class WorkspaceSiteFilters(PageIn):
    status: SiteStatus | None = Field(None, description="按状态筛选")
    q: Text | None = Field(None, max_length=100, description="按名称或地址搜索")


class OrganisationRef(Schema):
    public_id: UUID
    name: str


class WorkspaceSiteOut(Schema):
    public_id: UUID
    name: str
    status: SiteStatus
    status_label: str
    venue_type: str
    venue_type_label: str
    level_claimed: int
    level_certified: int | None
    address: str
    phone: str
    latitude: float
    longitude: float
    region: RegionRef
    organisation: OrganisationRef
    updated_at: dt.datetime


class WorkspaceSiteListOut(Schema):
    count: int
    items: list[WorkspaceSiteOut]


class WeeklyPeriodOut(Schema):
    weekday: int = Field(description="0 = 周一 … 6 = 周日")
    weekday_label: str
    start: str = Field(examples=["09:00"])
    end: str = Field(examples=["12:00"])


class WorkspaceSiteDetailOut(WorkspaceSiteOut):
    description: str
    services: list[str]
    hours: list[WeeklyPeriodOut] = Field(description="每周的咨询时段")
    open_now: bool
    closes_at: dt.datetime | None
    next_open: dt.datetime | None


HOUR_MINUTE = "^([01][0-9]|2[0-3]):[0-5][0-9]$"


def _time_of(value: str) -> str:
    """ "HH:MM" with a real hour and minute, in ASCII digits (``int`` would also take " 9",
    "+9" and other scripts' digits); the message is what the caller sees."""
    if not re.fullmatch(HOUR_MINUTE, value, re.ASCII):
        raise PydanticCustomError(
            "huoban_time",
            _("时间应写成“时:分”（24 小时制），例如 09:00、17:30；收到的是“{value}”。"),
            {"value": value},
        )
    return value


HourMinute = Annotated[
    str,
    AfterValidator(_storable),
    AfterValidator(_time_of),
    DocumentedPattern(HOUR_MINUTE),
]


class PeriodIn(Schema):
    weekday: int = Field(ge=0, le=6, description="0 = 周一 … 6 = 周日")
    start: HourMinute = Field(description="开始时间，HH:MM", examples=["09:00"])
    end: HourMinute = Field(description="结束时间，HH:MM", examples=["12:00"])

    def as_tuple(self) -> tuple[int, dt.time, dt.time]:
        return (self.weekday, dt.time.fromisoformat(self.start), dt.time.fromisoformat(self.end))


def workspace_site_out(site: Site) -> dict[str, Any]:
    """The site with region and organisation selected."""
    return {
        "public_id": site.public_id,
        "name": site.name,
        "status": site.status,
        "status_label": str(site.get_status_display()),
        "venue_type": site.venue_type,
        "venue_type_label": str(site.get_venue_type_display()),
        "level_claimed": site.level_claimed,
        "level_certified": site.level_certified,
        "address": site.address,
        "phone": site.phone,
        "latitude": float(site.latitude),
        "longitude": float(site.longitude),
        "region": {"code": site.region.code, "name": site.region.name},
        "organisation": {"public_id": site.organisation.public_id, "name": site.organisation.name},
        "updated_at": site.updated_at,
    }


def weekly_out(periods: list[DeskPeriod]) -> list[dict[str, Any]]:
    return [
        {"weekday": p.weekday, "weekday_label": weekday_name(p.weekday), **period_out(p)}
        for p in sorted(periods, key=lambda p: (p.weekday, p.start))
    ]


def workspace_site_detail_out(row: SiteRow) -> dict[str, Any]:
    site = row.site
    return {
        **workspace_site_out(site),
        "description": site.description,
        "services": [s.code for s in site.services.all()],
        "hours": weekly_out(list(site.desk_periods.all())),
        "open_now": row.state.is_open,
        "closes_at": row.state.closes_at,
        "next_open": row.state.next_open,
    }


class ScopeOut(Schema):
    kind: str = Field(description="none（本人）、site、region 或 organisation")
    kind_label: str
    label: str = Field(examples=["曹杨新村街道"])
    id: str | None = Field(description="站点或单位的 public_id，区划的代码；本人为 null")


class RoleOut(Schema):
    role: Role
    role_label: str
    scope: ScopeOut


class MeOut(Schema):
    public_id: UUID
    name: str
    mobile: str = Field(description="打码后的手机号码", examples=["139****0100"])
    roles: list[RoleOut]


def _scope_id(m: Membership) -> str | None:
    if m.site:
        return str(m.site.public_id)
    if m.region:
        return m.region.code
    if m.organisation:
        return str(m.organisation.public_id)
    return None


def me_out(user: User, memberships: list[Membership]) -> dict[str, Any]:
    roles = []
    for m in memberships:
        kind = ROLE_SCOPE[Role(m.role)]
        roles.append(
            {
                "role": m.role,
                "role_label": str(m.get_role_display()),
                "scope": {
                    "kind": kind.value,
                    "kind_label": str(kind.label),
                    "label": m.scope_label,
                    "id": _scope_id(m),
                },
            }
        )
    return {
        "public_id": user.public_id,
        "name": user.name,
        "mobile": user.masked_mobile,
        "roles": roles,
    }
