"""Reading help records and counting person-times.

The counting rules, in one place: a person-time is a ledger entry that is not voided; the
persons are the distinct known elders among them (an anonymous entry is a person-time and
no person); an amended record is still one entry. The dashboard's figures are counted here
too (``span_counts`` and the breakdowns below), never in a view.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from huoban.accounts.selectors import scope_q
from huoban.records.models import (
    Channel,
    Flag,
    FlagStatus,
    HelpSession,
    ImportBatch,
    LedgerEntry,
    LedgerKind,
)
from huoban.regions.models import Region


@dataclass(frozen=True)
class Counts:
    person_times: int
    persons: int


def _person_times(within: Q | None = None) -> Count:
    """Person-times: counted entries (the queryset is already limited to those)."""
    return Count("id", filter=within)


def _persons(within: Q | None = None) -> Count:
    """Persons: the distinct known elders (an anonymous entry is no person)."""
    known = Q(elder__isnull=False)
    return Count("elder", distinct=True, filter=known if within is None else within & known)


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


def with_open_flags(qs: QuerySet[HelpSession]) -> QuerySet[HelpSession]:
    """Prefetch each record's open flags as ``flags`` (a list page's flag tags)."""
    return qs.prefetch_related(
        Prefetch("flags", queryset=Flag.objects.filter(status=FlagStatus.OPEN))
    )


def import_batches_of(user) -> QuerySet[ImportBatch]:
    """The spreadsheet imports the user uploaded: only they see (and confirm) their own."""
    return ImportBatch.objects.filter(created_by=user)


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
    totals = qs.filter(voided=False).aggregate(person_times=_person_times(), persons=_persons())
    return Counts(totals["person_times"], totals["persons"])


# --- The dashboard's figures ---------------------------------------------------------------------


def span_counts(
    qs: QuerySet[LedgerEntry], spans: dict[str, tuple[dt.date, dt.date]]
) -> dict[str, Counts]:
    """Person-times and persons of ``qs`` in each named span of local dates (first and
    last day included), all in one query: ``{"today": Counts(...), ...}``."""
    aggregates: dict[str, Count] = {}
    for key, (start, end) in spans.items():
        inside = Q(occurred_on__gte=start, occurred_on__lte=end)
        aggregates[f"{key}_times"] = _person_times(inside)
        aggregates[f"{key}_persons"] = _persons(inside)
    first = min(start for start, _end in spans.values())
    last = max(end for _start, end in spans.values())
    totals = ledger_in(qs=qs, start=first, end=last).aggregate(**aggregates)
    return {key: Counts(totals[f"{key}_times"], totals[f"{key}_persons"]) for key in spans}


@dataclass(frozen=True)
class Part:
    """One line of a breakdown: a scenario, a channel or a site, and its person-times."""

    name: str
    person_times: int
    persons: int | None = None
    site_id: int | None = None


def scenario_parts(qs: QuerySet[LedgerEntry]) -> list[Part]:
    """Help person-times by scenario, most first (a session with two scenarios counts for
    each), named in the language in use."""
    english = (get_language() or "").startswith("en")
    found = (
        qs.filter(kind=LedgerKind.HELP)
        .values(
            "help_session__scenarios__name",
            "help_session__scenarios__name_en",
            "help_session__scenarios__sort",
        )
        .annotate(n=_person_times())
        .order_by("-n", "help_session__scenarios__sort")
    )
    return [
        Part(
            f["help_session__scenarios__name_en" if english else "help_session__scenarios__name"],
            f["n"],
        )
        for f in found
        if f["help_session__scenarios__name"] is not None
    ]


def channel_parts(qs: QuerySet[LedgerEntry]) -> list[Part]:
    """Person-times by how the help was given, and class training, most first."""
    found = qs.values("kind", "help_session__channel").annotate(n=_person_times()).order_by()
    order = [*Channel.values, None]  # ties in the form's order; training last
    parts = []
    for f in sorted(found, key=lambda f: (-f["n"], order.index(f["help_session__channel"]))):
        if f["kind"] == LedgerKind.TRAINING:
            name = _("课堂培训")
        else:
            name = str(Channel(f["help_session__channel"]).label)
        parts.append(Part(name, f["n"]))
    return parts


def site_parts(qs: QuerySet[LedgerEntry], limit: int) -> list[Part]:
    """The ``limit`` sites with the most person-times, with their persons."""
    found = (
        qs.values("site", "site__name")
        .annotate(n=_person_times(), persons=_persons())
        .order_by("-n", "site__name")[:limit]
    )
    return [Part(f["site__name"], f["n"], f["persons"], f["site"]) for f in found]


def daily_counts(
    qs: QuerySet[LedgerEntry], first: dt.date, last: dt.date
) -> list[tuple[dt.date, int]]:
    """Person-times of each day from ``first`` to ``last`` (days without any count 0)."""
    found = dict(
        ledger_in(qs=qs, start=first, end=last)
        .values("occurred_on")
        .annotate(n=_person_times())
        .order_by()
        .values_list("occurred_on", "n")
    )
    days = (first + dt.timedelta(days=i) for i in range((last - first).days + 1))
    return [(day, found.get(day, 0)) for day in days]


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
