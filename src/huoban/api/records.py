"""Help records over the API: log a session, list the records in scope, count person-times.

The same services and scoped selectors as the workspace: no logging role anywhere is 403,
a site or region outside the caller's scopes is 404, a refused record is 422 with reasons.
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
from huoban.accounts.selectors import regions_in_scope
from huoban.api.auth import ApiTokenAuth, request_user
from huoban.api.errors import ApiValidationError, not_found
from huoban.api.schemas import AUTH_ERRORS, BODY_ERRORS, Moment, Text, offset_field
from huoban.people.selectors import elders_for
from huoban.records.models import Channel, HelpSession, Outcome, Source
from huoban.records.selectors import (
    filter_help_sessions,
    help_counts,
    help_sessions_for,
    ledger_counts,
    ledger_for,
    ledger_in,
    with_open_flags,
)
from huoban.records.services import help_session_log
from huoban.sites.models import ServiceKind
from huoban.sites.selectors import services_public, sites_for

router = Router(tags=["帮办记录"])
loggers = ApiTokenAuth(roles.RECORDS_LOG, gettext_lazy("您的账号没有记录帮办的权限。"))
viewers = ApiTokenAuth(roles.RECORDS_VIEW, gettext_lazy("您的账号没有查看帮办记录的权限。"))


class HelpSessionIn(Schema):
    site: UUID = Field(description="站点 public_id")
    scenarios: list[Text] = Field(
        default_factory=list, description="场景代码，如 medical、show_code", examples=[["medical"]]
    )
    scenario_other: Text = Field("", max_length=50, description="其他场景（文字）")
    elder: UUID | None = Field(None, description="已登记长者的 public_id；不填为匿名")
    occurred_at: Moment | None = Field(
        None, description="帮办时间（2000–2099 年）；不填为现在，不带时区时按当地时间"
    )
    duration_minutes: int | None = Field(None, ge=1, le=480, description="时长（分钟），默认 15")
    channel: Channel = Field(Channel.WALK_IN, description="方式")
    outcome: Outcome = Field(Outcome.SOLVED, description="结果")
    note: Text = Field("", max_length=1000, description="备注")


class HelpSessionOut(Schema):
    public_id: UUID
    site: UUID
    site_name: str
    elder: UUID | None
    anonymous: bool
    occurred_at: dt.datetime
    duration_minutes: int
    channel: str
    outcome: str
    scenarios: list[str]
    scenario_other: str
    note: str
    helper: str
    source: str
    voided: bool
    void_reason: str
    flags: list[str] = Field(description="待复核的规则代码")


class CountsOut(Schema):
    person_times: int = Field(description="人次：未作废的记录条数")
    persons: int = Field(description="人数：其中已登记的不同长者")


class HelpSessionListOut(Schema):
    count: int
    counts: CountsOut
    items: list[HelpSessionOut]


class RecordFilters(Schema):
    site: UUID | None = Field(None, description="只看这个站点")
    start: dt.date | None = Field(None, description="从这一天（当地日期）")
    end: dt.date | None = Field(None, description="到这一天（含）")
    voided: bool | None = Field(None, description="true 只看作废的，false 只看有效的")
    offset: int = offset_field()
    limit: int = Field(50, ge=1, le=200, description="每页条数，1–200，默认 50")


class CountFilters(Schema):
    region: Text | None = Field(None, description="区划代码；不填为全部管理范围")
    start: dt.date | None = None
    end: dt.date | None = None
    measure: str = Field(
        "both", pattern="^(help|training|both)$", description="help、training 或 both"
    )


def _out(s: HelpSession) -> dict[str, Any]:
    return {
        "public_id": s.public_id,
        "site": s.site.public_id,
        "site_name": s.site.name,
        "elder": s.elder.public_id if s.elder else None,
        "anonymous": s.elder_id is None,
        "occurred_at": s.occurred_at,
        "duration_minutes": s.duration_minutes,
        "channel": s.channel,
        "outcome": s.outcome,
        "scenarios": [x.code for x in s.scenarios.all()],
        "scenario_other": s.scenario_other,
        "note": s.note,
        "helper": s.helper.name,
        "source": s.source,
        "voided": s.is_voided,
        "void_reason": s.void_reason,
        "flags": [f.rule for f in s.flags.all()],
    }


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    """A time sent without an offset is local time (as for shifts), not a 500."""
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment)


def _loaded(qs):
    return with_open_flags(
        qs.select_related("site", "elder", "helper").prefetch_related("scenarios")
    )


@router.post(
    "/help-sessions",
    response={201: HelpSessionOut, **BODY_ERRORS},
    auth=loggers,
    summary="记录一次帮办",
)
def help_session_create(request: HttpRequest, body: HelpSessionIn) -> Status:
    """Log a help session at a site in the caller's scope; anonymous unless ``elder``."""
    user = request_user(request)
    site = sites_for(user, roles.RECORDS_LOG).filter(public_id=body.site).first()
    if site is None:
        raise not_found(_("没有找到这个站点，或您不能在这里记录帮办。"))
    elder = None
    if body.elder is not None:
        elder = elders_for(user, roles.RECORDS_LOG).filter(public_id=body.elder).first()
        if elder is None:
            raise not_found(_("没有找到这位长者，或他/她不在您的服务范围内。"))
    known = {s.code: s for s in services_public(ServiceKind.SCENARIO)}
    unknown = [c for c in body.scenarios if c not in known]
    if unknown:
        raise ApiValidationError(
            [_("没有代码为“%(code)s”的场景。") % {"code": c} for c in unknown],
            detail=_("场景代码不认识：%(codes)s。可用：%(known)s。")
            % {"codes": "、".join(unknown), "known": "、".join(known)},
        )
    try:
        session = help_session_log(
            actor=user,
            site=site,
            elder=elder,
            scenarios=[known[c] for c in dict.fromkeys(body.scenarios)],
            scenario_other=body.scenario_other,
            occurred_at=_aware(body.occurred_at),
            duration_minutes=body.duration_minutes,
            channel=body.channel,
            outcome=body.outcome,
            note=body.note,
            source=Source.API,
        )
    except ValidationError as exc:
        raise ApiValidationError(
            exc.messages, detail=_("记录没有保存：%(why)s") % {"why": "".join(exc.messages)}
        ) from None
    except PermissionDenied as exc:
        raise not_found(str(exc)) from None
    logged = help_sessions_for(user, roles.RECORDS_LOG).filter(pk=session.pk)
    return Status(201, _out(_loaded(logged).get()))


@router.get(
    "/help-sessions",
    response={200: HelpSessionListOut, **AUTH_ERRORS},
    auth=viewers,
    summary="管理范围内的帮办记录",
)
def help_session_list(request: HttpRequest, filters: Query[RecordFilters]) -> dict[str, Any]:
    """Records in the caller's scopes, newest first, with person-times and persons."""
    user = request_user(request)
    site = None
    if filters.site is not None:
        site = sites_for(user, roles.RECORDS_VIEW).filter(public_id=filters.site).first()
        if site is None:
            raise not_found(_("没有找到这个站点，或它不在您的管理范围内。"))
    voided = {True: "voided", False: "active", None: ""}[filters.voided]
    qs = filter_help_sessions(
        help_sessions_for(user, roles.RECORDS_VIEW),
        site=site,
        start=filters.start,
        end=filters.end,
        status=voided,
    )
    counts = help_counts(qs)
    page = _loaded(qs.order_by("-occurred_at", "-id"))[
        filters.offset : filters.offset + filters.limit
    ]
    return {
        "count": qs.count(),
        "counts": {"person_times": counts.person_times, "persons": counts.persons},
        "items": [_out(s) for s in page],
    }


@router.get(
    "/ledger/counts",
    response={200: CountsOut, **AUTH_ERRORS},
    auth=viewers,
    summary="人次和人数",
)
def ledger_count(request: HttpRequest, filters: Query[CountFilters]) -> dict[str, Any]:
    """Person-times and persons (help, training or both) in the caller's scopes, or in one
    region inside them, between two local dates."""
    user = request_user(request)
    region = None
    if filters.region:
        region = regions_in_scope(user, roles.RECORDS_VIEW).filter(code=filters.region).first()
        if region is None:
            raise not_found(
                _("没有区划代码为“%(code)s”的区划，或它不在您的管理范围内。")
                % {"code": filters.region}
            )
    qs = ledger_in(
        region,
        start=filters.start,
        end=filters.end,
        measure=filters.measure,
        qs=ledger_for(user, roles.RECORDS_VIEW),
    )
    counts = ledger_counts(qs)
    return {"person_times": counts.person_times, "persons": counts.persons}
