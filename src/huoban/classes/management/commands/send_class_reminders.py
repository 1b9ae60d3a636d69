"""Queue the day-before reminders of tomorrow's classes, then send what is due.

Periodic (see docs/notifications.md): run it every hour in the daytime. Each confirmed place
is reminded once, however often the command runs; cancelled places and sessions are not.
"""

from django.core.management.base import BaseCommand

from huoban.classes.notices import reminders_queue
from huoban.notify.management.commands.send_notifications import parse_now
from huoban.notify.services import outbox_send


class Command(BaseCommand):
    help = (
        "为明天的课堂排队提醒通知并发送。"
        "Queue reminders for tomorrow's classes, then send the notifications that are due."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", type=parse_now, default=None, help="当作现在的时间 (tests)")

    def handle(self, *args, now, **options):
        queued = reminders_queue(now=now)
        counts = outbox_send(now=now)
        self.stdout.write(
            "明天的课堂提醒：新排队 {queued} 条。Reminders queued: {queued}. "
            "通知：已发送 {sent}，失败 {failed}，未发送 {skipped}。"
            "Sent {sent}, failed {failed}, skipped {skipped}.".format(queued=queued, **counts)
        )
