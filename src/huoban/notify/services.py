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
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from huoban.lib.ids import mask_mobiles_in
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
    ``send_now`` hands it to the task ``outbox_deliver`` right after the surrounding
    transaction commits (a background worker in production; at once elsewhere).
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
        transaction.on_commit(partial(_deliver_soon, message.pk), robust=True)
    return message, True


def _deliver_soon(pk: int) -> None:
    from huoban.notify.tasks import outbox_deliver  # the task module imports this one

    outbox_deliver.enqueue(ids=[pk])


def notification_withdraw(*, dedupe_key: str, reason: str, now: dt.datetime | None = None) -> int:
    """Stop a message that has not gone yet (a reminder for a place just given up)."""
    now = now or timezone.now()
    return Outbox.objects.filter(
        dedupe_key=dedupe_key, status__in=[OutboxStatus.QUEUED, OutboxStatus.FAILED]
    ).update(status=OutboxStatus.SKIPPED, error=reason, updated_at=now)


def notification_restore(*, dedupe_key: str, now: dt.datetime | None = None) -> int:
    """Queue again a message that was withdrawn (``notification_withdraw``) before it went;
    one sent, or one that has no way to reach anybody, is left as it is."""
    now = now or timezone.now()
    return (
        Outbox.objects.filter(dedupe_key=dedupe_key, status=OutboxStatus.SKIPPED, sent_at=None)
        .exclude(channel="")
        .update(status=OutboxStatus.QUEUED, error="", next_attempt_at=now, updated_at=now)
    )


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
    # Each claim runs from the moment it is made (unless a fixed ``now`` is given, as tests
    # do): a long run must not hand out claims that have already run out.
    clock = (lambda: now) if now is not None else timezone.now
    start = clock()
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    due = Outbox.objects.filter(_due(start))
    if ids is not None:
        due = due.filter(pk__in=ids)
    for pk in list(due.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit]):
        at = clock()
        claim_until = at + CLAIM
        claimed = Outbox.objects.filter(_due(at), pk=pk).update(
            status=OutboxStatus.SENDING, next_attempt_at=claim_until, updated_at=at
        )
        if claimed:
            counts[_deliver(pk, claim_until, clock)] += 1
    return counts


def _deliver(pk: int, claim_until: dt.datetime, clock) -> str:
    """Deliver one claimed message and record the outcome, unless the claim ran out and
    another sender took the message over meanwhile (then that sender records it)."""
    message = Outbox.objects.select_related("elder", "user").get(pk=pk)
    ours = Outbox.objects.filter(pk=pk, status=OutboxStatus.SENDING, next_attempt_at=claim_until)
    try:
        channel = get_channel(message.channel)
        address = channel.address_for(message)
        if not address:
            ours.update(
                status=OutboxStatus.SKIPPED,
                error=_("没有可用的联系方式（没有手机号）。"),
                updated_at=clock(),
            )
            return "skipped"
        channel.deliver(message, address)
    except Exception as exc:  # one bad message must not stop the others
        # Gateways' errors often quote the request, number included: never kept in clear.
        error = mask_mobiles_in(f"{type(exc).__name__}: {exc}")[:1000]
        logger.warning("Message %s failed: %s", message.public_id, error)
        at = clock()
        ours.update(
            attempts=F("attempts") + 1,
            status=OutboxStatus.FAILED,
            error=error,
            next_attempt_at=at + retry_delay(message.attempts + 1),
            updated_at=at,
        )
        return "failed"
    at = clock()
    ours.update(
        attempts=F("attempts") + 1, status=OutboxStatus.SENT, sent_at=at, error="", updated_at=at
    )
    return "sent"
