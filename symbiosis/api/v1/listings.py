"""Listings over JSON, through the same services and rules as the pages."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from symbiosis.api.v1 import bp, error, field_errors, json_body
from symbiosis.authz import Perm, can, learn_owners, requires
from symbiosis.errors import FieldErrors, InvalidTransition, NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext as _
from symbiosis.listing_fields import COLUMNS
from symbiosis.models import Listing, Organisation
from symbiosis.models.base import as_id, id_from_text
from symbiosis.services import imports
from symbiosis.services import listings as service
from symbiosis.services.listing_search import Filters, search
from symbiosis.services.saved_searches import FILTER_KEYS, read_filters
from symbiosis.workflow.listing import (
    OWNER_ACTIONS,
    TRANSITIONS,
    ListingState,
    action_to,
    allowed_actions,
    next_state,
)

MAX_PER_PAGE = 100
# The states an owner may set (`state` of a change): where their steps lead.
SETTABLE_STATES = tuple(
    s.value
    for s in ListingState
    if any(to is s and a in OWNER_ACTIONS for (_, a), to in TRANSITIONS.items())
)


def serialise(listing: Listing) -> dict[str, Any]:
    """The listing as the current user may see it (anonymity applied)."""
    shown = service.shown_to(current_user, listing)
    return {
        "id": listing.id,
        "kind": listing.kind,
        "resource": listing.resource,
        "title": listing.title,
        "description": listing.description,
        "ewc_code": listing.ewc_code,
        "hazardous": listing.hazardous,
        "quantity": float(listing.quantity),
        "unit": listing.unit,
        "frequency": listing.frequency,
        "yearly_quantity": float(listing.yearly_quantity),
        "base_unit": listing.base_unit,
        "available_from": listing.available_from.isoformat(),
        "available_until": listing.available_until.isoformat()
        if listing.available_until
        else None,
        "lat": shown.lat,
        "lon": shown.lon,
        "location_approximate": shown.approximate,
        "max_distance_km": listing.max_distance_km,
        "price_terms": listing.price_terms,
        "price_per_unit": float(listing.price_per_unit)
        if listing.price_per_unit is not None
        else None,
        "anonymous": listing.anonymous,
        "accepts_hazardous": listing.accepts_hazardous,
        "sdgs": [s.number for s in listing.sdgs],
        "themes": list(listing.themes or ()),
        "state": listing.state,
        "zone": {"id": listing.zone.id, "name": listing.zone.name}
        if listing.zone
        else None,
        "organisation": {"id": shown.organisation.id, "name": shown.organisation.name}
        if shown.organisation
        else None,
    }


def _get(listing_id: int, perm: Perm) -> Listing | None:
    listing = db.session.get(Listing, listing_id)
    if listing is None or not can(current_user, perm, listing):
        return None
    return listing


def _not_found() -> ResponseReturnValue:
    return error(404, _("No such listing."))


def _unknown_fields(body: dict[str, Any]) -> list[dict[str, str]]:
    allowed = {*COLUMNS, "organisation_id"}
    return [
        {"field": key, "reason": _("Unknown field.")}
        for key in body
        if key not in allowed
    ]


@bp.get("/listings")
@requires(Perm.SIGNED_IN)
def listings_index() -> ResponseReturnValue:
    # The filters a followed search accepts, checked the same way.
    try:
        given = read_filters(
            {k: request.args[k] for k in FILTER_KEYS if k in request.args}, prefix=""
        )
    except FieldErrors as errors:
        return field_errors(errors)
    filters = Filters.from_args(MultiDict(given))
    per_page = min(max(request.args.get("per_page", 20, type=int), 1), MAX_PER_PAGE)
    results = search(
        current_user,
        filters,
        page=request.args.get("page", 1, type=int),
        per_page=per_page,
    )
    learn_owners(current_user, results.items)
    return jsonify(
        {
            "listings": [serialise(item) for item in results.items],
            "total": results.total,
            "page": results.page,
            "pages": results.pages,
        }
    )


@bp.post("/listings")
@requires(Perm.POST_LISTING)
def listings_create() -> ResponseReturnValue:
    body = json_body()
    if body is None:
        return error(400, _("Send a JSON object."))
    unknown = _unknown_fields(body)
    if unknown:
        return jsonify({"errors": unknown}), 422
    org = current_user.organisation
    named = body.get("organisation_id") is not None
    if named:  # facilitators name any; the service refuses others' for members
        key = as_id(body.get("organisation_id"))
        org = db.session.get(Organisation, key) if key else None
        if org is None:
            return error(422, _("Unknown organisation."), "organisation_id")
    if org is None:
        return error(403, _("Join an organisation before posting."))
    fields = {k: v for k, v in body.items() if k != "organisation_id"}
    try:
        listing = service.post_listing(current_user, org, fields)
    except NotAllowed as refusal:
        return error(403, refusal.message, "organisation_id" if named else None)
    except FieldErrors as errors:
        return field_errors(errors)
    response = jsonify(serialise(listing))
    response.status_code = 201
    response.headers["Location"] = url_for(
        "api_v1.listings_detail", listing_id=listing.id
    )
    return response


@bp.get("/listings/<int:listing_id>")
@requires(Perm.SIGNED_IN)
def listings_detail(listing_id: int) -> ResponseReturnValue:
    listing = _get(listing_id, Perm.VIEW_LISTING)
    return jsonify(serialise(listing)) if listing else _not_found()


@bp.patch("/listings/<int:listing_id>")
@requires(Perm.EDIT_LISTING)
def listings_update(listing_id: int) -> ResponseReturnValue:
    listing = _get(listing_id, Perm.EDIT_LISTING)
    if listing is None:
        return _not_found()
    body = json_body()
    if body is None:
        return error(400, _("Send a JSON object."))
    state = body.pop("state", None)
    unknown = _unknown_fields(body)
    if "organisation_id" in body:  # named when posting; a listing stays with it
        unknown.append(
            {"field": "organisation_id", "reason": _("This field cannot be changed.")}
        )
    if state is not None and state not in SETTABLE_STATES:
        choices = ", ".join(SETTABLE_STATES)
        unknown.append(
            {
                "field": "state",
                "reason": _("Choose one of: %(choices)s.", choices=choices),
            }
        )
    if unknown:
        return jsonify({"errors": unknown}), 422
    action = action_to(listing.state, state) if state is not None else None
    if state is not None and action is None:  # refused before any field is written
        return _state_conflict(listing, _("This change of state is not possible."))
    try:
        if body:
            service.update_listing(current_user, listing, body)
        if action is not None:
            service.apply_action(current_user, listing, action)
    except NotAllowed as refusal:
        return _state_conflict(listing, refusal.message)
    except FieldErrors as errors:
        return field_errors(errors)
    return jsonify(serialise(listing))


def _state_conflict(listing: Listing, reason: str) -> ResponseReturnValue:
    """409 with ``allowed``: the states the listing may be set to from its own."""
    state = ListingState(listing.state)
    allowed = [next_state(state, a).value for a in allowed_actions(state)]
    return error(409, reason, "state", allowed=allowed)


@bp.delete("/listings/<int:listing_id>")
@requires(Perm.EDIT_LISTING)
def listings_delete(listing_id: int) -> ResponseReturnValue:
    listing = _get(listing_id, Perm.EDIT_LISTING)
    if listing is None:
        return _not_found()
    try:
        service.delete_listing(current_user, listing)
    except InvalidTransition as refusal:
        return error(409, refusal.message, allowed_actions=refusal.allowed)
    return "", 204


@bp.post("/listings/import")
@requires(Perm.POST_LISTING)
def listings_import() -> ResponseReturnValue:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return error(400, _("Send the file as multipart field 'file'."), "file")
    data = upload.read(current_app.config["IMPORT_MAX_BYTES"] + 1)
    if len(data) > current_app.config["IMPORT_MAX_BYTES"]:
        return error(413, _("The file is too large."), "file")
    target = None
    named = request.form.get("organisation_id", "").strip()
    if named:
        org_id = id_from_text(named)
        target = db.session.get(Organisation, org_id) if org_id else None
        if target is None:
            return error(422, _("Unknown organisation."), "organisation_id")
        # The service imports a member's rows for their own organisation only.
        if (
            not current_user.is_facilitator
            and target.id != current_user.organisation_id
        ):
            return error(
                403,
                _("You may only post for your own organisation."),
                "organisation_id",
            )
    try:
        report = imports.import_listings(
            current_user, upload.filename, data, organisation=target
        )
    except NotAllowed as refusal:
        return error(403, refusal.message)
    except FieldErrors as errors:
        return field_errors(errors)
    if not report.ok:
        return jsonify(report.as_json()), 422
    return jsonify(report.as_json()), 201
