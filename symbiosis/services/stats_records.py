"""The records behind a dashboard figure, so that every figure can be checked.

:func:`records` takes the same scope as the figures (zone and period) and a
figure name, and returns one page of the listings, matches, agreements or
impact records the figure counts or sums, with the total. The filters are the
figures' own definitions (see :mod:`symbiosis.services.stats` and
:mod:`symbiosis.services.stats_impact`); a test checks that the totals agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from symbiosis.extensions import db
from symbiosis.models import Agreement, ImpactRecord, Listing, Match
from symbiosis.services.stats_impact import AGREED_STATES
from symbiosis.services.stats_sql import (
    Scope,
    base_unit_of,
    first_accepted,
    match_in_zone,
)
from symbiosis.workflow.listing import ListingState

FIGURES = (
    "listings.posted",
    "listings.active",
    "matches.proposed",
    "matches.dismissed",
    "agreements",
    "impact.potential",
    "impact.agreed",
    "impact.delivered",
    "impact.verified",
)
KIND_OF = {
    "listings": "listing",
    "matches": "match",
    "agreements": "agreement",
    "impact.potential": "match",
    "impact.agreed": "agreement",
    "impact.delivered": "impact",
    "impact.verified": "impact",
}
PAGE_SIZE = 50


@dataclass
class Page:
    figure: str
    kind: str  # listing, match, agreement or impact
    items: list[Any]
    total: int
    page: int
    pages: int


def kind_of(figure: str) -> str:
    for prefix, kind in KIND_OF.items():
        if figure.startswith(prefix):
            return kind
    raise ValueError(figure)


def _query(scope: Scope, figure: str, key: str | None) -> sa.Select[Any]:
    """The rows of ``figure``; ``key`` narrows it (resource, state or unit)."""
    in_agreement_zone = scope.org_in_zone(Agreement.supplier_id, Agreement.receiver_id)
    if figure == "listings.posted":
        q: sa.Select[Any] = sa.select(Listing).where(
            scope.org_in_zone(Listing.organisation_id),
            scope.during(Listing.created_at),
        )
        return q.where(Listing.resource == key) if key else q
    if figure == "listings.active":
        q = sa.select(Listing).where(
            scope.org_in_zone(Listing.organisation_id),
            Listing.state == ListingState.ACTIVE,
            Listing.created_at < scope.until,
        )
        return q.where(Listing.resource == key) if key else q
    if figure == "matches.proposed":
        return sa.select(Match).where(
            match_in_zone(scope), scope.during(Match.created_at)
        )
    if figure == "matches.dismissed":
        q = sa.select(Match).where(
            match_in_zone(scope), scope.during(Match.dismissed_at)
        )
        if key is not None:
            q = q.where(
                Match.dismiss_reason.is_(None)
                if key == ""
                else Match.dismiss_reason == key
            )
        return q
    if figure == "agreements":
        q = sa.select(Agreement).where(
            in_agreement_zone, scope.during(Agreement.created_at)
        )
        return q.where(Agreement.state == key) if key else q
    if figure == "impact.potential":
        offer, request = sa.orm.aliased(Listing), sa.orm.aliased(Listing)
        q = (
            sa.select(Match)
            .join(offer, offer.id == Match.offer_id)
            .join(request, request.id == Match.request_id)
            .where(
                Match.dismissed_at.is_(None),
                scope.during(Match.created_at),
                offer.base_unit == request.base_unit,
            )
        )
        if scope.zone_id is not None:
            q = q.where(
                scope.org_in_zone(offer.organisation_id, request.organisation_id)
            )
        return q.where(offer.base_unit == key) if key else q
    if figure == "impact.agreed":
        q = sa.select(Agreement).where(
            Agreement.state.in_([s.value for s in AGREED_STATES]),
            Agreement.id.in_(first_accepted(scope)),
            in_agreement_zone,
        )
        return q.where(base_unit_of(Agreement.unit) == key) if key else q
    if figure in ("impact.delivered", "impact.verified"):
        q = (
            sa.select(ImpactRecord)
            .join(Agreement, Agreement.id == ImpactRecord.agreement_id)
            .where(scope.on_days(ImpactRecord.recorded_on), in_agreement_zone)
        )
        if figure == "impact.verified":
            q = q.where(ImpactRecord.verified_at.is_not(None))
        return q.where(ImpactRecord.base_unit == key) if key else q
    raise ValueError(figure)


def records(scope: Scope, figure: str, key: str | None = None, page: int = 1) -> Page:
    """One page (newest first) of the records behind ``figure``.

    :raises ValueError: for a figure not in :data:`FIGURES`.
    """
    if figure not in FIGURES:
        raise ValueError(figure)
    query = _query(scope, figure, key)
    entity = query.column_descriptions[0]["entity"]
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    )
    total = int(total or 0)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    items = list(
        db.session.scalars(
            query.order_by(entity.id.desc())
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    return Page(figure, kind_of(figure), items, total, page, pages)
