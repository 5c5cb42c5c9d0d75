"""Proposals as people see them: lists, dismissals, pooling and combinations."""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale
from sqlalchemy.orm import joinedload

from symbiosis.authz import Perm, can
from symbiosis.errors import FieldErrors, Forbidden, NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.models import Listing, Match, User
from symbiosis.models.base import utcnow
from symbiosis.services import counts
from symbiosis.services.matching import _cache, lexicon
from symbiosis.workflow.listing import ListingState


@functools.cache  # loader options are immutable: built once, not per page
def with_listings(*sides: Any) -> tuple[Any, ...]:
    """Load the listings of the matches (both sides, unless given), with
    their organisation and zone, in the matches' own statement (each side
    has one of each)."""
    return tuple(
        joinedload(side).options(
            joinedload(Listing.organisation), joinedload(Listing.zone)
        )
        for side in sides or (Match.offer, Match.request)
    )


def visible_matches(viewer: Any, listing: Listing, limit: int = 10) -> list[Match]:
    """Proposals for ``listing`` whose other side the viewer may see, best first.

    An offer is only ever on the offer side: the statement reads that side by
    its index and loads only the other listings (``listing`` itself, already
    in the session, is not read again for every proposal).
    """
    if listing.kind == "offer":
        own, other = Match.offer_id, Match.request
    else:
        own, other = Match.request_id, Match.offer
    rows = db.session.scalars(
        sa.select(Match)
        .where(own == listing.id, Match.dismissed_at.is_(None))
        .order_by(Match.score.desc(), Match.id)
        .options(*with_listings(other))
    )
    shown = [m for m in rows if can(viewer, Perm.VIEW_LISTING, m.other(listing.id))]
    return shown[:limit]


# Up to this many proposals, an organisation's page is read from its own
# proposals (two indexed joins, then a sort); above, by walking all proposals
# newest first until the page is full, which stops early for an organisation
# that has many. At 100k proposals: 95 of them, 1 ms against 12 ms; 196, 1 ms
# against 2.5 ms; 9,000, 31 ms against 3.7 ms.
READ_OWN_UP_TO = 1000


def _on_listings_of(org_id: int) -> Any:
    """Matches one of whose listings is the organisation's."""
    mine = sa.select(Listing.id).where(Listing.organisation_id == org_id)
    return sa.or_(Match.offer_id.in_(mine), Match.request_id.in_(mine))


def organisation_matches(viewer: Any, page: int = 1, per_page: int = 25) -> Any:
    """Proposals on the viewer's organisation's listings: newest, then best;
    one page of them (a Flask-SQLAlchemy pagination)."""
    org_id = viewer.organisation_id
    sides = [
        sa.select(Match.id, Match.created_at, Match.score)
        .join(Listing, Listing.id == column)
        .where(Listing.organisation_id == org_id, Match.dismissed_at.is_(None))
        for column in (Match.offer_id, Match.request_id)
    ]
    own = sa.union(*sides).subquery()
    total = counts.count(
        ("proposals", org_id),
        lambda: db.session.scalar(sa.select(sa.func.count()).select_from(own)) or 0,
    )
    page = max(page, 1)
    if total <= READ_OWN_UP_TO:
        newest = own.c.created_at.desc(), own.c.score.desc(), own.c.id.desc()
        pagination = db.paginate(
            sa.select(own.c.id).order_by(*newest),
            page=page, per_page=per_page, error_out=False, count=False,
        )  # fmt: skip
        ids = list(pagination.items)
        loaded = {
            match.id: match
            for match in db.session.scalars(
                sa.select(Match).where(Match.id.in_(ids)).options(*with_listings())
            ).unique()
        }
        pagination.items = [loaded[i] for i in ids if i in loaded]
    else:
        query = (
            sa.select(Match)
            .where(_on_listings_of(org_id), Match.dismissed_at.is_(None))
            .order_by(Match.created_at.desc(), Match.score.desc(), Match.id.desc())
            .options(*with_listings())
        )
        pagination = db.paginate(
            query, page=page, per_page=per_page, error_out=False, count=False
        )
    pagination.total = total
    return pagination


def dismiss(actor: User, match_id: int, reason: str | None) -> Match:
    """Hide a proposal for good; the reason is kept for the facilitator.

    :raises NotAllowed: unless ``actor`` belongs to one of the two organisations.
    """
    match = _own_match(actor, match_id)
    reason = (reason or "").strip()
    if len(reason) > 1000:
        raise FieldErrors([("reason", gettext("At most %(n)d characters.", n=1000))])
    if match.dismissed_at is None:
        match.dismissed_at = utcnow()
        match.dismissed_by_id = actor.id
        match.dismiss_reason = reason or None
        db.session.commit()
    return match


def _own_match(actor: User, match_id: int) -> Match:
    match = db.session.get(Match, match_id)
    if match is None or not (
        can(actor, Perm.EDIT_LISTING, match.offer)
        or can(actor, Perm.EDIT_LISTING, match.request)
    ):
        raise NotAllowed(gettext("No such match."))
    return match


def restore(actor: User, match_id: int) -> Match:
    """Propose a dismissed match again (a dismissal made by mistake).

    A dismissal hides the match from both organisations; only the one whose
    member dismissed it may take that back (either, when that member has
    left).

    :raises NotAllowed: unless ``actor`` belongs to one of the two organisations.
    :raises Forbidden: when the other organisation dismissed it.
    """
    match = _own_match(actor, match_id)
    if match.dismissed_at is None:
        return match
    by = match.dismissed_by
    side = next(
        (
            listing
            for listing in (match.offer, match.request)
            if by is not None and listing.organisation_id == by.organisation_id
        ),
        None,
    )
    if side is not None and not can(actor, Perm.EDIT_LISTING, side):
        raise Forbidden(
            gettext(
                "The other organisation dismissed this match: only it can undo that."
            )
        )
    match.dismissed_at = None
    match.dismissed_by_id = None
    match.dismiss_reason = None
    db.session.commit()
    return match


def dismissed_matches(viewer: Any, page: int = 1, per_page: int = 25) -> Any:
    """The proposals that members of the viewer's organisation dismissed
    (or members since gone), last dismissed first; one page (a
    Flask-SQLAlchemy pagination)."""
    org_id = viewer.organisation_id
    ours = sa.select(User.id).where(User.organisation_id == org_id)
    query = (
        sa.select(Match)
        .where(
            _on_listings_of(org_id),
            Match.dismissed_at.is_not(None),
            sa.or_(Match.dismissed_by_id.is_(None), Match.dismissed_by_id.in_(ours)),
        )
        .order_by(Match.dismissed_at.desc(), Match.id.desc())
        .options(*with_listings(), joinedload(Match.dismissed_by))
    )
    return db.paginate(query, page=max(page, 1), per_page=per_page, error_out=False)


def combination_for(listing: Listing) -> tuple[list[Listing], int] | None:
    """Offers that together cover a request no single offer covers, and the %.

    Read from the request's stored matches (what the matching jobs proposed),
    so that a page never needs the matcher's index.
    """
    from symbiosis.matching.model import Match as Found
    from symbiosis.matching.pooling import combine

    if listing.kind != "request" or not listing.yearly_quantity:
        return None
    rows = db.session.execute(
        sa.select(Match, Listing.yearly_quantity, Listing.base_unit)
        .join(Listing, Listing.id == Match.offer_id)
        .where(
            Match.request_id == listing.id,
            Match.dismissed_at.is_(None),
            Listing.state == ListingState.ACTIVE,
        )
    )
    candidates = [
        (
            Found(m.offer_id, m.request_id, m.score, m.distance_km or 0.0, m.parts, []),
            float(amount) if amount else None,
            unit,
        )
        for m, amount, unit in rows
    ]
    found = combine(
        listing.id, float(listing.yearly_quantity), listing.base_unit, candidates
    )
    if found is None:
        return None
    offers = [db.session.get(Listing, m.offer_id) for m in found.offers]
    return [o for o in offers if o is not None], round(found.coverage * 100)


def pooling_for(zone_id: int | None) -> list[dict[str, Any]]:
    """Pooling opportunities of a zone (or every zone), with their listings."""
    from symbiosis.matching.pooling import pooling

    with _cache.lock:
        matcher = _cache.for_page()
        groups = pooling(matcher, zone_id) if matcher is not None else []
    result = []
    for group in groups:
        listings = [db.session.get(Listing, i.id) for i in group.items]
        units = {i.base_unit for i in group.items if i.base_unit}
        result.append(
            {
                "zone_id": group.zone_id,
                "kind": group.kind,
                "key": group.key,
                "label": lexicon().label(group.key, str(get_locale() or "fr")),
                "listings": [x for x in listings if x is not None],
                "organisations": group.organisations,
                "totals": {u: round(group.total(u), 3) for u in sorted(units)},
            }
        )
    return result
