"""Version 1 of the JSON API; errors are ``{"errors": [{"field", "reason"}]}``.

Clients authenticate with ``Authorization: Bearer <token>``. A signed-in
browser session works too, but then unsafe methods need the CSRF token.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from symbiosis.errors import FieldErrors
from symbiosis.extensions import csrf
from symbiosis.i18n import gettext as _
from symbiosis.models.base import MAX_ID, as_id, id_from_text

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


@bp.url_value_preprocessor
def _ids_in_range(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """An id no column can hold names nothing: 404, not a database error."""
    if values and any(isinstance(v, int) and v > MAX_ID for v in values.values()):
        abort(404)


@bp.before_request
def _no_nul_in_query() -> ResponseReturnValue | None:
    """PostgreSQL cannot compare text holding NUL: refuse it, naming the field."""
    for name, value in request.args.items(multi=True):
        if "\x00" in value:
            return error(422, _("Remove the invisible control characters."), name)
    return None


@bp.before_request
def _csrf_for_cookie_sessions() -> None:
    """A browser session could be ridden by another site: ask it for the token."""
    unsafe = request.method not in ("GET", "HEAD", "OPTIONS")
    by_cookie = current_user.is_authenticated and not g.get("api_token")
    if unsafe and by_cookie and current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()


def field_errors(error: FieldErrors, status: int = 422) -> ResponseReturnValue:
    return jsonify(error.as_json()), status


def error(
    status: int, reason: str, field: str | None = None, **extra: Any
) -> ResponseReturnValue:
    return jsonify({"errors": [{"field": field, "reason": reason}], **extra}), status


def json_body() -> dict[str, Any] | None:
    """The request's JSON object, or None when the body is not one."""
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


def step_version(value: Any) -> int | None:
    """The version a step was sent with: a whole number from 1 (its digits in
    a text count too), else None, which the step refuses as 422 naming it."""
    return id_from_text(value.strip()) if isinstance(value, str) else as_id(value)


from symbiosis.api.v1 import (  # noqa: E402,F401 - routes
    agreements,
    auth,
    events,
    listings,
    matches,
    notifications,
    pooled,
    practices,
    reference,
    saved_searches,
    stats,
    zones_diagnostic,
)
