"""Deliver the queued messages of the outbox and retry those that failed.

Run it every minute (a cron line or a systemd timer, see docs/notifications.md); running it
twice at once is safe: each message is claimed before it is sent.
"""

import argparse

from django.core.management.base import BaseCommand
from django.utils.dateparse import parse_datetime

from huoban.notify.services import outbox_send


def parse_now(value):
    """The ``--now`` option: an ISO date and time with its offset."""
    moment = parse_datetime(value)
    if moment is None or moment.tzinfo is None:
        raise argparse.ArgumentTypeError(
            "--now must be an ISO date and time with an offset, e.g. 2026-11-23T10:00+08:00."
        )
    return moment


def positive(value):
    """The ``--limit`` option: a whole number from 1."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"--limit must be a whole number from 1, not {value!r}.")
    return number


class Command(BaseCommand):
    help = "发送待发的通知，重试失败的通知。Deliver queued notifications and retry failures."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=positive, default=500, help="每次最多 at most (500)")
        parser.add_argument("--now", type=parse_now, default=None, help="当作现在的时间 (tests)")

    def handle(self, *args, limit, now, **options):
        counts = outbox_send(now=now, limit=limit)
        self.stdout.write(
            "通知：已发送 {sent}，失败 {failed}，未发送 {skipped}。"
            "Notifications: {sent} sent, {failed} failed, {skipped} skipped.".format(**counts)
        )
