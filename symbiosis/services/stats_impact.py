"""Impact of the network by evidence level, summed by the database.

Four levels, from the weakest claim to the strongest, never added together:

- ``potential``: stored, non-dismissed matches proposed in the period, the
  smaller yearly quantity of the two sides (only when both share a base unit);
- ``agreed``: agreements first accepted in the period and now accepted, active
  or completed, the yearly quantity of their terms (``units.yearly``);
- ``delivered``: impact records (deliveries, completions) of the period, with
  the distance and CO2 computed with the factors stored on each record;
- ``verified``: the subset of the delivered records a facilitator verified.

Figures are per base unit (t, m3, MWh ...), never summed across units.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from symbiosis import impact
from symbiosis.extensions import db
from symbiosis.models import Agreement, ImpactRecord, Listing, Match
from symbiosis.services.stats_sql import (
    AMOUNT,
    Scope,
    base_unit_of,
    first_accepted,
    yearly_amount,
)
from symbiosis.workflow.agreement import AgreementState

LEVELS = ("potential", "agreed", "delivered", "verified")
AGREED_STATES = (
    AgreementState.ACCEPTED,
    AgreementState.ACTIVE,
    AgreementState.COMPLETED,
)
FIGURES = (
    "count",
    "quantity",
    "distance_km",
    "road_km",
    "transport_kg_co2e",
    "avoided_kg_co2e",
    "net_kg_co2e",
)


def _dec(value: Any, places: str = "0.001") -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(places))


def _figures(row: Any) -> dict[str, Any]:
    """One unit's figures from a row (unit, count, quantity, km, road, t, a)."""
    transport, avoided = _dec(row[5]), _dec(row[6])
    return {
        "count": int(row[1]),
        "quantity": _dec(row[2], "0.0001"),
        "distance_km": _dec(row[3]),
        "road_km": _dec(row[4]),
        "transport_kg_co2e": transport,
        "avoided_kg_co2e": avoided,
        "net_kg_co2e": impact.net_kg_co2e(avoided, transport),
        "factors": [],
    }


def potential(scope: Scope) -> dict[str, dict[str, Any]]:
    offer, request = sa.orm.aliased(Listing), sa.orm.aliased(Listing)
    smaller = sa.case(
        (offer.yearly_quantity <= request.yearly_quantity, offer.yearly_quantity),
        else_=request.yearly_quantity,
    )
    where = [
        Match.dismissed_at.is_(None),
        scope.during(Match.created_at),
        offer.base_unit == request.base_unit,
    ]
    if scope.zone_id is not None:
        where.append(scope.org_in_zone(offer.organisation_id, request.organisation_id))
    none = sa.null()
    rows = db.session.execute(
        sa.select(
            offer.base_unit,
            sa.func.count(Match.id),
            sa.func.sum(sa.type_coerce(smaller, AMOUNT)),
            sa.func.sum(Match.distance_km),
            none,
            none,
            none,
        )
        .join(offer, offer.id == Match.offer_id)
        .join(request, request.id == Match.request_id)
        .where(*where)
        .group_by(offer.base_unit)
        .order_by(offer.base_unit)
    )
    return {row[0]: _figures(row) for row in rows}


def agreed(scope: Scope) -> dict[str, dict[str, Any]]:
    unit = base_unit_of(Agreement.unit)
    none = sa.null()
    rows = db.session.execute(
        sa.select(
            unit,
            sa.func.count(Agreement.id),
            sa.func.sum(
                yearly_amount(Agreement.quantity, Agreement.unit, Agreement.frequency)
            ),
            sa.func.sum(Match.distance_km),
            none,
            none,
            none,
        )
        .outerjoin(Match, Match.id == Agreement.match_id)
        .where(
            Agreement.state.in_([s.value for s in AGREED_STATES]),
            Agreement.id.in_(first_accepted(scope)),
            scope.org_in_zone(Agreement.supplier_id, Agreement.receiver_id),
        )
        .group_by(unit)
        .order_by(unit)
    )
    return {row[0]: _figures(row) for row in rows}


def _record_filter(scope: Scope, verified: bool) -> list[sa.ColumnElement[bool]]:
    where = [
        scope.on_days(ImpactRecord.recorded_on),
    ]
    if scope.zone_id is not None:  # every record has its agreement: no join
        parties = scope.org_in_zone(Agreement.supplier_id, Agreement.receiver_id)
        where.append(
            ImpactRecord.agreement_id.in_(sa.select(Agreement.id).where(parties))
        )
    if verified:
        where.append(ImpactRecord.verified_at.is_not(None))
    return where


def records(scope: Scope, *, verified: bool) -> dict[str, dict[str, Any]]:
    """Impact records of the period (all of them, or the verified ones)."""
    where = _record_filter(scope, verified)
    r = ImpactRecord
    rows = db.session.execute(
        sa.select(
            r.base_unit,
            sa.func.count(r.id),
            sa.func.sum(r.quantity),
            sa.func.sum(r.distance_km),
            sa.func.sum(r.road_km),
            sa.func.sum(r.transport_kg_co2e),
            sa.func.sum(r.avoided_kg_co2e),
        )
        .where(*where)
        .group_by(r.base_unit)
        .order_by(r.base_unit)
    )
    result = {row[0]: _figures(row) for row in rows}
    factors = db.session.execute(
        sa.select(
            r.base_unit,
            r.factor_set,
            r.primary_source_id,
            r.secondary_source_id,
            r.transport_source_ids,
        )
        .distinct()
        .where(*where, r.factor_set.is_not(None))
        .order_by(
            r.base_unit,
            r.factor_set,
            r.primary_source_id,
            r.secondary_source_id,
            r.transport_source_ids,
        )
    )
    for unit, factor_set, primary, secondary, transport in factors:
        result[unit]["factors"].append(
            {
                "factor_set": factor_set,
                "primary_source_id": primary,
                "secondary_source_id": secondary,
                "transport_source_ids": transport.split("+") if transport else [],
            }
        )
    return result


def by_level(scope: Scope) -> dict[str, dict[str, dict[str, Any]]]:
    return {
        "potential": potential(scope),
        "agreed": agreed(scope),
        "delivered": records(scope, verified=False),
        "verified": records(scope, verified=True),
    }
