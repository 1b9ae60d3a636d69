"""Scheduling classes, signing elders up (with a waiting list), cancelling, undoing, and
checking in. Every change is audited; check-in writes training person-times to the ledger.

Sign-ups for one session are serialised by locking the session's row (``select_for_update``;
SQLite's immediate transactions serialise all writes), so that simultaneous sign-ups can
never take more places than there are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huoban.accounts import roles
from huoban.accounts.models import LinkRelation
from huoban.accounts.selectors import acts_for, holds_role_at_site, holds_role_over
from huoban.audit.services import audit_record, diff_fields
from huoban.classes import notices
from huoban.classes.models import (
    ClassSession,
    Course,
    SessionKind,
    SessionStatus,
    SignUp,
    SignUpChannel,
    SignUpStatus,
    Undoable,
)
from huoban.records.services import training_attendance_record
from huoban.sites.models import ServiceKind, Site

# Who schedules classes at a site, and who signs elders up and checks them in.
MANAGE = roles.SITE_EDIT
DESK = roles.RECORDS_LOG


@transaction.atomic
def session_create(
    *,
    actor: Any,
    site: Site,
    title: str,
    start: dt.datetime,
    end: dt.datetime,
    capacity: int,
    kind: str = SessionKind.CLASS,
    course: Course | None = None,
    teacher: str = "",
    now: dt.datetime | None = None,
) -> ClassSession:
    """Schedule a class session (a draft until published)."""
    now = now or timezone.now()
    if not holds_role_at_site(actor, MANAGE, site):
        raise PermissionDenied(_("您不能在这个站点安排课堂。"))
    title = (title or "").strip()
    errors = _schedule_errors(
        site=site, title=title, start=start, end=end, capacity=capacity, kind=kind, now=now
    )
    if errors:
        raise ValidationError(dict(errors))
    session = ClassSession.objects.create(
        site=site,
        region_path=site.region_path,
        course=course,
        kind=kind,
        title=title,
        start=start,
        end=end,
        capacity=capacity,
        teacher=teacher.strip(),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="class.create",
        obj=session,
        changes={"title": title, "start": start, "end": end, "capacity": capacity},
    )
    return session


@transaction.atomic
def session_publish(
    *, actor: Any, session: ClassSession, now: dt.datetime | None = None
) -> list[str]:
    """Publish a draft for sign-up. Returns the reasons (if any) it will not count toward
    level 2 — the page shows them before the manager confirms."""
    now = now or timezone.now()
    if not holds_role_at_site(actor, MANAGE, session.site):
        raise PermissionDenied(_("您不能发布这节课。"))
    refusal = session.publish_refusal(now)
    if refusal:
        raise ValidationError(refusal)
    session.status = SessionStatus.PUBLISHED
    session.published_at = now
    session.save(update_fields=["status", "published_at", "updated_at"])
    reasons = session.level2_reasons()
    audit_record(
        actor=actor, action="class.publish", obj=session, changes={"level2_reasons": reasons}
    )
    return reasons


def _schedule_errors(
    *,
    site: Site,
    title: str,
    start: dt.datetime | None,
    end: dt.datetime | None,
    capacity: int | None,
    kind: str,
    now: dt.datetime,
) -> dict[str, list[str]]:
    """The scheduling rules of a changed session (the same rules as ``session_create``)."""
    errors: dict[str, list[str]] = defaultdict(list)
    if not title:
        errors["title"].append(_("请填写标题。"))
    if start is None or end is None:
        errors["start"].append(_("请填写开始和结束时间。"))
    else:
        if end <= start:
            errors["end"].append(_("结束时间要晚于开始时间。"))
        if start <= now:
            errors["start"].append(_("开始时间已经过去了。"))
        if timezone.localdate(start) != timezone.localdate(end):
            errors["end"].append(_("一节课要在同一天内结束。"))
    if kind not in SessionKind.values:
        errors["kind"].append(_("请选择类型。"))
    if capacity is None or capacity < 1:
        errors["capacity"].append(_("名额至少 1 人。"))
    elif not site.classroom_capacity:
        errors["capacity"].append(_("这个站点没有登记课堂容量，请先在站点资料里填写。"))
    elif capacity > site.classroom_capacity:
        errors["capacity"].append(
            _("名额不能超过站点课堂容纳人数 %(n)s 人。") % {"n": site.classroom_capacity}
        )
    return errors


@transaction.atomic
def session_update(
    *,
    actor: Any,
    session: ClassSession,
    title: str,
    start: dt.datetime,
    end: dt.datetime,
    capacity: int,
    kind: str = SessionKind.CLASS,
    course: Course | None = None,
    teacher: str = "",
    now: dt.datetime | None = None,
) -> ClassSession:
    """Change a draft, or a published session before it starts, within the scheduling rules.

    A published session keeps every confirmed place: its capacity cannot drop below them,
    and a larger capacity moves the first people waiting up.
    """
    now = now or timezone.now()
    if not holds_role_at_site(actor, MANAGE, session.site):
        raise PermissionDenied(_("您不能修改这节课。"))
    session = _locked(session)
    refusal = session.edit_refusal(now)
    if refusal:
        raise ValidationError(refusal)
    title = (title or "").strip()
    errors = _schedule_errors(
        site=session.site,
        title=title,
        start=start,
        end=end,
        capacity=capacity,
        kind=kind,
        now=now,
    )
    if session.status == SessionStatus.PUBLISHED and not errors.get("capacity"):
        taken = _confirmed(session)
        if capacity < taken:
            errors["capacity"].append(
                _("已有 %(n)s 人报名，名额不能少于 %(n)s 人。") % {"n": taken}
            )
    if errors:
        raise ValidationError(dict(errors))
    before = {
        "title": session.title,
        "start": session.start,
        "end": session.end,
        "capacity": session.capacity,
        "kind": session.kind,
        "course": session.course_id,
        "teacher": session.teacher,
    }
    session.title, session.start, session.end = title, start, end
    session.capacity, session.kind, session.course = capacity, kind, course
    session.teacher = (teacher or "").strip()
    session.save()
    after = {**before, "title": title, "start": start, "end": end, "capacity": capacity}
    after.update(kind=kind, course=course.pk if course else None, teacher=session.teacher)
    changes = diff_fields(before, after)
    audit_record(actor=actor, action="class.update", obj=session, changes=changes)
    if session.status == SessionStatus.PUBLISHED:
        _promote(session, now)
    return session


def _course_errors(title: str, scenario: Any) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = defaultdict(list)
    if not title:
        errors["title"].append(_("请填写课程名称。"))
    if scenario is not None and scenario.kind != ServiceKind.SCENARIO:
        errors["scenario"].append(_("请选择一个帮办场景。"))
    return errors


@transaction.atomic
def course_create(
    *,
    actor: Any,
    title: str,
    scenario: Any = None,
    description: str = "",
    materials: str = "",
) -> Course:
    """A programme-wide course template; anyone who schedules classes somewhere may add one."""
    if not holds_role_over(actor, MANAGE, anywhere=True):
        raise PermissionDenied(_("您不能添加课程。"))
    title = (title or "").strip()
    errors = _course_errors(title, scenario)
    if errors:
        raise ValidationError(dict(errors))
    course = Course.objects.create(
        title=title,
        scenario=scenario,
        description=(description or "").strip(),
        materials=(materials or "").strip(),
    )
    audit_record(actor=actor, action="course.create", obj=course, changes={"title": title})
    return course


@transaction.atomic
def course_update(
    *,
    actor: Any,
    course: Course,
    title: str,
    scenario: Any = None,
    description: str = "",
    materials: str = "",
) -> Course:
    """Change a course template (sessions already scheduled keep their own titles)."""
    if not holds_role_over(actor, MANAGE, anywhere=True):
        raise PermissionDenied(_("您不能修改课程。"))
    title = (title or "").strip()
    errors = _course_errors(title, scenario)
    if errors:
        raise ValidationError(dict(errors))
    before = {
        "title": course.title,
        "scenario": course.scenario_id,
        "description": course.description,
        "materials": course.materials,
    }
    course.title = title
    course.scenario = scenario
    course.description = (description or "").strip()
    course.materials = (materials or "").strip()
    course.save()
    after = {
        "title": course.title,
        "scenario": scenario.pk if scenario else None,
        "description": course.description,
        "materials": course.materials,
    }
    changes = diff_fields(before, after)
    audit_record(actor=actor, action="course.update", obj=course, changes=changes)
    return course


def _locked(session: ClassSession) -> ClassSession:
    # The site comes along unlocked (the notices name it), in the same query.
    locking = ClassSession.objects.select_for_update(of=("self",)).select_related("site")
    return locking.get(pk=session.pk)


def _confirmed(session: ClassSession) -> int:
    return session.signups.filter(status=SignUpStatus.CONFIRMED).count()


def _promote(session: ClassSession, now: dt.datetime) -> list[SignUp]:
    """Fill free places from the waiting list, first come first served."""
    free = session.capacity - _confirmed(session)
    promoted: list[SignUp] = []
    if free <= 0:
        return promoted
    waiting = session.signups.filter(status=SignUpStatus.WAITING).order_by("queued_at", "id")
    for signup in waiting[:free]:
        signup.promoted_at = now
        _change(signup, SignUpStatus.CONFIRMED, now)
        audit_record(actor=None, action="signup.promote", obj=signup)
        notices.promotion_queue(signup, now=now)
        notices.reminder_restore(signup, now=now)
        promoted.append(signup)
    return promoted


@transaction.atomic
def signup_create(
    *,
    actor: Any,
    session: ClassSession,
    elder: Any,
    channel: str = SignUpChannel.STAFF,
    now: dt.datetime | None = None,
) -> SignUp:
    """A place for ``elder`` if one is free, otherwise a place on the waiting list."""
    now = now or timezone.now()
    relation = acts_for(actor, elder)
    if relation is not None:  # the elder themself, or a family member they agreed to
        channel = SignUpChannel.SELF if relation == LinkRelation.SELF else SignUpChannel.FAMILY
    elif not holds_role_at_site(actor, DESK, session.site):
        raise PermissionDenied(_("您不能为这节课报名。"))
    elif channel != SignUpChannel.STAFF:
        raise ValidationError(_("工作人员代报请选择“工作人员代报”。"))
    session = _locked(session)
    refusal = session.sign_up_refusal(now)
    if refusal:
        raise ValidationError(refusal)
    existing = session.signups.exclude(status=SignUpStatus.CANCELLED).filter(elder=elder).first()
    if existing is not None:
        raise ValidationError(
            _("%(name)s已经报名了这节课（%(status)s）。")
            % {"name": elder.name, "status": existing.get_status_display()}
        )
    status = (
        SignUpStatus.CONFIRMED if _confirmed(session) < session.capacity else SignUpStatus.WAITING
    )
    try:
        with transaction.atomic():
            signup = SignUp.objects.create(
                session=session,
                elder=elder,
                status=status,
                channel=channel,
                queued_at=now,
                status_changed_at=now,
                undoable=Undoable.SIGN_UP,
                by=actor,
            )
    except IntegrityError:
        raise ValidationError(_("%(name)s已经报名了这节课。") % {"name": elder.name}) from None
    audit_record(
        actor=actor,
        action="signup.create",
        obj=signup,
        changes={"status": status, "channel": channel},
    )
    notices.signup_queue(signup, now=now)
    return signup


def _may_change(actor: Any, signup: SignUp) -> bool:
    """The desk of the session's site, or the elder and their family (acting online)."""
    return acts_for(actor, signup.elder) is not None or holds_role_at_site(
        actor, DESK, signup.session.site
    )


def _change(
    signup: SignUp, status: str, now: dt.datetime, undoable: str = Undoable.NOTHING
) -> None:
    signup.status = status
    signup.status_changed_at = now
    signup.undoable = undoable
    signup.save(
        update_fields=["status", "status_changed_at", "undoable", "promoted_at", "updated_at"]
    )


def _relocked(signup: SignUp) -> tuple[ClassSession, SignUp]:
    """The session locked first (the order every sign-up change takes), then the sign-up
    as it is now — not as the caller last saw it."""
    session = _locked(signup.session)
    current = SignUp.objects.select_related("elder").get(pk=signup.pk)
    current.session = session
    return session, current


@transaction.atomic
def signup_cancel(*, actor: Any, signup: SignUp, now: dt.datetime | None = None) -> list[SignUp]:
    """Give up a place (or a place in the queue) before the class starts; the first people
    waiting move up. Returns those promoted."""
    now = now or timezone.now()
    if not _may_change(actor, signup):
        raise PermissionDenied(_("您不能取消这个报名。"))
    session, signup = _relocked(signup)
    refusal = signup.cancel_refusal(now)
    if refusal:
        raise ValidationError(refusal)
    _change(signup, SignUpStatus.CANCELLED, now, Undoable.CANCEL)
    audit_record(actor=actor, action="signup.cancel", obj=signup)
    notices.reminder_withdraw(signup, now=now)
    return _promote(session, now)


@transaction.atomic
def signup_undo(*, actor: Any, signup: SignUp, now: dt.datetime | None = None) -> SignUp:
    """Take back a sign-up or a cancellation within ten minutes of making it.

    An undone cancellation gets the place back if one is free; otherwise it goes back on the
    waiting list at its original place in the queue (ahead of those who joined later).
    """
    now = now or timezone.now()
    if not _may_change(actor, signup):
        raise PermissionDenied(_("您不能撤销这个报名。"))
    session, signup = _relocked(signup)
    refusal = signup.undo_refusal(now)
    if refusal:
        raise ValidationError(refusal)
    if signup.undoable == Undoable.SIGN_UP:
        _change(signup, SignUpStatus.CANCELLED, now)
        audit_record(actor=actor, action="signup.undo", obj=signup, changes={"undone": "sign_up"})
        notices.reminder_withdraw(signup, now=now)
        _promote(session, now)
        return signup
    if (
        session.signups.exclude(pk=signup.pk)
        .exclude(status=SignUpStatus.CANCELLED)
        .filter(elder=signup.elder)
        .exists()
    ):
        raise ValidationError(_("这位长者已经重新报名了。"))
    restored = (
        SignUpStatus.CONFIRMED if _confirmed(session) < session.capacity else SignUpStatus.WAITING
    )
    _change(signup, restored, now)
    changes = {"undone": "cancel", "status": restored}
    audit_record(actor=actor, action="signup.undo", obj=signup, changes=changes)
    if restored == SignUpStatus.CONFIRMED:
        notices.reminder_restore(signup, now=now)
    return signup


@transaction.atomic
def signup_check_in(*, actor: Any, signup: SignUp, now: dt.datetime | None = None) -> bool:
    """Mark an elder present and write one training person-time; checking in twice counts
    once. Returns whether this was the first check-in."""
    now = now or timezone.now()
    if not holds_role_at_site(actor, DESK, signup.session.site):
        raise PermissionDenied(_("您不能为这节课签到。"))
    session, signup = _relocked(signup)
    refusal = signup.check_in_refusal(now)
    if refusal:
        raise ValidationError(refusal)
    first = signup.checked_in_at is None
    if first:
        signup.checked_in_at = now
        signup.save(update_fields=["checked_in_at", "updated_at"])
        audit_record(actor=actor, action="signup.check_in", obj=signup)
    training_attendance_record(
        site=session.site,
        elder=signup.elder,
        occurred_at=session.start,
        source_key=f"class:{session.public_id}:{signup.elder.public_id}",
    )
    return first


def signup_by_code(session: ClassSession, code: str) -> SignUp:
    """The sign-up with this confirmation code (typed or scanned) in this session."""
    found = session.signups.filter(code=(code or "").strip().upper()).first()
    if found is None:
        raise ValidationError(_("这节课没有确认码为“%(code)s”的报名。") % {"code": code})
    return found


@transaction.atomic
def walk_in_add(
    *, actor: Any, session: ClassSession, elder: Any, now: dt.datetime | None = None
) -> SignUp:
    """An elder who came without signing up: a place if one is free, and checked in."""
    now = now or timezone.now()
    if not holds_role_at_site(actor, DESK, session.site):
        raise PermissionDenied(_("您不能为这节课签到。"))
    locked = _locked(session)
    signup = locked.signups.exclude(status=SignUpStatus.CANCELLED).filter(elder=elder).first()
    needs_place = signup is None or signup.status == SignUpStatus.WAITING
    if needs_place and _confirmed(locked) >= locked.capacity:
        raise ValidationError(_("名额已满，不能再加人。"))
    if signup is None:
        signup = SignUp.objects.create(
            session=locked,
            elder=elder,
            status=SignUpStatus.CONFIRMED,
            channel=SignUpChannel.WALK_IN,
            queued_at=now,
            status_changed_at=now,
            by=actor,
        )
        audit_record(actor=actor, action="signup.walk_in", obj=signup)
    elif signup.status == SignUpStatus.WAITING:  # on the list, and there is room: in
        _change(signup, SignUpStatus.CONFIRMED, now)
        audit_record(actor=actor, action="signup.walk_in", obj=signup)
    signup_check_in(actor=actor, signup=signup, now=now)
    return signup


@transaction.atomic
def session_cancel(
    *, actor: Any, session: ClassSession, reason: str, now: dt.datetime | None = None
) -> list[SignUp]:
    """The site calls a session off before it starts. Its sign-ups are cancelled (kept, as
    cancelled) and everyone who had a place or was waiting is told why. Returns those
    sign-ups."""
    now = now or timezone.now()
    if not holds_role_at_site(actor, MANAGE, session.site):
        raise PermissionDenied(_("您不能取消这节课。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写取消的原因，长者会收到这个原因。")]})
    session = _locked(session)
    refusal = session.cancel_refusal(now)
    if refusal:
        raise ValidationError(refusal)
    signups = list(
        session.signups.exclude(status=SignUpStatus.CANCELLED)
        .select_related("elder", "by")
        .order_by("queued_at", "id")
    )
    if any(s.checked_in_at is not None for s in signups):
        raise ValidationError(_("已经有长者签到，不能取消这节课。"))
    session.status = SessionStatus.CANCELLED
    session.save(update_fields=["status", "updated_at"])
    for signup in signups:
        signup.session = session
        _change(signup, SignUpStatus.CANCELLED, now)
        notices.cancellation_queue(signup, reason=reason, now=now)
        notices.reminder_withdraw(signup, now=now)
    audit_record(
        actor=actor,
        action="class.cancel",
        obj=session,
        changes={"reason": reason, "signups_cancelled": len(signups)},
    )
    return signups
