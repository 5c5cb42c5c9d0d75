"""CO2 estimates for the potential and agreed evidence levels.

Delivered and verified records carry the CO2 computed with the factors of
their day. Matches and agreements have no record yet: their CO2 is an
estimate with today's factors, from two sums the database makes:

- transport: Σ tonnes × straight-line km (per year), times the circuity and
  the haulage factors (:func:`symbiosis.impact.estimate` on the sum); the km
  of an agreement are those of the match between its two listings;
- avoided: tonnes per year by waste code of the offer; each code's material
  (through the lexicon) gives the primary/secondary pair, as for records.

Only mass flows (``t``) get CO2, as for records.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app

from symbiosis import impact
from symbiosis.extensions import db
from symbiosis.models import Agreement, Listing, Match
from symbiosis.services import impacts
from symbiosis.services.matching import lexicon
from symbiosis.services.stats_impact import AGREED_STATES
from symbiosis.services.stats_sql import (
    AMOUNT,
    Scope,
    base_unit_of,
    first_accepted,
    yearly_amount,
)


def _potential_sums(scope: Scope) -> tuple[Any, list[tuple[str | None, Any]]]:
    offer, request = sa.orm.aliased(Listing), sa.orm.aliased(Listing)
    smaller = sa.type_coerce(
        sa.case(
            (offer.yearly_quantity <= request.yearly_quantity, offer.yearly_quantity),
            else_=request.yearly_quantity,
        ),
        AMOUNT,
    )
    where = [
        Match.dismissed_at.is_(None),
        scope.during(Match.created_at),
        offer.base_unit == "t",
        request.base_unit == "t",
    ]
    if scope.zone_id is not None:
        where.append(scope.org_in_zone(offer.organisation_id, request.organisation_id))

    def query(*columns: Any) -> sa.Select[Any]:
        return (
            sa.select(*columns)
            .select_from(Match)
            .join(offer, offer.id == Match.offer_id)
            .join(request, request.id == Match.request_id)
            .where(*where)
        )

    tkm = db.session.scalar(query(sa.func.sum(smaller * Match.distance_km)))
    by_code = db.session.execute(
        query(offer.ewc_code, sa.func.sum(smaller)).group_by(offer.ewc_code)
    ).all()
    return tkm, [tuple(row) for row in by_code]


def _agreed_sums(scope: Scope) -> tuple[Any, list[tuple[str | None, Any]]]:
    yearly = yearly_amount(Agreement.quantity, Agreement.unit, Agreement.frequency)
    where = [
        Agreement.state.in_([s.value for s in AGREED_STATES]),
        Agreement.id.in_(first_accepted(scope)),
        scope.org_in_zone(Agreement.supplier_id, Agreement.receiver_id),
        base_unit_of(Agreement.unit) == "t",
    ]
    tkm = db.session.scalar(
        sa.select(sa.func.sum(yearly * Match.distance_km))
        .select_from(Agreement)
        .join(
            Match,
            sa.and_(
                Match.offer_id == Agreement.offer_id,
                Match.request_id == Agreement.request_id,
            ),
        )
        .where(*where)
    )
    by_code = db.session.execute(
        sa.select(Listing.ewc_code, sa.func.sum(yearly))
        .select_from(Agreement)
        .join(Listing, Listing.id == Agreement.offer_id)
        .where(*where)
        .group_by(Listing.ewc_code)
    ).all()
    return tkm, [tuple(row) for row in by_code]


def _estimate(tkm: Any, by_code: list[tuple[str | None, Any]]) -> dict[str, Any]:
    factor_set = impacts.factor_set_for(date.today())
    transport = impacts.transport_factors(factor_set)
    circuity = Decimal(str(current_app.config["IMPACT_CIRCUITY"]))
    haul = None
    if tkm is not None and transport:
        # One tonne over Σ t·km gives Σ t·km × circuity × factors.
        haul = impact.estimate(
            Decimal(1), "t", Decimal(str(tkm)), transport=transport, circuity=circuity
        ).transport_kg_co2e
    lex = lexicon()
    table = {key: key for key in impacts.material_table()}
    avoided: Decimal | None = None
    sources: set[tuple[str, str, str]] = set()
    for code, tonnes in by_code:
        key = impact.material_for([k] if (k := lex.key_for_ewc(code)) else [], table)
        pair = impacts.material_factors(key, factor_set)
        if pair is None or tonnes is None:
            continue
        saved = impact.estimate(Decimal(str(tonnes)), "t", 0, material=pair)
        avoided = (avoided or Decimal(0)) + (saved.avoided_kg_co2e or Decimal(0))
        sources.add(
            (pair.primary.factor_set, pair.primary.source_id, pair.secondary.source_id)
        )
    factors: list[dict[str, Any]] = [
        {
            "factor_set": factor_set,
            "primary_source_id": primary,
            "secondary_source_id": secondary,
            "transport_source_ids": [f.source_id for f in transport],
        }
        for factor_set, primary, secondary in sorted(sources)
    ]
    if not factors and haul is not None:
        factors.append(
            {
                "factor_set": transport[0].factor_set,
                "primary_source_id": None,
                "secondary_source_id": None,
                "transport_source_ids": [f.source_id for f in transport],
            }
        )
    return {
        "transport_kg_co2e": haul,
        "avoided_kg_co2e": avoided,
        "net_kg_co2e": impact.net_kg_co2e(avoided, haul),
        "factors": factors,
        "estimated": True,
    }


def add_estimates(scope: Scope, by_level: dict[str, dict[str, Any]]) -> None:
    """Fill the CO2 figures of the ``t`` rows of the potential and agreed levels."""
    for level, sums in (("potential", _potential_sums), ("agreed", _agreed_sums)):
        row = by_level.get(level, {}).get("t")
        if row is None:
            continue
        row.update(_estimate(*sums(scope)))
