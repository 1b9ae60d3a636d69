"""Huoban settings: one module, every value from the environment.

Each value is read through a small typed helper; a malformed value stops start-up with a
message naming the variable. ``HUOBAN_ENV`` selects the defaults:

* ``production`` (the default): ``SECRET_KEY`` must be set, ``DEBUG`` is off.
* ``demo``: the quick start; a fixed demo secret, SQLite under ``var/``.
* ``test``: the test suite (chosen automatically under pytest).
* ``development``: like demo, with ``DEBUG`` on.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"Set the environment variable {name}.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value == "":
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "").strip()
    if value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


ENVIRONMENTS = {"production", "demo", "test", "development"}
HUOBAN_ENV = env_str("HUOBAN_ENV", "test" if "PYTEST_VERSION" in os.environ else "production")
if HUOBAN_ENV not in ENVIRONMENTS:
    raise ImproperlyConfigured(f"HUOBAN_ENV must be one of {sorted(ENVIRONMENTS)}.")
IS_PRODUCTION = HUOBAN_ENV == "production"
IS_TEST = HUOBAN_ENV == "test"

DEBUG = env_bool("DEBUG", HUOBAN_ENV == "development")
if IS_PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY")
else:
    SECRET_KEY = env_str("SECRET_KEY", f"huoban-insecure-{HUOBAN_ENV}-key-never-use-in-production")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The public address of the site, used in QR codes and posters.
HUOBAN_BASE_URL = env_str("HUOBAN_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "axes",
    "django_tasks_db",
    "huoban.audit",
    "huoban.regions",
    "huoban.accounts",
    "huoban.sites",
    "huoban.people",
    "huoban.records",
    "huoban.targets",
    "huoban.budget",
    "huoban.classes",
    "huoban.notify",
    "huoban.roster",
    "huoban.evaluations",
    "huoban.signin",
    "huoban.portal",
    "huoban.workspace",
    "huoban.api",
    "huoban.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "huoban.portal.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "huoban.urls"
WSGI_APPLICATION = "huoban.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "huoban.portal.context.portal",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{PROJECT_DIR / 'var' / 'huoban.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database address: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis when REDIS_URL is set, else memory ----------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Rate limits (django-ratelimit, in the cache above) -------------------------------------
# Reverse proxies in front of the app (nginx: 1): the client's address is read that many
# entries from the end of X-Forwarded-For (huoban.lib.client_ip).
HUOBAN_TRUSTED_PROXIES = env_int("HUOBAN_TRUSTED_PROXIES", 1 if IS_PRODUCTION else 0)
RATELIMIT_IP_META_KEY = "huoban.lib.client_ip.client_ip"
# SMS codes (sign-in and consent) asked for from one address in an hour, over all numbers.
HUOBAN_CODES_PER_ADDRESS_HOUR = env_int("HUOBAN_CODES_PER_ADDRESS_HOUR", 30)

# --- Background tasks: the database queue, run by `huoban db_worker` --------------------------
# "database" queues tasks for the worker (production); "immediate" runs each one at once in
# the process that queued it, so that the demo and the tests need no worker.
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
HUOBAN_TASKS_BACKEND = env_str("HUOBAN_TASKS_BACKEND", "database" if IS_PRODUCTION else "immediate")
if HUOBAN_TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"HUOBAN_TASKS_BACKEND must be one of {sorted(TASK_BACKENDS)}, "
        f"not {HUOBAN_TASKS_BACKEND!r}."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[HUOBAN_TASKS_BACKEND]}}

# --- Accounts and sign-in -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "portal:home"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if IS_TEST:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Sessions last days: no time limits in elder flows (ACCESSIBILITY.md).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", IS_PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if IS_PRODUCTION else None
SECURE_CONTENT_TYPE_NOSNIFF = True
# nginx usually redirects to HTTPS; set these when Django should do it itself.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
X_FRAME_OPTIONS = "DENY"

# django-axes: throttle with a cool-off, never a permanent lock-out.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_CALLABLE = "huoban.workspace.views.accounts.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(PROJECT_DIR / "staticfiles")))
if not IS_PRODUCTION:
    # WhiteNoise serves from the finders outside production; it still wants the folder.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(PROJECT_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not IS_PRODUCTION

# --- Content security policy (Django's built-in CSP) ----------------------------------------
# Map tiles are the one outside source a page may load; the address is configurable.
HUOBAN_MAP_TILE_URL = env_str(
    "HUOBAN_MAP_TILE_URL",
    "" if IS_TEST else "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
)
HUOBAN_MAP_TILE_ATTRIBUTION = env_str("HUOBAN_MAP_TILE_ATTRIBUTION", "© OpenStreetMap")
# The coordinate system the tiles are drawn in: "wgs84" (Tianditu, OSM) or "gcj02" (AMap).
HUOBAN_MAP_TILE_CRS = env_str("HUOBAN_MAP_TILE_CRS", "wgs84")
if HUOBAN_MAP_TILE_CRS not in {"wgs84", "gcj02"}:
    raise ImproperlyConfigured("HUOBAN_MAP_TILE_CRS must be wgs84 or gcj02.")


def _tile_origin(url: str) -> list[str]:
    if not url.startswith("http"):
        return []
    scheme, _sep, rest = url.partition("://")
    host = rest.split("/", 1)[0].replace("{s}", "*")
    return [f"{scheme}://{host}"]


SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *_tile_origin(HUOBAN_MAP_TILE_URL)],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# --- Programme --------------------------------------------------------------------------------
HUOBAN_PROGRAMME_NAME = env_str("HUOBAN_PROGRAMME_NAME", "数字伙伴计划")
HUOBAN_HELP_PHONE = env_str("HUOBAN_HELP_PHONE", "12345")
HUOBAN_CITY_CODE = env_str("HUOBAN_CITY_CODE", "310000000")

# --- Personal data ---------------------------------------------------------------------------
# Mobile and resident ID numbers are stored encrypted (huoban.lib.crypto). HUOBAN_FIELD_KEYS
# lists Fernet keys, newest first: the first encrypts, every one decrypts, so a key is rotated
# by adding a new one in front, running `huoban rotate_field_keys` and then removing the old.
# HUOBAN_BLIND_INDEX_KEY keys the HMAC that finds a number without decrypting (and detects
# duplicates); it is never rotated this way, since every stored index depends on it.
# Outside production both are derived from SECRET_KEY, whose default there is public: the
# quick start needs no setup, and such data must never be real people's.
FERNET_KEY_HINT = (
    'generate one with: python -c "from cryptography.fernet import Fernet; '
    'print(Fernet.generate_key().decode())"'
)
BLIND_INDEX_KEY_MIN_LENGTH = 32


def _derived_secret(purpose: str) -> bytes:
    return hashlib.sha256(f"huoban:{purpose}:{SECRET_KEY}".encode()).digest()


def env_fernet_keys(name: str, default: list[str] | None) -> list[str]:
    """Fernet keys, comma separated; ``None`` as the default makes the variable required."""
    keys = env_list(name, default or [])
    if not keys:
        raise ImproperlyConfigured(f"Set the environment variable {name}: {FERNET_KEY_HINT}.")
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"{name}: key {position} is not a Fernet key (32 url-safe base64-encoded "
                f"bytes); {FERNET_KEY_HINT}."
            ) from None
    if len(set(keys)) != len(keys):
        raise ImproperlyConfigured(f"{name} lists the same key twice.")
    return keys


def env_blind_index_key(name: str, default: str | None, field_keys: list[str]) -> str:
    """A secret of at least 32 characters, distinct from the encryption keys."""
    key = env_str(name, default)
    if len(key) < BLIND_INDEX_KEY_MIN_LENGTH:
        raise ImproperlyConfigured(
            f"{name} must be at least {BLIND_INDEX_KEY_MIN_LENGTH} characters; generate one "
            'with: python -c "import secrets; print(secrets.token_urlsafe(48))".'
        )
    if key in field_keys:
        raise ImproperlyConfigured(f"{name} must not be one of the HUOBAN_FIELD_KEYS.")
    return key


HUOBAN_FIELD_KEYS = env_fernet_keys(
    "HUOBAN_FIELD_KEYS",
    None if IS_PRODUCTION else [base64.urlsafe_b64encode(_derived_secret("field-key")).decode()],
)
HUOBAN_BLIND_INDEX_KEY = env_blind_index_key(
    "HUOBAN_BLIND_INDEX_KEY",
    None if IS_PRODUCTION else _derived_secret("blind-index").hex(),
    HUOBAN_FIELD_KEYS,
)

# --- Help records: when the integrity rules flag a record for review -------------------------
HUOBAN_FLAG_ELDER_PER_DAY = env_int("HUOBAN_FLAG_ELDER_PER_DAY", 3)
HUOBAN_FLAG_HELPER_MINUTES_PER_DAY = env_int("HUOBAN_FLAG_HELPER_MINUTES_PER_DAY", 600)
HUOBAN_FLAG_BULK_IDENTICAL = env_int("HUOBAN_FLAG_BULK_IDENTICAL", 3)
HUOBAN_FLAG_BACKDATED_DAYS = env_int("HUOBAN_FLAG_BACKDATED_DAYS", 7)

# --- Targets: when each period's person-times are due ------------------------------------------
# "MM-DD,MM-DD": the half-year deadline, then the year's (seed 001: 30 June and 30 September).
# Every period starts on 1 January of its year.


def _target_deadlines(name: str, default: str) -> dict[str, tuple[int, int]]:
    raw = env_str(name, default)
    parts = [p.strip() for p in raw.split(",")]
    problem = f"{name} must be two dates MM-DD,MM-DD (half-year, then year), not {raw!r}."
    if len(parts) != 2:
        raise ImproperlyConfigured(problem)
    days = []
    for part in parts:
        month, sep, day = part.partition("-")
        if not sep or not (month.isdigit() and day.isdigit()):
            raise ImproperlyConfigured(problem)
        try:
            # 29 February is refused: it would not exist in most years.
            days.append(dt.date(2001, int(month), int(day)))
        except ValueError:
            raise ImproperlyConfigured(f"{name}: {part!r} is not a day of every year.") from None
    if days[0] > days[1]:
        raise ImproperlyConfigured(f"{name}: the half-year deadline comes after the year's.")
    return {"half": (days[0].month, days[0].day), "year": (days[1].month, days[1].day)}


HUOBAN_TARGET_DEADLINES = _target_deadlines("HUOBAN_TARGET_DEADLINES", "06-30,09-30")

# --- Evaluations: how long a class or a help session can be rated after it ends -------------


def env_days(name: str, default: int) -> int:
    """A number of whole days, at least one."""
    days = env_int(name, default)
    if days < 1:
        raise ImproperlyConfigured(f"{name} must be at least 1 (days), not {days}.")
    return days


HUOBAN_EVALUATION_DAYS = env_days("HUOBAN_EVALUATION_DAYS", 7)
HUOBAN_HELP_EVALUATION_DAYS = env_days("HUOBAN_HELP_EVALUATION_DAYS", 3)

# --- Notifications: the outbox's channels (huoban.notify, docs/notifications.md) -----------
NOTIFY_CHANNEL_NAMES = ("console", "email", "sms")
# In order of preference: a message goes by the first channel that can reach its recipient.
# Production sends SMS (set HUOBAN_SMS_GATEWAY); elsewhere messages are only logged.
HUOBAN_NOTIFY_CHANNELS = env_list(
    "HUOBAN_NOTIFY_CHANNELS", ["sms"] if IS_PRODUCTION else ["console"]
)
for _channel in HUOBAN_NOTIFY_CHANNELS:
    if _channel not in NOTIFY_CHANNEL_NAMES:
        _known = ", ".join(NOTIFY_CHANNEL_NAMES)
        raise ImproperlyConfigured(f"HUOBAN_NOTIFY_CHANNELS: {_channel!r} is not one of {_known}.")
# A class with send(mobile, text); the default only writes the text to the log.
HUOBAN_SMS_GATEWAY = env_str("HUOBAN_SMS_GATEWAY", "huoban.notify.channels.LoggingSmsGateway")
# Confirmations are handed to the background task `outbox_deliver` right after the change
# commits; the rest (and retries) go by the periodic `send_notifications`. Turn off to
# leave all sending to that command.
HUOBAN_NOTIFY_SEND_ON_COMMIT = env_bool("HUOBAN_NOTIFY_SEND_ON_COMMIT", True)
HUOBAN_NOTIFY_MAX_ATTEMPTS = env_int("HUOBAN_NOTIFY_MAX_ATTEMPTS", 5)
if HUOBAN_NOTIFY_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured("HUOBAN_NOTIFY_MAX_ATTEMPTS must be at least 1.")
# E-mail (Django's MAILERS): "smtp" (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
# EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, EMAIL_TIMEOUT) or "console" (printed; the default
# outside production).
HUOBAN_EMAIL_BACKEND = env_str("HUOBAN_EMAIL_BACKEND", "smtp" if IS_PRODUCTION else "console")
if HUOBAN_EMAIL_BACKEND == "smtp":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("EMAIL_HOST", "localhost"),
                "port": env_int("EMAIL_PORT", 25),
                "username": env_str("EMAIL_HOST_USER", ""),
                "password": env_str("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                "timeout": env_int("EMAIL_TIMEOUT", 10),
            },
        }
    }
elif HUOBAN_EMAIL_BACKEND == "console":
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    raise ImproperlyConfigured("HUOBAN_EMAIL_BACKEND must be smtp or console.")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "huoban@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    # The console channel writes each message here (the demo's notifications).
    "loggers": {"huoban.notify": {"level": env_str("NOTIFY_LOG_LEVEL", "INFO")}},
}
