"""The demo's evaluations: ratings of the class sessions that have ended, by their
checked-in elders (some typed in by staff), and of some recent help sessions at the desk.

Works on whatever class sessions and sign-ups exist, so it runs after the demo classes are
loaded. Deterministic and repeatable: each sign-up's or help session's dice are seeded by
its own id, so a second run decides the same and adds nothing. Rows are written in bulk,
inside each subject's rating window, with the time each rating was made.
"""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.utils import timezone

from huoban.classes.models import ClassSession, SessionStatus, SignUp, SignUpStatus
from huoban.evaluations.models import Evaluation
from huoban.evaluations.rules import help_session_end
from huoban.records.models import HelpSession

SEED = 20261123
# Most elders are pleased; a few are not (their comments say why).
SCORE_WEIGHTS = {5: 48, 4: 34, 3: 11, 2: 5, 1: 2}
CLASS_RATED = 0.8  # share of checked-in elders who rate
ON_BEHALF = 0.2  # share of those ratings typed in by staff
HELP_RATED = 0.12  # share of recent help sessions rated at the desk
HELP_DAYS = 90  # how far back help sessions get ratings
COMMENTS = {
    5: ["老师讲得很耐心，一步一步教", "学会了用手机挂号，谢谢", "志愿者很热情", "下次还来"],
    4: ["讲得清楚，就是有点快", "很实用", "希望多开几次"],
    3: ["内容有点多，记不住", "教室有点挤"],
    2: ["字太小看不清", "声音太小，后排听不见"],
    1: ["等了很久没人管"],
}


def _score(rng: random.Random) -> int:
    return rng.choices(list(SCORE_WEIGHTS), weights=list(SCORE_WEIGHTS.values()))[0]


def _comment(rng: random.Random, score: int) -> str:
    return rng.choice(COMMENTS[score]) if rng.random() < 0.35 else ""


def _within(rng: random.Random, opens: dt.datetime, days: int, now: dt.datetime) -> dt.datetime:
    """A moment soon after ``opens`` (mostly the same day), inside the window and the past."""
    latest = min(opens + dt.timedelta(days=days), now) - dt.timedelta(minutes=1)
    moment = opens + dt.timedelta(minutes=rng.choice([5, 10, 20, 45, 90, 240, 1500]))
    return max(opens, min(moment, latest))


def _dice(seed: int, *parts: object) -> random.Random:
    return random.Random(":".join(str(p) for p in (seed, *parts)))


def load(*, now: dt.datetime | None = None, seed: int = SEED) -> dict[str, int]:
    """Rate the ended class sessions and some help sessions; returns how many of each."""
    now = now or timezone.now()
    rows: list[Evaluation] = []

    rated_pairs = set(
        Evaluation.objects.filter(class_session__isnull=False).values_list(
            "class_session_id", "elder_id"
        )
    )
    signups = (
        SignUp.objects.filter(
            session__status=SessionStatus.PUBLISHED,
            session__end__lte=now,
            status=SignUpStatus.CONFIRMED,
            checked_in_at__isnull=False,
        )
        .select_related("session", "session__site")
        .order_by("session__start", "session_id", "id")
    )
    classes = 0
    for signup in signups:
        session: ClassSession = signup.session
        rng = _dice(seed, signup.public_id)
        if rng.random() >= CLASS_RATED or (session.pk, signup.elder_id) in rated_pairs:
            continue
        score = _score(rng)
        staff = session.created_by if rng.random() < ON_BEHALF else None
        rows.append(
            Evaluation(
                class_session=session,
                score=score,
                comment=_comment(rng, score),
                elder_id=signup.elder_id,
                by=staff,
                on_behalf=staff is not None,
                site=session.site,
                region_path=session.site.region_path,
                course_id=session.course_id,
                teacher=session.teacher,
                created_at=_within(rng, session.end, settings.HUOBAN_EVALUATION_DAYS, now),
            )
        )
        classes += 1

    helps = 0
    recent = (
        HelpSession.objects.filter(
            voided_at__isnull=True,
            occurred_at__gte=now - dt.timedelta(days=HELP_DAYS),
            occurred_at__lte=now,
            evaluations__isnull=True,
        )
        .select_related("site")
        .order_by("occurred_at", "id")
    )
    for record in recent:
        rng = _dice(seed, record.public_id)
        if rng.random() >= HELP_RATED:
            continue
        opens = help_session_end(record)
        if opens > now:
            continue
        score = _score(rng)
        rows.append(
            Evaluation(
                help_session=record,
                score=score,
                comment=_comment(rng, score),
                elder_id=record.elder_id,
                site=record.site,
                region_path=record.site.region_path,
                created_at=_within(rng, opens, settings.HUOBAN_HELP_EVALUATION_DAYS, now),
            )
        )
        helps += 1
    Evaluation.objects.bulk_create(rows, batch_size=1000)
    return {"class_ratings": classes, "help_ratings": helps}
