"""The help session's rating link: an unguessable token the helper shows as a QR code.

The token is the help session's id signed with the secret key (``django.core.signing``),
so nothing extra is stored and the same printed code stays valid. It carries no timestamp:
the rating window runs from the session's end (``rules.window_for``), not from whenever
the code was printed, and one rating per help session makes the link single-use.
"""

from __future__ import annotations

import uuid

from django.core import signing

from huoban.records.models import HelpSession

SALT = "huoban.evaluations.help-session"
# "." never occurs in URL-safe base64, so it can separate the id from the signature.
SEPARATOR = "."


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT, sep=SEPARATOR, algorithm="sha256")


def help_token(help_session: HelpSession) -> str:
    return _signer().sign(help_session.public_id.hex)


def help_session_id(token: str) -> uuid.UUID | None:
    """The help session's public id from a token, or None for a forged or mangled one."""
    try:
        value = _signer().unsign(token or "")
        return uuid.UUID(hex=value)
    except (signing.BadSignature, ValueError):
        return None
