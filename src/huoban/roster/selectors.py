"""Reading rosters: scoped shifts, a person's own shifts, week coverage, who is on duty."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from huoban.accounts.models import Role, User
from huoban.accounts.selectors import scope_q
from huoban.roster import coverage
from huoban.roster.coverage import WeekCoverage
from huoban.roster.models import RequestStatus, Shift, ShiftRequest, ShiftStatus
from huoban.sites.models import Site
from huoban.sites.selectors import desk_hours


def shifts_for(user: User, roles: Iterable[str]) -> QuerySet[Shift]:
    """Shifts (planned and cancelled) at the sites inside the user's scopes of ``roles``."""
    return Shift.objects.filter(
        scope_q(user, roles, site_field="site_id", region_path_field="site__region_path")
    ).select_related("site", "person")


def shift_requests_for(user: User, roles: Iterable[str]) -> QuerySet[ShiftRequest]:
    """Swap and cancel requests about shifts at the sites inside the user's scopes."""
    return ShiftRequest.objects.filter(
        scope_q(
            user, roles, site_field="shift__site_id", region_path_field="shift__site__region_path"
        )
    ).select_related("shift", "shift__site", "requested_by")


def open_requests(qs: QuerySet[ShiftRequest]) -> QuerySet[ShiftRequest]:
    return qs.filter(status=RequestStatus.OPEN).order_by("shift__start", "id")


def with_open_requests(qs: QuerySet[Shift]) -> QuerySet[Shift]:
    """Give each shift ``open_requests``: its open swap or cancel request, if any (a list)."""
    return qs.prefetch_related(
        Prefetch(
            "requests",
            queryset=ShiftRequest.objects.filter(status=RequestStatus.OPEN),
            to_attr="open_requests",
        )
    )


def own_planned_shifts(user: User) -> QuerySet[Shift]:
    """The user's own planned shifts (any time), with their site: what they may ask about."""
    return Shift.objects.filter(person=user, status=ShiftStatus.PLANNED).select_related("site")


def own_decided_requests(user: User, since: dt.datetime) -> QuerySet[ShiftRequest]:
    """The user's own swap and cancel requests decided since ``since``, latest first."""
    return (
        ShiftRequest.objects.filter(requested_by=user, handled_at__gte=since)
        .exclude(status=RequestStatus.OPEN)
        .select_related("shift__site")
        .order_by("-handled_at", "-id")
    )


def my_shifts(user: User, start: dt.datetime, end: dt.datetime) -> QuerySet[Shift]:
    """The user's own planned shifts that run at some moment from ``start`` to ``end``."""
    return (
        Shift.objects.filter(person=user, status=ShiftStatus.PLANNED, start__lt=end, end__gt=start)
        .select_related("site")
        .order_by("start", "id")
    )


def _week_bounds(monday: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    first = dt.datetime.combine(monday, dt.time(0), tz)
    return first, dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(0), tz)


def week_coverages(site_ids: Iterable[int], monday: dt.date) -> dict[int, WeekCoverage]:
    """The week's desk coverage of many sites, in three queries (periods, exceptions, shifts).

    ``monday`` may be any date of the week; only planned shifts count.
    """
    ids = list(site_ids)
    monday = coverage.monday_of(monday)
    hours = desk_hours(ids, monday)
    first, last = _week_bounds(monday)
    spans: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for site_id, start, end in (
        Shift.objects.filter(
            site_id__in=ids,
            status=ShiftStatus.PLANNED,
            start__lt=last,
            end__gt=first,
            person__is_active=True,  # a closed account staffs no desk
        )
        .order_by()
        .values_list("site_id", "start", "end")
    ):
        spans[site_id].append((start, end))
    return {pk: coverage.week_coverage(hours[pk], monday, spans[pk]) for pk in ids}


def week_coverage(site: Site, monday: dt.date) -> WeekCoverage:
    """One site's week (Monday to Sunday): published desk time, its staffing, the rule."""
    return week_coverages([site.pk], monday)[site.pk]


def on_duty_now(site: Site, now: dt.datetime | None = None) -> list[User]:
    """Who is on duty at ``site`` at ``now``: planned shifts with start ≤ now < end."""
    now = now or timezone.now()
    return list(
        User.objects.filter(
            is_active=True,
            shifts__site=site,
            shifts__status=ShiftStatus.PLANNED,
            shifts__start__lte=now,
            shifts__end__gt=now,
        )
        .distinct()
        .order_by("name", "id")
    )


def week_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Monday 0:00 to the next Monday 0:00 (local, aware) of the week holding ``day``."""
    return _week_bounds(coverage.monday_of(day))


def week_shifts(site: Site, monday: dt.date) -> QuerySet[Shift]:
    """The site's planned shifts running some time in the week holding ``monday``.

    Each carries ``open_requests``: its open swap or cancel request, if any (a list).
    """
    first, last = week_bounds(monday)
    return with_open_requests(
        Shift.objects.filter(site=site, status=ShiftStatus.PLANNED, start__lt=last, end__gt=first)
        .select_related("person")
        .order_by("start", "id")
    )


def roster_people(site: Site) -> QuerySet[User]:
    """Who may be put on the site's roster from its own staff: its volunteers and managers."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__site=site,
            memberships__role__in=[Role.VOLUNTEER, Role.SITE_MANAGER],
        )
        .distinct()
        .order_by("name", "id")
    )


def open_request_counts(site_ids: Iterable[int]) -> dict[int, int]:
    """How many open swap or cancel requests each site has, in one query."""
    rows = (
        ShiftRequest.objects.filter(status=RequestStatus.OPEN, shift__site_id__in=list(site_ids))
        .order_by()
        .values("shift__site_id")
        .annotate(n=Count("id"))
    )
    return {row["shift__site_id"]: row["n"] for row in rows}
