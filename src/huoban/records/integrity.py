"""Rules that flag help sessions for the street admin's review.

Money and rewards follow the person-time counts, so records that look wrong are flagged —
never changed or dropped: a person reviews each flag and either confirms the record or
voids it. The thresholds are settings (``HUOBAN_FLAG_*``; defaults below) because what is
plausible differs between a quiet library corner and a busy service centre.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from huoban.lib.when import date_words, time_range_words, time_words
from huoban.records.models import Channel, Flag, FlagRule, HelpSession
from huoban.sites.selectors import desk_hours


@dataclass(frozen=True)
class Limits:
    elder_per_day: int  # more help sessions than this for one elder in a day
    helper_minutes_per_day: int  # more logged minutes than this for one helper a day
    bulk_identical: int  # this many identical sessions by one helper
    backdated_days: int  # logged more than this many days after it happened


def limits() -> Limits:
    """The thresholds in force (settings ``HUOBAN_FLAG_*``, read from the environment)."""
    return Limits(
        elder_per_day=settings.HUOBAN_FLAG_ELDER_PER_DAY,
        helper_minutes_per_day=settings.HUOBAN_FLAG_HELPER_MINUTES_PER_DAY,
        bulk_identical=settings.HUOBAN_FLAG_BULK_IDENTICAL,
        backdated_days=settings.HUOBAN_FLAG_BACKDATED_DAYS,
    )


def _day_bounds(when: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    local = timezone.localtime(when)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(days=1)


def _active() -> QuerySet[HelpSession]:
    return HelpSession.objects.filter(voided_at__isnull=True)


def _end(s: HelpSession) -> dt.datetime:
    return s.occurred_at + dt.timedelta(minutes=s.duration_minutes)


def _day_words(when: dt.datetime) -> str:
    return date_words(timezone.localtime(when).date())


def check(sessions: Iterable[HelpSession], *, now: dt.datetime | None = None) -> list[Flag]:
    """Apply every rule to ``sessions`` (just logged, amended or imported) and their
    neighbours; create the flags that do not exist yet. Returns the new flags."""
    now = now or timezone.now()
    lim = limits()
    found: dict[tuple[int, str], tuple[HelpSession, str]] = {}

    def flag(s: HelpSession, rule: str, detail: str) -> None:
        found.setdefault((s.pk, rule), (s, detail))

    sessions = [s for s in sessions if not s.is_voided]
    elder_days = {(s.elder_id, _day_bounds(s.occurred_at)) for s in sessions if s.elder_id}
    helper_days = {(s.helper_id, _day_bounds(s.occurred_at)) for s in sessions}

    # 1. The same elder more than N times in a day.
    for elder_id, (start, end) in elder_days:
        same = list(
            _active().filter(elder_id=elder_id, occurred_at__gte=start, occurred_at__lt=end)
        )
        if len(same) > lim.elder_per_day:
            detail = _("这位长者%(day)s共有 %(n)s 次帮办，超过 %(limit)s 次。") % {
                "day": _day_words(start),
                "n": len(same),
                "limit": lim.elder_per_day,
            }
            for s in same:
                flag(s, FlagRule.ELDER_MANY_TIMES, detail)

    # 2. A walk-in outside the site's desk hours (phone, home and online help may happen
    # at any time, so only walk-ins are checked).
    periods_of: dict[tuple[int, dt.date], list] = {}  # one read per site and day
    for s in sessions:
        if s.channel != Channel.WALK_IN:
            continue
        local = timezone.localtime(s.occurred_at)
        key = (s.site_id, local.date())
        if key not in periods_of:
            periods_of[key] = desk_hours([s.site_id], local.date())[s.site_id].periods_on(
                local.date()
            )
        periods = periods_of[key]
        t = local.time().replace(tzinfo=None)
        if not any(p.start <= t < p.end for p in periods):
            shown = "、".join(time_range_words(p.start, p.end) for p in periods)
            detail = (
                _("%(time)s 不在本站当天的咨询时段（%(hours)s）内。")
                % {"time": time_words(local.time()), "hours": shown}
                if periods
                else _("%(time)s：本站当天没有咨询时段。") % {"time": time_words(local.time())}
            )
            flag(s, FlagRule.OUTSIDE_HOURS, detail)

    for helper_id, (start, end) in helper_days:
        day = list(
            _active()
            .filter(helper_id=helper_id, occurred_at__gte=start, occurred_at__lt=end)
            .order_by("occurred_at", "id")
        )
        # 3. More logged minutes in a day than one person can give: the sessions from the
        # one that crosses the limit onwards.
        total = 0
        for s in day:
            total += s.duration_minutes
            if total > lim.helper_minutes_per_day:
                flag(
                    s,
                    FlagRule.HELPER_OVERLOAD,
                    _("此人%(day)s已记录 %(n)s 分钟，超过 %(limit)s 分钟。")
                    % {
                        "day": _day_words(start),
                        "n": total,
                        "limit": lim.helper_minutes_per_day,
                    },
                )
        # 4. One helper at two sites at once: overlapping sessions at different sites.
        for i, a in enumerate(day):
            for b in day[i + 1 :]:
                if b.occurred_at >= _end(a):
                    break
                if a.site_id != b.site_id:
                    detail = _("此人同一时间在两个站点都有记录。")
                    flag(a, FlagRule.HELPER_TWO_SITES, detail)
                    flag(b, FlagRule.HELPER_TWO_SITES, detail)
        # 5. Bulk-identical: N or more sessions alike in every field.
        alike: dict[tuple, list[HelpSession]] = defaultdict(list)
        scenario_codes = _scenario_codes(day)
        for s in day:
            key = (
                s.site_id,
                s.occurred_at,
                s.duration_minutes,
                s.channel,
                s.outcome,
                s.elder_id,
                s.note.strip(),
                s.scenario_other.strip(),
                scenario_codes.get(s.pk, ()),
            )
            alike[key].append(s)
        for group in alike.values():
            if len(group) >= lim.bulk_identical:
                detail = _("同一人有 %(n)s 条完全相同的记录。") % {"n": len(group)}
                for s in group:
                    flag(s, FlagRule.BULK_IDENTICAL, detail)

    # 6. Back-dated: logged long after it happened.
    today = timezone.localdate(now)
    for s in sessions:
        made = timezone.localdate(s.created_at) if s.created_at else today
        late = (made - timezone.localdate(s.occurred_at)).days
        if late > lim.backdated_days:
            flag(
                s,
                FlagRule.BACK_DATED,
                _("事后 %(n)s 天才记录，超过 %(limit)s 天。")
                % {"n": late, "limit": lim.backdated_days},
            )

    return _save(found)


def _scenario_codes(sessions: list[HelpSession]) -> dict[int, tuple[str, ...]]:
    through = HelpSession.scenarios.through
    codes: dict[int, list[str]] = defaultdict(list)
    rows = through.objects.filter(helpsession_id__in=[s.pk for s in sessions]).values_list(
        "helpsession_id", "service__code"
    )
    for session_id, code in rows:
        codes[session_id].append(code)
    return {pk: tuple(sorted(c)) for pk, c in codes.items()}


def _save(found: dict[tuple[int, str], tuple[HelpSession, str]]) -> list[Flag]:
    if not found:
        return []
    existing = set(
        Flag.objects.filter(help_session_id__in={pk for pk, _rule in found}).values_list(
            "help_session_id", "rule"
        )
    )
    new = [
        Flag(help_session=s, rule=rule, detail=detail[:200])
        for (pk, rule), (s, detail) in found.items()
        if (pk, rule) not in existing
    ]
    return Flag.objects.bulk_create(new)
