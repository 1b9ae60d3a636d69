"""Person-time targets (任务指标) per region and period (seed 001, annex 1).

A target is a number of person-times a region must reach from 1 January of its year up to
its deadline: the half-year's (seed 001: 30 June) or the year's (30 September). Deadlines
default to ``settings.HUOBAN_TARGET_DEADLINES`` and may differ per target. What counts is
``measure``: help sessions, training attendances, or both (seed 001 counts both).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huoban.lib.when import MAX_YEAR, MIN_YEAR

# Far above any street's or city's year (the city's 2021 target was one million).
MAX_VALUE = 100_000_000


class Period(models.TextChoices):
    HALF = "half", _("半年")
    YEAR = "year", _("年度")


class Measure(models.TextChoices):
    HELP = "help", _("帮办")
    TRAINING = "training", _("培训")
    BOTH = "both", _("培训和帮办")


def period_start(year: int) -> dt.date:
    """Every period starts on 1 January of its year."""
    return dt.date(year, 1, 1)


def default_deadline(year: int, period: str) -> dt.date:
    """The configured deadline of ``period`` in ``year`` (``HUOBAN_TARGET_DEADLINES``)."""
    month, day = settings.HUOBAN_TARGET_DEADLINES[Period(period).value]
    return dt.date(year, month, day)


class Target(models.Model):
    """How many person-times ``region`` must reach in ``year`` by ``deadline``."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("区划"),
        on_delete=models.PROTECT,
        related_name="targets",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    period = models.CharField(_("期间"), max_length=8, choices=Period.choices)
    measure = models.CharField(
        _("计入"), max_length=16, choices=Measure.choices, default=Measure.BOTH
    )
    value = models.PositiveIntegerField(_("指标（人次）"))
    deadline = models.DateField(_("完成期限"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("设定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region__path", "year", "period", "measure"]
        verbose_name = _("任务指标")
        verbose_name_plural = _("任务指标")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "period", "measure"], name="target_once_per_period"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR), name="target_year_range"
            ),
        ]
        indexes = [models.Index(fields=["year", "period", "measure"], name="target_period_idx")]

    def __str__(self) -> str:
        return f"{self.region} {self.year} {self.get_period_display()} {self.value}"

    @property
    def start(self) -> dt.date:
        return period_start(self.year)
