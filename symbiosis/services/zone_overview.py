"""What a zone's page shows: its live listings, by resource and waste chapter,
and its agreements (counts for everyone, the list for its manager).

A zone's listings are the active listings of its organisations. Anonymous
listings keep their firm hidden here as everywhere (:func:`listings.shown_to`),
and agreements stay private to their parties: other members see counts only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale
from sqlalchemy.orm import selectinload

from symbiosis.authz import Perm, can, learn_owners
from symbiosis.extensions import db
from symbiosis.listing_words import RESOURCES
from symbiosis.models import Agreement, EwcChapter, Listing, Organisation, Zone
from symbiosis.services.listings import Shown, shown_to
from symbiosis.workflow.agreement import AgreementState
from symbiosis.workflow.listing import ListingState


def live() -> sa.ColumnElement[bool]:
    """Active, and its availability window has not ended (as in the search)."""
    return sa.and_(
        Listing.state == ListingState.ACTIVE,
        sa.or_(
            Listing.available_until.is_(None), Listing.available_until >= date.today()
        ),
    )


def organisation_ids(zone: Zone) -> sa.Select[int]:
    return sa.select(Organisation.id).where(Organisation.zone_id == zone.id)


def zone_listings(zone: Zone) -> list[Listing]:
    """The live listings of the zone's organisations, by resource, kind, title."""
    return list(
        db.session.scalars(
            sa.select(Listing)
            .where(Listing.organisation_id.in_(organisation_ids(zone)), live())
            .options(
                selectinload(Listing.organisation),
                selectinload(Listing.ewc),
                selectinload(Listing.zone),
            )
            .order_by(Listing.resource, Listing.kind, Listing.title, Listing.id)
        )
    )


def chapter_labels(codes: set[str]) -> dict[str, str]:
    """Labels of the waste chapters ``codes`` in the current language."""
    if not codes:
        return {}
    locale = str(get_locale() or "fr")
    rows = db.session.scalars(sa.select(EwcChapter).where(EwcChapter.code.in_(codes)))
    return {row.code: row.label(locale) for row in rows}


@dataclass
class ChapterRow:
    code: str
    label: str
    offers: int = 0
    requests: int = 0


@dataclass
class AgreementRow:
    agreement: Agreement
    supplier: str | None  # None: anonymous to the viewer
    receiver: str | None
    viewable: bool  # may the viewer open the agreement's page?


@dataclass
class Overview:
    by_resource: list[tuple[str, list[Shown]]]
    by_chapter: list[ChapterRow]
    without_code: ChapterRow
    agreement_counts: dict[str, int]
    agreements: list[AgreementRow] | None = None  # the zone manager's list
    listings: int = field(default=0)


def listing_tables(
    viewer: Any, listings: list[Listing]
) -> tuple[list[tuple[str, list[Shown]]], list[ChapterRow], ChapterRow]:
    """Listings grouped by resource, and counted by waste chapter."""
    learn_owners(viewer, listings)
    by_resource = [
        (resource, [shown_to(viewer, x) for x in listings if x.resource == resource])
        for resource in RESOURCES
    ]
    labels = chapter_labels({x.ewc_code[:2] for x in listings if x.ewc_code})
    chapters: dict[str, ChapterRow] = {}
    without = ChapterRow("", "")
    for listing in listings:
        code = listing.ewc_code[:2] if listing.ewc_code else ""
        row = (
            chapters.setdefault(code, ChapterRow(code, labels.get(code, code)))
            if code
            else without
        )
        if listing.kind == "offer":
            row.offers += 1
        else:
            row.requests += 1
    return (
        [(r, items) for r, items in by_resource if items],
        sorted(chapters.values(), key=lambda r: r.code),
        without,
    )


def zone_agreements(zone: Zone) -> list[Agreement]:
    """Agreements with at least one party in the zone, newest first."""
    ids = organisation_ids(zone)
    return list(
        db.session.scalars(
            sa.select(Agreement)
            .where(
                sa.or_(Agreement.supplier_id.in_(ids), Agreement.receiver_id.in_(ids))
            )
            .options(
                selectinload(Agreement.offer).selectinload(Listing.organisation),
                selectinload(Agreement.request).selectinload(Listing.organisation),
            )
            .order_by(Agreement.updated_at.desc(), Agreement.id.desc())
        )
    )


def owner_name(viewer: Any, listing: Listing) -> str | None:
    """The listing's firm, unless its anonymity hides it from ``viewer``."""
    organisation = shown_to(viewer, listing).organisation
    return organisation.name if organisation else None


def overview(viewer: Any, zone: Zone) -> Overview:
    """The zone page's listings and agreements, as ``viewer`` may see them."""
    listings = zone_listings(zone)
    by_resource, by_chapter, without = listing_tables(viewer, listings)
    agreements = zone_agreements(zone)
    counts = Counter(a.state for a in agreements)
    rows = None
    if can(viewer, Perm.MANAGE_ZONE, zone):
        rows = [
            AgreementRow(
                a,
                owner_name(viewer, a.offer),
                owner_name(viewer, a.request),
                can(viewer, Perm.VIEW_AGREEMENT, a),
            )
            for a in agreements
        ]
    return Overview(
        by_resource=by_resource,
        by_chapter=by_chapter,
        without_code=without,
        agreement_counts={s.value: counts[s.value] for s in AgreementState},
        agreements=rows,
        listings=len(listings),
    )
