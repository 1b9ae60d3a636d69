"""Reading help records and counting person-times.

The counting rules, in one place: a person-time is a ledger entry that is not voided; the
persons are the distinct known elders among them (an anonymous entry is a person-time and
no person); an amended record is still one entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr

from huoban.accounts.selectors import scope_q
from huoban.records.models import Flag, FlagStatus, HelpSession, LedgerEntry, LedgerKind
from huoban.regions.models import Region


@dataclass(frozen=True)
class Counts:
    person_times: int
    persons: int


def help_sessions_for(user, roles: Iterable[str]) -> QuerySet[HelpSession]:
    """Help sessions at the sites (or in the regions) the user holds one of ``roles`` for."""
    return HelpSession.objects.filter(
        scope_q(user, roles, site_field="site_id", region_path_field="region_path")
    )


def filter_help_sessions(
    qs: QuerySet[HelpSession],
    *,
    site=None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    status: str = "",
    rule: str = "",
) -> QuerySet[HelpSession]:
    """The record list's filters, shared by the workspace and the API. Dates are the local
    dates of the ledger; ``status`` is active, voided or flagged (an open flag)."""
    if site is not None:
        qs = qs.filter(site=site)
    if start is not None:
        qs = qs.filter(ledger_entry__occurred_on__gte=start)
    if end is not None:
        qs = qs.filter(ledger_entry__occurred_on__lte=end)
    if status == "active":
        qs = qs.filter(voided_at__isnull=True)
    elif status == "voided":
        qs = qs.filter(voided_at__isnull=False)
    elif status == "flagged":
        qs = qs.filter(
            Exists(Flag.objects.filter(help_session=OuterRef("pk"), status=FlagStatus.OPEN))
        )
    if rule:
        qs = qs.filter(
            Exists(
                Flag.objects.filter(help_session=OuterRef("pk"), status=FlagStatus.OPEN, rule=rule)
            )
        )
    return qs


def help_counts(sessions: QuerySet[HelpSession]) -> Counts:
    """Person-times and persons of the listed help sessions (voided ones count nothing)."""
    return ledger_counts(LedgerEntry.objects.filter(help_session__in=sessions.values("pk")))


def flags_for(user, roles: Iterable[str]) -> QuerySet[Flag]:
    return Flag.objects.filter(
        scope_q(
            user,
            roles,
            site_field="help_session__site_id",
            region_path_field="help_session__region_path",
        )
    )


def open_flags_for(user, roles: Iterable[str]) -> QuerySet[Flag]:
    return flags_for(user, roles).filter(status=FlagStatus.OPEN)


def ledger_for(user, roles: Iterable[str]) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(
        scope_q(user, roles, site_field="site_id", region_path_field="region_path")
    )


def ledger_in(
    region: Region | None = None,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    measure: str = "both",
    qs: QuerySet[LedgerEntry] | None = None,
) -> QuerySet[LedgerEntry]:
    """Counted entries in ``region`` from ``start`` to ``end`` (local dates, inclusive).

    ``measure`` is ``help``, ``training`` or ``both``.
    """
    qs = (LedgerEntry.objects.all() if qs is None else qs).filter(voided=False)
    if region is not None:
        qs = qs.filter(region_path__under=region.path)
    if start is not None:
        qs = qs.filter(occurred_on__gte=start)
    if end is not None:
        qs = qs.filter(occurred_on__lte=end)
    if measure in (LedgerKind.HELP, LedgerKind.TRAINING):
        qs = qs.filter(kind=measure)
    return qs


def ledger_counts(qs: QuerySet[LedgerEntry]) -> Counts:
    """Person-times and persons of counted entries, in one query."""
    totals = qs.filter(voided=False).aggregate(
        person_times=Count("id"),
        persons=Count("elder", distinct=True, filter=Q(elder__isnull=False)),
    )
    return Counts(totals["person_times"], totals["persons"])


def person_times(region: Region, start: dt.date, end: dt.date, measure: str) -> int:
    """Person-times in a region between two local dates: what targets are measured by."""
    return ledger_in(region, start=start, end=end, measure=measure).count()


class PersonTimesByChild:
    """``count_done`` for ``progress_table`` with one grouped query per period instead of
    one count per row.

    The rows are ``parent``'s children. An entry's region path starts with the path of the
    child it lies in, so the first ``len(child.path)`` characters of the path name its row.
    Any other region (the parent itself, when it has no children) is counted on its own.
    """

    def __init__(self, parent: Region):
        self.parent = parent
        self.cache: dict[tuple, dict[str, int]] = {}

    def __call__(self, region: Region, start: dt.date, end: dt.date, measure: str) -> int:
        if region.parent_id != self.parent.pk:
            return person_times(region, start, end, measure)
        width = len(region.path)
        key = (start, end, measure, width)
        if key not in self.cache:
            counted = (
                ledger_in(self.parent, start=start, end=end, measure=measure)
                .annotate(prefix=Substr("region_path", 1, width))
                .values("prefix")
                .annotate(n=Count("id"))
                .order_by()
            )
            self.cache[key] = {c["prefix"]: c["n"] for c in counted}
        return self.cache[key].get(region.path, 0)
