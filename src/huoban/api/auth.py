"""Bearer tokens: ``Authorization: Bearer hb_…`` acts as the token's user.

Only the SHA-256 of a token is stored (``ApiToken.token_hash``), so the presented token is
hashed the same way and looked up. A revoked token, or one whose user is deactivated, is
refused with 401.

Given ``roles``, the auth also does the API's half of ``accounts.permissions.require_roles``:
a user holding none of them anywhere is refused with 403 before the request body or
parameters are even read. Scope (which sites) stays the selector's job: outside it is 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import Promise
from ninja.errors import HttpError
from ninja.security import HttpBearer

from huoban.accounts.models import ApiToken, Invitation, User
from huoban.accounts.selectors import has_any_role

# Recording every request's time would make every read a write; a minute is precise enough
# to tell a token in use from a forgotten one.
LAST_USED_PRECISION = dt.timedelta(minutes=1)
# Tokens we issue are ~46 characters; anything far longer is not ours and is not hashed.
MAX_TOKEN_LENGTH = 200


class ApiTokenAuth(HttpBearer):
    def __init__(self, roles: Iterable[str] | None = None, refusal: str | Promise = "") -> None:
        super().__init__()
        self.roles = frozenset(roles) if roles is not None else None
        self.refusal = refusal

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = self._token_user(token)
        if user is not None and self.roles is not None and not has_any_role(user, self.roles):
            raise HttpError(403, str(self.refusal))
        return user

    def _token_user(self, token: str) -> User | None:
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
