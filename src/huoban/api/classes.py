"""Classes over the API: public timetables, and for the desk sign-up, cancel and check-in.

The same selectors and services as the portal and the workspace: a session outside the
caller's scopes is 404, no desk role anywhere is 403, a refused action is 422 with reasons.
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

from huoban.accounts import roles
from huoban.api.auth import ApiTokenAuth, request_user
from huoban.api.errors import ApiValidationError, not_found
from huoban.api.schemas import AUTH_ERRORS, BODY_ERRORS, PUBLIC_ERRORS, Text, offset_field
from huoban.classes.models import ClassSession, SignUp, SignUpChannel
from huoban.classes.selectors import sessions_for, signups_for
from huoban.classes.services import (
    signup_by_code,
    signup_cancel,
    signup_check_in,
    signup_create,
)
from huoban.classes.timetable import Places, places_of, upcoming_sessions
from huoban.people.selectors import elders_for
from huoban.regions.selectors import regions_public

public = Router(tags=["课堂"])
desk = Router(tags=["课堂"])
desk_auth = ApiTokenAuth(roles.CLASSES_DESK, gettext_lazy("您的账号没有课堂报名和签到的权限。"))


class ClassOut(Schema):
    public_id: UUID
    title: str
    kind: str = Field(description="class 课堂、lecture 讲座、product 产品体验")
    start: dt.datetime
    end: dt.datetime
    site: UUID
    site_name: str
    address: str
    teacher: str
    capacity: int
    taken: int = Field(description="已报名（占名额）人数")
    waiting: int = Field(description="候补人数")
    free: int = Field(description="剩余名额")
    counts_for_level2: bool = Field(description="是否计入二级站点要求（≥90 分钟、提前 14 天发布）")


class ClassListOut(Schema):
    count: int
    items: list[ClassOut]


class TimetableFilters(Schema):
    district: Text | None = Field(None, description="区代码")
    street: Text | None = Field(None, description="街镇代码")
    site: UUID | None = Field(None, description="站点 public_id")
    offset: int = offset_field()
    limit: int = Field(50, ge=1, le=200, description="每页条数，1–200，默认 50")


def class_out(session: ClassSession, places: Places) -> dict[str, Any]:
    return {
        "public_id": session.public_id,
        "title": session.title,
        "kind": session.kind,
        "start": session.start,
        "end": session.end,
        "site": session.site.public_id,
        "site_name": session.site.name,
        "address": session.site.address,
        "teacher": session.teacher,
        "capacity": session.capacity,
        "taken": places.taken,
        "waiting": places.waiting,
        "free": places.free,
        "counts_for_level2": session.counts_for_level2,
    }


@public.get(
    "/classes",
    response={200: ClassListOut, **PUBLIC_ERRORS},
    summary="课表：尚未结束的已发布课堂",
)
def class_list(request: HttpRequest, filters: Query[TimetableFilters]) -> dict[str, Any]:
    """Published sessions that have not ended, soonest first, with their places."""
    qs = upcoming_sessions()
    for code in (filters.district, filters.street):
        if code:
            region = regions_public().filter(code=code).first()
            if region is None:
                raise not_found(_("没有代码为“%(code)s”的区划。") % {"code": code})
            qs = qs.filter(region_path__under=region.path)
    if filters.site is not None:
        qs = qs.filter(site__public_id=filters.site)
    count = qs.count()
    sessions = list(qs[filters.offset : filters.offset + filters.limit])
    places = places_of(sessions)
    return {"count": count, "items": [class_out(s, places[s.pk]) for s in sessions]}


@public.get(
    "/classes/{public_id}",
    response={200: ClassOut, **PUBLIC_ERRORS},
    summary="一节课堂",
)
def class_detail(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    session = upcoming_sessions().filter(public_id=public_id).first()
    if session is None:
        raise not_found(_("没有找到这节课，它可能已经结束或取消。"))
    return class_out(session, places_of([session])[session.pk])


class SignUpIn(Schema):
    elder: UUID = Field(description="已登记长者的 public_id")


class SignUpOut(Schema):
    public_id: UUID
    session: UUID
    elder: UUID
    elder_name: str
    status: str = Field(description="confirmed 已报名、waiting 候补、cancelled 已取消")
    channel: str
    code: str = Field(description="报名码（签到时出示或报出）")
    checked_in_at: dt.datetime | None


class CheckInIn(Schema):
    code: Text = Field(min_length=1, max_length=20, description="报名码，或扫码得到的文字")


class CheckInOut(Schema):
    signup: SignUpOut
    first: bool = Field(description="是否第一次签到（再次签到不重复计人次）")


def signup_out(signup: SignUp) -> dict[str, Any]:
    return {
        "public_id": signup.public_id,
        "session": signup.session.public_id,
        "elder": signup.elder.public_id,
        "elder_name": signup.elder.name,
        "status": signup.status,
        "channel": signup.channel,
        "code": signup.code,
        "checked_in_at": signup.checked_in_at,
    }


def _session(user, public_id: UUID) -> ClassSession:
    session = (
        sessions_for(user, roles.CLASSES_DESK)
        .select_related("site")
        .filter(public_id=public_id)
        .first()
    )
    if session is None:
        raise not_found(_("没有找到这节课，或它不在您的管理范围内。"))
    return session


def _refused(exc: ValidationError, what: str) -> ApiValidationError:
    return ApiValidationError(exc.messages, detail=f"{what}{''.join(exc.messages)}")


@desk.post(
    "/classes/{public_id}/signups",
    response={201: SignUpOut, **BODY_ERRORS},
    auth=desk_auth,
    summary="为长者报名（满员时进入候补）",
)
def signup_add(request: HttpRequest, public_id: UUID, body: SignUpIn) -> Status:
    user = request_user(request)
    session = _session(user, public_id)
    elder = elders_for(user, roles.CLASSES_DESK).filter(public_id=body.elder).first()
    if elder is None:
        raise not_found(_("没有找到这位长者，或他/她不在您的服务范围内。"))
    try:
        signup = signup_create(
            actor=user, session=session, elder=elder, channel=SignUpChannel.STAFF
        )
    except ValidationError as exc:
        raise _refused(exc, _("没有报上：")) from None
    except PermissionDenied as exc:
        raise not_found(str(exc)) from None
    return Status(201, signup_out(signup))


@desk.get(
    "/classes/{public_id}/signups",
    response={200: list[SignUpOut], **AUTH_ERRORS},
    auth=desk_auth,
    summary="一节课的报名名单（已报名在前，候补按先后）",
)
def signup_list(request: HttpRequest, public_id: UUID) -> list[dict[str, Any]]:
    user = request_user(request)
    session = _session(user, public_id)
    signups = session.signups.select_related("elder").order_by("status", "queued_at", "id")
    for s in signups:
        s.session = session
    return [signup_out(s) for s in signups]


@desk.post(
    "/signups/{public_id}/cancel",
    response={200: SignUpOut, **AUTH_ERRORS},
    auth=desk_auth,
    summary="取消报名（候补的人按先后补上）",
)
def signup_remove(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    user = request_user(request)
    signup = (
        signups_for(user, roles.CLASSES_DESK)
        .select_related("session", "session__site", "elder")
        .filter(public_id=public_id)
        .first()
    )
    if signup is None:
        raise not_found(_("没有找到这个报名，或它不在您的管理范围内。"))
    try:
        signup_cancel(actor=user, signup=signup)
    except ValidationError as exc:
        raise _refused(exc, _("没有取消：")) from None
    signup.refresh_from_db()
    return signup_out(signup)


@desk.post(
    "/classes/{public_id}/check-in",
    response={200: CheckInOut, **BODY_ERRORS},
    auth=desk_auth,
    summary="凭报名码签到（写入培训人次，重复签到只计一次）",
)
def check_in(request: HttpRequest, public_id: UUID, body: CheckInIn) -> dict[str, Any]:
    user = request_user(request)
    session = _session(user, public_id)
    try:
        signup = signup_by_code(session, body.code)
        first = signup_check_in(actor=user, signup=signup, now=timezone.now())
    except ValidationError as exc:
        raise _refused(exc, _("没有签到：")) from None
    signup.refresh_from_db()
    return {"signup": signup_out(signup), "first": first}
