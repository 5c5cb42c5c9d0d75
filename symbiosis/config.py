"""Default settings. Every key can be overridden by a ``SYMBIOSIS_<KEY>`` variable.

Values given in the environment are parsed as JSON when they can be (``true``,
``3600``, ``["fr", "en"]``) and taken as strings otherwise, as
:meth:`flask.Config.from_prefixed_env` does.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

LANGUAGES = ("fr", "en", "de")
DB_CONNECT_TIMEOUT_SECONDS = 5


def defaults(instance_path: str) -> dict[str, Any]:
    """Return the settings of the embedded default (SQLite under ``instance/``)."""
    return {
        "SECRET_KEY": None,  # a setting, no key is shipped  # nosec B105
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance_path}/symbiosis.sqlite3",
        # A pooled connection is checked before use only when it waited a
        # while or the server spoke to it meanwhile (symbiosis.db_connections).
        "SQLALCHEMY_ENGINE_OPTIONS": {},
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
        # A rate-limit store that is down (Redis) never fails a request: each
        # process counts in memory until it is back; a hung one is given up
        # on after 2 s (the options go to redis-py; memory:// ignores them).
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        "LOGIN_RATE_LIMIT": "20 per minute",
        "LOGIN_FAILURE_LIMIT": "5 per 15 minutes",
        "REGISTER_RATE_LIMIT": "10 per hour",
        # Reset links asked for: from one address, and for one e-mail (which
        # keeps anyone from filling a user's inbox).
        "PASSWORD_RESET_RATE_LIMIT": "10 per hour",
        "PASSWORD_RESET_EMAIL_LIMIT": "3 per hour",
        "PASSWORD_RESET_MAX_AGE_SECONDS": 3600,
        "EMAIL_CHANGE_MAX_AGE_SECONDS": 24 * 3600,
        "INVITATION_MAX_AGE_SECONDS": 14 * 86400,
        # Password hashing: argon2id with the OWASP Password Storage Cheat
        # Sheet's profile (19 MiB, 2 passes, 1 lane): about 18 ms of CPU a
        # sign-in on the 2-core bench machine. RFC 9106's second profile
        # (64 MiB, 3 passes, 4 lanes) took 150 ms, about a tenth of the
        # servers' CPU under the load mix. Hashes made otherwise are redone
        # at sign-in.
        "ARGON2_TIME_COST": 2,
        "ARGON2_MEMORY_COST": 19 * 1024,
        "ARGON2_PARALLELISM": 1,
        "PASSWORD_MIN_LENGTH": 10,  # a length, not a password  # nosec B105
        "SEEDS_PATH": None,
        # Mail: printed to the log unless an SMTP server is set.
        "MAIL_SERVER": None,
        "MAIL_PORT": 25,
        "MAIL_USE_TLS": False,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,  # set from the environment  # nosec B105
        "MAIL_DEFAULT_SENDER": "Symbiosis <noreply@symbiose.example.lu>",
        "BASE_URL": "http://127.0.0.1:5000",
        # Background jobs: RQ on this Redis when set, else in-process.
        "REDIS_URL": None,
        # Listings
        "LISTINGS_PER_PAGE": 20,
        # 0 counts long lists (listing searches, an organisation's proposals)
        # for each page; above 0, a process reuses a count for this many
        # seconds (a national network, where counting costs more than the page).
        "COUNT_CACHE_SECONDS": 0,
        "EXPIRY_WARNING_DAYS": 7,
        "IMPORT_MAX_BYTES": 5 * 1024 * 1024,
        "IMPORT_MAX_ROWS": 5000,
        # Agreements: an unanswered proposal expires after this many days.
        "AGREEMENT_EXPIRY_DAYS": 14,
        # Who must answer a proposal is reminded this many days before it
        # expires (0: never).
        "AGREEMENT_REMINDER_DAYS": 3,
        # Impact: road distance = straight-line distance x circuity.
        "IMPACT_CIRCUITY": 1.3,
        # Statistics: 0 computes every figure live (a park); above 0, figures are
        # stored and served while younger than this many seconds, and the
        # worker recomputes the usual views (a national network).
        "STATS_CACHE_SECONDS": 0,
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
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # A server that is down or unreachable fails a request in seconds (a
        # 503), instead of holding the worker until the client gives up.
        options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("connect_timeout", DB_CONNECT_TIMEOUT_SECONDS)
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "connect_args": connect_args}
    if not config.get("SECRET_KEY"):
        raise RuntimeError(
            "SYMBIOSIS_SECRET_KEY is not set and instance/secret_key does not exist; "
            "run `make instance/secret_key` or set the variable."
        )
