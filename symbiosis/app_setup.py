"""The wiring steps of ``create_app``, one function each."""

from __future__ import annotations

import sqlite3
from typing import Any

import sqlalchemy as sa
from flask import Flask, g, request, session
from flask_login import current_user

from symbiosis import ROOT, authz
from symbiosis.extensions import (
    babel,
    csrf,
    db,
    limiter,
    login_manager,
    migrate,
    talisman,
)

CSP = {
    "default-src": "'self'",
    "img-src": ["'self'", "data:"],
    "style-src": "'self'",
    "script-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Enforce foreign keys on SQLite; on a file, let readers and a writer coexist.

    WAL lets pages be read while a request writes, and the busy timeout makes a
    second writer wait (up to 5 s) instead of failing with "database is locked".
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        files = [row[2] for row in cursor.execute("PRAGMA database_list")]
        if files and files[0]:  # an empty name is an in-memory database
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def select_locale() -> str:
    """Language: the switch in this session, else the user's choice, else French."""
    languages = g.get("languages") or ("fr", "en", "de")
    chosen = session.get("lang")
    if chosen in languages:
        return str(chosen)
    if (
        current_user
        and current_user.is_authenticated
        and current_user.locale in languages
    ):
        return str(current_user.locale)
    return str(languages[0])


def register_extensions(app: Flask) -> None:
    from symbiosis.services.accounts import load_user

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
        content_security_policy=CSP,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )


def register_request_hooks(app: Flask) -> None:
    @app.before_request
    def _languages() -> None:
        g.languages = tuple(app.config["LANGUAGES"])

    app.before_request(authz.check_request)

    @app.context_processor
    def _template_globals() -> dict[str, Any]:
        from flask_babel import get_locale

        return {
            "can": lambda perm, obj=None: authz.can(current_user, perm, obj),
            "Perm": authz.Perm,
            "current_locale": str(get_locale()),
            "languages": app.config["LANGUAGES"],
            "current_path": request.full_path.rstrip("?"),
        }


def register_blueprints(app: Flask) -> None:
    from symbiosis.web import register_blueprints as register

    register(app)


def register_error_handlers(app: Flask) -> None:
    from symbiosis.web.errors import register

    register(app)


def register_cli(app: Flask) -> None:
    from symbiosis.cli import register

    register(app)
