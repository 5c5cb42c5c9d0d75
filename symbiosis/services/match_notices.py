"""Telling organisations about the new proposals that score well."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext

from symbiosis.extensions import db
from symbiosis.models import Listing, Match
from symbiosis.models.base import IN_CHUNK
from symbiosis.services import notify

GOOD_SCORE = 70.0  # a new match at or above this is worth a notification


def notify_new(stored: list[Match]) -> None:
    """Tell both organisations, once, about each proposal that scores well."""
    db.session.flush()
    telling = [
        m
        for m in stored
        if m.score >= GOOD_SCORE and not m.notified and m.dismissed_at is None
    ]
    if not telling:
        return
    # Listings and members in a few statements, not a few per proposal.
    wanted = sorted({i for m in telling for i in (m.offer_id, m.request_id)})
    listings: dict[int, Listing] = {}
    for start in range(0, len(wanted), IN_CHUNK):
        chunk = wanted[start : start + IN_CHUNK]
        listings.update(
            (x.id, x)
            for x in db.session.scalars(sa.select(Listing).where(Listing.id.in_(chunk)))
        )
    members = notify.members_by_organisation(
        {x.organisation_id for x in listings.values()}
    )
    with db.session.no_autoflush:
        for match in telling:
            match.notified = True
            offer, request = listings[match.offer_id], listings[match.request_id]
            for listing, other in ((offer, request), (request, offer)):
                for user in members.get(listing.organisation_id, []):
                    notify.notify(
                        user,
                        gettext("New match for “%(title)s”", title=listing.title),
                        gettext(
                            "“%(other)s” scores %(score)d/100.",
                            other=other.title,
                            score=round(match.score),
                        ),
                        link=f"/listings/{listing.id}#matches",
                    )
