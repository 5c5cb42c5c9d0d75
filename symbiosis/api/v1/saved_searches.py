"""The signed-in user's followed searches over JSON: list, follow, stop."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_login import current_user

from symbiosis.api.v1 import bp, error, field_errors, json_body
from symbiosis.authz import Perm, requires
from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.i18n import gettext as _
from symbiosis.services import saved_searches as service


@bp.get("/saved-searches")
@requires(Perm.SIGNED_IN)
def saved_searches_index() -> ResponseReturnValue:
    return jsonify(
        {"saved_searches": [service.serialise(s) for s in service.of(current_user)]}
    )


@bp.post("/saved-searches")
@requires(Perm.SIGNED_IN)
def saved_searches_create() -> ResponseReturnValue:
    """Follow a search: ``{"name": ..., "filters": {"q": ..., "kind": ...}}``."""
    body = json_body()
    if body is None:
        return error(400, _("Send a JSON object."))
    name = body.get("name")
    try:
        filters = service.read_filters(body.get("filters"))
        # A name that is no text is no name: the service says it is missing.
        search = service.follow(
            current_user, filters, name if isinstance(name, str) else ""
        )
    except FieldErrors as errors:
        return field_errors(errors)
    return jsonify(service.serialise(search)), 201


@bp.delete("/saved-searches/<int:search_id>")
@requires(Perm.SIGNED_IN)
def saved_searches_delete(search_id: int) -> ResponseReturnValue:
    try:
        service.stop(current_user, search_id)
    except NotAllowed:
        return error(404, _("No such search."))
    return "", 204
