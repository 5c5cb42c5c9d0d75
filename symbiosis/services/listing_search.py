"""Browsing listings: filters, accent-insensitive search, distance, pages."""

from __future__ import annotations

import functools
from dataclasses import astuple, dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from symbiosis import geo
from symbiosis.extensions import db
from symbiosis.listing_words import KINDS, RESOURCES
from symbiosis.matching.normalise import fold
from symbiosis.models import Listing, Zone
from symbiosis.models.base import as_id
from symbiosis.services import counts
from symbiosis.services.listings import measured_from, org_site
from symbiosis.services.matching import lexicon
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


@functools.cache  # loader options are immutable: built once, not per page
def shown_with(sdgs: bool = True, single: bool = False) -> tuple[Any, ...]:
    """What a page shows of a listing, loaded with it: one row each for what a
    listing has one of (waste code, zone, organisation); its SDGs only where
    they are shown (not in the list or on the map), in a second statement for
    a page of listings, in the same one for a ``single`` listing."""
    options = (
        joinedload(Listing.ewc),
        joinedload(Listing.zone),
        joinedload(Listing.organisation),
    )
    if not sdgs:
        return options
    return (*options, (joinedload if single else selectinload)(Listing.sdgs))


def _criteria(filters: Filters) -> list[sa.ColumnElement[bool]]:
    # Ended windows are hidden at once, before `flask listings expire` runs.
    where = [
        Listing.state == ListingState.ACTIVE,
        sa.or_(
            Listing.available_until.is_(None), Listing.available_until >= date.today()
        ),
    ]
    if filters.kind:
        where.append(Listing.kind == filters.kind)
    if filters.resource:
        where.append(Listing.resource == filters.resource)
    if filters.zone_id:
        where.append(Listing.zone_id == filters.zone_id)
    if filters.chapter:
        where.append(Listing.ewc_code.startswith(filters.chapter, autoescape=True))
    for word in fold(filters.q).split()[:8]:
        # the word, or a word naming the same material in another language
        variants = (word, *lexicon().same_material(word))
        where.append(
            sa.or_(
                *(Listing.search_text.contains(v, autoescape=True) for v in variants)
            )
        )
    return where


NEWEST_FIRST = (Listing.created_at.desc(), Listing.id.desc())


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
    where = _criteria(filters)
    site = org_site(viewer)
    if filters.within_km and site is not None:
        return _within(viewer, site, filters.within_km, where, page, per_page, sdgs)
    # Count in SQL, then fetch the one page with what it shows.
    total = _count(where, filters)
    page, pages = _page_of(total, page, per_page)
    items = list(
        db.session.scalars(
            sa.select(Listing)
            .where(*where)
            .options(*shown_with(sdgs))
            .order_by(*NEWEST_FIRST)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    return Results(
        items=items,
        total=total,
        page=page,
        pages=pages,
        # distances for the page shown, not for every row
        distances=(
            {}
            if site is None
            else {x.id: geo.distance_km(site, measured_from(viewer, x)) for x in items}
        ),
        site_missing=bool(filters.within_km),
    )


def _within(
    viewer: Any,
    site: tuple[float, float],
    km: int,
    where: list[sa.ColumnElement[bool]],
    page: int,
    per_page: int,
    sdgs: bool,
) -> Results:
    """The rows in the bounding box, kept by their exact distance, then the
    listings of the one page shown. Other firms' anonymous listings are
    measured at their public point (:func:`geo.approximate`), in the box and
    in the distance alike: the filter must not locate them either."""
    min_lat, max_lat, min_lon, max_lon = geo.bounding_box(*site, km)
    margin = geo.ROUNDING_MARGIN_DEG  # zone-less anonymous points are rounded
    if getattr(viewer, "is_facilitator", False):
        hidden: sa.ColumnElement[bool] = sa.false()
    else:
        own = getattr(viewer, "organisation_id", None) or -1
        hidden = sa.and_(Listing.anonymous, Listing.organisation_id != own)
    at_zone = sa.and_(hidden, Zone.id.is_not(None))
    lat = sa.case((at_zone, Zone.lat), else_=Listing.lat)
    lon = sa.case((at_zone, Zone.lon), else_=Listing.lon)
    in_box = (
        sa.select(
            Listing.id,
            Listing.lat,
            Listing.lon,
            hidden.label("hidden"),
            Zone.lat.label("zone_lat"),
            Zone.lon.label("zone_lon"),
        )
        .outerjoin(Zone, Zone.id == Listing.zone_id)
        .where(
            *where,
            lat.between(min_lat - margin, max_lat + margin),
            lon.between(min_lon - margin, max_lon + margin),
        )
        .order_by(*NEWEST_FIRST)
    )
    distances = {
        r.id: d
        for r in db.session.execute(in_box)
        if (d := geo.distance_km(site, _point(r))) <= km
    }
    rows = list(distances)
    total = len(rows)
    page, pages = _page_of(total, page, per_page)
    chosen = rows[(page - 1) * per_page : page * per_page]
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
        distances={i: distances[i] for i in chosen},
    )


def _point(row: Any) -> tuple[float, float]:
    """Where a row of :func:`_within` is measured from."""
    if not row.hidden:
        return row.lat, row.lon
    zone = (row.zone_lat, row.zone_lon) if row.zone_lat is not None else None
    return geo.approximate(row.lat, row.lon, zone)


def _page_of(total: int, page: int, per_page: int) -> tuple[int, int]:
    """The page asked for, kept within the pages there are, and their count."""
    pages = max(1, -(-total // per_page))
    return min(max(page, 1), pages), pages


def _count(where: list[sa.ColumnElement[bool]], filters: Filters) -> int:
    """How many listings match (on a large network, a recent count)."""
    return counts.count(
        ("listings", astuple(filters), date.today()),
        lambda: (
            db.session.scalar(sa.select(sa.func.count(Listing.id)).where(*where)) or 0
        ),
    )


def all_matching(viewer: Any, filters: Filters, limit: int = 2000) -> list[Listing]:
    """Every listing for the map (up to ``limit``), same filters as the list."""
    results = search(viewer, filters, page=1, per_page=limit, sdgs=False)
    return results.items


def posted_between(
    viewer: Any,
    filters: Filters,
    after: datetime,
    until: datetime,
    *,
    limit: int = 5,
) -> tuple[int, list[Listing]]:
    """How many listings of other organisations than the viewer's that
    ``filters`` find were posted in ``(after, until]``, and the newest
    ``limit`` of them: what a followed search has new."""
    where = [
        *_criteria(filters),
        Listing.created_at > after,
        Listing.created_at <= until,
    ]
    own = getattr(viewer, "organisation_id", None)
    if own is not None:
        where.append(Listing.organisation_id != own)
    site = org_site(viewer)
    if filters.within_km and site is not None:
        found = _within(viewer, site, filters.within_km, where, 1, limit, sdgs=False)
    else:
        found = _newest(where, limit)
    return found.total, found.items


def _newest(where: list[sa.ColumnElement[bool]], limit: int) -> Results:
    """The newest ``limit`` listings that ``where`` keeps, and their count,
    counted live (the list's count cache knows its filters, not a period)."""
    total = db.session.scalar(sa.select(sa.func.count(Listing.id)).where(*where)) or 0
    items = list(
        db.session.scalars(
            sa.select(Listing)
            .where(*where)
            .options(*shown_with(sdgs=False))
            .order_by(*NEWEST_FIRST)
            .limit(limit)
        )
    )
    return Results(items=items, total=total, page=1, pages=1, distances={})
