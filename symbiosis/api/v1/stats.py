"""Key figures and impact over JSON: ``GET /api/v1/stats?zone=&from=&to=``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from symbiosis.api.v1 import bp, error, field_errors
from symbiosis.authz import Perm, can, requires
from symbiosis.errors import FieldErrors
from symbiosis.i18n import gettext as _
from symbiosis.models import Zone
from symbiosis.models.base import as_utc
from symbiosis.services import stats, stats_cache, zones
from symbiosis.services.stats_sql import Scope


def plain(value: Any) -> Any:
    """Decimals as numbers, recursively, for JSON."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


@bp.get("/stats")
@requires(Perm.VIEW_STATS)
def stats_view() -> ResponseReturnValue:
    """KPIs and impact (by evidence level, then base unit) of a zone or all."""
    zone: Zone | None = None
    raw_zone = request.args.get("zone", "").strip()
    if raw_zone:
        zone = zones.find(raw_zone)
        if zone is None:
            return error(422, _("No such zone."), "zone")
    try:
        start, end = stats.period(request.args.get("from"), request.args.get("to"))
    except FieldErrors as problems:
        return field_errors(problems)
    if zone is None and not current_user.is_facilitator:
        return error(403, _("Choose one of the zones you manage."), "zone")
    if zone is not None and not can(current_user, Perm.VIEW_STATS, zone):
        return error(403, _("Only the zone's manager sees its figures."), "zone")
    scope = Scope(zone.id if zone else None, start, end)
    stats_cache.begin()
    kpis = stats_cache.get("kpis", scope)
    impact = stats_cache.get("impact", scope)
    computed_at = stats_cache.computed_at()
    return jsonify(
        {
            "zone": {"id": zone.id, "slug": zone.slug, "name": zone.name}
            if zone
            else None,
            "from": start.isoformat(),
            "to": end.isoformat(),
            "kpis": plain(kpis),
            "impact": plain(impact),
            # When the figures come from a stored snapshot: when it was computed.
            "computed_at": as_utc(computed_at).isoformat() if computed_at else None,
        }
    )
