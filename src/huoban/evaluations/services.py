"""Writing evaluations. Audited; the rules (windows, attendees, once each) in ``rules``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huoban.accounts import roles
from huoban.accounts.selectors import holds_role_at_site
from huoban.audit.services import audit_record
from huoban.classes.models import ClassSession
from huoban.evaluations import rules
from huoban.evaluations.models import COMMENT_MAX, Evaluation, Score
from huoban.records.models import HelpSession

# Who types a rating in for an elder: the desk of the site (as for sign-ups and check-in).
ENTER = roles.RECORDS_LOG


def clean_score(score: Any) -> int:
    try:
        value = int(score)
    except (TypeError, ValueError):
        value = 0
    if value not in Score.values:
        raise ValidationError({"score": _("请选择一个表情（1 到 5 分）。")}, code="score")
    return value


def clean_comment(comment: str | None) -> str:
    text = (comment or "").strip()
    if len(text) > COMMENT_MAX:
        raise ValidationError(
            {
                "comment": _("留言最多 %(max)s 个字，现在有 %(n)s 个字。")
                % {"max": COMMENT_MAX, "n": len(text)}
            },
            code="comment",
        )
    return text


@transaction.atomic
def evaluation_create(
    *,
    actor: Any,
    subject: ClassSession | HelpSession,
    score: int,
    comment: str = "",
    elder: Any = None,
    on_behalf: bool = False,
    now: dt.datetime | None = None,
) -> Evaluation:
    """Rate a class session (by one of its checked-in elders) or a help session (once).

    ``on_behalf``: staff type in what the elder said; the actor must hold a desk role at
    the site. Otherwise the elder rates through the portal: through their sign-up's link
    or the help session's signed link, which the face has already resolved, so the actor
    may be anyone, or nobody (``None``) at the desk.

    A help session's rating is always about its own elder (none when it was anonymous).
    """
    now = now or timezone.now()
    is_class = isinstance(subject, ClassSession)
    if on_behalf and not holds_role_at_site(actor, ENTER, subject.site):
        raise PermissionDenied(_("您不能代这位长者评价。"))
    if isinstance(subject, HelpSession):
        if elder is not None and elder.pk != subject.elder_id:
            raise ValidationError(_("这条帮办记录不是这位长者的。"))
        elder = subject.elder
    value = clean_score(score)
    text = clean_comment(comment)
    # Lock the subject's row: two taps on "submit" at once write one rating.
    type(subject).objects.select_for_update().filter(pk=subject.pk).first()
    problem = rules.obstacle(subject, elder, now)
    if problem is not None:
        raise ValidationError(problem.message, code=problem.code)
    values: dict[str, Any] = {
        "score": value,
        "comment": text,
        "elder": elder,
        "by": actor if getattr(actor, "pk", None) else None,
        "on_behalf": on_behalf,
        "site": subject.site,
        "region_path": subject.site.region_path,
        "created_at": now,
    }
    if isinstance(subject, ClassSession):
        values.update(class_session=subject, course_id=subject.course_id, teacher=subject.teacher)
    else:
        values["help_session"] = subject
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(**values)
    except IntegrityError:
        message = (
            _("这节课已经评价过了，每人只评价一次。")
            if is_class
            else _("这次服务已经评价过了，每次服务只评价一次。")
        )
        raise ValidationError(message, code=rules.ALREADY) from None
    audit_record(
        actor=actor,
        action="evaluation.create",
        obj=evaluation,
        changes={
            "subject": f"{'class' if is_class else 'help'}:{subject.public_id}",
            "score": value,
            "comment": bool(text),
            "elder": elder,
            "on_behalf": on_behalf,
        },
    )
    return evaluation
