"""A zone's diagnostic over JSON: the same service and rules as the page."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_login import current_user

from symbiosis import diagnostic_flows as flows
from symbiosis.api.v1 import bp, error
from symbiosis.authz import Perm, can, requires
from symbiosis.extensions import db
from symbiosis.i18n import gettext as _
from symbiosis.models import Zone
from symbiosis.services import diagnostic as service


def _side(side: flows.Side) -> dict[str, Any]:
    return {
        "listings": side.listings,
        "organisations": len(side.organisations),
        "yearly": float(side.yearly),
    }


def _party(party: flows.Party) -> dict[str, Any]:
    return {"id": party.id, "name": party.name, "in_zone": party.in_zone}


def _flow(diag: service.Diagnostic, flow: flows.Flow) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": flow.kind,
        "id": flow.ref,
        "supplier": _party(flow.supplier),
        "receiver": _party(flow.receiver),
        "material": {"key": flow.key, "label": diag.material(flow.key)},
        "unit": flow.unit,
        "yearly": float(flow.yearly),
    }
    if flow.kind == "agreement":
        data["state"] = flow.state
    else:
        data["score"] = flow.score
    return data


def serialise(diag: service.Diagnostic) -> dict[str, Any]:
    """Amounts are yearly, in the base unit named next to them."""
    return {
        "zone": {"id": diag.zone.id, "slug": diag.zone.slug, "name": diag.zone.name},
        "materials": [
            {
                "key": row.key,
                "label": diag.material(row.key),
                "unit": row.unit,
                "out": _side(row.out),
                "in": _side(row.into),
            }
            for row in diag.materials
        ],
        "totals": [
            {"unit": unit, "out": float(given), "in": float(needed)}
            for unit, (given, needed) in diag.totals.items()
        ],
        "flows": [_flow(diag, f) for f in diag.agreed + diag.potential],
        "not_comparable_matches": diag.not_comparable,
    }


@bp.get("/zones/<zone_slug>/diagnostic")
@requires(Perm.MANAGE_ZONE)
def zone_diagnostic(zone_slug: str) -> ResponseReturnValue:
    """The zone's flows by material, and between organisations (yearly base)."""
    zone = db.session.scalar(sa.select(Zone).where(Zone.slug == zone_slug))
    if zone is None:
        return error(404, _("No such zone."), "zone")
    if not can(current_user, Perm.MANAGE_ZONE, zone):
        return error(403, _("Only the zone's manager sees its diagnostic."), "zone")
    return jsonify(serialise(service.diagnostic(current_user, zone)))
