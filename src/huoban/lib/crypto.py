"""Personal data at rest: an encrypted model field and a blind index (ARCHITECTURE rule 9).

Mobile and resident ID numbers are stored encrypted with Fernet (AES-128-CBC + HMAC-SHA256,
a fresh random IV per value). ``HUOBAN_FIELD_KEYS`` lists the keys, newest first: the first
encrypts, all decrypt (``MultiFernet``), so a key is rotated by putting a new one in front,
running ``huoban rotate_field_keys`` and only then removing the old one.

Ciphertext cannot be searched or compared, so each value that must be found also gets a
blind index: an HMAC-SHA256 under a separate key (``HUOBAN_BLIND_INDEX_KEY``), which finds an
exact value and detects duplicates without revealing the value. ``purpose`` keeps kinds
apart, so the same digits as a mobile and inside an ID number give unrelated indexes.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models.lookups import Exact, IsNull

__all__ = [
    "ID_NUMBER",
    "MOBILE",
    "DecryptionError",
    "EncryptedTextField",
    "blind_index",
    "decrypt",
    "encrypt",
    "encrypted_fields",
    "id_number_index",
    "is_current",
    "mobile_index",
]

# Blind-index purposes: the same digits as a mobile and as an ID number index differently.
MOBILE = "mobile"
ID_NUMBER = "id_number"


class DecryptionError(ImproperlyConfigured):
    """A stored value that no key of ``HUOBAN_FIELD_KEYS`` can decrypt.

    Almost always configuration: a key was removed before ``rotate_field_keys`` ran, or the
    database was restored next to other keys. Never silently shown as empty.
    """


@cache
def _keys(keys: tuple[str, ...]) -> tuple[MultiFernet, Fernet]:
    try:
        fernets = [Fernet(key) for key in keys]
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "HUOBAN_FIELD_KEYS must list Fernet keys (32 url-safe base64-encoded bytes)."
        ) from exc
    if not fernets:
        raise ImproperlyConfigured("HUOBAN_FIELD_KEYS lists no key.")
    return MultiFernet(fernets), fernets[0]


def _multi() -> MultiFernet:
    return _keys(tuple(settings.HUOBAN_FIELD_KEYS))[0]


def encrypt(value: str) -> str:
    """``value`` encrypted under the newest key, as ASCII text."""
    return _multi().encrypt(value.encode()).decode("ascii")


def decrypt(token: str, *, where: str = "") -> str:
    """The plaintext of ``token``; ``where`` names the column in the error message."""
    try:
        return _multi().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeEncodeError):
        raise DecryptionError(
            f"An encrypted value{f' in {where}' if where else ''} cannot be decrypted with any "
            "key of HUOBAN_FIELD_KEYS: was a key removed before `huoban rotate_field_keys` "
            "ran, or does the database belong to other keys?"
        ) from None


def is_current(token: str) -> bool:
    """Whether ``token`` is already encrypted under the newest key."""
    newest = _keys(tuple(settings.HUOBAN_FIELD_KEYS))[1]
    try:
        newest.decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError):
        return False
    return True


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed hash of ``value`` (64 hex characters) for exact look-up; "" stays "".

    Callers normalise first (``normalize_mobile``, ``validate_resident_id``): the index
    matches only the very same string.
    """
    if not purpose:
        raise ValueError("blind_index needs a purpose")
    if not value:
        return ""
    key = settings.HUOBAN_BLIND_INDEX_KEY.encode()
    message = f"{purpose}\x00{value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def mobile_index(mobile: str) -> str:
    """The blind index of a normalised 11-digit mobile ("" for none)."""
    return blind_index(mobile, purpose=MOBILE)


def id_number_index(id_number: str) -> str:
    """The blind index of a validated resident ID (upper-case X) ("" for none)."""
    return blind_index(id_number, purpose=ID_NUMBER)


class EncryptedExact(Exact):
    """``field=""`` works (empty is stored as empty); comparing a value cannot."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):
            raise FieldError(
                "An encrypted field cannot be compared with a value (each encryption differs): "
                "look the value up through its blind index."
            )
        return super().get_prep_lookup()


class EncryptedTextField(models.TextField):
    """Text stored encrypted; the empty string and NULL are stored as they are.

    Saving encrypts with the newest key, loading decrypts with any key. Only ``isnull`` and
    ``=""`` filters are allowed: anything else would silently match nothing, so it raises.
    """

    description = "Text encrypted at rest"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return decrypt(value, where=self._where())

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return EncryptedExact
        if lookup_name == "isnull":
            return IsNull
        return None

    def get_transform(self, lookup_name: str) -> Any:
        return None

    def _where(self) -> str:
        model = getattr(self, "model", None)
        return f"{model._meta.label}.{self.name}" if model is not None else self.name


def encrypted_fields() -> list[tuple[type[models.Model], list[EncryptedTextField]]]:
    """Every concrete model with encrypted columns, and those columns."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        fields = [f for f in meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            found.append((model, fields))
    return found
