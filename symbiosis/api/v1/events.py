"""Matchmaking events over JSON: the same services and rules as the pages.

Signed-in people see the events past the draft (facilitators see drafts too),
register their own organisation while registration is open, and read the
published plan once their organisation is in it. Facilitators may name any
organisation (``organisation_id``), as on the pages; others only their own.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from symbiosis.api.v1 import bp, error, field_errors, json_body
from symbiosis.authz import Perm, requires
from symbiosis.errors import FieldErrors, InvalidTransition, NotAllowed, StaleObject
from symbiosis.extensions import db
from symbiosis.i18n import gettext as _
from symbiosis.models import Event, EventRegistration, Organisation
from symbiosis.models.base import as_id, as_utc, id_from_text
from symbiosis.services import event_registrations, event_views, events
from symbiosis.web.events.pages import can_see_plan

REGISTRATION_FIELDS = {"offers", "seeks", "sdgs", "themes", "organisation_id"}


def _organisation(org: Organisation) -> dict[str, Any]:
    return {"id": org.id, "name": org.name}


def serialise(event: Event) -> dict[str, Any]:
    """What the events list shows of one event."""
    return {
        "id": event.id,
        "title": event.title,
        "description": event.description,
        "starts_at": as_utc(event.starts_at).isoformat(),
        "ends_at": as_utc(events.ends_at(event)).isoformat(),
        "place": event.place,
        "zone": {"id": event.zone.id, "name": event.zone.name} if event.zone else None,
        "themes": list(event.themes or ()),
        "tables": event.tables,
        "rounds": event.rounds,
        "minutes_per_round": event.minutes_per_round,
        "pairs": event.pairs,
        "state": event.state,
        "version": event.version,
        "registration_open": event_registrations.is_open(event),
        "past": events.is_past(event),
        "registrations": len(event.registrations),
    }


def serialise_registration(registration: EventRegistration) -> dict[str, Any]:
    return {
        "organisation": _organisation(registration.organisation),
        "offers": registration.offer_lines,
        "seeks": registration.seek_lines,
        "sdgs": list(registration.sdgs or ()),
        "themes": list(registration.themes or ()),
    }


def _plan(event: Event) -> dict[str, Any] | None:
    """Every round's tables, as the programme page shows them (None if hidden).

    The pages show scores to facilitators only; participants get ``null``.
    """
    if not can_see_plan(event):
        return None
    scores = events.can_manage(current_user)
    return {
        "rounds": [
            {
                "round": view.slot.round,
                "starts_at": as_utc(view.slot.starts_at).isoformat(),
                "ends_at": as_utc(view.slot.ends_at).isoformat(),
                "meetings": [
                    {
                        "table": seat.meeting.table_no,
                        "a": seat.meeting.org_a.name,
                        "b": seat.meeting.org_b.name,
                        "score": round(seat.meeting.score, 1) if scores else None,
                        "reasons": seat.reasons,
                    }
                    for seat in view.seats
                ],
                "waiting": [org.name for org in view.waiting],
            }
            for view in event_views.by_round(event)
        ]
    }


def _own_id() -> int | None:
    return current_user.organisation_id if current_user.is_org_member else None


def _not_found() -> ResponseReturnValue:
    return error(404, _("No such event."))


@bp.get("/events")
@requires(Perm.SIGNED_IN)
def events_index() -> ResponseReturnValue:
    """Upcoming events (soonest first), then past ones (latest first)."""
    upcoming, past = events.visible(current_user)
    return jsonify({"events": [serialise(e) for e in (*upcoming, *past)]})


@bp.get("/events/<int:event_id>")
@requires(Perm.SIGNED_IN)
def events_detail(event_id: int) -> ResponseReturnValue:
    try:
        event = events.get(current_user, event_id)
    except NotAllowed:
        return _not_found()
    own = event_registrations.registration_of(event, _own_id())
    return jsonify(
        {
            **serialise(event),
            "registration": serialise_registration(own) if own else None,
            "plan": _plan(event),
        }
    )


def _target(wanted: Any) -> int | ResponseReturnValue:
    """The organisation named (the service checks it is allowed), else one's own."""
    if wanted is None:
        own = _own_id()
        if own is None:
            return error(
                422, _("Name the organisation to register."), "organisation_id"
            )
        return own
    key = id_from_text(wanted) if isinstance(wanted, str) else as_id(wanted)
    if key is None or db.session.get(Organisation, key) is None:
        return error(422, _("Unknown organisation."), "organisation_id")
    return key


@bp.post("/events/<int:event_id>/registration")
@requires(Perm.REGISTER_EVENT)
def events_register(event_id: int) -> ResponseReturnValue:
    """Register an organisation, or change what it offers and seeks."""
    body = json_body()
    if body is None:
        return error(400, _("Send a JSON object."))
    unknown = [k for k in body if k not in REGISTRATION_FIELDS]
    if unknown:
        return jsonify(
            {"errors": [{"field": k, "reason": _("Unknown field.")} for k in unknown]}
        ), 422
    try:
        event = events.get(current_user, event_id)
    except NotAllowed:
        return _not_found()
    org_id = _target(body.pop("organisation_id", None))
    if not isinstance(org_id, int):
        return org_id
    existed = event_registrations.registration_of(event, org_id) is not None
    try:
        registration = event_registrations.register(
            current_user, event.id, org_id, body
        )
    except NotAllowed as refusal:
        return error(403, refusal.message, "organisation_id")
    except (InvalidTransition, StaleObject) as refusal:
        return error(409, refusal.message)
    except FieldErrors as errors:
        return field_errors(errors)
    response = jsonify(serialise_registration(registration))
    response.status_code = 200 if existed else 201
    response.headers["Location"] = url_for("api_v1.events_detail", event_id=event.id)
    return response


@bp.delete("/events/<int:event_id>/registration")
@requires(Perm.REGISTER_EVENT)
def events_unregister(event_id: int) -> ResponseReturnValue:
    """Withdraw an organisation (``?organisation_id=`` for facilitators)."""
    try:
        event = events.get(current_user, event_id)
    except NotAllowed:
        return _not_found()
    org_id = _target(request.args.get("organisation_id"))
    if not isinstance(org_id, int):
        return org_id
    try:
        event_registrations.unregister(current_user, event.id, org_id)
    except NotAllowed as refusal:
        return error(403, refusal.message, "organisation_id")
    except InvalidTransition as refusal:
        return error(409, refusal.message)
    except FieldErrors as errors:
        return field_errors(errors, 404)
    return "", 204
