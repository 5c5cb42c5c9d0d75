"""Default settings. Every key can be overridden by a ``SYMBIOSIS_<KEY>`` variable.

Values given in the environment are parsed as JSON when they can be (``true``,
``3600``, ``["fr", "en"]``) and taken as strings otherwise, as
:meth:`flask.Config.from_prefixed_env` does.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

LANGUAGES = ("fr", "en", "de")


def defaults(instance_path: str) -> dict[str, Any]:
    """Return the settings of the embedded default (SQLite under ``instance/``)."""
    return {
        "SECRET_KEY": None,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance_path}/symbiosis.sqlite3",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Languages: French first, it is the default.
        "LANGUAGES": LANGUAGES,
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Luxembourg",
        # Cookies: secure by default; `make run` relaxes Secure for plain http.
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "symbiosis_session",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "REMEMBER_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": timedelta(days=14),
        "REMEMBER_COOKIE_NAME": "symbiosis_remember",
        "FORCE_HTTPS": False,
        # Forms
        "WTF_CSRF_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        # Big enough that an absurd 1 MB title gets a field error, not a 413.
        "MAX_FORM_MEMORY_SIZE": 2 * 1024 * 1024,
        # Rate limits (Flask-Limiter); memory:// for one process, redis:// for more.
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": "20 per minute",
        "LOGIN_FAILURE_LIMIT": "5 per 15 minutes",
        "REGISTER_RATE_LIMIT": "10 per hour",
        # Password hashing: argon2id, RFC 9106 "second recommended" profile.
        "ARGON2_TIME_COST": 3,
        "ARGON2_MEMORY_COST": 64 * 1024,
        "ARGON2_PARALLELISM": 4,
        "PASSWORD_MIN_LENGTH": 10,
        "SEEDS_PATH": None,
        # Mail: printed to the log unless an SMTP server is set.
        "MAIL_SERVER": None,
        "MAIL_PORT": 25,
        "MAIL_USE_TLS": False,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_DEFAULT_SENDER": "Symbiosis <noreply@symbiose.example.lu>",
        "BASE_URL": "http://127.0.0.1:5000",
        # Background jobs: RQ on this Redis when set, else in-process.
        "REDIS_URL": None,
        # Listings
        "LISTINGS_PER_PAGE": 20,
        "EXPIRY_WARNING_DAYS": 7,
        "IMPORT_MAX_BYTES": 5 * 1024 * 1024,
        "IMPORT_MAX_ROWS": 5000,
        # Agreements: an unanswered proposal expires after this many days.
        "AGREEMENT_EXPIRY_DAYS": 14,
        # Impact: road distance = straight-line distance x circuity.
        "IMPACT_CIRCUITY": 1.3,
        # Map: no tiles unless a tile server is configured (works offline).
        "MAP_TILE_URL": "",
        "MAP_TILE_ATTRIBUTION": "",
    }


def resolve(config: dict[str, Any]) -> None:
    """Fill derived settings and refuse to start without a secret key."""
    uri = config.get("DATABASE_URL")
    if uri:
        config["SQLALCHEMY_DATABASE_URI"] = uri
    uri = config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://"):
        config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri[11:]
    elif uri.startswith("postgresql://"):
        config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri[13:]
    if not config.get("SECRET_KEY"):
        raise RuntimeError(
            "SYMBIOSIS_SECRET_KEY is not set and instance/secret_key does not exist; "
            "run `make instance/secret_key` or set the variable."
        )
