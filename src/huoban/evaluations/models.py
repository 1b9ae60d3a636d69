"""Evaluations (评价): an elder's rating of a class session or of a help session.

Five faces, 1 (很不满意) to 5 (很满意), and an optional short comment. A rating is made by
the elder (the portal), by staff on the elder's behalf, or — for a help session — through
the QR code the helper shows at the desk. The site, its region path, the course and the
teacher are copied onto the row, so that every aggregate is one query without joins.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

COMMENT_MAX = 200


class Score(models.IntegerChoices):
    VERY_UNHAPPY = 1, gettext_lazy("很不满意")
    UNHAPPY = 2, gettext_lazy("不满意")
    NEUTRAL = 3, gettext_lazy("一般")
    HAPPY = 4, gettext_lazy("满意")
    VERY_HAPPY = 5, gettext_lazy("很满意")


class Evaluation(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The subject: exactly one of the two.
    class_session = models.ForeignKey(
        "classes.ClassSession",
        verbose_name=gettext_lazy("课堂"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
    )
    help_session = models.ForeignKey(
        "records.HelpSession",
        verbose_name=gettext_lazy("帮办记录"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
    )
    score = models.PositiveSmallIntegerField(gettext_lazy("评分"), choices=Score.choices)
    comment = models.CharField(gettext_lazy("留言"), max_length=COMMENT_MAX, blank=True)
    # Empty for a desk rating of an anonymous help session.
    elder = models.ForeignKey(
        "people.Elder",
        verbose_name=gettext_lazy("长者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
    )
    # Who submitted it: empty when nobody was signed in (the desk QR code, a printed link).
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Staff typed it in for the elder (told on the phone, on paper, at the desk).
    on_behalf = models.BooleanField(gettext_lazy("工作人员代填"), default=False)
    # Copies for aggregates and scopes.
    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="evaluations", editable=False
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    course = models.ForeignKey(
        "classes.Course",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
        editable=False,
    )
    teacher = models.CharField(max_length=50, blank=True, editable=False)
    # Not auto_now_add: the demo data sets when its ratings were made.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = gettext_lazy("评价")
        verbose_name_plural = gettext_lazy("评价")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(class_session__isnull=False, help_session__isnull=True)
                    | Q(class_session__isnull=True, help_session__isnull=False)
                ),
                name="evaluation_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="evaluation_score_range"
            ),
            # A class is rated by its attendees: always a known elder, once each.
            models.CheckConstraint(
                condition=Q(class_session__isnull=True) | Q(elder__isnull=False),
                name="evaluation_class_has_elder",
            ),
            models.UniqueConstraint(
                fields=["class_session", "elder"],
                condition=Q(class_session__isnull=False),
                name="evaluation_once_per_elder",
            ),
            # A help session is one elder helped once: one rating, which also makes the
            # desk's rating link single-use.
            models.UniqueConstraint(
                fields=["help_session"],
                condition=Q(help_session__isnull=False),
                name="evaluation_once_per_help_session",
            ),
        ]
        indexes = [
            models.Index(fields=["site", "created_at"], name="evaluation_site_time_idx"),
            models.Index(fields=["region_path", "created_at"], name="evaluation_region_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} — {self.get_score_display()}"

    @property
    def subject(self):
        return self.class_session or self.help_session

    @property
    def is_help(self) -> bool:
        return self.help_session_id is not None
