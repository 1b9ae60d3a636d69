"""Absolute addresses: what a printed QR code, a calendar feed or a link handed over by hand
holds. The one way to build them, used by every face (the faces give the path from
``reverse``; domain code receives the finished address)."""

from __future__ import annotations

from django.conf import settings


def absolute(path: str) -> str:
    """``path`` (as ``reverse`` gives it, starting with ``/``) on the public address the
    site is served from, ``HUOBAN_BASE_URL``."""
    if not path.startswith("/"):
        raise ValueError(f"absolute() takes a path from the site's root, not {path!r}")
    return settings.HUOBAN_BASE_URL + path
