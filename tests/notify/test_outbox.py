"""The outbox: a message is queued once, delivered once, and one bad message stops nothing."""

from __future__ import annotations

import datetime as dt
import io
import logging

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection

from huoban.notify.models import Outbox, OutboxStatus
from huoban.notify.services import notification_queue, outbox_send
from huoban.notify.tasks import outbox_deliver
from huoban.people.services import elder_create
from tests.conftest import NOW
from tests.test_settings import start


class RecordingGateway:
    """An SMS gateway that keeps what it was asked to send."""

    sent: list[tuple[str, str]] = []

    def send(self, mobile: str, text: str) -> None:
        self.sent.append((mobile, text))


class BrokenGateway:
    def send(self, mobile: str, text: str) -> None:
        raise ConnectionError("网关超时 gateway timed out")


@pytest.fixture
def elder(world):
    return elder_create(
        actor=world.personas["site_manager"],
        site=world.site_a,
        name="张小明",
        mobile="13812345678",
        consent=True,
    )


@pytest.fixture
def no_mobile(world):
    return elder_create(
        actor=world.personas["site_manager"], site=world.site_a, name="李秀英", consent=True
    )


@pytest.fixture
def sms(settings):
    RecordingGateway.sent = []
    settings.HUOBAN_NOTIFY_CHANNELS = ["sms"]
    settings.HUOBAN_SMS_GATEWAY = "tests.notify.test_outbox.RecordingGateway"
    return RecordingGateway.sent


def queue(elder, key="k1", **extra):
    values = {"kind": "test", "dedupe_key": key, "subject": "报名成功", "body": "您已报名。"}
    values.update(extra)
    return notification_queue(elder=elder, now=NOW, **values)


def test_it_queues_a_message_once_per_key(elder):
    first, new = queue(elder)
    again, new_again = queue(elder, body="另一条")
    assert new and not new_again
    assert again.pk == first.pk
    assert Outbox.objects.get().body == "您已报名。"


def test_the_console_channel_writes_the_message_to_the_log_once(elder, caplog):
    queue(elder)
    with caplog.at_level(logging.INFO, logger="huoban.notify"):
        assert outbox_send(now=NOW) == {"sent": 1, "failed": 0, "skipped": 0}
        assert outbox_send(now=NOW + dt.timedelta(hours=1)) == {
            "sent": 0,
            "failed": 0,
            "skipped": 0,
        }
    logged = [r.getMessage() for r in caplog.records if "您已报名" in r.getMessage()]
    assert len(logged) == 1
    assert "张小明 138****5678" in logged[0]  # a masked number in the log, never the full one
    message = Outbox.objects.get()
    assert (message.status, message.sent_at, message.attempts) == ("sent", NOW, 1)


def test_sms_goes_to_the_elders_number_through_the_configured_gateway(elder, sms):
    queue(elder)
    outbox_send(now=NOW)
    assert sms == [("13812345678", "您已报名。")]
    assert Outbox.objects.get().channel == "sms"


def test_an_elder_without_a_mobile_gets_no_sms_and_the_reason_is_kept(no_mobile, sms):
    message, _new = queue(no_mobile)
    assert message.status == "skipped"
    assert "没有手机号" in message.error
    assert outbox_send(now=NOW)["sent"] == 0
    assert sms == []


def test_the_next_channel_reaches_whom_the_first_cannot(no_mobile, sms, settings):
    settings.HUOBAN_NOTIFY_CHANNELS = ["sms", "console"]
    message, _new = queue(no_mobile)
    assert (message.channel, message.status) == ("console", "queued")


def test_without_a_number_of_their_own_the_account_that_signed_them_up_is_reached(
    world, no_mobile, sms
):
    family = world.personas["family"]
    notification_queue(
        kind="test",
        dedupe_key="k",
        subject="s",
        body="您的家人已报名。",
        elder=no_mobile,
        user=family,
        now=NOW,
    )
    outbox_send(now=NOW)
    assert sms == [(family.mobile, "您的家人已报名。")]


def test_email_goes_to_an_explicit_address_which_is_stored_encrypted(db, settings):
    settings.HUOBAN_NOTIFY_CHANNELS = ["email"]
    notification_queue(
        kind="test",
        dedupe_key="m",
        subject="本周课表",
        body="下周一上午9:30 智能手机入门",
        address="office@example.org",
        now=NOW,
    )
    outbox_send(now=NOW)
    assert [(m.subject, m.to, m.body) for m in mail.outbox] == [
        ("本周课表", ["office@example.org"], "下周一上午9:30 智能手机入门")
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM notify_outbox")
        (raw,) = cursor.fetchone()
    assert "example.org" not in raw


def test_a_failure_is_recorded_retried_later_and_stops_nothing_else(elder, no_mobile, settings):
    settings.HUOBAN_NOTIFY_CHANNELS = ["sms", "console"]
    settings.HUOBAN_SMS_GATEWAY = "tests.notify.test_outbox.BrokenGateway"
    settings.HUOBAN_NOTIFY_MAX_ATTEMPTS = 3
    queue(elder, key="broken")
    queue(no_mobile, key="fine")  # no mobile: goes by console
    assert outbox_send(now=NOW) == {"sent": 1, "failed": 1, "skipped": 0}
    broken = Outbox.objects.get(dedupe_key="broken")
    assert (broken.status, broken.attempts) == ("failed", 1)
    assert "网关超时" in broken.error
    # Not again at once; after the back-off, yes; never more than the limit.
    assert outbox_send(now=NOW)["failed"] == 0
    later = NOW
    for _ in range(5):
        later += dt.timedelta(hours=1)
        outbox_send(now=later)
    broken.refresh_from_db()
    assert broken.attempts == 3
    settings.HUOBAN_SMS_GATEWAY = "tests.notify.test_outbox.RecordingGateway"
    assert outbox_send(now=later + dt.timedelta(days=1))["sent"] == 0


def test_a_misconfigured_gateway_fails_the_message_not_the_run(elder, settings):
    settings.HUOBAN_NOTIFY_CHANNELS = ["sms"]
    settings.HUOBAN_SMS_GATEWAY = "tests.notify.no_such_module.Gateway"
    queue(elder)
    assert outbox_send(now=NOW)["failed"] == 1
    assert "HUOBAN_SMS_GATEWAY" in Outbox.objects.get().error


def test_a_message_being_sent_elsewhere_is_not_sent_twice(elder, caplog):
    message, _new = queue(elder)
    Outbox.objects.filter(pk=message.pk).update(
        status=OutboxStatus.SENDING, next_attempt_at=NOW + dt.timedelta(minutes=10)
    )
    assert outbox_send(now=NOW)["sent"] == 0
    # The other sender died: once its claim runs out the message goes.
    assert outbox_send(now=NOW + dt.timedelta(minutes=11))["sent"] == 1


class SlowGateway:
    """The first text takes eleven minutes; while the second goes, another run starts."""

    sent: list[str] = []
    clock = None

    def send(self, mobile: str, text: str) -> None:
        if text == "第一条":
            self.clock.shift(dt.timedelta(minutes=11))
        elif text == "第二条" and self.sent.count("第二条") == 0:
            self.sent.append(text)
            outbox_send()  # the next run of the periodic command, meanwhile
            return
        self.sent.append(text)


def test_a_slow_run_claims_each_message_from_the_moment_it_takes_it(elder, settings):
    settings.HUOBAN_NOTIFY_CHANNELS = ["sms"]
    settings.HUOBAN_SMS_GATEWAY = "tests.notify.test_outbox.SlowGateway"
    SlowGateway.sent = []
    with time_machine.travel(NOW, tick=False) as clock:
        SlowGateway.clock = clock
        queue(elder, key="one", body="第一条")
        queue(elder, key="two", body="第二条")
        assert outbox_send() == {"sent": 2, "failed": 0, "skipped": 0}
    assert SlowGateway.sent == ["第一条", "第二条"]  # the second, once
    assert set(Outbox.objects.values_list("status", flat=True)) == {"sent"}


class LeakyGateway:
    def send(self, mobile: str, text: str) -> None:
        raise ConnectionError(f"HTTP 500 for https://sms.example.com/send?mobile={mobile}")


def test_a_gateways_error_is_kept_and_logged_without_the_number(elder, settings, caplog):
    settings.HUOBAN_NOTIFY_CHANNELS = ["sms"]
    settings.HUOBAN_SMS_GATEWAY = "tests.notify.test_outbox.LeakyGateway"
    queue(elder)
    with caplog.at_level(logging.DEBUG, logger="huoban.notify"):
        assert outbox_send(now=NOW)["failed"] == 1
    error = Outbox.objects.get().error
    assert "mobile=138****5678" in error
    assert "13812345678" not in error and "13812345678" not in caplog.text


def test_without_a_gateway_the_log_says_nothing_was_sent_and_keeps_the_text_quiet(
    elder, settings, caplog
):
    settings.HUOBAN_NOTIFY_CHANNELS = ["sms"]
    settings.HUOBAN_SMS_GATEWAY = "huoban.notify.channels.LoggingSmsGateway"
    queue(elder, body="确认码 K7Q2MX")
    with caplog.at_level(logging.WARNING):
        outbox_send(now=NOW)
    assert "短信没有发出" in caplog.text and "138****5678" in caplog.text
    assert "K7Q2MX" not in caplog.text


def test_a_confirmation_goes_out_right_after_commit(elder, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification_queue(
            kind="test", dedupe_key="now", subject="s", body="b", elder=elder, send_now=True
        )
    assert Outbox.objects.get().status == "sent"


DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_in_production_the_worker_delivers_it_not_the_request(
    elder, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        notification_queue(
            kind="test", dedupe_key="later", subject="s", body="b", elder=elder, send_now=True
        )
    message = Outbox.objects.get()
    assert message.status == "queued"  # the request did not wait for a gateway
    task = DBTaskResult.objects.get()
    assert task.task_path == "huoban.notify.tasks.outbox_deliver"
    assert task.args_kwargs == {"args": [], "kwargs": {"ids": [message.pk]}}
    # What `huoban db_worker` does with it (the command itself closes the test's
    # database connection, so it is not run here).
    assert outbox_deliver.call(*task.args_kwargs["args"], **task.args_kwargs["kwargs"]) == {
        "sent": 1,
        "failed": 0,
        "skipped": 0,
    }
    assert Outbox.objects.get().status == "sent"


def test_the_command_sends_what_is_due(elder):
    queue(elder)
    out = io.StringIO()
    call_command("send_notifications", now=NOW, stdout=out)
    assert "已发送 1" in out.getvalue()
    assert Outbox.objects.get().status == "sent"


@pytest.mark.parametrize("limit", ["-1", "0", "many"])
def test_the_command_refuses_a_limit_that_is_not_a_whole_number_from_1(elder, limit):
    queue(elder)
    with pytest.raises(CommandError, match="--limit must be a whole number from 1"):
        call_command("send_notifications", f"--limit={limit}", stdout=io.StringIO())
    assert Outbox.objects.get().status == "queued"


def test_an_unknown_tasks_backend_stops_start_up_with_its_name():
    result = start(HUOBAN_ENV="demo", HUOBAN_TASKS_BACKEND="celery")
    assert result.returncode != 0
    assert "HUOBAN_TASKS_BACKEND" in result.stderr and "celery" in result.stderr


def test_an_unknown_channel_stops_start_up_with_its_name():
    result = start(HUOBAN_ENV="demo", HUOBAN_NOTIFY_CHANNELS="console,pigeon")
    assert result.returncode != 0
    assert "HUOBAN_NOTIFY_CHANNELS" in result.stderr and "pigeon" in result.stderr
