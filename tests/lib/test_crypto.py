"""Encrypted fields, the blind index, key rotation and the key settings."""

from __future__ import annotations

import base64
import io

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from huoban import settings as huoban_settings
from huoban.lib.crypto import DecryptionError, blind_index, decrypt, encrypt, encrypted_fields
from huoban.people.models import Elder

MOBILE = "13812345678"
ID_NUMBER = "11010519491231002X"
# Fixed keys (test ids must be the same in every pytest-xdist worker).
OLD = base64.urlsafe_b64encode(b"old-key-for-tests-only-32-bytes!").decode()
NEW = base64.urlsafe_b64encode(b"new-key-for-tests-only-32-bytes!").decode()


def make_elder(**fields) -> Elder:
    """An elder row written straight through the model: this tests the field, not the rules."""
    fields = {"name": "张小明", "region_path": "310000000/", "consent_at": timezone.now(), **fields}
    return Elder.objects.create(**fields)


def raw(elder: Elder) -> tuple[str, str]:
    """The stored columns, as the database holds them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT mobile, id_number FROM people_elder WHERE id = %s", [elder.pk])
        return cursor.fetchone()


# --- The field ------------------------------------------------------------------------------


def test_it_reads_back_what_it_wrote(db):
    elder = make_elder(mobile=MOBILE, id_number=ID_NUMBER)
    fresh = Elder.objects.get(pk=elder.pk)
    assert (fresh.mobile, fresh.id_number) == (MOBILE, ID_NUMBER)
    assert list(Elder.objects.values_list("mobile", flat=True)) == [MOBILE]


def test_it_stores_no_plaintext(db):
    elder = make_elder(mobile=MOBILE, id_number=ID_NUMBER)
    stored_mobile, stored_id = raw(elder)
    assert MOBILE not in stored_mobile
    assert ID_NUMBER not in stored_id
    assert "5678" not in stored_mobile  # not even a part of it
    assert stored_mobile.startswith("gAAAAA")  # a Fernet token


def test_it_encrypts_the_same_value_differently_each_time(db):
    a = make_elder(mobile=MOBILE)
    b = make_elder(name="李秀英", mobile=MOBILE)
    assert raw(a)[0] != raw(b)[0]


def test_it_stores_empty_values_as_empty(db):
    elder = make_elder(mobile="", id_number="")
    assert raw(elder) == ("", "")
    assert Elder.objects.get(pk=elder.pk).mobile == ""
    assert Elder.objects.filter(mobile="").count() == 1


def test_it_encrypts_on_update_too(db):
    elder = make_elder()
    Elder.objects.filter(pk=elder.pk).update(mobile=MOBILE)
    assert MOBILE not in raw(elder)[0]
    assert Elder.objects.get(pk=elder.pk).mobile == MOBILE


def test_it_refuses_to_compare_an_encrypted_column_with_a_value(db):
    make_elder(mobile=MOBILE)
    with pytest.raises(FieldError, match="blind index"):
        Elder.objects.filter(mobile=MOBILE).exists()
    with pytest.raises(FieldError):
        Elder.objects.filter(mobile__contains="5678").exists()


def test_it_says_clearly_when_no_key_can_decrypt_a_value(db):
    with override_settings(HUOBAN_FIELD_KEYS=[OLD]):
        elder = make_elder(mobile=MOBILE)
    with (
        override_settings(HUOBAN_FIELD_KEYS=[NEW]),
        pytest.raises(DecryptionError, match=r"people\.Elder\.mobile.*HUOBAN_FIELD_KEYS"),
    ):
        Elder.objects.get(pk=elder.pk)


def test_it_refuses_a_token_that_is_not_one_of_ours():
    with pytest.raises(DecryptionError):
        decrypt("not a token")
    assert decrypt(encrypt("张小明")) == "张小明"


def test_it_knows_which_models_hold_encrypted_columns():
    found = {(m._meta.label, f.name) for m, fields in encrypted_fields() for f in fields}
    assert {("people.Elder", "mobile"), ("people.Elder", "id_number")} <= found


# --- Blind index ----------------------------------------------------------------------------


def test_it_gives_the_same_index_for_the_same_value_and_purpose():
    assert blind_index(MOBILE, purpose="mobile") == blind_index(MOBILE, purpose="mobile")
    assert len(blind_index(MOBILE, purpose="mobile")) == 64
    int(blind_index(MOBILE, purpose="mobile"), 16)  # hex


def test_it_separates_purposes_and_values():
    assert blind_index(MOBILE, purpose="mobile") != blind_index(MOBILE, purpose="id_number")
    assert blind_index(MOBILE, purpose="mobile") != blind_index("13812345679", purpose="mobile")


def test_it_hides_the_value_behind_the_key():
    index = blind_index(MOBILE, purpose="mobile")
    assert MOBILE not in index
    with override_settings(HUOBAN_BLIND_INDEX_KEY="another-key-" * 4):
        assert blind_index(MOBILE, purpose="mobile") != index


def test_it_indexes_nothing_as_nothing():
    assert blind_index("", purpose="mobile") == ""
    with pytest.raises(ValueError):
        blind_index(MOBILE, purpose="")


# --- Rotation -------------------------------------------------------------------------------


def rotate(**options) -> str:
    out = io.StringIO()
    call_command("rotate_field_keys", stdout=out, **options)
    return out.getvalue()


def test_it_rotates_to_a_new_key(db):
    with override_settings(HUOBAN_FIELD_KEYS=[OLD]):
        elder = make_elder(mobile=MOBILE, id_number=ID_NUMBER)
        make_elder(name="李秀英", mobile="13912340001")
        make_elder(name="王建国")  # nothing to encrypt
    before = Elder.objects.values_list("updated_at", flat=True).get(pk=elder.pk)

    # Step 1: the new key in front, the old one kept: old data still reads.
    with override_settings(HUOBAN_FIELD_KEYS=[NEW, OLD]):
        assert Elder.objects.get(pk=elder.pk).mobile == MOBILE
        out = rotate(batch_size=1)
    assert "people.Elder.mobile: 重新加密 2 个 re-encrypted, 已是新密钥 0 个" in out
    assert "people.Elder.id_number: 重新加密 1 个 re-encrypted, 已是新密钥 0 个" in out

    # Step 2: the old key removed: everything reads with the new key alone.
    with override_settings(HUOBAN_FIELD_KEYS=[NEW]):
        fresh = Elder.objects.get(pk=elder.pk)
        assert (fresh.mobile, fresh.id_number) == (MOBILE, ID_NUMBER)
        assert sorted(Elder.objects.values_list("mobile", flat=True)) == [
            "",
            MOBILE,
            "13912340001",
        ]
        assert fresh.updated_at == before  # re-encrypting is not a change to the data
        assert MOBILE not in raw(fresh)[0]
        # Running it again changes nothing.
        again = rotate()
    assert "people.Elder.mobile: 重新加密 0 个 re-encrypted, 已是新密钥 2 个" in again


def test_it_needs_the_old_key_until_the_rotation_ran(db):
    with override_settings(HUOBAN_FIELD_KEYS=[OLD]):
        elder = make_elder(mobile=MOBILE)
    with override_settings(HUOBAN_FIELD_KEYS=[NEW]), pytest.raises(DecryptionError):
        Elder.objects.get(pk=elder.pk)


def test_it_rotates_nothing_when_a_value_cannot_be_decrypted(db):
    with override_settings(HUOBAN_FIELD_KEYS=[NEW]):
        kept = make_elder(name="李秀英", mobile="13912340001")
    with override_settings(HUOBAN_FIELD_KEYS=[OLD]):
        lost = make_elder(mobile=MOBILE)
    third = Fernet.generate_key().decode()
    with (
        override_settings(HUOBAN_FIELD_KEYS=[third, NEW]),
        pytest.raises(CommandError, match=rf"people\.Elder\.mobile.*pk={lost.pk}"),
    ):
        rotate(batch_size=1)  # the first batch (李秀英) is re-encrypted before the failure
    # One transaction: that batch was rolled back, so NEW alone still reads it.
    with override_settings(HUOBAN_FIELD_KEYS=[NEW]):
        assert Elder.objects.get(pk=kept.pk).mobile == "13912340001"


# --- Settings -------------------------------------------------------------------------------


def test_it_derives_fixed_keys_outside_production():
    assert huoban_settings.IS_TEST
    [key] = huoban_settings.HUOBAN_FIELD_KEYS
    Fernet(key)
    assert len(huoban_settings.HUOBAN_BLIND_INDEX_KEY) >= 32
    assert key != huoban_settings.HUOBAN_BLIND_INDEX_KEY


def test_it_reads_several_field_keys_newest_first(monkeypatch):
    monkeypatch.setenv("HUOBAN_FIELD_KEYS", f" {NEW}, {OLD} ")
    assert huoban_settings.env_fernet_keys("HUOBAN_FIELD_KEYS", None) == [NEW, OLD]


def test_it_requires_field_keys_when_there_is_no_default(monkeypatch):
    monkeypatch.delenv("HUOBAN_FIELD_KEYS", raising=False)
    with pytest.raises(ImproperlyConfigured, match=r"HUOBAN_FIELD_KEYS.*generate_key"):
        huoban_settings.env_fernet_keys("HUOBAN_FIELD_KEYS", None)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (f"{NEW},not-a-key", "HUOBAN_FIELD_KEYS: key 2 is not a Fernet key"),
        ("c2hvcnQ=", "HUOBAN_FIELD_KEYS: key 1 is not a Fernet key"),
        (f"{NEW},{NEW}", "HUOBAN_FIELD_KEYS lists the same key twice"),
    ],
)
def test_it_refuses_malformed_field_keys(monkeypatch, value, message):
    monkeypatch.setenv("HUOBAN_FIELD_KEYS", value)
    with pytest.raises(ImproperlyConfigured, match=message):
        huoban_settings.env_fernet_keys("HUOBAN_FIELD_KEYS", [OLD])


def test_it_refuses_a_short_or_reused_blind_index_key(monkeypatch):
    monkeypatch.setenv("HUOBAN_BLIND_INDEX_KEY", "too-short")
    with pytest.raises(ImproperlyConfigured, match="HUOBAN_BLIND_INDEX_KEY must be at least 32"):
        huoban_settings.env_blind_index_key("HUOBAN_BLIND_INDEX_KEY", None, [NEW])
    monkeypatch.setenv("HUOBAN_BLIND_INDEX_KEY", NEW)
    with pytest.raises(ImproperlyConfigured, match="must not be one of the HUOBAN_FIELD_KEYS"):
        huoban_settings.env_blind_index_key("HUOBAN_BLIND_INDEX_KEY", None, [NEW])
    monkeypatch.delenv("HUOBAN_BLIND_INDEX_KEY")
    with pytest.raises(ImproperlyConfigured, match="HUOBAN_BLIND_INDEX_KEY"):
        huoban_settings.env_blind_index_key("HUOBAN_BLIND_INDEX_KEY", None, [NEW])
