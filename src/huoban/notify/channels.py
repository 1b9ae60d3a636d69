"""How a queued message reaches a person: console, e-mail or an SMS gateway.

``HUOBAN_NOTIFY_CHANNELS`` lists the channels in order of preference; a message goes by the
first one that can reach its recipient (an elder with no mobile number cannot get an SMS).

SMS goes through a gateway adapter named by ``HUOBAN_SMS_GATEWAY``: any class whose
instances have ``send(mobile: str, text: str) -> None`` and raise on failure. The default,
``LoggingSmsGateway``, only writes the text to the log. To use a provider, write a small
class that calls its API (with a timeout) and point the setting at it::

    class AcmeSmsGateway:
        def send(self, mobile: str, text: str) -> None:
            response = requests.post(..., timeout=10)
            response.raise_for_status()

    HUOBAN_SMS_GATEWAY=mysite.sms.AcmeSmsGateway
"""

from __future__ import annotations

import logging
from functools import cache
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from huoban.lib.ids import mask_mobile

if TYPE_CHECKING:
    from huoban.notify.models import Outbox

logger = logging.getLogger("huoban.notify")

CHANNEL_NAMES = ("console", "email", "sms")


class SmsGateway(Protocol):
    def send(self, mobile: str, text: str) -> None:
        """Send ``text`` to the 11-digit ``mobile``; raise on failure."""


class LoggingSmsGateway:
    """No provider configured: nothing is sent. The log says so (a warning) and holds the
    text only at DEBUG level, since texts carry names and codes."""

    def send(self, mobile: str, text: str) -> None:
        logger.warning(
            "短信没有发出：未接入短信网关（HUOBAN_SMS_GATEWAY）→ %s", mask_mobile(mobile)
        )
        logger.debug("未发出的短信 → %s：%s", mask_mobile(mobile), text)


class Channel:
    """One way of delivering a message. ``address_for`` is "" when it cannot reach them."""

    name = ""

    def address_for(self, message: Outbox) -> str:
        raise NotImplementedError

    def deliver(self, message: Outbox, address: str) -> None:
        """Deliver or raise; the outbox records the error and tries again later."""
        raise NotImplementedError


def _mobile(message: Outbox) -> str:
    if message.address.isdigit():
        return message.address
    if message.elder is not None and message.elder.mobile:
        return str(message.elder.mobile)
    if message.user is not None:
        return str(message.user.mobile)
    return ""


class ConsoleChannel(Channel):
    """Writes each message to the log (logger ``huoban.notify``): the demo's default."""

    name = "console"

    def address_for(self, message: Outbox) -> str:
        who = message.elder or message.user
        mobile = _mobile(message)
        label = str(getattr(who, "name", "") or "")
        if mobile:
            label = f"{label} {mask_mobile(mobile)}".strip()
        return label or message.address or "-"

    def deliver(self, message: Outbox, address: str) -> None:
        logger.info("通知 %s → %s：%s\n%s", message.kind, address, message.subject, message.body)


class EmailChannel(Channel):
    """Django's mail (``EMAIL_*`` settings); reaches an explicit address or an account's."""

    name = "email"

    def address_for(self, message: Outbox) -> str:
        if "@" in message.address:
            return message.address
        return str(getattr(message.user, "email", "") or "")

    def deliver(self, message: Outbox, address: str) -> None:
        EmailMessage(subject=message.subject, body=message.body, to=[address]).send()


class SmsChannel(Channel):
    """Text messages through the gateway named by ``HUOBAN_SMS_GATEWAY``."""

    name = "sms"

    def address_for(self, message: Outbox) -> str:
        return _mobile(message)

    def deliver(self, message: Outbox, address: str) -> None:
        sms_gateway().send(address, message.body)


@cache
def _gateway(path: str) -> SmsGateway:
    try:
        gateway_class = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"HUOBAN_SMS_GATEWAY: cannot import {path!r} ({exc}).") from None
    gateway = gateway_class()
    if not callable(getattr(gateway, "send", None)):
        raise ImproperlyConfigured(f"HUOBAN_SMS_GATEWAY: {path!r} has no send(mobile, text).")
    return gateway


def sms_gateway() -> SmsGateway:
    return _gateway(settings.HUOBAN_SMS_GATEWAY)


CHANNELS: dict[str, type[Channel]] = {
    "console": ConsoleChannel,
    "email": EmailChannel,
    "sms": SmsChannel,
}


def get_channel(name: str) -> Channel:
    try:
        return CHANNELS[name]()
    except KeyError:
        raise ImproperlyConfigured(f"Unknown notification channel {name!r}.") from None


def configured_channels() -> list[Channel]:
    """The channels of ``HUOBAN_NOTIFY_CHANNELS``, most preferred first."""
    return [get_channel(name) for name in settings.HUOBAN_NOTIFY_CHANNELS]
