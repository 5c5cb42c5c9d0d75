"""The monitoring dashboard: key figures and impact of a zone or the network."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from symbiosis import labels
from symbiosis.authz import Perm, can, requires
from symbiosis.errors import FieldErrors
from symbiosis.extensions import db
from symbiosis.models import Zone
from symbiosis.services import stats, stats_report

bp = Blueprint("monitoring", __name__, url_prefix="/monitoring")
LEVELS = ("potential", "agreed", "delivered", "verified")


def _zones() -> list[Zone]:
    """Zones the user may look at: every zone for facilitators, else theirs."""
    if current_user.is_facilitator:
        return list(db.session.scalars(sa.select(Zone).order_by(Zone.name)))
    return list(current_user.managed_zones)


def _selection() -> tuple[Zone | None, date, date, list[tuple[str, str]]]:
    zones = _zones()
    errors: list[tuple[str, str]] = []
    zone = None
    raw = request.args.get("zone", "")
    if raw:
        zone = stats.find_zone(raw)
        if zone is None or not can(current_user, Perm.VIEW_STATS, zone):
            abort(404)
    elif not current_user.is_facilitator:
        zone = zones[0] if zones else None
        if zone is None:
            abort(403)
    try:
        start, end = stats.period(request.args.get("from"), request.args.get("to"))
    except FieldErrors as problems:
        errors = problems.errors
        start, end = stats.period(None, None)
    return zone, start, end, errors


@bp.get("/")
@requires(Perm.VIEW_STATS)
def dashboard() -> ResponseReturnValue:
    zone, start, end, errors = _selection()
    zone_id = zone.id if zone else None
    figures: dict[str, Any] = {
        "kpis": stats.kpis(zone_id, start, end),
        "impact": stats.impact(zone_id, start, end),
    }
    return render_template(
        "monitoring/dashboard.html",
        zones=_zones(),
        zone=zone,
        start=start,
        end=end,
        errors=dict(errors),
        levels=LEVELS,
        labels=labels,
        **figures,
    ), (422 if errors else 200)


@bp.get("/report.csv")
@requires(Perm.VIEW_STATS)
def report_csv() -> ResponseReturnValue:
    zone, start, end, errors = _selection()
    if errors:
        abort(422)
    zone_id = zone.id if zone else None
    table = stats_report.rows(
        stats.kpis(zone_id, start, end), stats.impact(zone_id, start, end)
    )
    name = f"symbiosis-{zone.slug if zone else 'network'}-{start}-{end}.csv"
    return Response(
        stats_report.as_csv(table),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
