"""Reading evaluations: scoped lists and the aggregates (count, average, the five faces).

Every aggregate is one query: the counts per score are conditional counts, grouped by the
denormalised site, course or teacher when a table needs one row per group.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from huoban.accounts import roles as role_sets
from huoban.accounts.selectors import scope_q
from huoban.classes.models import ClassSession, Course, SignUp
from huoban.evaluations.models import Evaluation, Score
from huoban.records.models import HelpSession
from huoban.sites.models import Site

# Who reads ratings and comments: everyone who reads the site's help records.
VIEW = role_sets.RECORDS_VIEW
# The public average on a site's page covers the last twelve months.
PUBLIC_MONTHS = 12
SCORES = (5, 4, 3, 2, 1)  # how the faces are listed: best first


@dataclass(frozen=True)
class ScoreRow:
    score: int
    label: str
    count: int
    share: int  # whole per cent of all ratings, for the bar's length


@dataclass(frozen=True)
class Summary:
    count: int
    total: int
    # Ratings per score, 1 to 5.
    distribution: tuple[int, int, int, int, int]

    @property
    def average(self) -> Decimal | None:
        """The mean score to one decimal (4.55 → 4.6); None with no ratings."""
        if not self.count:
            return None
        return (Decimal(self.total) / Decimal(self.count)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def rows(self) -> list[ScoreRow]:
        """One row per face, best first, with its share for a bar."""
        out = []
        for score in SCORES:
            n = self.distribution[score - 1]
            share = round(100 * n / self.count) if self.count else 0
            out.append(ScoreRow(score, str(Score(score).label), n, share))
        return out

    @property
    def stars(self) -> list[str]:
        """Five stars for the average, each "full", "half" or "empty" (to the half star)."""
        average = self.average or Decimal(0)
        halves = int((average * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        return [
            "full" if halves >= 2 * i else "half" if halves == 2 * i - 1 else "empty"
            for i in range(1, 6)
        ]


EMPTY = Summary(0, 0, (0, 0, 0, 0, 0))


def _aggregates() -> dict[str, Any]:
    return {
        "n": Count("id"),
        "total": Sum("score"),
        **{f"s{score}": Count("id", filter=Q(score=score)) for score in range(1, 6)},
    }


def _summary(row: dict[str, Any]) -> Summary:
    if not row.get("n"):
        return EMPTY
    return Summary(
        count=row["n"],
        total=row["total"] or 0,
        distribution=(row["s1"], row["s2"], row["s3"], row["s4"], row["s5"]),
    )


def evaluations_for(user: Any, roles: Iterable[str]) -> QuerySet[Evaluation]:
    """Evaluations at the sites (or in the regions) the user holds one of ``roles`` for."""
    return Evaluation.objects.filter(
        scope_q(user, roles, site_field="site_id", region_path_field="region_path")
    )


def class_sessions_for_evaluation(user: Any, roles: Iterable[str]) -> QuerySet[ClassSession]:
    """The class sessions whose ratings the user may read (or enter)."""
    return ClassSession.objects.filter(
        scope_q(user, roles, site_field="site_id", region_path_field="region_path")
    )


def signups_for_evaluation(user: Any, roles: Iterable[str]) -> QuerySet[SignUp]:
    """Sign-ups for the class sessions whose ratings the user may read (or enter)."""
    return SignUp.objects.filter(session__in=class_sessions_for_evaluation(user, roles))


def signups_to_rate() -> QuerySet[SignUp]:
    """Every sign-up, with its session, site and elder: a class is rated through the
    sign-up's public id, so the unguessable link is the key (``rules.obstacle`` decides)."""
    return SignUp.objects.select_related("session", "session__site", "elder")


def help_sessions_to_rate() -> QuerySet[HelpSession]:
    """Every help session, with its site and elder: one is rated through its signed token
    (``tokens.help_session_id``), so the link is the key (``rules.obstacle`` decides)."""
    return HelpSession.objects.select_related("site", "elder")


def class_evaluations(session: ClassSession) -> QuerySet[Evaluation]:
    """The ratings of the class ``session`` (the caller has it from a scoped selector), with
    who gave and who entered them, newest first."""
    return (
        Evaluation.objects.filter(class_session=session)
        .select_related("elder", "by")
        .order_by("-created_at")
    )


def class_evaluation_by(session: ClassSession, elder: Any) -> Evaluation | None:
    """The rating ``elder`` already gave the class ``session`` (a class has one per elder)."""
    return Evaluation.objects.filter(class_session=session, elder=elder).first()


def help_evaluation(help_session: HelpSession) -> Evaluation | None:
    """The rating already given to a help session (it has at most one)."""
    return Evaluation.objects.filter(help_session=help_session).first()


def summary(qs: QuerySet[Evaluation]) -> Summary:
    """Count, average and the five faces of ``qs``, in one query."""
    return _summary(qs.order_by().aggregate(**_aggregates()))


def summaries_by(qs: QuerySet[Evaluation], field: str) -> dict[Any, Summary]:
    """``{value of field: Summary}`` for every group in ``qs``, in one query."""
    rows = qs.order_by().values(field).annotate(**_aggregates())
    return {row[field]: _summary(row) for row in rows}


def session_summaries(session_ids: Iterable[int]) -> dict[int, Summary]:
    """Summaries of many class sessions (a list page), in one query."""
    ids = list(session_ids)
    if not ids:
        return {}
    return summaries_by(Evaluation.objects.filter(class_session_id__in=ids), "class_session_id")


def public_since(now: dt.datetime | None = None) -> dt.datetime:
    """The same moment twelve months back (28 February for a 29 February)."""
    now = timezone.localtime(now or timezone.now())
    year = now.year - PUBLIC_MONTHS // 12
    try:
        return now.replace(year=year)
    except ValueError:
        return now.replace(year=year, day=28)


def site_rating(site: Site, now: dt.datetime | None = None) -> Summary:
    """The site's public figure: average and count of the last twelve months' ratings."""
    return summary(Evaluation.objects.filter(site=site, created_at__gte=public_since(now)))


def site_ratings(site_ids: Iterable[int], now: dt.datetime | None = None) -> dict[int, Summary]:
    """``site_rating`` for many sites in one query; a site without ratings gets EMPTY."""
    ids = list(site_ids)
    if not ids:
        return {}
    found = summaries_by(
        Evaluation.objects.filter(site_id__in=ids, created_at__gte=public_since(now)), "site_id"
    )
    return {pk: found.get(pk, EMPTY) for pk in ids}


@dataclass(frozen=True)
class GroupRow:
    key: Any
    label: str
    summary: Summary


def overview(qs: QuerySet[Evaluation], by: str) -> list[GroupRow]:
    """One row per site, course or teacher (``by``), best average first; two queries."""
    if by == "site":
        groups = summaries_by(qs, "site_id")
        names = dict(Site.objects.filter(pk__in=groups).values_list("pk", "name"))
    elif by == "course":
        groups = summaries_by(qs.filter(course__isnull=False), "course_id")
        names = dict(Course.objects.filter(pk__in=groups).values_list("pk", "title"))
    elif by == "teacher":
        groups = summaries_by(qs.filter(class_session__isnull=False).exclude(teacher=""), "teacher")
        names = {t: t for t in groups}
    else:
        raise ValueError(by)
    rows = [GroupRow(key, str(names.get(key, "")), s) for key, s in groups.items()]
    rows.sort(key=lambda r: (-(r.summary.average or 0), -r.summary.count, r.label))
    return rows
