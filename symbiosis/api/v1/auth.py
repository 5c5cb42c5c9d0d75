"""Tokens and the signed-in user."""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from symbiosis.api.v1 import bp, error, json_body
from symbiosis.authz import Perm, public, requires
from symbiosis.extensions import limiter
from symbiosis.i18n import gettext as _
from symbiosis.services import accounts, tokens
from symbiosis.web.auth.routes import _email_key_from


def _token_failed(response: object) -> bool:
    return getattr(response, "status_code", 0) == 401


@bp.post("/auth/token")
@public
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
@limiter.limit(
    lambda: current_app.config["LOGIN_FAILURE_LIMIT"],
    key_func=lambda: _email_key_from((json_body() or {}).get("email")),
    deduct_when=_token_failed,
)
def token() -> ResponseReturnValue:
    """Exchange an e-mail and password for a bearer token."""
    body = json_body()
    if body is None:
        return error(400, _("Send a JSON object with email and password."))
    email, password = body.get("email"), body.get("password")
    missing = [
        f
        for f, v in (("email", email), ("password", password))
        if not isinstance(v, str) or not v
    ]
    if missing:
        return (
            jsonify(
                {
                    "errors": [
                        {"field": f, "reason": _("This field is required.")}
                        for f in missing
                    ]
                }
            ),
            400,
        )
    user = accounts.authenticate(email, password)  # type: ignore[arg-type]
    if user is None:
        return error(401, _("E-mail or password is incorrect."))
    name = body.get("name") if isinstance(body.get("name"), str) else None
    value, record = tokens.create_token(
        user, (name or request.user_agent.string or "API")[:80]
    )
    return jsonify({"token": value, "id": record.id, "name": record.name}), 201


@bp.get("/auth/me")
@requires(Perm.SIGNED_IN)
def me() -> ResponseReturnValue:
    user = current_user
    org = user.organisation
    return jsonify(
        {
            "id": user.id,
            "email": user.email,
            "full_name": user.full_name,
            "locale": user.locale,
            "mail_notices": user.mail_notices,
            "role": _role(user),
            "org_role": user.org_role,
            "facilitator": user.is_facilitator,
            "manages_zones": [{"id": z.id, "name": z.name} for z in user.managed_zones],
            "organisation": None
            if org is None
            else {
                "id": org.id,
                "name": org.name,
                "kind": org.kind,
                "zone_id": org.zone_id,
            },
        }
    )


def _role(user: object) -> str:
    """The broadest role: facilitator > zone_manager > org_admin > member > none."""
    if getattr(user, "is_facilitator", False):
        return "facilitator"
    if getattr(user, "is_zone_manager", False):
        return "zone_manager"
    if getattr(user, "is_org_admin", False):
        return "org_admin"
    if getattr(user, "is_org_member", False):
        return "member"
    return "none"
