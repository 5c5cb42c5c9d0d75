"""Browsing listings: filters, accent-insensitive search, distance, pages."""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from symbiosis import geo
from symbiosis.extensions import db
from symbiosis.listing_fields import KINDS, RESOURCES
from symbiosis.matching.normalise import fold
from symbiosis.models import Listing
from symbiosis.models.base import as_id
from symbiosis.services import counts
from symbiosis.services.listings import org_site
from symbiosis.workflow.listing import ListingState

MAX_DISTANCE_FILTER = 200


@dataclass
class Filters:
    kind: str = ""
    resource: str = ""
    zone_id: int | None = None
    chapter: str = ""
    q: str = ""
    within_km: int | None = None

    @classmethod
    def from_args(cls, args: Any) -> Filters:
        """Read query-string filters, dropping values that make no sense."""
        kind = args.get("kind", "")
        resource = args.get("resource", "")
        chapter = args.get("chapter", "")
        within = args.get("within_km", type=int)
        return cls(
            kind=kind if kind in KINDS else "",
            resource=resource if resource in RESOURCES else "",
            zone_id=as_id(args.get("zone", type=int)),
            chapter=chapter if len(chapter) == 2 and chapter.isdigit() else "",
            q=args.get("q", "").strip()[:100],
            within_km=within if within and 0 < within <= MAX_DISTANCE_FILTER else None,
        )

    def as_args(self) -> dict[str, Any]:
        args = {
            "kind": self.kind,
            "resource": self.resource,
            "zone": self.zone_id,
            "chapter": self.chapter,
            "q": self.q,
            "within_km": self.within_km,
        }
        return {k: v for k, v in args.items() if v}


@dataclass
class Results:
    items: list[Listing]
    total: int
    page: int
    pages: int
    distances: dict[int, float]
    site_missing: bool = False

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def shown_with(sdgs: bool = True) -> list[Any]:
    """What a page shows of a listing, loaded with it: one row each for what a
    listing has one of (waste code, zone, organisation); its SDGs apart, and
    only where they are shown (not in the list or on the map)."""
    options = [
        joinedload(Listing.ewc),
        joinedload(Listing.zone),
        joinedload(Listing.organisation),
    ]
    return [*options, selectinload(Listing.sdgs)] if sdgs else options


def _query(filters: Filters) -> sa.Select[int, float, float]:
    # Ended windows are hidden at once, before `flask listings expire` runs.
    query = sa.select(Listing.id, Listing.lat, Listing.lon).where(
        Listing.state == ListingState.ACTIVE,
        sa.or_(
            Listing.available_until.is_(None), Listing.available_until >= date.today()
        ),
    )
    if filters.kind:
        query = query.where(Listing.kind == filters.kind)
    if filters.resource:
        query = query.where(Listing.resource == filters.resource)
    if filters.zone_id:
        query = query.where(Listing.zone_id == filters.zone_id)
    if filters.chapter:
        query = query.where(
            Listing.ewc_code.startswith(filters.chapter, autoescape=True)
        )
    for word in fold(filters.q).split()[:8]:
        query = query.where(Listing.search_text.contains(word, autoescape=True))
    return query


def search(
    viewer: Any,
    filters: Filters,
    page: int = 1,
    per_page: int = 20,
    sdgs: bool = True,
) -> Results:
    """Active listings matching ``filters``, newest first, one page of them.

    The distance filter keeps what lies within ``within_km`` of the viewer's
    site: a bounding box in SQL, then the exact geodesic distance. ``sdgs``
    loads each listing's SDGs with it (else they load when first read).
    """
    query = _query(filters).order_by(Listing.created_at.desc(), Listing.id.desc())
    site = org_site(viewer)
    distances: dict[int, float] = {}
    site_missing = False
    if filters.within_km and site is None:
        site_missing = True
    elif filters.within_km and site is not None:
        min_lat, max_lat, min_lon, max_lon = geo.bounding_box(*site, filters.within_km)
        query = query.where(
            Listing.lat.between(min_lat, max_lat), Listing.lon.between(min_lon, max_lon)
        )
    if filters.within_km and site is not None:
        # The exact distance of the rows in the box only, then one page of them.
        rows = [
            r
            for r in db.session.execute(query)
            if geo.distance_km(site, (r.lat, r.lon)) <= filters.within_km
        ]
        total = len(rows)
        pages = max(1, -(-total // per_page))
        page = min(max(page, 1), pages)
        shown = rows[(page - 1) * per_page : page * per_page]
    else:
        # Count in SQL, then fetch the one page (no row per listing in Python).
        total = _count(query, filters)
        pages = max(1, -(-total // per_page))
        page = min(max(page, 1), pages)
        shown = list(
            db.session.execute(query.limit(per_page).offset((page - 1) * per_page))
        )
    if site is not None:  # distances for the page shown, not for every row
        distances = {r.id: geo.distance_km(site, (r.lat, r.lon)) for r in shown}
    chosen = [r.id for r in shown]
    loaded = {
        listing.id: listing
        for listing in db.session.scalars(
            sa.select(Listing).where(Listing.id.in_(chosen)).options(*shown_with(sdgs))
        )
    }
    return Results(
        items=[loaded[i] for i in chosen],
        total=total,
        page=page,
        pages=pages,
        distances=distances,
        site_missing=site_missing,
    )


def _count(query: sa.Select[int, float, float], filters: Filters) -> int:
    """How many rows ``query`` gives (on a large network, a recent count)."""
    counting = sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    return counts.count(
        ("listings", astuple(filters), date.today()),
        lambda: db.session.scalar(counting) or 0,
    )


def all_matching(viewer: Any, filters: Filters, limit: int = 2000) -> list[Listing]:
    """Every listing for the map (up to ``limit``), same filters as the list."""
    results = search(viewer, filters, page=1, per_page=limit, sdgs=False)
    return results.items
