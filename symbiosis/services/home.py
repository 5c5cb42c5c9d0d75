"""What the home page puts in front of a signed-in person each week.

A member sees what waits for the organisation: proposals it must answer,
accepted terms to start, exchanges under way, new matches for its listings,
listings whose availability ends soon, and the next matchmaking events. A
zone manager also sees the pooled services proposed in the zones managed.
Each part holds a few rows and the full count, and the page links to the
list that holds them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from symbiosis.extensions import db
from symbiosis.models import Agreement, Event, Listing, Match, PooledService
from symbiosis.models.base import utcnow
from symbiosis.services import event_registrations, events, notify
from symbiosis.services.proposals import with_listings
from symbiosis.workflow.agreement import AgreementState
from symbiosis.workflow.listing import ListingState
from symbiosis.workflow.pooled import PoolState

SHOWN = 5  # rows shown in each part; the count says how many there are
NEW_MATCH_DAYS = 14  # a match this recent is "new"
ENDING_DAYS = 14  # availability ending within this many days
EVENTS_SHOWN = 3


@dataclass
class Part:
    """A few rows of one part of the overview, and how many there are."""

    rows: list[Any] = field(default_factory=list)
    total: int = 0

    def __bool__(self) -> bool:
        return self.total > 0


@dataclass
class Overview:
    to_answer: Part = field(default_factory=Part)
    awaiting_them: int = 0
    to_start: Part = field(default_factory=Part)
    under_way: Part = field(default_factory=Part)
    new_matches: Part = field(default_factory=Part)
    ending: Part = field(default_factory=Part)
    events: list[tuple[Event, bool]] = field(default_factory=list)
    pools_to_decide: Part = field(default_factory=Part)
    unread: int = 0

    @property
    def nothing_to_do(self) -> bool:
        return not (
            self.to_answer
            or self.to_start
            or self.under_way
            or self.new_matches
            or self.ending
            or self.pools_to_decide
        )


def _count(query: sa.Select[Any]) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
        )
        or 0
    )


def _part(query: sa.Select[Any], order: tuple[Any, ...], *options: Any) -> Part:
    """The first rows of ``query`` in ``order`` and the count of all of them."""
    total = _count(query)
    if not total:
        return Part()
    rows = db.session.scalars(query.order_by(*order).options(*options).limit(SHOWN))
    return Part(rows=list(rows.unique()), total=total)


def _agreements(org_id: int, state: AgreementState) -> sa.Select[Any]:
    return sa.select(Agreement).where(
        Agreement.state == state,
        sa.or_(Agreement.supplier_id == org_id, Agreement.receiver_id == org_id),
    )


_AGREEMENT_ROWS = (
    joinedload(Agreement.offer).joinedload(Listing.zone),
    joinedload(Agreement.request).joinedload(Listing.zone),
    joinedload(Agreement.supplier),
    joinedload(Agreement.receiver),
)


def _agreement_parts(overview: Overview, org_id: int) -> None:
    proposed = _agreements(org_id, AgreementState.PROPOSED)
    overview.to_answer = _part(
        proposed.where(Agreement.proposer_id != org_id),
        # the proposals that expire first come first
        (Agreement.expires_on.is_(None), Agreement.expires_on, Agreement.id),
        *_AGREEMENT_ROWS,
    )
    overview.awaiting_them = _count(proposed.where(Agreement.proposer_id == org_id))
    latest = (Agreement.updated_at.desc(), Agreement.id.desc())
    overview.to_start = _part(
        _agreements(org_id, AgreementState.ACCEPTED), latest, *_AGREEMENT_ROWS
    )
    overview.under_way = _part(
        _agreements(org_id, AgreementState.ACTIVE), latest, *_AGREEMENT_ROWS
    )


def _new_matches(org_id: int) -> Part:
    """Recent matches on the organisation's active listings, best first."""
    mine = sa.select(Listing.id).where(
        Listing.organisation_id == org_id, Listing.state == ListingState.ACTIVE
    )
    query = sa.select(Match).where(
        sa.or_(Match.offer_id.in_(mine), Match.request_id.in_(mine)),
        Match.dismissed_at.is_(None),
        Match.created_at >= utcnow() - timedelta(days=NEW_MATCH_DAYS),
    )
    return _part(query, (Match.score.desc(), Match.id.desc()), *with_listings())


def _ending(org_id: int, today: date) -> Part:
    """The organisation's active listings whose availability ends soon."""
    query = sa.select(Listing).where(
        Listing.organisation_id == org_id,
        Listing.state == ListingState.ACTIVE,
        Listing.available_until.between(today, today + timedelta(days=ENDING_DAYS)),
    )
    return _part(query, (Listing.available_until, Listing.id))


def _pools_to_decide(user: Any) -> Part:
    """Pooled services proposed in the zones ``user`` manages."""
    query = sa.select(PooledService).where(PooledService.state == PoolState.PROPOSED)
    if not user.is_facilitator:
        query = query.where(
            PooledService.zone_id.in_([z.id for z in user.managed_zones])
        )
    return _part(query, (PooledService.created_at, PooledService.id))


def overview(user: Any, today: date | None = None) -> Overview:
    """What waits for ``user`` and the organisation, read for the home page."""
    today = today or date.today()
    found = Overview(unread=notify.unread_count(user))
    org_id = user.organisation_id if user.is_org_member else None
    if org_id is not None:
        _agreement_parts(found, org_id)
        found.new_matches = _new_matches(org_id)
        found.ending = _ending(org_id, today)
    if user.is_facilitator or user.managed_zones:
        found.pools_to_decide = _pools_to_decide(user)
    upcoming, _past = events.visible(user)
    found.events = [
        (event, event_registrations.registration_of(event, org_id) is not None)
        for event in upcoming[:EVENTS_SHOWN]
    ]
    return found
