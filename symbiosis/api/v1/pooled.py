"""Pooled services over JSON: the same services and rules as the pages."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from symbiosis.api.v1 import bp, error, field_errors, json_body, step_version
from symbiosis.authz import Perm, requires
from symbiosis.errors import (
    FieldErrors,
    Forbidden,
    InvalidTransition,
    NotAllowed,
    StaleObject,
)
from symbiosis.i18n import gettext as _
from symbiosis.models import PooledService
from symbiosis.services import pooled as service
from symbiosis.services import zones
from symbiosis.workflow.pooled import STEPS, PoolAction

CREATE_FIELDS = {
    "zone", "category", "title", "description", "target_participants",
    "estimated_cost", "cost_split", "cost_notes",
}  # fmt: skip
ACTIONS = frozenset(a.value for a in PoolAction)
VERSIONED = frozenset(a.value for a in STEPS)  # the manager's steps


def serialise(pool: PooledService) -> dict[str, Any]:
    return {
        "id": pool.id,
        "zone": {"id": pool.zone.id, "slug": pool.zone.slug, "name": pool.zone.name},
        "category": pool.category,
        "title": pool.title,
        "description": pool.description,
        "state": pool.state,
        "version": pool.version,
        "target_participants": pool.target_participants,
        "estimated_cost": float(pool.estimated_cost)
        if pool.estimated_cost is not None
        else None,
        "cost_split": pool.cost_split,
        "cost_notes": pool.cost_notes,
        "participants": [
            {
                "organisation": {"id": p.organisation.id, "name": p.organisation.name},
                "commitment": p.commitment,
            }
            for p in pool.enrolled()
        ],
        "allowed_actions": [a.value for a in service.actions_for(current_user, pool)],
    }


@bp.get("/pooled-services")
@requires(Perm.SIGNED_IN)
def pooled_index() -> ResponseReturnValue:
    zone = request.args.get("zone")
    zone_id = None
    if zone:
        found = zones.find(zone)
        if found is None:
            return error(422, _("Unknown zone."), "zone")
        zone_id = found.id
    rows = service.visible(
        current_user,
        zone_id=zone_id,
        state=request.args.get("state") or None,
        category=request.args.get("category") or None,
    )
    return jsonify({"pooled_services": [serialise(p) for p in rows]})


@bp.post("/pooled-services")
@requires(Perm.PROPOSE_POOLED)
def pooled_create() -> ResponseReturnValue:
    body = json_body()
    if body is None:
        return error(400, _("Send a JSON object."))
    unknown = [k for k in body if k not in CREATE_FIELDS]
    if unknown:
        return jsonify(
            {"errors": [{"field": k, "reason": _("Unknown field.")} for k in unknown]}
        ), 422
    ref = str(body.get("zone") or "")
    zone = zones.find(ref)
    if zone is None:
        return error(422, _("Unknown zone."), "zone")
    try:
        pool = service.propose(current_user, zone, body)
    except NotAllowed as refusal:
        return error(403, refusal.message, "zone")
    except FieldErrors as errors:
        return field_errors(errors)
    response = jsonify(serialise(pool))
    response.status_code = 201
    response.headers["Location"] = url_for("api_v1.pooled_detail", service_id=pool.id)
    return response


@bp.get("/pooled-services/<int:service_id>")
@requires(Perm.SIGNED_IN)
def pooled_detail(service_id: int) -> ResponseReturnValue:
    try:
        pool = service.get(current_user, service_id)
    except NotAllowed:
        return error(404, _("No such pooled service."))
    return jsonify(serialise(pool))


@bp.post("/pooled-services/<int:service_id>/<action>")
@requires(Perm.SIGNED_IN)
def pooled_act(service_id: int, action: str) -> ResponseReturnValue:
    if action not in ACTIONS:  # the path's enum: any other names no operation
        return error(404, _("No such action."))
    body = json_body()
    if body is None:
        return error(400, _("Send a JSON object."))
    # Only the manager's steps need it; a version given to any step is checked.
    version = step_version(body.get("version"))
    if version is None and (action in VERSIONED or "version" in body):
        return error(422, _("Give the version you last saw."), "version")
    try:
        if action == PoolAction.ENROL:
            service.enrol(
                current_user, service_id, body.get("commitment", "interested")
            )
        elif action == PoolAction.LEAVE:
            service.leave(current_user, service_id)
        else:
            service.act(current_user, service_id, action, version, body)
        pool = service.get(current_user, service_id)
    except NotAllowed:
        return error(404, _("No such pooled service."))
    except StaleObject as refusal:
        return error(409, refusal.message, "version")
    except Forbidden as refusal:
        return error(403, refusal.message, allowed_actions=refusal.allowed)
    except InvalidTransition as refusal:
        return error(409, refusal.message, allowed_actions=refusal.allowed)
    except FieldErrors as errors:
        return field_errors(errors)
    return jsonify(serialise(pool))
