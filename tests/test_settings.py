"""Start-up refuses bad configuration with a message naming the variable."""

import os
import subprocess
import sys

import pytest

# Two valid Fernet keys (32 bytes, url-safe base64), for configuration tests only.
NEW_KEY = "bmV3LWtleS1mb3ItdGVzdHMtb25seS0zMi1ieXRlcyE="
OLD_KEY = "b2xkLWtleS1mb3ItdGVzdHMtb25seS0zMi1ieXRlcyE="


def start(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "HUOBAN_ENV"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "huoban", "check"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_it_requires_a_secret_key_in_production():
    result = start(HUOBAN_ENV="production", SECRET_KEY="", ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("AXES_FAILURE_LIMIT", "five"),
        ("HUOBAN_ENV", "staging"),
        ("HUOBAN_MAP_TILE_CRS", "bd09"),
        ("HUOBAN_FIELD_KEYS", "not-a-fernet-key"),
        ("HUOBAN_BLIND_INDEX_KEY", "short"),
        ("HUOBAN_FLAG_ELDER_PER_DAY", "three"),
    ],
)
def test_it_names_the_variable_with_a_bad_value(variable, value):
    result = start(**{"HUOBAN_ENV": "demo", variable: value})
    assert result.returncode != 0
    assert variable in result.stderr


def test_it_starts_in_production_with_the_required_values(tmp_path):
    result = start(
        HUOBAN_ENV="production",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp_path),
        HUOBAN_FIELD_KEYS=f"{NEW_KEY},{OLD_KEY}",
        HUOBAN_BLIND_INDEX_KEY="b" * 40,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", ["HUOBAN_FIELD_KEYS", "HUOBAN_BLIND_INDEX_KEY"])
def test_it_requires_the_personal_data_keys_in_production(tmp_path, missing):
    env = {
        "HUOBAN_ENV": "production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "HUOBAN_FIELD_KEYS": NEW_KEY,
        "HUOBAN_BLIND_INDEX_KEY": "b" * 40,
    }
    env[missing] = ""
    result = start(**env)
    assert result.returncode != 0
    assert missing in result.stderr
