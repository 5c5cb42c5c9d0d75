"""Matches over JSON."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_login import current_user

from symbiosis.api.v1 import bp, error, field_errors, json_body
from symbiosis.authz import Perm, can, learn_owners, requires
from symbiosis.errors import FieldErrors, Forbidden, NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext as _
from symbiosis.models import Listing, Match
from symbiosis.services import proposals
from symbiosis.services.listings import shown_to
from symbiosis.web.matches.explain import sentences


def serialise(match: Match, listing: Listing) -> dict[str, Any]:
    other = match.other(listing.id)
    shown = shown_to(current_user, other)
    return {
        "id": match.id,
        "offer": match.offer_id,
        "request": match.request_id,
        "listing": {
            "id": other.id,
            "kind": other.kind,
            "title": other.title,
            "zone": other.zone.name if other.zone else None,
            "organisation": shown.organisation.name if shown.organisation else None,
        },
        "score": match.score,
        "distance_km": match.distance_km,
        "parts": match.parts,
        "reasons": sentences(match.reasons),
        "reason_codes": match.reasons,
    }


@bp.get("/listings/<int:listing_id>/matches")
@requires(Perm.EDIT_LISTING)
def listing_matches(listing_id: int) -> ResponseReturnValue:
    listing = db.session.get(Listing, listing_id)
    if listing is None or not can(current_user, Perm.EDIT_LISTING, listing):
        return error(404, _("No such listing."))
    found = proposals.visible_matches(current_user, listing)
    learn_owners(current_user, [m.other(listing.id) for m in found])
    return jsonify({"matches": [serialise(m, listing) for m in found]})


@bp.post("/matches/<int:match_id>/dismiss")
@requires(Perm.EDIT_LISTING)
def dismiss(match_id: int) -> ResponseReturnValue:
    body = json_body() or {}
    reason = body.get("reason")
    if reason is not None and not isinstance(reason, str):
        return error(422, _("Expected text."), "reason")
    try:
        match = proposals.dismiss(current_user, match_id, reason)
    except NotAllowed:
        return error(404, _("No such match."))
    except FieldErrors as errors:
        return field_errors(errors)
    return jsonify({"id": match.id, "dismissed": True, "reason": match.dismiss_reason})


@bp.post("/matches/<int:match_id>/restore")
@requires(Perm.EDIT_LISTING)
def restore(match_id: int) -> ResponseReturnValue:
    try:
        match = proposals.restore(current_user, match_id)
    except NotAllowed:
        return error(404, _("No such match."))
    except Forbidden as refusal:
        return error(403, refusal.message)
    return jsonify({"id": match.id, "dismissed": False})
