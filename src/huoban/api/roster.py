"""The duty roster (值班) over the API: a site's week, planning a shift, my shifts.

The same services and scoped selectors as the workspace: no roster role anywhere is 403, a
site outside the caller's scopes is 404, a refused shift is 422 with the reasons.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from huoban.accounts import roles
from huoban.accounts.selectors import holds_role_at_site
from huoban.api.auth import ApiTokenAuth, request_user
from huoban.api.errors import ApiValidationError, not_found
from huoban.api.schemas import AUTH_ERRORS, BODY_ERRORS, ErrorOut, Moment, Text, ValidationErrorOut
from huoban.lib.when import MAX_YEAR, MIN_YEAR, in_years, weekday_name, years_error
from huoban.roster.coverage import DayCoverage, Span, WeekCoverage, shift_words
from huoban.roster.models import RequestKind, Shift, ShiftStatus
from huoban.roster.selectors import (
    my_shifts,
    roster_people,
    week_coverage,
    week_shifts,
    with_open_requests,
)
from huoban.roster.services import shift_create
from huoban.sites.models import Site
from huoban.sites.selectors import sites_for

router = Router(tags=["值班"])
viewers = ApiTokenAuth(roles.ROSTER_VIEW, gettext_lazy("您的账号没有查看值班的权限。"))
editors = ApiTokenAuth(roles.ROSTER_EDIT, gettext_lazy("您的账号没有排班的权限。"))


class WeekQuery(Schema):
    week: dt.date | None = Field(
        None,
        description=f"这一周的任意一天（当地日期，{MIN_YEAR}–{MAX_YEAR} 年）；不填为本周",
        examples=["2026-11-23"],
    )

    @field_validator("week")
    @classmethod
    def _in_years(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and not in_years(value):
            raise PydanticCustomError("huoban_years", years_error())
        return value


class SpanOut(Schema):
    start: str = Field(description="开始，HH:MM", examples=["09:00"])
    end: str = Field(description="结束，HH:MM；到午夜为 24:00", examples=["12:00"])
    label: str = Field(examples=["上午9:00–中午12:00"])


class CoverageDayOut(Schema):
    date: dt.date
    weekday: int = Field(description="0 = 周一 … 6 = 周日")
    weekday_label: str
    note: str = Field(description="这一天例外安排的说明（如节假日闭馆）")
    published: list[SpanOut] = Field(description="公布的开放时段（已计入例外日期）")
    uncovered: list[SpanOut] = Field(description="开放时段中无人值班的时段")
    published_minutes: int
    staffed_minutes: int = Field(description="开放时段中有人值班的分钟数")
    counts: bool = Field(description="计入一级要求：开放满 5 小时且都有人值班")


class PersonRef(Schema):
    public_id: UUID
    name: str


class RequestRef(Schema):
    public_id: UUID
    kind: RequestKind
    kind_label: str
    reason: str = Field(description="申请理由；只给本站点能排班的人和申请人本人看，其他人为空")


class ShiftOut(Schema):
    public_id: UUID
    site: UUID
    site_name: str
    person: PersonRef
    start: dt.datetime
    end: dt.datetime
    label: str = Field(examples=["11月24日 周二 上午9:00–中午12:00"])
    status: ShiftStatus
    note: str
    open_request: RequestRef | None = Field(description="待处理的换班或取消申请")


class WeekOut(Schema):
    site: UUID
    site_name: str
    monday: dt.date
    sunday: dt.date
    passes: bool = Field(
        description="一级站点值班要求：至少 3 天开放满 5 小时，公布的开放时间内都有人值班"
    )
    reasons: list[str] = Field(description="未达到要求的原因；达到时为空")
    published_minutes: int
    staffed_minutes: int
    uncovered_minutes: int
    days: list[CoverageDayOut]
    shifts: list[ShiftOut] = Field(description="这一周已排的班次（不含已取消的）")


class ShiftIn(Schema):
    person: UUID = Field(description="值班人的 public_id（本站点的志愿者或站点负责人）")
    start: Moment = Field(
        description=f"开始时刻（{MIN_YEAR}–{MAX_YEAR} 年）；不带时区时按当地时间",
        examples=["2026-11-24T09:00:00+08:00"],
    )
    end: Moment = Field(
        description="结束时刻；同一天内，可以到午夜", examples=["2026-11-24T12:00:00+08:00"]
    )
    note: Text = Field("", max_length=200, description="备注")


class MyShiftsQuery(Schema):
    days: int = Field(28, ge=1, le=90, description="从现在起往后看多少天，1–90，默认 28")


class MyShiftsOut(Schema):
    count: int
    items: list[ShiftOut]


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _span(span: Span) -> dict[str, Any]:
    return {"start": _hhmm(span.start), "end": _hhmm(span.end), "label": span.label}


def _day(day: DayCoverage) -> dict[str, Any]:
    return {
        "date": day.date,
        "weekday": day.date.weekday(),
        "weekday_label": weekday_name(day.date.weekday()),
        "note": day.note,
        "published": [_span(s) for s in day.published],
        "uncovered": [_span(s) for s in day.uncovered],
        "published_minutes": day.published_minutes,
        "staffed_minutes": day.staffed_minutes,
        "counts": day.counts,
    }


def _shift(shift: Shift, site: Site, reasons_shown: bool) -> dict[str, Any]:
    """``reasons_shown``: a request's reason is for the site's roster editors (and the
    person who wrote it), not for the other volunteers who may read the roster."""
    requests = getattr(shift, "open_requests", [])
    req = requests[0] if requests else None
    return {
        "public_id": shift.public_id,
        "site": site.public_id,
        "site_name": site.name,
        "person": {"public_id": shift.person.public_id, "name": shift.person.name},
        "start": shift.start,
        "end": shift.end,
        "label": shift_words(shift.start, shift.end),
        "status": shift.status,
        "note": shift.note,
        "open_request": (
            {
                "public_id": req.public_id,
                "kind": req.kind,
                "kind_label": str(req.get_kind_display()),
                "reason": req.reason if reasons_shown else "",
            }
            if req
            else None
        ),
    }


def _week(site: Site, week: WeekCoverage, shifts: list[Shift], user: Any) -> dict[str, Any]:
    editor = holds_role_at_site(user, roles.ROSTER_EDIT, site)
    return {
        "site": site.public_id,
        "site_name": site.name,
        "monday": week.monday,
        "sunday": week.monday + dt.timedelta(days=6),
        "passes": week.passes,
        "reasons": week.reasons,
        "published_minutes": week.published_minutes,
        "staffed_minutes": week.staffed_minutes,
        "uncovered_minutes": sum(d.uncovered_minutes for d in week.days),
        "days": [_day(d) for d in week.days],
        "shifts": [_shift(s, site, editor or s.person_id == user.pk) for s in shifts],
    }


def _scoped_site(request: HttpRequest, public_id: UUID, wanted: frozenset[str]) -> Site:
    site = sites_for(request_user(request), wanted).filter(public_id=public_id).first()
    if site is None:
        raise not_found(_("没有找到这个站点，或它不在您的管理范围内。"))
    return site


def _aware(moment: dt.datetime) -> dt.datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@router.get(
    "/sites/{public_id}/shifts",
    response={200: WeekOut, **AUTH_ERRORS},
    auth=viewers,
    summary="一个站点一周的值班",
)
def site_week(request: HttpRequest, public_id: UUID, query: Query[WeekQuery]) -> dict[str, Any]:
    """Monday to Sunday of the site's desk: the shifts, every span with nobody on duty, and
    the level-1 desk rule (≥ 3 days with ≥ 5 h published and fully staffed, no unstaffed
    published minute) with the reasons when it is not met."""
    site = _scoped_site(request, public_id, roles.ROSTER_VIEW)
    day = query.week or timezone.localdate()
    week = week_coverage(site, day)
    return _week(site, week, list(week_shifts(site, day)), request_user(request))


@router.post(
    "/sites/{public_id}/shifts",
    response={201: ShiftOut, **BODY_ERRORS},
    auth=editors,
    summary="排一个班次",
)
def site_shift_create(request: HttpRequest, public_id: UUID, body: ShiftIn) -> Status:
    """Put one of the site's volunteers or managers on duty. A shift lies within one local
    day (it may end at midnight), lasts at most 12 hours and may not overlap another shift
    of the same person at any site; otherwise nothing is saved and the reasons are listed."""
    user = request_user(request)
    site = _scoped_site(request, public_id, roles.ROSTER_EDIT)
    person = roster_people(site).filter(public_id=body.person).first()
    if person is None:
        raise ApiValidationError(
            [_("这个人不是本站点的志愿者或站点负责人。")],
        )
    try:
        shift = shift_create(
            actor=user,
            site=site,
            person=person,
            start=_aware(body.start),
            end=_aware(body.end),
            note=body.note,
        )
    except ValidationError as exc:
        raise ApiValidationError(
            exc.messages, detail=_("班次没有保存：%(why)s") % {"why": "".join(exc.messages)}
        ) from None
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None
    return Status(201, _shift(shift, site, reasons_shown=True))


@router.get(
    "/my-shifts",
    response={200: MyShiftsOut, 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
    auth=viewers,
    summary="我的值班",
)
def my_shift_list(request: HttpRequest, query: Query[MyShiftsQuery]) -> dict[str, Any]:
    """The caller's own planned shifts from now on, at every site, with any open request."""
    user = request_user(request)
    now = timezone.now()
    shifts = list(
        with_open_requests(
            my_shifts(user, now, now + dt.timedelta(days=query.days)).select_related("person")
        )
    )
    return {"count": len(shifts), "items": [_shift(s, s.site, reasons_shown=True) for s in shifts]}
