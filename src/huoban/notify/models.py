"""The outbox: every message the programme sends to a person, kept as a record.

A service queues a message (``notification_queue``) in the same transaction as the change it
is about, under a ``dedupe_key`` that makes it unique: queueing the same key again does
nothing, so a periodic job can run as often as it likes and a message still goes out once.
Delivery (``outbox_send``) happens after commit and through the channels of
``huoban.notify.channels``.

The recipient's number is not copied here: it is read from the elder or the account when the
message is sent, so a corrected number is used and no second copy of it is kept. Only an
explicit address given when queueing (an e-mail address, say) is stored, encrypted like the
elders' numbers.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from huoban.lib.crypto import EncryptedTextField


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", gettext_lazy("待发送")
    SENDING = "sending", gettext_lazy("发送中")
    SENT = "sent", gettext_lazy("已发送")
    FAILED = "failed", gettext_lazy("发送失败")
    SKIPPED = "skipped", gettext_lazy("未发送")


class Outbox(models.Model):
    """One message to one person through one channel."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # What the message is ("class.reminder"), for lists and statistics.
    kind = models.CharField(gettext_lazy("类型"), max_length=40)
    # Queueing the same key twice keeps the first message: "reminder:<sign-up public_id>".
    dedupe_key = models.CharField(max_length=200, unique=True)
    # The elder the message is for, reached first. Messages go with the person they are about.
    elder = models.ForeignKey(
        "people.Elder",
        verbose_name=gettext_lazy("长者"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
    )
    # An account to reach: alone, or on the elder's behalf when the elder has no number
    # (the family member who signed them up, or the elder's own sign-in account).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("用户"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
    )
    channel = models.CharField(gettext_lazy("渠道"), max_length=16)
    # Only an explicit address given when queueing; otherwise resolved when sending.
    address = EncryptedTextField(gettext_lazy("地址"), blank=True)
    subject = models.CharField(gettext_lazy("标题"), max_length=200)
    body = models.TextField(gettext_lazy("内容"))
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=16,
        choices=OutboxStatus.choices,
        default=OutboxStatus.QUEUED,
    )
    attempts = models.PositiveSmallIntegerField(gettext_lazy("尝试次数"), default=0)
    # Not before this moment: the retry back-off, and while sending, the claim's expiry.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(gettext_lazy("发送时间"), null=True, blank=True)
    error = models.TextField(gettext_lazy("错误"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = gettext_lazy("通知")
        verbose_name_plural = gettext_lazy("通知")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(elder__isnull=False) | Q(user__isnull=False) | ~Q(address=""),
                name="outbox_has_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.subject}"
