"""Public timetables: the published classes still to come, with their places.

Everyone may read these (the elder portal, the iCalendar feeds and the public API); they
show nothing about who signed up. Counts are read for one page of sessions at a time, so a
street with a thousand sessions costs the same few queries as one with ten.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.utils import timezone

from huoban.classes.models import ClassSession, SessionStatus, SignUp, SignUpStatus
from huoban.sites.models import Site, SiteStatus


def published_sessions() -> QuerySet[ClassSession]:
    """Published sessions at active sites (past and future), with their site and course."""
    return ClassSession.objects.filter(
        status=SessionStatus.PUBLISHED, site__status=SiteStatus.ACTIVE
    ).select_related("site", "site__region", "site__region__parent", "course")


def upcoming_sessions(now: dt.datetime | None = None) -> QuerySet[ClassSession]:
    """Published sessions that have not ended yet, soonest first."""
    now = now or timezone.now()
    return published_sessions().filter(end__gt=now).order_by("start", "id")


def for_cards(qs: QuerySet[ClassSession]) -> QuerySet[ClassSession]:
    """Only what a timetable card shows (title, times, kind, places, site and street):
    a page of a street's timetable then builds a fifth of the objects it otherwise would."""
    return (
        qs.select_related(None)
        .select_related("site__region")
        .only(
            "public_id",
            "title",
            "kind",
            "start",
            "end",
            "capacity",
            "site__name",
            "site__region__name",
        )
    )


@dataclass(frozen=True)
class Places:
    capacity: int
    taken: int
    waiting: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def full(self) -> bool:
        return self.free == 0


@dataclass(frozen=True)
class TimetableRow:
    session: ClassSession
    places: Places

    @property
    def day(self) -> dt.date:
        return timezone.localdate(self.session.start)


def places_of(sessions: Iterable[ClassSession]) -> dict[int, Places]:
    """Places taken and people waiting for each session, in one query."""
    sessions = list(sessions)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    if sessions:
        for session_id, status, n in (
            SignUp.objects.filter(
                session_id__in=[s.pk for s in sessions],
                status__in=[SignUpStatus.CONFIRMED, SignUpStatus.WAITING],
            )
            .order_by()
            .values_list("session_id", "status")
            .annotate(n=Count("id"))
        ):
            counts[session_id][status] = n
    return {
        s.pk: Places(
            capacity=s.capacity,
            taken=counts[s.pk].get(SignUpStatus.CONFIRMED, 0),
            waiting=counts[s.pk].get(SignUpStatus.WAITING, 0),
        )
        for s in sessions
    }


def timetable_rows(sessions: Iterable[ClassSession]) -> list[TimetableRow]:
    sessions = list(sessions)
    places = places_of(sessions)
    return [TimetableRow(s, places[s.pk]) for s in sessions]


def timetable_page(
    qs: QuerySet[ClassSession], number: int | str | None, per_page: int = 20
) -> tuple[Page, list[TimetableRow]]:
    """One page of a timetable and its rows (an out-of-range page gives the last one)."""
    page = Paginator(qs, per_page).get_page(number)
    return page, timetable_rows(page.object_list)


def days_of(rows: Iterable[TimetableRow]) -> list[tuple[dt.date, list[TimetableRow]]]:
    """Rows grouped by local day, in order."""
    grouped: dict[dt.date, list[TimetableRow]] = {}
    for row in rows:
        grouped.setdefault(row.day, []).append(row)
    return list(grouped.items())


def street_path_of(region_path: str) -> str:
    """The street's path for a site placed in a street or in a neighbourhood below it."""
    parts = [p for p in region_path.split("/") if p]
    return "".join(f"{p}/" for p in parts[:3])


def in_street(qs: QuerySet[ClassSession], region_path: str) -> QuerySet[ClassSession]:
    return qs.filter(region_path__under=street_path_of(region_path))


def street_neighbours(
    site: Site, now: dt.datetime | None = None, limit: int = 6
) -> list[TimetableRow]:
    """The next classes at the other sites of the same street (seed 000: each site shows
    its street's other classes)."""
    qs = in_street(upcoming_sessions(now), site.region_path).exclude(site=site)
    return timetable_rows(qs[:limit])


def signups_of_elders(elders: Iterable, now: dt.datetime) -> tuple[list[SignUp], list[SignUp]]:
    """The sign-ups (not cancelled) of these elders: those still to come, soonest first, and
    the last year's past ones, latest first. For "my things" in the portal."""
    ids = [e.pk for e in elders]
    if not ids:
        return [], []
    qs = (
        SignUp.objects.filter(elder_id__in=ids)
        .exclude(status=SignUpStatus.CANCELLED)
        .filter(session__status=SessionStatus.PUBLISHED)
        .select_related("session", "session__site", "elder")
    )
    upcoming = list(qs.filter(session__end__gt=now).order_by("session__start", "id"))
    past = list(
        qs.filter(session__end__lte=now, session__end__gt=now - dt.timedelta(days=365)).order_by(
            "-session__start", "-id"
        )[:20]
    )
    return upcoming, past
