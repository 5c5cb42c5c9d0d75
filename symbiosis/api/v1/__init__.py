"""Version 1 of the JSON API; errors are ``{"errors": [{"field", "reason"}]}``."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from symbiosis.authz import public
from symbiosis.extensions import csrf, db
from symbiosis.models import Zone

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


@bp.get("/zones")
@public
def zones() -> ResponseReturnValue:
    """List the business zones with their approximate points."""
    rows = db.session.scalars(sa.select(Zone).order_by(Zone.name))
    return jsonify(
        {
            "zones": [
                {
                    "id": z.id,
                    "slug": z.slug,
                    "name": z.name,
                    "commune": z.commune,
                    "lat": z.lat,
                    "lon": z.lon,
                }
                for z in rows
            ]
        }
    )
