"""Volunteers' service hours (服务时长), from their duty shifts and the help sessions they
logged, and the student's service-hour certificate that states them.

Service hours (服务时长) follow one rule, so that nothing is counted twice:

* a **planned duty shift counts in full once it has ended** (``end <= now``); a cancelled
  shift never counts, a shift still running or still to come does not count yet;
* a **help session logged by the person as helper counts only for the minutes outside
  every planned shift of theirs** (ended or not): a session during a shift is already paid
  for by the shift (or will be, when the shift ends); a session that runs past the end of a
  shift counts for the minutes after it. Voided sessions never count;
* both are cut to the period asked for (``start`` included, ``end`` excluded), so a shift
  or session crossing the period's edge counts only for its minutes inside the period.

Hours are shown to one decimal, rounded down: a volunteer's record never claims more.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huoban.accounts.models import Membership, Role, User
from huoban.accounts.selectors import holds_role_at_site
from huoban.audit.services import audit_record
from huoban.people.models import Certificate, hours_of
from huoban.people.volunteers import MANAGE_ROLES, ErrorDict, profile_of
from huoban.records.models import HelpSession
from huoban.roster.models import Shift, ShiftStatus
from huoban.sites.models import Site

# The longest help session the records accept (8 hours): how far back a session can start
# and still reach into a period.
LONGEST_SESSION = dt.timedelta(minutes=480)
# A certificate covers at most about a school year.
LONGEST_CERTIFICATE_PERIOD = dt.timedelta(days=366)


@dataclass(frozen=True)
class ServiceHours:
    shift_minutes: int
    session_minutes: int  # help sessions outside the person's shifts

    @property
    def minutes(self) -> int:
        return self.shift_minutes + self.session_minutes

    @property
    def hours(self) -> Decimal:
        return hours_of(self.minutes)


Span = tuple[dt.datetime, dt.datetime]


def _clip(span: Span, window: Span) -> Span | None:
    start, end = max(span[0], window[0]), min(span[1], window[1])
    return (start, end) if start < end else None


def _merged(spans: Iterable[Span]) -> list[Span]:
    out: list[Span] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _seconds_outside(span: Span, covered: list[Span]) -> float:
    total = (span[1] - span[0]).total_seconds()
    for cover in covered:
        inside = _clip(span, cover)
        if inside:
            total -= (inside[1] - inside[0]).total_seconds()
    return total


def service_hours(
    person: User,
    start: dt.datetime,
    end: dt.datetime,
    *,
    site: Site | None = None,
    now: dt.datetime | None = None,
) -> ServiceHours:
    """``person``'s service time from ``start`` to ``end`` (aware), by the module's rule.

    With ``site``, only shifts and help sessions at that site count (a certificate states
    the hours served at the site that issues it); shifts elsewhere still cover sessions.
    """
    now = now or timezone.now()
    window = (start, end)
    shifts = list(
        Shift.objects.filter(
            person=person, status=ShiftStatus.PLANNED, start__lt=end, end__gt=start
        ).values_list("site_id", "start", "end")
    )
    shift_seconds = 0.0
    for site_id, s_start, s_end in shifts:
        if s_end > now or (site is not None and site_id != site.pk):
            continue
        inside = _clip((s_start, s_end), window)
        if inside:
            shift_seconds += (inside[1] - inside[0]).total_seconds()
    sessions = HelpSession.objects.filter(
        helper=person,
        voided_at__isnull=True,
        occurred_at__lt=end,
        occurred_at__gt=start - LONGEST_SESSION,
    )
    if site is not None:
        sessions = sessions.filter(site=site)
    # Sessions may reach a little before the window: so may the shifts covering them.
    covered = _merged(
        (s_start, s_end)
        for _site, s_start, s_end in Shift.objects.filter(
            person=person,
            status=ShiftStatus.PLANNED,
            start__lt=end,
            end__gt=start - LONGEST_SESSION,
        ).values_list("site_id", "start", "end")
    )
    # Two sessions logged for the same stretch of time (two elders helped at once) are one
    # stretch of service: merged before the shifts' time is taken out.
    spans = (
        _clip((occurred_at, occurred_at + dt.timedelta(minutes=minutes)), window)
        for occurred_at, minutes in sessions.values_list("occurred_at", "duration_minutes")
    )
    session_seconds = sum(
        _seconds_outside(span, covered) for span in _merged(s for s in spans if s)
    )
    return ServiceHours(int(shift_seconds // 60), int(session_seconds // 60))


def local_day_bounds(first: dt.date, last: dt.date) -> Span:
    """From the start of ``first`` to the end of ``last`` (local midnight to midnight)."""
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(first, dt.time(0), tz),
        dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tz),
    )


def hours_this_month_and_year(person: User, now: dt.datetime | None = None) -> dict[str, Any]:
    """The profile page's figures: this month and this year so far."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    month = service_hours(person, *local_day_bounds(today.replace(day=1), today), now=now)
    year = service_hours(person, *local_day_bounds(today.replace(month=1, day=1), today), now=now)
    return {"month": month, "year": year}


@transaction.atomic
def certificate_issue(
    *,
    actor: Any,
    person: User,
    site: Site,
    period_start: dt.date,
    period_end: dt.date,
    now: dt.datetime | None = None,
) -> Certificate:
    """Issue a student volunteer's service-hour certificate for a period at ``site``.

    For the site's manager (or an admin above it); the student must volunteer at the site.
    The period is whole days, ends by today and spans at most a year. The hours are those
    served at the site in the period (:func:`service_hours`), frozen on the certificate
    with the student's name, school and class.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not holds_role_at_site(actor, MANAGE_ROLES, site):
        raise PermissionDenied(_("您不能以这个站点的名义出具证明。"))
    if not Membership.objects.filter(user=person, role=Role.VOLUNTEER, site=site).exists():
        raise ValidationError(
            {"site": _("%(name)s 不是这个站点的志愿者。") % {"name": person.name}}
        )
    profile = profile_of(person)
    if profile is None or not profile.is_student or not profile.school:
        raise ValidationError(_("服务时长证明只为学生志愿者出具：请先在资料中登记学生身份和学校。"))
    errors: ErrorDict = defaultdict(list)
    if period_end < period_start:
        errors["period_end"].append(ValidationError(_("截止日期不能早于起始日期。"), code="order"))
    elif period_end - period_start >= LONGEST_CERTIFICATE_PERIOD:
        errors["period_end"].append(
            ValidationError(_("一份证明最多覆盖一年，请分开出具。"), code="too_long")
        )
    if period_end > today:
        errors["period_end"].append(ValidationError(_("截止日期不能晚于今天。"), code="future"))
    if errors:
        raise ValidationError(dict(errors))
    served = service_hours(person, *local_day_bounds(period_start, period_end), site=site, now=now)
    if served.minutes == 0:
        raise ValidationError({"period_start": _("这段时间在本站点没有服务时长，不能出具证明。")})
    certificate = Certificate.objects.create(
        volunteer=profile,
        site=site,
        period_start=period_start,
        period_end=period_end,
        minutes=served.minutes,
        name=person.name,
        school=profile.school,
        grade=profile.grade,
        issued_on=today,
        issued_by=actor,
    )
    audit_record(
        actor=actor,
        action="certificate.issue",
        obj=certificate,
        changes={
            "volunteer": person,
            "site": site,
            "period_start": period_start.isoformat(),
            "period_end": period_end.isoformat(),
            "minutes": served.minutes,
        },
    )
    return certificate
