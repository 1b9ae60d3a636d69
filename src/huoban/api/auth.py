"""Bearer tokens: ``Authorization: Bearer hb_…`` acts as the token's user.

Only the SHA-256 of a token is stored (``ApiToken.token_hash``), so the presented token is
hashed the same way and looked up. A revoked token, or one whose user is deactivated, is
refused with 401.

Given ``roles``, the auth also does the API's half of ``accounts.permissions.require_roles``:
a user holding none of them anywhere is refused with 403 before the request body or
parameters are even read. Scope (which sites) stays the selector's job: outside it is 404.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from django.utils.functional import Promise
from ninja.errors import HttpError
from ninja.security import HttpBearer

from huoban.accounts.models import User
from huoban.accounts.selectors import api_token_user, has_any_role


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
        return api_token_user(token)


def request_user(request: HttpRequest) -> User:
    """The user whose token authenticated this request."""
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user
