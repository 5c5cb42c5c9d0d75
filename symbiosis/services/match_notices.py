"""Telling organisations about the new proposals that score well."""

from __future__ import annotations

from functools import partial

import sqlalchemy as sa

from symbiosis.extensions import db
from symbiosis.i18n import gettext, ngettext
from symbiosis.models import Listing, Match
from symbiosis.models.base import in_chunks
from symbiosis.services import notify

GOOD_SCORE = 70.0  # a new match at or above this is worth a notification
SHOWN = 5  # proposals named in one notice; the rest are counted


def notify_new(stored: list[Match]) -> None:
    """Tell both organisations, once, about each proposal that scores well:
    one notice per member and listing, naming its best new proposals."""
    db.session.flush()
    telling = [
        m
        for m in stored
        if m.score >= GOOD_SCORE and not m.notified and m.dismissed_at is None
    ]
    if not telling:
        return
    # Listings and members in a few statements, not a few per proposal.
    listings: dict[int, Listing] = {}
    for chunk in in_chunks(i for m in telling for i in (m.offer_id, m.request_id)):
        listings.update(
            (x.id, x)
            for x in db.session.scalars(sa.select(Listing).where(Listing.id.in_(chunk)))
        )
    members = notify.members_by_organisation(
        {x.organisation_id for x in listings.values()}
    )
    # One notice per member and listing, however many proposals it got.
    news: dict[int, list[tuple[float, str]]] = {}
    with db.session.no_autoflush:
        for match in telling:
            match.notified = True
            offer, request = listings[match.offer_id], listings[match.request_id]
            news.setdefault(offer.id, []).append((match.score, request.title))
            news.setdefault(request.id, []).append((match.score, offer.title))
        for listing_id, found in news.items():
            listing = listings[listing_id]
            notify.tell(
                members.get(listing.organisation_id, []),
                partial(_notice, listing.title, found),
                link=f"/listings/{listing.id}#matches",
            )


def _notice(title: str, found: list[tuple[float, str]]) -> tuple[str, str]:
    """Subject and body for a listing's new proposals, the best first."""
    found = sorted(found, key=lambda f: -f[0])
    lines = [
        gettext("“%(other)s” scores %(score)d/100.", other=other, score=round(score))
        for score, other in found[:SHOWN]
    ]
    if len(found) > SHOWN:
        lines.append(
            ngettext("And %(num)d more.", "And %(num)d more.", len(found) - SHOWN)
        )
    if len(found) == 1:
        subject = gettext("New match for “%(title)s”", title=title)
    else:
        subject = ngettext(
            "%(num)d new match for “%(title)s”",
            "%(num)d new matches for “%(title)s”",
            len(found),
            title=title,
        )
    return subject, "\n".join(lines)
