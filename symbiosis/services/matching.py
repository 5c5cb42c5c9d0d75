"""Matching against the database: the index cache, runs, storage, dismissals.

The matcher's index lives in the process that runs the jobs (the web process
in the embedded default, an RQ worker in production). Before each run it
pulls the listings changed since its last look, so one new listing costs a
query of that listing against the index, not a rebuild.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from symbiosis.extensions import db
from symbiosis.matching.engine import Matcher
from symbiosis.matching.lexicon import Lexicon
from symbiosis.matching.model import Item
from symbiosis.matching.model import Match as Found
from symbiosis.models import Listing, Match
from symbiosis.models.base import utcnow
from symbiosis.services.match_notices import notify_new
from symbiosis.workflow.listing import ListingState

TOP = 5
SHORTLIST = 40  # how far down a listing's ranking others' top lists are checked
REBUILD_AFTER = timedelta(minutes=30)
# Active listings up to which a page builds a missing index itself (a second
# or so); above, a thread builds it while pages skip the suggestions.
PAGE_BUILD_MAX = 5_000


def to_item(listing: Listing) -> Item:
    """The matcher's view of a listing; an anonymous one stands at its
    public point, so that distances, scores and reasons cannot locate it."""
    lat, lon = listing.public_point
    return Item(
        id=listing.id,
        kind=listing.kind,
        resource=listing.resource,
        title=listing.title,
        description=listing.description or "",
        ewc_code=listing.ewc_code,
        hazardous=listing.hazardous,
        accepts_hazardous=listing.accepts_hazardous,
        lat=lat,
        lon=lon,
        yearly=float(listing.yearly_quantity),
        base_unit=listing.base_unit,
        available_from=listing.available_from,
        available_until=listing.available_until,
        max_distance_km=listing.max_distance_km,
        organisation_id=listing.organisation_id,
        zone_id=listing.zone_id,
        sdgs=tuple(s.number for s in listing.sdgs),
        themes=tuple(listing.themes or ()),
    )


class IndexCache:
    """The process's matcher, kept in step with the listings table."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.matcher: Matcher | None = None
        self.synced_at: datetime | None = None
        # Listings already applied whose updated_at equals synced_at: the next
        # look asks for ``>= synced_at`` (a change in the same microsecond
        # must not be missed) but need not apply these again.
        self.at_mark: set[int] = set()
        self.last_read = 0  # listings read by the last look
        self.built_at: datetime | None = None
        self.engine: weakref.ref[Any] | None = None
        self.building: threading.Thread | None = None

    def reset(self) -> None:
        self.matcher = None

    def _due(self) -> bool:
        """No index yet, one for another database, or one due for a rebuild."""
        stale = self.built_at is None or utcnow() - self.built_at > REBUILD_AFTER
        other_database = self.engine is None or self.engine() is not db.engine
        return self.matcher is None or stale or other_database

    def get(self) -> Matcher:
        """The matcher with every active listing, refreshed from the database."""
        if not self._due():
            return self._sync()
        started = time.perf_counter()
        self.matcher = Matcher(lexicon())
        self.engine, self.built_at, self.synced_at = (
            weakref.ref(db.engine),
            utcnow(),
            None,
        )
        self.at_mark = set()
        matcher = self._sync()
        if self.last_read >= PAGE_BUILD_MAX:  # a small build leaves little behind
            _give_back_memory()
        current_app.logger.info(
            "matcher index built in %.1f s (process %d)",
            time.perf_counter() - started,
            os.getpid(),
        )
        return matcher

    def _sync(self) -> Matcher:
        assert self.matcher is not None  # noqa: S101  # nosec B101 - set by get()
        # The high-water mark is the database's own value, so that no clock or
        # time-zone difference between processes can skip a change.
        query = sa.select(Listing).options(
            selectinload(Listing.sdgs), selectinload(Listing.ewc)
        )
        if self.synced_at is not None:
            query = query.where(
                sa.or_(
                    Listing.updated_at > self.synced_at,
                    sa.and_(
                        Listing.updated_at == self.synced_at,
                        Listing.id.not_in(self.at_mark),
                    ),
                )
            )
        # Streamed: a first build reads every listing, which held at once
        # would leave the process 250 MB larger at 100k listings.
        self.last_read = 0
        for listing in db.session.scalars(query.execution_options(yield_per=1000)):
            self.last_read += 1
            if self.synced_at is None or listing.updated_at > self.synced_at:
                self.synced_at = listing.updated_at
                self.at_mark = set()
            if listing.updated_at == self.synced_at:
                self.at_mark.add(listing.id)
            if _matchable(listing):
                self.matcher.add([to_item(listing)])
            else:
                self.matcher.remove(listing.id)
        return self.matcher

    def for_page(self) -> Matcher | None:
        """The index for a page's suggestions, never making the page wait long.

        A small network's index is built at once. A large one's (a national
        index takes minutes) is built by a thread, while pages go without the
        suggestion (None) or keep the index they had, brought up to date.
        Call with :attr:`lock` held.
        """
        if not self._due():
            return self._sync()
        active = db.session.scalar(
            sa.select(sa.func.count(Listing.id)).where(
                Listing.state == ListingState.ACTIVE
            )
        )
        if (active or 0) <= PAGE_BUILD_MAX:
            return self.get()
        self._build_in_background()
        other_database = self.engine is None or self.engine() is not db.engine
        return None if self.matcher is None or other_database else self._sync()

    def _build_in_background(self) -> None:
        if self.building is not None and self.building.is_alive():
            return
        app = current_app._get_current_object()  # type: ignore[attr-defined]

        def build() -> None:
            with app.app_context():
                fresh = IndexCache()
                fresh.get()
                with self.lock:
                    self.matcher, self.engine = fresh.matcher, fresh.engine
                    self.built_at, self.synced_at = fresh.built_at, fresh.synced_at
                    self.at_mark = fresh.at_mark

        self.building = threading.Thread(target=build, name="matcher-index")
        self.building.daemon = True
        self.building.start()


def _give_back_memory() -> None:
    """Return what building the index freed to the system (glibc only).

    A worker that forks a process per job (RQ) pays for every resident page
    at each fork: at 100k listings a build left 645 MB resident, 219 MB
    streamed and trimmed.
    """
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL(None).malloc_trim(0)


_cache = IndexCache()
_lexicons: dict[str, Lexicon] = {}


def lexicon() -> Lexicon:
    folder = str(Path(current_app.config["SEEDS_PATH"]) / "reference")
    if folder not in _lexicons:
        _lexicons[folder] = Lexicon.load(Path(folder))
    return _lexicons[folder]


def _matchable(listing: Listing) -> bool:
    ended = (
        listing.available_until is not None and listing.available_until < date.today()
    )
    return listing.state == ListingState.ACTIVE and not ended


def forget(listing_id: int) -> None:
    """Drop a deleted listing from this process's index."""
    if _cache.matcher is not None:
        _cache.matcher.remove(listing_id)


def _store(
    listing_ids: Iterable[int],
    found: list[Found],
    keep: set[tuple[int, int]] | None = None,
) -> tuple[list[Match], int]:
    """Replace the proposals of ``listing_ids`` with ``found``; keep dismissals.

    Pairs in ``keep`` stay too (they rank in the other listing's top list).

    :returns: the proposals of ``found`` as stored, and how many are new.
    """
    ids = list(listing_ids)
    existing = {
        (m.offer_id, m.request_id): m
        for m in db.session.scalars(
            sa.select(Match).where(
                sa.or_(Match.offer_id.in_(ids), Match.request_id.in_(ids))
            )
        )
    }
    live = set(
        db.session.scalars(
            sa.select(Listing.id).where(
                Listing.id.in_(
                    {f.offer_id for f in found} | {f.request_id for f in found}
                )
            )
        )
    )
    kept: set[tuple[int, int]] = set()
    stored: list[Match] = []
    created = 0
    for result in found:
        if result.offer_id not in live or result.request_id not in live:
            continue
        pair = result.pair
        kept.add(pair)
        match = existing.get(pair)
        if match is None:
            match = Match(offer_id=result.offer_id, request_id=result.request_id)
            db.session.add(match)
            existing[pair] = match
            created += 1
        stored.append(match)
        if match.dismissed_at is None:
            match.score = result.score
            match.distance_km = result.distance_km
            match.parts = result.parts
            match.reasons = [r.as_json() for r in result.reasons]
    for pair, match in existing.items():
        if (
            pair not in kept
            and pair not in (keep or set())
            and match.dismissed_at is None
        ):
            db.session.delete(match)
    return stored, created


def match_listing(listing_id: int) -> int:
    """Incremental run: this listing against the index. Returns new matches."""
    with _cache.lock:
        matcher = _cache.get()
        listing = db.session.get(Listing, listing_id)
        if listing is None or not _matchable(listing):
            _store([listing_id], [])
            db.session.commit()
            return 0
        ranked = matcher.match(matcher.item(listing_id) or to_item(listing), SHORTLIST)
        found = ranked[:TOP] + _entering_other_lists(listing_id, ranked[TOP:])
        mine = {f.pair for f in ranked[:TOP]}
        # A pair that left this listing's list may still rank in the other's.
        keep = set()
        for offer_id, request_id in db.session.execute(
            sa.select(Match.offer_id, Match.request_id).where(
                sa.or_(Match.offer_id == listing_id, Match.request_id == listing_id)
            )
        ):
            pair = (offer_id, request_id)
            other = matcher.item(request_id if offer_id == listing_id else offer_id)
            if (
                pair not in mine
                and pair not in {f.pair for f in found}
                and other is not None
            ) and pair in {m.pair for m in matcher.match(other, TOP)}:
                keep.add(pair)
        stored, created = _store([listing_id], found, keep)
        notify_new(stored)
        db.session.commit()
        return created


def _entering_other_lists(listing_id: int, rest: list[Found]) -> list[Found]:
    """Pairs outside this listing's top list that enter the other listing's."""
    others = {f.request_id if f.offer_id == listing_id else f.offer_id: f for f in rest}
    if not others:
        return []
    scores: dict[int, list[float]] = {i: [] for i in others}
    for offer_id, request_id, score in db.session.execute(
        sa.select(Match.offer_id, Match.request_id, Match.score).where(
            sa.or_(Match.offer_id.in_(others), Match.request_id.in_(others)),
            Match.dismissed_at.is_(None),
        )
    ):
        for side in (offer_id, request_id):
            if side in scores and listing_id not in (offer_id, request_id):
                scores[side].append(score)
    entering = []
    for other_id, found in others.items():
        best = sorted(scores[other_id], reverse=True)
        if len(best) < TOP or found.score > best[TOP - 1]:
            entering.append(found)
    return entering


BATCH_FROM = 25  # from this many changed listings, one batch run is cheaper


def match_listings(listing_ids: list[int]) -> int:
    """Runs for a set of listings (after an import): one by one, or one batch."""
    if len(listing_ids) >= BATCH_FROM:
        return run_batch()[1]
    return sum(match_listing(i) for i in listing_ids)


def run_batch(
    zone_id: int | None = None,
    progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None,
) -> tuple[int, int]:
    """Batch run for a zone or the country. Returns (listings, matches stored)."""
    with _cache.lock:
        _cache.reset()
        matcher = _cache.get()
        query = sa.select(Listing.id).where(Listing.state == ListingState.ACTIVE)
        if zone_id is not None:
            query = query.where(Listing.zone_id == zone_id)
        ids = list(db.session.scalars(query))
        # One batch: listings that name the same materials are scored together.
        items = [item for i in ids if (item := matcher.item(i)) is not None]
        ranked = matcher.match_many(items, TOP, progress)
        unique = {f.pair: f for found in ranked.values() for f in found}
        notify_new(_store(ids, list(unique.values()))[0])
        db.session.commit()
        return len(ids), len(unique)
