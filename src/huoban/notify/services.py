"""Queueing messages in the outbox and delivering them.

Queue in the transaction of the change (``notification_queue``); deliver after commit
(``outbox_send``), either at once for confirmations (``send_now=True``, when
``HUOBAN_NOTIFY_SEND_ON_COMMIT`` is on) or by the periodic ``send_notifications`` command,
which also retries failures. Delivering never raises for one bad message: the message is
marked failed with the error and tried again later, up to ``HUOBAN_NOTIFY_MAX_ATTEMPTS``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from huoban.notify.channels import configured_channels, get_channel
from huoban.notify.models import Outbox, OutboxStatus

logger = logging.getLogger("huoban.notify")

# A claimed message is someone's to send for this long; after it (a crashed sender) it is
# due again. A gateway call is expected to time out well within it.
CLAIM = dt.timedelta(minutes=10)
_send_on_commit: ContextVar[bool] = ContextVar("huoban_notify_send_on_commit", default=True)


@contextmanager
def deferred_sending() -> Iterator[None]:
    """Queue without sending after commit, for bulk work (the demo, imports): the periodic
    ``send_notifications`` delivers what is due."""
    token = _send_on_commit.set(False)
    try:
        yield
    finally:
        _send_on_commit.reset(token)


def retry_delay(attempts: int) -> dt.timedelta:
    """Wait longer after each failure: 1, 4, 9, 16 … minutes, at most an hour."""
    return min(dt.timedelta(minutes=attempts * attempts), dt.timedelta(hours=1))


def _choose_channel(probe: Outbox) -> str:
    """The first configured channel that can reach the recipient ("" when none can)."""
    for channel in configured_channels():
        if channel.address_for(probe):
            return channel.name
    return ""


def notification_queue(
    *,
    kind: str,
    dedupe_key: str,
    subject: str,
    body: str,
    elder: Any = None,
    user: Any = None,
    address: str = "",
    send_now: bool = False,
    now: dt.datetime | None = None,
) -> tuple[Outbox, bool]:
    """Queue a message once per ``dedupe_key``; returns it and whether it is new.

    The channel is the first of ``HUOBAN_NOTIFY_CHANNELS`` that can reach the elder (else
    ``user``, else ``address``); when none can, the message is kept as skipped, with why.
    ``send_now`` delivers it right after the surrounding transaction commits.
    """
    if elder is None and user is None and not address:
        raise ValueError("notification_queue needs an elder, a user or an address")
    now = now or timezone.now()
    message = Outbox(
        kind=kind,
        dedupe_key=dedupe_key,
        elder=elder,
        user=user,
        address=address,
        subject=subject[:200],
        body=body,
        next_attempt_at=now,
        created_at=now,
    )
    message.channel = _choose_channel(message)
    if not message.channel:
        message.status = OutboxStatus.SKIPPED
        message.error = _("没有可用的联系方式（没有手机号）。")
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:  # queued before (or meanwhile by someone else): that one stands
        return Outbox.objects.get(dedupe_key=dedupe_key), False
    if (
        send_now
        and message.status == OutboxStatus.QUEUED
        and settings.HUOBAN_NOTIFY_SEND_ON_COMMIT
        and _send_on_commit.get()
    ):
        pk = message.pk
        transaction.on_commit(lambda: outbox_send(ids=[pk]), robust=True)
    return message, True


def notification_withdraw(*, dedupe_key: str, reason: str, now: dt.datetime | None = None) -> int:
    """Stop a message that has not gone yet (a reminder for a place just given up)."""
    now = now or timezone.now()
    return Outbox.objects.filter(
        dedupe_key=dedupe_key, status__in=[OutboxStatus.QUEUED, OutboxStatus.FAILED]
    ).update(status=OutboxStatus.SKIPPED, error=reason, updated_at=now)


def _due(now: dt.datetime) -> Q:
    max_attempts = settings.HUOBAN_NOTIFY_MAX_ATTEMPTS
    return Q(next_attempt_at__lte=now, attempts__lt=max_attempts) & Q(
        status__in=[OutboxStatus.QUEUED, OutboxStatus.FAILED, OutboxStatus.SENDING]
    )


def outbox_send(
    *, now: dt.datetime | None = None, limit: int = 500, ids: list[int] | None = None
) -> dict[str, int]:
    """Deliver the messages that are due (or just ``ids``); returns how many were sent,
    failed and skipped. Each message is claimed before it is sent, so two senders running
    at once never deliver the same message twice."""
    now = now or timezone.now()
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    due = Outbox.objects.filter(_due(now))
    if ids is not None:
        due = due.filter(pk__in=ids)
    for pk in list(due.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit]):
        claimed = Outbox.objects.filter(_due(now), pk=pk).update(
            status=OutboxStatus.SENDING, next_attempt_at=now + CLAIM, updated_at=now
        )
        if claimed:
            counts[_deliver(pk, now)] += 1
    return counts


def _deliver(pk: int, now: dt.datetime) -> str:
    message = Outbox.objects.select_related("elder", "user").get(pk=pk)
    try:
        channel = get_channel(message.channel)
        address = channel.address_for(message)
        if not address:
            message.status = OutboxStatus.SKIPPED
            message.error = _("没有可用的联系方式（没有手机号）。")
            message.save(update_fields=["status", "error", "updated_at"])
            return "skipped"
        channel.deliver(message, address)
    except Exception as exc:  # one bad message must not stop the others
        logger.warning("Message %s failed: %s", message.public_id, exc, exc_info=True)
        message.attempts += 1
        message.status = OutboxStatus.FAILED
        message.error = f"{type(exc).__name__}: {exc}"[:1000]
        message.next_attempt_at = now + retry_delay(message.attempts)
        message.save(update_fields=["attempts", "status", "error", "next_attempt_at", "updated_at"])
        return "failed"
    message.attempts += 1
    message.status = OutboxStatus.SENT
    message.sent_at = now
    message.error = ""
    message.save(update_fields=["attempts", "status", "sent_at", "error", "updated_at"])
    return "sent"
