"""Partnerships signed, by event, by zone and by SDG, counted by the database.

A partnership counts once it is signed (accepted, under way or completed) and
was proposed in the period; its zone is the zone of either partner, its SDGs
those of the giver's listing. Values are kept per unit: hours, pieces, euros.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from symbiosis.extensions import db
from symbiosis.models import Agreement, Event, Zone, listing_sdgs
from symbiosis.services.stats_impact import AGREED_STATES
from symbiosis.services.stats_sql import Scope, agreement_zones


def _signed(scope: Scope) -> list[sa.ColumnElement[bool]]:
    return [
        Agreement.kind == "partnership",
        Agreement.state.in_([s.value for s in AGREED_STATES]),
        scope.during(Agreement.created_at),
        scope.org_in_zone(Agreement.supplier_id, Agreement.receiver_id),
    ]


def _values(*group: Any) -> list[Any]:
    hours = sa.func.sum(sa.case((Agreement.unit == "hours", Agreement.quantity)))
    pieces = sa.func.sum(sa.case((Agreement.unit == "pieces", Agreement.quantity)))
    return [
        *group,
        sa.func.count(sa.distinct(Agreement.id)),
        hours,
        pieces,
        sa.func.sum(Agreement.value_eur),
    ]


def _row(values: Any) -> dict[str, Any]:
    n, hours, pieces, eur = values
    return {"signed": int(n), "hours": hours, "pieces": pieces, "eur": eur}


def partnerships(scope: Scope) -> dict[str, Any]:
    """Totals, and the same figures by event, by zone and by SDG."""
    signed = _signed(scope)
    total = db.session.execute(sa.select(*_values()).where(*signed)).one()
    by_event = db.session.execute(
        sa.select(*_values(Event.id, Event.title, Event.starts_at))
        .join(Event, Event.id == Agreement.event_id)
        .where(*signed)
        .group_by(Event.id, Event.title, Event.starts_at)
        .order_by(Event.starts_at.desc())
    ).all()
    links = agreement_zones()
    by_zone = db.session.execute(
        sa.select(*_values(Zone.slug, Zone.name))
        .join(links, links.c.agreement_id == Agreement.id)
        .join(Zone, Zone.id == links.c.zone_id)
        .where(*signed)
        .group_by(Zone.slug, Zone.name)
        .order_by(Zone.name)
    ).all()
    by_sdg = db.session.execute(
        sa.select(*_values(listing_sdgs.c.sdg_number))
        .join(listing_sdgs, listing_sdgs.c.listing_id == Agreement.offer_id)
        .where(*signed)
        .group_by(listing_sdgs.c.sdg_number)
        .order_by(listing_sdgs.c.sdg_number)
    ).all()
    return {
        "total": _row(total),
        "by_event": [
            {"event": r[0], "title": r[1], "starts_at": r[2], **_row(r[3:])}
            for r in by_event
        ],
        "by_zone": [{"zone": r[0], "name": r[1], **_row(r[2:])} for r in by_zone],
        "by_sdg": [{"sdg": r[0], **_row(r[1:])} for r in by_sdg],
    }
