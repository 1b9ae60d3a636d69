"""Duty shifts (值班) at a site's help desk, and volunteers' requests to swap or cancel one."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ShiftStatus(models.TextChoices):
    PLANNED = "planned", _("已排班")
    CANCELLED = "cancelled", _("已取消")


class Shift(models.Model):
    """One person on duty at one site's desk from ``start`` to ``end`` (end excluded).

    Cancelled shifts are kept (the audit trail and the volunteer's history refer to them);
    only planned shifts count as someone on duty.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    site = models.ForeignKey(
        "sites.Site", verbose_name=_("站点"), on_delete=models.PROTECT, related_name="shifts"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("值班人"),
        on_delete=models.PROTECT,
        related_name="shifts",
    )
    start = models.DateTimeField(_("开始时间"))
    end = models.DateTimeField(_("结束时间"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ShiftStatus.choices, default=ShiftStatus.PLANNED
    )
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("排班人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("值班班次")
        verbose_name_plural = _("值班班次")
        indexes = [
            models.Index(fields=["site", "start"], name="shift_site_start_idx"),
            models.Index(fields=["person", "start"], name="shift_person_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="shift_ends_after_start")
        ]

    def __str__(self) -> str:
        start, end = timezone.localtime(self.start), timezone.localtime(self.end)
        return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"

    @property
    def is_planned(self) -> bool:
        return self.status == ShiftStatus.PLANNED


class RequestKind(models.TextChoices):
    SWAP = "swap", _("换班")
    CANCEL = "cancel", _("取消值班")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    APPROVED = "approved", _("已同意")
    DECLINED = "declined", _("未同意")


class ShiftRequest(models.Model):
    """A person's request to swap or cancel one of their own shifts, decided by the site."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    shift = models.ForeignKey(
        Shift, verbose_name=_("班次"), on_delete=models.PROTECT, related_name="requests"
    )
    kind = models.CharField(_("申请类型"), max_length=16, choices=RequestKind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="shift_requests",
    )
    reason = models.CharField(_("原因"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("换班/取消申请")
        verbose_name_plural = _("换班/取消申请")
        constraints = [
            # At most one open request per shift: a second one would race the first.
            models.UniqueConstraint(
                fields=["shift"], condition=Q(status="open"), name="shift_request_one_open"
            ),
            models.CheckConstraint(
                condition=Q(status="open", handled_at__isnull=True)
                | (~Q(status="open") & Q(handled_at__isnull=False)),
                name="shift_request_handled_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_status_display()}"
