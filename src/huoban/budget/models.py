"""Each street's project money (seed 001): a yearly cap and the expenses against it.

"项目资金 … 按照每个街镇不超过60000元的标准": a street with no cap row for a year has
``DEFAULT_CAP``. Expenses are never deleted; a wrong one is voided with a reason and stops
counting against the cap.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huoban.budget.storage import PrivateStorage

DEFAULT_CAP = Decimal("60000.00")
# The programme's first year (seed 001 is its 2021 plan); ledgers start there.
FIRST_YEAR = 2021


class Category(models.TextChoices):
    """The uses seed 001 allows the money for (资金主要用于…)."""

    TRAINING = "training", _("组织培训")
    PUBLICITY = "publicity", _("宣传推广")
    MATERIALS = "materials", _("教材印制")
    BADGES_SIGNS = "badges_signs", _("志愿者铭牌和服务点标识")
    TEACHERS = "teachers", _("师资聘请")
    VENUE = "venue", _("场地租赁")
    OTHER = "other", _("其他")


class BudgetCap(models.Model):
    """A street's cap for one year, where it differs from (or confirms) the default."""

    street = models.ForeignKey(
        "regions.Region",
        verbose_name=_("街镇"),
        on_delete=models.PROTECT,
        related_name="budget_caps",
        limit_choices_to={"level": "street"},
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    cap = models.DecimalField(
        _("经费上限（元）"), max_digits=12, decimal_places=2, default=DEFAULT_CAP
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["street__path", "year"]
        verbose_name = _("经费上限")
        verbose_name_plural = _("经费上限")
        constraints = [
            models.UniqueConstraint(fields=["street", "year"], name="budget_cap_street_year"),
            models.CheckConstraint(condition=Q(cap__gte=0), name="budget_cap_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.street} {self.year}: {self.cap}"


def receipt_path(instance: Expense, filename: str) -> str:
    """A random name under the year: the uploader's file name is kept in the row only."""
    suffix = PurePath(filename).suffix.lower()
    return f"receipts/{instance.year}/{uuid.uuid4().hex}{suffix}"


class Expense(models.Model):
    """One payment from a street's project money."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    street = models.ForeignKey(
        "regions.Region",
        verbose_name=_("街镇"),
        on_delete=models.PROTECT,
        related_name="expenses",
        limit_choices_to={"level": "street"},
    )
    # Copy of street.path, so that scopes need no join.
    region_path = models.CharField(max_length=255, editable=False)
    # The budget year, always the date's year (set on save).
    year = models.PositiveSmallIntegerField(_("年度"), editable=False)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    date = models.DateField(_("日期"))
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    payee = models.CharField(_("收款方"), max_length=100)
    receipt = models.FileField(
        _("收据"), upload_to=receipt_path, storage=PrivateStorage(), blank=True, max_length=200
    )
    receipt_name = models.CharField(_("收据文件名"), max_length=200, blank=True)
    note = models.TextField(_("备注"), blank=True)
    voided = models.BooleanField(_("已作废"), default=False)
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    voided_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("经费支出")
        verbose_name_plural = _("经费支出")
        indexes = [
            models.Index(fields=["street", "year"], name="expense_street_year_idx"),
            models.Index(fields=["region_path", "year"], name="expense_region_year_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_positive"),
            models.CheckConstraint(
                condition=Q(voided=False) | (Q(voided_at__isnull=False) & ~Q(void_reason="")),
                name="expense_void_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.street} {self.date:%Y-%m-%d} {self.amount}"

    def save(self, *args, **kwargs) -> None:
        self.year = self.date.year
        if kwargs.get("update_fields") is not None and "date" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "year"}
        super().save(*args, **kwargs)
