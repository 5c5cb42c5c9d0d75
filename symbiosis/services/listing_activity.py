"""How much goes on around each of an organisation's listings: the matches
proposed for it (not dismissed) and its agreements still open, counted in
four grouped statements whatever the number of listings."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute

from symbiosis.extensions import db
from symbiosis.models import Agreement, Listing, Match
from symbiosis.workflow.agreement import OPEN_STATES


@dataclass(frozen=True)
class Activity:
    matches: int = 0
    open_agreements: int = 0


def _count(
    column: InstrumentedAttribute[int], org_id: int, *where: sa.ColumnElement[bool]
) -> Counter[int]:
    rows = db.session.execute(
        sa.select(column, sa.func.count())
        .join(Listing, Listing.id == column)
        .where(Listing.organisation_id == org_id, *where)
        .group_by(column)
    )
    return Counter({listing_id: n for listing_id, n in rows})


def for_organisation(org_id: int) -> dict[int, Activity]:
    """Each listing of the organisation that has matches or open agreements."""
    matches = _count(Match.offer_id, org_id, Match.dismissed_at.is_(None))
    matches += _count(Match.request_id, org_id, Match.dismissed_at.is_(None))
    still_open = Agreement.state.in_([str(s) for s in OPEN_STATES])
    agreements = _count(Agreement.offer_id, org_id, still_open)
    agreements += _count(Agreement.request_id, org_id, still_open)
    return {
        listing_id: Activity(matches[listing_id], agreements[listing_id])
        for listing_id in matches.keys() | agreements.keys()
    }
