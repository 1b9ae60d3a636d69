"""The address a request came from, behind the reverse proxies we trust.

nginx (docs/deploy.md) appends the address it saw to ``X-Forwarded-For``; anything before
that entry was written by the client and may be made up. With ``HUOBAN_TRUSTED_PROXIES``
proxies in front, the address is that many entries from the end; with none, REMOTE_ADDR.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or "0.0.0.0"  # noqa: S104 - a key, not a bind
    hops = settings.HUOBAN_TRUSTED_PROXIES
    if hops < 1:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < hops:
        return remote
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
