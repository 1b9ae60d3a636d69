"""Background work of the outbox: delivering a message soon after the change that queued it.

The task runs in ``huoban db_worker`` in production (django-tasks-db), so that an SMS
gateway's latency never adds to a sign-up's; outside production it runs at once, in the
process that queued it (``HUOBAN_TASKS_BACKEND``, settings.py).
"""

from __future__ import annotations

from django.tasks import task

from huoban.notify.services import outbox_send


@task
def outbox_deliver(ids: list[int]) -> dict[str, int]:
    """Deliver the outbox messages ``ids`` that are still due; the counts, as outbox_send."""
    return outbox_send(ids=ids)
