"""The wiring steps of ``create_app``, one function each."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context, request, session
from flask_login import current_user
from markupsafe import Markup

from symbiosis import ROOT, authz, db_connections, formats, labels  # noqa: F401 - its listeners
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


def _csp(tile_url: str) -> dict[str, Any]:
    """The policy, letting map tiles in from their server when one is configured."""
    policy: dict[str, Any] = dict(CSP)
    if tile_url:
        parts = urlsplit(tile_url)  # "{s}.tile.example" → any sub-domain
        policy["img-src"] = [
            *CSP["img-src"],
            f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}",
        ]
    return policy


def select_locale() -> str:
    """Language: the switch in this session, else the user's choice, else French."""
    languages = g.get("languages") or ("fr", "en", "de")
    if not has_request_context():  # CLI and jobs: the default language
        return str(languages[0])
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
    from symbiosis.services.notify import register_mail_hooks

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.request_loader(_user_from_bearer_token)
    register_mail_hooks()
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
        content_security_policy=_csp(app.config.get("MAP_TILE_URL", "")),
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )


def _user_from_bearer_token(req: Any) -> Any:
    """API clients sign each request with ``Authorization: Bearer <token>``."""
    from symbiosis.services.tokens import user_for

    header = req.headers.get("Authorization", "")
    if not req.path.startswith("/api/") or not header.startswith("Bearer "):
        return None
    user = user_for(header[7:].strip())
    if user is not None:
        g.api_token = True
    return user


def register_request_hooks(app: Flask) -> None:
    @app.before_request
    def _languages() -> None:
        g.languages = tuple(app.config["LANGUAGES"])

    app.before_request(authz.check_request)

    @app.context_processor
    def _template_globals() -> dict[str, Any]:
        from flask_babel import get_locale

        from symbiosis.services.notify import unread_count

        signed_in = current_user and current_user.is_authenticated
        return {
            "can": lambda perm, obj=None: authz.can(current_user, perm, obj),
            "Perm": authz.Perm,
            "current_locale": str(get_locale()),
            "languages": app.config["LANGUAGES"],
            "current_path": request.full_path.rstrip("?"),
            "unread_notifications": unread_count(current_user) if signed_in else 0,
            "ewc_options": _ewc_options,
        }

    app.add_template_filter(labels.sentence_case, "sentence_case")
    app.add_template_filter(formats.number, "decimal")
    app.add_template_filter(labels.quantity, "quantity")
    app.add_template_filter(formats.distance, "distance")
    app.add_template_filter(formats.euros, "euros")
    app.add_template_filter(_dateformat, "dateformat")
    app.add_template_filter(_datetimeformat, "datetimeformat")


def _ewc_options(mark_hazardous: bool = True) -> Markup:
    """The waste-code picker's <option>s, rendered once per language.

    The 842 codes of the List of Waste change only when the reference data is
    seeded again, which a restart then shows; loading and rendering them took
    the new-listing page 30 ms a request on the 2-core bench machine.
    """
    from flask_babel import get_locale

    from symbiosis.models import EwcCode

    kept: dict[tuple[str, bool], Markup] = current_app.extensions.setdefault(
        "symbiosis.ewc_options", {}
    )
    key = (str(get_locale()), mark_hazardous)
    if key not in kept:
        codes = db.session.scalars(sa.select(EwcCode).order_by(EwcCode.code)).all()
        partial = current_app.jinja_env.get_template("listings/_ewc_options.html")
        kept[key] = Markup(  # noqa: S704 - a template with autoescape  # nosec B704
            partial.render(codes=codes, locale=key[0], mark_hazardous=mark_hazardous)
        )
    return kept[key]


def _dateformat(value: Any) -> str:
    from flask_babel import format_date

    return str(format_date(value, format="medium")) if value else ""


def _datetimeformat(value: Any) -> str:
    return formats.moment(value)


def register_blueprints(app: Flask) -> None:
    from symbiosis.web import register_blueprints as register

    register(app)


def register_error_handlers(app: Flask) -> None:
    from symbiosis.web.errors import register

    register(app)


def register_cli(app: Flask) -> None:
    from symbiosis.cli import register

    register(app)
