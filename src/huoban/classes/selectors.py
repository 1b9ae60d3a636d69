"""Reading classes: the sessions and sign-ups a user may see, courses, and a session's roster.

Scopes follow the site of the session: a site membership sees its site's sessions, a region
membership every session in its subtree (``scope_q``).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from huoban.accounts.selectors import elder_links_held_by, scope_q
from huoban.classes.models import (
    UNDO_WINDOW,
    ClassSession,
    Course,
    SessionStatus,
    SignUp,
    SignUpStatus,
    Undoable,
)

UPCOMING = "upcoming"
PAST = "past"


def waiting_place(signup: SignUp) -> int:
    """The place of a waiting sign-up in its session's queue (1 = next to move up), in the
    order promotion takes: by the moment each joined, then by id."""
    ahead = (
        SignUp.objects.filter(session_id=signup.session_id, status=SignUpStatus.WAITING)
        .filter(queued_at__lte=signup.queued_at)
        .exclude(queued_at=signup.queued_at, id__gt=signup.id)
        .count()
    )
    return max(ahead, 1)


def sessions_for(user, roles: Iterable[str]) -> QuerySet[ClassSession]:
    """Class sessions at the sites (or in the regions) where the user holds one of ``roles``."""
    return ClassSession.objects.filter(
        scope_q(user, roles, site_field="site_id", region_path_field="region_path")
    )


def signups_for(user, roles: Iterable[str]) -> QuerySet[SignUp]:
    """Sign-ups for the sessions the user may see with one of ``roles``."""
    return SignUp.objects.filter(
        scope_q(
            user, roles, site_field="session__site_id", region_path_field="session__region_path"
        )
    )


def elder_signups_for(user) -> QuerySet[SignUp]:
    """Sign-ups of the elders the user acts for (themself, family members who agreed)."""
    return SignUp.objects.filter(elder_id__in=[link.elder_id for link in elder_links_held_by(user)])


def attendees(session: ClassSession) -> QuerySet[SignUp]:
    """Who came to ``session``: the places checked in, with the elder, by name."""
    return (
        SignUp.objects.filter(
            session=session, status=SignUpStatus.CONFIRMED, checked_in_at__isnull=False
        )
        .select_related("elder")
        .order_by("elder__name", "id")
    )


def courses() -> QuerySet[Course]:
    """Every course template (they are programme-wide), with their scenario."""
    return Course.objects.select_related("scenario").order_by("title", "id")


def with_counts(qs: QuerySet[ClassSession]) -> QuerySet[ClassSession]:
    """Annotate ``confirmed``, ``waiting`` and ``checked_in`` counts (in the same query)."""
    return qs.annotate(
        confirmed=Count("signups", filter=Q(signups__status=SignUpStatus.CONFIRMED)),
        waiting=Count("signups", filter=Q(signups__status=SignUpStatus.WAITING)),
        checked_in=Count(
            "signups",
            filter=Q(signups__status=SignUpStatus.CONFIRMED, signups__checked_in_at__isnull=False),
        ),
    )


def filter_sessions(
    qs: QuerySet[ClassSession],
    *,
    site=None,
    status: str = "",
    when: str = "",
    now: dt.datetime | None = None,
) -> QuerySet[ClassSession]:
    """The class list's filters. ``when`` is ``upcoming`` (not yet ended, soonest first) or
    ``past`` (ended, latest first); anything else lists every session, soonest first."""
    now = now or timezone.now()
    if site is not None:
        qs = qs.filter(site=site)
    if status in SessionStatus.values:
        qs = qs.filter(status=status)
    if when == UPCOMING:
        return qs.filter(end__gt=now).order_by("start", "id")
    if when == PAST:
        return qs.filter(end__lte=now).order_by("-start", "-id")
    return qs.order_by("start", "id")


def level2_reasons_if_published(session: ClassSession, now: dt.datetime) -> list[str]:
    """Why the session would not count toward level 2 if it were published at ``now``
    (for a published one: why it does not count). Changes nothing."""
    if session.published_at is not None:
        return session.level2_reasons()
    trial = copy.copy(session)
    trial.published_at = now
    return trial.level2_reasons()


@dataclass
class Roster:
    """A session's sign-ups for the desk: places in sign-up order, then the waiting list in
    queue order, and the cancellations that can still be undone."""

    session: ClassSession
    confirmed: list[SignUp] = field(default_factory=list)
    waiting: list[SignUp] = field(default_factory=list)
    cancelled: list[SignUp] = field(default_factory=list)

    @property
    def checked_in(self) -> int:
        return sum(1 for s in self.confirmed if s.checked_in_at is not None)

    @property
    def free(self) -> int:
        return max(self.session.capacity - len(self.confirmed), 0)


def roster(session: ClassSession, now: dt.datetime | None = None) -> Roster:
    """The roster of ``session`` in one query; each sign-up gets ``can_cancel`` and
    ``can_undo`` (what the services would allow at ``now``)."""
    now = now or timezone.now()
    rows = (
        session.signups.select_related("elder")
        .filter(
            Q(status__in=[SignUpStatus.CONFIRMED, SignUpStatus.WAITING])
            | Q(undoable=Undoable.CANCEL, status_changed_at__gte=now - UNDO_WINDOW)
        )
        .order_by("queued_at", "id")
    )
    result = Roster(session)
    for signup in rows:
        signup.session = session
        signup.can_cancel = signup.cancel_open(now)  # type: ignore[attr-defined]
        signup.can_undo = signup.undo_open(now)  # type: ignore[attr-defined]
        if signup.status == SignUpStatus.CONFIRMED:
            result.confirmed.append(signup)
        elif signup.status == SignUpStatus.WAITING:
            result.waiting.append(signup)
        else:
            result.cancelled.append(signup)
    return result
