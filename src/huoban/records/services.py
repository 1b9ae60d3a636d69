"""Logging, correcting and voiding help sessions, and reviewing flags. All audited.

A help session writes exactly one person-time ledger entry; an amendment changes that
entry in place (so an amended record counts once) and voiding marks it not counted.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huoban.accounts import roles
from huoban.accounts.selectors import holds_role_at_site
from huoban.audit.services import audit_record
from huoban.lib.when import date_words, time_words
from huoban.people.selectors import elders_for
from huoban.records import integrity
from huoban.records.models import (
    DEFAULT_DURATION_MINUTES,
    Amendment,
    Channel,
    Flag,
    FlagStatus,
    HelpSession,
    LedgerEntry,
    LedgerKind,
    Outcome,
    Source,
)
from huoban.sites.models import Service, ServiceKind, Site

# How far back a session may be logged at all (older ones are someone else's year), and
# how much a device clock may run ahead.
OLDEST_DAYS = 366
CLOCK_SKEW = dt.timedelta(minutes=5)
MAX_REASON = 200

AMENDABLE = (
    "site",
    "elder",
    "occurred_at",
    "duration_minutes",
    "channel",
    "outcome",
    "scenario_other",
    "note",
)


def _validate(values: dict[str, Any], scenarios: list[Service], now: dt.datetime) -> None:
    errors: dict[str, list[str]] = defaultdict(list)
    when = values.get("occurred_at")
    if when is None:
        errors["occurred_at"].append(_("请填写帮办时间。"))
    elif when > now + CLOCK_SKEW:
        errors["occurred_at"].append(_("帮办时间不能晚于现在。"))
    elif when < now - dt.timedelta(days=OLDEST_DAYS):
        errors["occurred_at"].append(
            _("帮办时间早于一年前，不能再补记；请联系区管理员。"),
        )
    minutes = values.get("duration_minutes")
    if minutes is None or not 1 <= minutes <= 480:
        errors["duration_minutes"].append(_("时长应在 1 到 480 分钟之间。"))
    if values.get("channel") not in Channel.values:
        errors["channel"].append(_("请选择帮办方式。"))
    if values.get("outcome") not in Outcome.values:
        errors["outcome"].append(_("请选择帮办结果。"))
    if not scenarios and not str(values.get("scenario_other", "")).strip():
        errors["scenarios"].append(_("请至少选择一个场景，或填写“其他场景”。"))
    if any(s.kind != ServiceKind.SCENARIO for s in scenarios):
        errors["scenarios"].append(_("只能选择帮办场景。"))
    if len(str(values.get("scenario_other", ""))) > 50:
        errors["scenario_other"].append(_("其他场景不超过 50 个字。"))
    if errors:
        raise ValidationError(dict(errors))


def _check_elder(actor: Any, elder: Any) -> None:
    """An elder outside the actor's scope cannot be put on a record (not even by id)."""
    if elder is not None and not elders_for(actor, roles.RECORDS_LOG).filter(pk=elder.pk).exists():
        raise ValidationError({"elder": _("这位长者不在您的服务范围内。")})


def _reason(reason: str, field: str, missing: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: missing})
    if len(reason) > MAX_REASON:
        raise ValidationError({field: _("原因不超过 200 个字。")})
    return reason


def _sync_ledger(session: HelpSession) -> None:
    local_day = timezone.localdate(session.occurred_at)
    LedgerEntry.objects.update_or_create(
        help_session=session,
        defaults={
            "kind": LedgerKind.HELP,
            "site": session.site,
            "region_path": session.region_path,
            "elder": session.elder,
            "occurred_at": session.occurred_at,
            "occurred_on": local_day,
            "source_key": f"help:{session.public_id}",
            "voided": session.is_voided,
        },
    )


@transaction.atomic
def help_session_log(
    *,
    actor: Any,
    site: Site,
    scenarios: list[Service],
    helper: Any = None,
    elder: Any = None,
    occurred_at: dt.datetime | None = None,
    duration_minutes: int | None = None,
    channel: str = Channel.WALK_IN,
    outcome: str = Outcome.SOLVED,
    scenario_other: str = "",
    note: str = "",
    source: str = Source.WORKSPACE,
    import_key: str = "",
    now: dt.datetime | None = None,
    check_integrity: bool = True,
) -> HelpSession:
    """Record one help session at ``site``; ``elder`` None is an anonymous walk-in.

    The helper is the actor unless given (an import names who helped); both must hold a
    logging role over the site.
    """
    now = now or timezone.now()
    helper = helper or actor
    if not holds_role_at_site(actor, roles.RECORDS_LOG, site):
        raise PermissionDenied(_("您不能在这个站点记录帮办。"))
    if helper != actor and not holds_role_at_site(helper, roles.RECORDS_LOG, site):
        raise ValidationError({"helper": _("帮办人不是这个站点的志愿者或工作人员。")})
    _check_elder(actor, elder)
    # To the minute: what the forms show and the amendment compares.
    values = {
        "occurred_at": (occurred_at or now).replace(second=0, microsecond=0),
        "duration_minutes": duration_minutes or DEFAULT_DURATION_MINUTES,
        "channel": channel,
        "outcome": outcome,
        "scenario_other": scenario_other.strip(),
        "note": note.strip(),
    }
    _validate(values, scenarios, now)
    session = HelpSession.objects.create(
        site=site,
        region_path=site.region_path,
        helper=helper,
        elder=elder,
        source=source,
        import_key=import_key,
        created_by=actor,
        **values,
    )
    session.scenarios.set(scenarios)
    _sync_ledger(session)
    audit_record(
        actor=actor,
        action="help_session.log",
        obj=session,
        changes={
            **values,
            "site": site,
            "helper": helper,
            "elder": elder,
            "scenarios": sorted(s.code for s in scenarios),
            "source": source,
        },
    )
    if check_integrity:  # an import checks all its rows at once instead
        integrity.check([session], now=now)
    return session


def _shown(field: str, value: Any) -> Any:
    """A value as the amendment history shows it."""
    if value is None:
        return ""
    if field == "occurred_at":
        local = timezone.localtime(value)
        return f"{date_words(local.date())} {time_words(local.time())}"
    if field == "channel":
        return str(Channel(value).label)
    if field == "outcome":
        return str(Outcome(value).label)
    if field in ("site", "elder"):
        return str(value)
    return value


@transaction.atomic
def help_session_amend(
    *,
    actor: Any,
    session: HelpSession,
    reason: str,
    scenarios: list[Service] | None = None,
    now: dt.datetime | None = None,
    **fields: Any,
) -> Amendment:
    """Correct a help session; the old and new values and the reason are kept."""
    now = now or timezone.now()
    unknown = set(fields) - set(AMENDABLE)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    if not holds_role_at_site(actor, roles.RECORDS_CORRECT, session.site):
        raise PermissionDenied(_("您不能更正这条记录。"))
    if fields.get("elder") is not None and fields["elder"] != session.elder:
        _check_elder(actor, fields["elder"])
    if "site" in fields and not holds_role_at_site(actor, roles.RECORDS_CORRECT, fields["site"]):
        raise PermissionDenied(_("您不能把记录改到这个站点。"))
    if session.is_voided:
        raise ValidationError(_("这条记录已作废，不能再更正。"))
    reason = _reason(reason, "reason", _("请写明更正原因。"))
    current = {f: getattr(session, f) for f in AMENDABLE}
    old_scenarios = list(session.scenarios.all())
    if fields.get("occurred_at") is not None:
        fields["occurred_at"] = fields["occurred_at"].replace(second=0, microsecond=0)
    merged = {**current, **fields}
    new_scenarios = old_scenarios if scenarios is None else list(scenarios)
    # The time rule applies to what the record now says, not to when it is corrected.
    _validate(merged, new_scenarios, now)
    changes = {
        f: [_shown(f, current[f]), _shown(f, v)] for f, v in fields.items() if current[f] != v
    }
    old_codes = sorted(s.code for s in old_scenarios)
    new_codes = sorted(s.code for s in new_scenarios)
    if old_codes != new_codes:
        changes["scenarios"] = [
            "、".join(s.name for s in old_scenarios),
            "、".join(s.name for s in new_scenarios),
        ]
    if not changes:
        raise ValidationError(_("没有需要更正的内容。"))
    for f, v in fields.items():
        setattr(session, f, v)
    session.region_path = session.site.region_path
    session.save()
    if old_codes != new_codes:
        session.scenarios.set(new_scenarios)
    _sync_ledger(session)
    amendment = Amendment.objects.create(
        help_session=session, actor=actor, reason=reason, changes=changes
    )
    audit_record(
        actor=actor,
        action="help_session.amend",
        obj=session,
        changes={**changes, "reason": reason},
    )
    integrity.check([session], now=now)
    return amendment


@transaction.atomic
def help_session_void(*, actor: Any, session: HelpSession, reason: str) -> HelpSession:
    """Mark a record as not counted, with the reason; it stays on file."""
    if not holds_role_at_site(actor, roles.RECORDS_CORRECT, session.site):
        raise PermissionDenied(_("您不能作废这条记录。"))
    if session.is_voided:
        raise ValidationError(_("这条记录已经作废。"))
    reason = _reason(reason, "reason", _("请写明作废原因。"))
    session.voided_at = timezone.now()
    session.voided_by = actor
    session.void_reason = reason
    session.save(update_fields=["voided_at", "voided_by", "void_reason", "updated_at"])
    _sync_ledger(session)
    session.flags.filter(status=FlagStatus.OPEN).update(
        status=FlagStatus.VOIDED, reviewed_by=actor, reviewed_at=session.voided_at
    )
    audit_record(actor=actor, action="help_session.void", obj=session, changes={"reason": reason})
    return session


@transaction.atomic
def flag_review(*, actor: Any, flag: Flag, decision: str, note: str = "") -> Flag:
    """Confirm a flagged record (it stands) or void it (with ``note`` as the reason)."""
    session = flag.help_session
    if not holds_role_at_site(actor, roles.RECORDS_REVIEW, session.site):
        raise PermissionDenied(_("您不能复核这条记录。"))
    if flag.status != FlagStatus.OPEN:
        raise ValidationError(_("这条提示已经复核过了。"))
    if decision == "confirm":
        flag.status = FlagStatus.CONFIRMED
        flag.review_note = (note or "").strip()[:MAX_REASON]
        flag.reviewed_by = actor
        flag.reviewed_at = timezone.now()
        flag.save()
        audit_record(
            actor=actor,
            action="flag.confirm",
            obj=session,
            changes={"rule": flag.rule, "note": flag.review_note},
        )
        return flag
    if decision == "void":
        reason = _reason(note, "note", _("作废记录时请写明原因。"))
        help_session_void(actor=actor, session=session, reason=reason)
        flag.refresh_from_db()
        flag.review_note = reason
        flag.save(update_fields=["review_note"])
        return flag
    raise ValidationError({"decision": _("请选择“确认无误”或“作废记录”。")})


def training_attendance_record(
    *, site: Site, elder: Any, occurred_at: dt.datetime, source_key: str
) -> tuple[LedgerEntry, bool]:
    """Write one training person-time for an elder at a class; the same key writes once.

    Called by the classes app at check-in; returns the entry and whether it is new.
    """
    return LedgerEntry.objects.get_or_create(
        source_key=source_key,
        defaults={
            "kind": LedgerKind.TRAINING,
            "site": site,
            "region_path": site.region_path,
            "elder": elder,
            "occurred_at": occurred_at,
            "occurred_on": timezone.localdate(occurred_at),
        },
    )
