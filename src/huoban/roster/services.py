"""Planning and cancelling duty shifts, deciding swap and cancel requests, and taking a role
away (which releases the person's shifts still to come). All audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huoban.accounts import roles
from huoban.accounts.models import Membership, User
from huoban.accounts.selectors import holds_role_at_site
from huoban.accounts.services import check_authority
from huoban.audit.services import audit_record
from huoban.lib.when import date_words, in_years, time_range_words, years_error
from huoban.roster.models import (
    RequestKind,
    RequestStatus,
    Shift,
    ShiftRequest,
    ShiftStatus,
)
from huoban.sites.models import Site, SiteStatus

MAX_SHIFT = dt.timedelta(hours=12)
MAX_TEXT = 200


def _text(value: str, field: str, *, required: str | None = None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: required})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: _("不超过 200 个字。")})
    return value


def _when_words(start: dt.datetime, end: dt.datetime) -> str:
    start, end = timezone.localtime(start), timezone.localtime(end)
    return f"{date_words(start.date())} {time_range_words(start.time(), end.time())}"


def _validate_times(start: dt.datetime, end: dt.datetime) -> None:
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValueError("shift times must be timezone-aware")
    if not (in_years(start) and in_years(end)):
        raise ValidationError({"start": years_error()})
    if end <= start:
        raise ValidationError({"end": _("结束时间应晚于开始时间。")})
    local_start, local_end = timezone.localtime(start), timezone.localtime(end)
    next_day = local_start.date() + dt.timedelta(days=1)
    ends_at_midnight = local_end.date() == next_day and local_end.time() == dt.time(0)
    if local_end.date() != local_start.date() and not ends_at_midnight:
        raise ValidationError({"end": _("一个班次不能跨天，请分成两个班次。")})
    if end - start > MAX_SHIFT:
        raise ValidationError({"end": _("一个班次不能超过 12 小时。")})


def _check_no_overlap(person: User, start: dt.datetime, end: dt.datetime) -> None:
    clash = (
        Shift.objects.filter(
            person=person, status=ShiftStatus.PLANNED, start__lt=end, end__gt=start
        )
        .select_related("site")
        .order_by("start")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "start": _("%(name)s 在 %(when)s 已在“%(site)s”值班，时间重叠。")
                % {
                    "name": person.name,
                    "when": _when_words(clash.start, clash.end),
                    "site": clash.site.name,
                }
            }
        )


@transaction.atomic
def shift_create(
    *,
    actor: Any,
    site: Site,
    person: User,
    start: dt.datetime,
    end: dt.datetime,
    note: str = "",
) -> Shift:
    """Put ``person`` on duty at ``site``'s desk from ``start`` to ``end`` (aware times).

    The actor must plan the site's roster (site manager, or an admin above it); the person
    must work there (volunteer or site manager of the site, or a region role above it). A
    shift lies within one local day (it may end at midnight), lasts at most 12 hours and
    may not overlap another planned shift of the same person at any site.
    """
    if not holds_role_at_site(actor, roles.ROSTER_EDIT, site):
        raise PermissionDenied(_("您不能为这个站点排班。"))
    if site.status == SiteStatus.CLOSED:
        raise ValidationError({"site": _("站点已关闭，不能排班。")})
    if not holds_role_at_site(person, roles.ROSTER_VIEW, site):
        raise ValidationError(
            {"person": _("%(name)s 不是这个站点的志愿者或工作人员。") % {"name": person.name}}
        )
    _validate_times(start, end)
    note = _text(note, "note")
    # Lock the person's row so that two shifts for one person planned at the same moment
    # cannot both pass the overlap check (PostgreSQL; SQLite serialises writers anyway).
    User.objects.select_for_update().filter(pk=person.pk).exists()
    _check_no_overlap(person, start, end)
    shift = Shift.objects.create(
        site=site, person=person, start=start, end=end, note=note, created_by=actor
    )
    audit_record(
        actor=actor,
        action="shift.create",
        obj=shift,
        changes={"site": site, "person": person, "start": start, "end": end, "note": note},
    )
    return shift


def _close_open_requests(shift: Shift, actor: Any, now: dt.datetime) -> None:
    """A shift cancelled by the site grants what its open request asked for."""
    for req in shift.requests.filter(status=RequestStatus.OPEN):
        req.status = RequestStatus.APPROVED
        req.handled_by = actor
        req.handled_at = now
        req.save(update_fields=["status", "handled_by", "handled_at", "updated_at"])
        audit_record(
            actor=actor,
            action="shift_request.decide",
            obj=req,
            changes={"status": req.status, "via": "shift.cancel"},
        )


def _cancel(shift: Shift, actor: Any, reason: str, now: dt.datetime) -> None:
    shift.status = ShiftStatus.CANCELLED
    shift.cancel_reason = reason
    shift.save(update_fields=["status", "cancel_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="shift.cancel",
        obj=shift,
        changes={"status": shift.status, "cancel_reason": reason},
    )


@transaction.atomic
def shifts_release(*, actor: Any, person: User, now: dt.datetime | None = None) -> int:
    """Cancel ``person``'s shifts still to come at the sites where they no longer work (a
    role taken away, an account closed): the desk rule must not count someone who will
    not come. Returns how many were cancelled."""
    now = now or timezone.now()
    person = User.objects.get(pk=person.pk)  # fresh: without the roles cached before
    reason = _("不再担任这个站点的职务，班次自动取消。")
    released = 0
    ahead = Shift.objects.select_for_update().filter(
        person=person, status=ShiftStatus.PLANNED, end__gt=now
    )
    for shift in ahead.select_related("site").order_by("start"):
        if not person.is_active or not holds_role_at_site(person, roles.ROSTER_VIEW, shift.site):
            _cancel(shift, actor, reason, now)
            _close_open_requests(shift, actor, now)
            released += 1
    return released


@transaction.atomic
def membership_revoke(*, actor: Any, membership: Membership) -> None:
    """Take a role away; the actor must manage people over the membership's scope. The
    person's shifts still to come at sites where they no longer work are released."""
    check_authority(actor, membership.region, membership.site, membership.organisation)
    audit_record(
        actor=actor,
        action="membership.revoke",
        obj=membership,
        changes={
            "user": membership.user_id,
            "role": membership.role,
            "scope": membership.scope_label,
        },
    )
    membership.delete()
    shifts_release(actor=actor, person=membership.user)


@transaction.atomic
def shift_cancel(*, actor: Any, shift: Shift, reason: str) -> Shift:
    """Cancel a planned shift, with a reason; its open request, if any, is granted."""
    if not holds_role_at_site(actor, roles.ROSTER_EDIT, shift.site):
        raise PermissionDenied(_("您不能取消这个站点的班次。"))
    shift = Shift.objects.select_for_update().select_related("site").get(pk=shift.pk)
    if shift.status != ShiftStatus.PLANNED:
        raise ValidationError(_("这个班次已经取消。"))
    reason = _text(reason, "reason", required=_("请填写取消原因。"))
    now = timezone.now()
    _cancel(shift, actor, reason, now)
    _close_open_requests(shift, actor, now)
    return shift


@transaction.atomic
def shift_request(*, actor: Any, shift: Shift, kind: str, reason: str) -> ShiftRequest:
    """The shift's own person asks the site to swap (find someone else) or cancel it."""
    if actor is None or shift.person_id != actor.pk:
        raise PermissionDenied(_("只能为自己的班次提出换班或取消申请。"))
    shift = Shift.objects.select_for_update().get(pk=shift.pk)
    if shift.status != ShiftStatus.PLANNED:
        raise ValidationError(_("这个班次已经取消。"))
    if shift.end <= timezone.now():
        raise ValidationError(_("这个班次已经结束，不能再申请。"))
    if kind not in RequestKind.values:
        raise ValidationError({"kind": _("请选择换班或取消值班。")})
    reason = _text(reason, "reason", required=_("请填写原因。"))
    if shift.requests.filter(status=RequestStatus.OPEN).exists():
        raise ValidationError(_("这个班次已有一条待处理的申请。"))
    req = ShiftRequest.objects.create(shift=shift, kind=kind, requested_by=actor, reason=reason)
    audit_record(
        actor=actor,
        action="shift_request.create",
        obj=req,
        changes={"shift": shift.public_id, "kind": kind, "reason": reason},
    )
    return req


@transaction.atomic
def shift_request_decide(
    *,
    actor: Any,
    request: ShiftRequest,
    approve: bool,
    replacement: User | None = None,
) -> ShiftRequest:
    """Approve or decline a swap or cancel request.

    Approving cancels the shift. For a swap the site then puts someone else on duty: give
    ``replacement`` to do it in the same step (the new shift is checked like any other,
    and if it cannot be planned nothing changes), or plan a shift later.
    """
    request = (
        ShiftRequest.objects.select_for_update()
        .select_related("shift", "shift__site", "shift__person")
        .get(pk=request.pk)
    )
    shift = request.shift
    if not holds_role_at_site(actor, roles.ROSTER_EDIT, shift.site):
        raise PermissionDenied(_("您不能处理这个站点的换班申请。"))
    if request.status != RequestStatus.OPEN:
        raise ValidationError(_("这条申请已经处理过了。"))
    if replacement is not None and not (approve and request.kind == RequestKind.SWAP):
        raise ValidationError({"replacement": _("只有同意换班时才能指定接班人。")})
    now = timezone.now()
    request.status = RequestStatus.APPROVED if approve else RequestStatus.DECLINED
    request.handled_by = actor
    request.handled_at = now
    request.save(update_fields=["status", "handled_by", "handled_at", "updated_at"])
    audit_record(
        actor=actor,
        action="shift_request.decide",
        obj=request,
        changes={
            "status": request.status,
            "replacement": replacement.public_id if replacement else None,
        },
    )
    if approve and shift.status == ShiftStatus.PLANNED:
        reason = request.get_kind_display() + _("（本人申请）")
        _cancel(shift, actor, reason, now)
        if replacement is not None:
            shift_create(
                actor=actor,
                site=shift.site,
                person=replacement,
                start=shift.start,
                end=shift.end,
                note=shift.note,
            )
    return request
