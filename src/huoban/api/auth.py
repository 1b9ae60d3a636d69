"""Bearer tokens: ``Authorization: Bearer hb_…`` acts as the token's user.

Only the SHA-256 of a token is stored (``ApiToken.token_hash``), so the presented token is
hashed the same way and looked up. A revoked token, or one whose user is deactivated, is
refused with 401.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from huoban.accounts.models import ApiToken, Invitation, User

# Recording every request's time would make every read a write; a minute is precise enough
# to tell a token in use from a forgotten one.
LAST_USED_PRECISION = dt.timedelta(minutes=1)
# Tokens we issue are ~46 characters; anything far longer is not ours and is not hashed.
MAX_TOKEN_LENGTH = 200


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        token = token.strip()
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        found = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=Invitation.hash_token(token), revoked_at__isnull=True)
            .first()
        )
        if found is None or not found.user.is_active:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at >= LAST_USED_PRECISION:
            # A bare UPDATE: no audit event (this is bookkeeping, not a change anyone made)
            # and no race with a concurrent revocation, which writes other columns.
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        return found.user


def request_user(request: HttpRequest) -> User:
    """The user whose token authenticated this request."""
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user
