"""Candidates of a query, strongest material relation first, in stages.

A query (or a group of queries that name the same materials and codes)
lists the postings that can serve it: the rows under each related material
key, its waste codes, its rare words, each with a strength. The strongest
postings are gathered first; a row's material strength is final as soon as
it is gathered, and every row not gathered yet is at most as strong as the
next stage. So the caller can stop once its best few beat what any later
stage could still score — no cap, no arbitrary cut among equal candidates.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from symbiosis.matching.index import (
    Cell,
    Postings,
    Side,
)
from symbiosis.matching.model import RESOURCES, Item
from symbiosis.matching.score import LOCAL_KM, WEIGHTS

SAME_EWC = 1.0
SAME_SUBCHAPTER = 0.6
# Sub-chapters of the List of Waste that sort by where waste comes from, each
# holding unrelated materials (seeds/reference/ewc-chapters.csv): 15 01
# packaging (paper, plastic, wood, metal...), 16 01 end-of-life vehicles, 17 02
# wood, glass and plastic, 19 12 sorting outputs, 20 01 separately collected
# fractions (paper, glass, kitchen waste, textiles, lamps...), 20 02 garden and
# park wastes. Sharing one of these says nothing of the material; the full
# code still does.
MIXED_SUBCHAPTERS = frozenset({"1501", "1601", "1702", "1912", "2001", "2002"})
SHARED_WORD = 0.35  # a rare word in common, for materials outside the lexicon
SECONDARY = 0.8  # a material named only in the description counts for less
CODE_SHARE = 0.15  # part of the material score that an agreeing waste code adds
RARE_WORD_SHARE = 0.02  # a word on more than 2 % of a side is not rare
STAGE_POSTINGS = 256  # a stage takes strength levels until it has this many
SLACK = 1e-9  # rounding room when comparing a rough score with a bound
ENERGY = RESOURCES.index("energy")
MATERIAL = RESOURCES.index("material")


class Posting(NamedTuple):
    """One posting list: all its rows, and where to read them cell by cell."""

    rows: NDArray[np.int32]
    near: Postings[tuple[str, int, int]] | None
    key: str
    cells: list[Cell] | None = None  # the cells it has rows in

    def at(self, cells: list[Cell] | None) -> NDArray[np.int32]:
        """Its rows in ``cells`` (None: all of them)."""
        if cells is None or self.near is None:
            return self.rows
        rows, key = self.near.rows, self.key
        found = [rows((key, row, column)) for row, column in cells]
        return np.concatenate(found) if found else self.rows[:0]


@dataclass
class Sources:
    """Posting lists that can serve one query, grouped by strength."""

    levels: dict[float, list[Posting]] = field(default_factory=dict)
    codes: list[tuple[Posting, float]] = field(default_factory=list)

    def strongest(self, found: float) -> float:
        """The best material strength of a row found at strength ``found``:
        its code bonus is at most ``found`` and at most the query's best code."""
        bonus = min(found, max((s for _p, s in self.codes), default=0.0))
        return (1 - CODE_SHARE) * found + CODE_SHARE * bonus

    def take(self, posting: Posting, strength: float, *, code: bool = False) -> None:
        if len(posting.rows):
            self.levels.setdefault(strength, []).append(posting)
            if code:
                self.codes.append((posting, strength))


def sources(
    side: Side,
    serving: dict[str, dict[str, float]],
    item: Item,
    keys: frozenset[str],
    primary: frozenset[str],
    words: list[str],
) -> Sources:
    """Every posting list of ``side`` related to the query, with its strength.

    ``serving`` gives, for each of the query's keys, the related keys of the
    other side and how strongly they relate.
    """
    found = Sources()

    def posting(index: str, key: str) -> Posting:
        rows = getattr(side, f"by_{index}").rows(key)
        return Posting(rows, side.near[index], key, side.cells[index].get(key))

    for key in keys:
        mine = 1.0 if key in primary else SECONDARY
        for related, strength in serving[key].items():
            found.take(posting("primary", related), strength * mine)
            found.take(posting("key", related), strength * mine * SECONDARY)
    for code in item.codes:
        found.take(posting("ewc", code), SAME_EWC, code=True)
        if code[:4] not in MIXED_SUBCHAPTERS:
            found.take(posting("ewc", code[:4]), SAME_SUBCHAPTER, code=True)
    if not keys:  # outside the lexicon, a rare word in common is a lead
        rare = max(3, int(RARE_WORD_SHARE * len(side)))
        for word in words:
            if 0 < side.by_token.count(word) <= rare:
                found.take(Posting(side.by_token.rows(word), None, word), SHARED_WORD)
    return found


def bound_of(
    strength: float, km: float = 0.0, limit: float = math.inf, quantity: float = 1.0
) -> float:
    """Best rough score (no text) of a candidate of this material strength,
    at least ``km`` away, when no transport limit exceeds ``limit`` and the
    quantity part is at most ``quantity``."""
    if km > limit:
        return -math.inf
    distance = 1.0 - max(km - LOCAL_KM, 0.0) / max(limit - LOCAL_KM, 1.0)
    best = (
        WEIGHTS["material"] * strength
        + WEIGHTS["distance"] * min(max(distance, 0.0), 1.0)
        + WEIGHTS["quantity"] * quantity
        + WEIGHTS["timing"]
    )
    return 100.0 * best


def stages(
    side: Side, found: Sources, allowed: NDArray[np.bool_], item: Item
) -> Generator[tuple[NDArray[np.int64], NDArray[np.float64], float]]:
    """Rows gathered stage by stage: (rows, their material, the best material
    a row of a later stage can have).

    The material strength is the best relation found (material key, waste
    code, rare word); an agreeing waste code adds a little on top, since a
    code is the most precise statement of what a waste is. ``allowed`` marks
    the rows the query may meet at all (resource, hazardous waste); -inf:
    no later stage.
    """
    scratch, bonus = side.scratch, side.bonus
    for posting, strength in found.codes:
        bonus[posting.rows] = np.maximum(bonus[posting.rows], strength)
    strengths = sorted(found.levels, reverse=True)
    gathered: list[NDArray[np.int64]] = []
    try:
        i = 0
        while i < len(strengths):
            chunks: list[NDArray[np.int32]] = []
            while i < len(strengths) and (
                not chunks or sum(map(len, chunks)) < STAGE_POSTINGS
            ):
                strength = strengths[i]
                for posting in found.levels[strength]:
                    rows = posting.rows
                    fresh = rows[scratch[rows] == 0]
                    if len(fresh):
                        chunks.append(fresh)
                        scratch[fresh] = strength
                i += 1
            if not chunks:
                continue
            # disjoint: a row is taken once, by the strongest list it is in
            taken = np.concatenate(chunks).astype(np.int64)
            gathered.append(taken)
            taken, material = usable(side, taken, allowed, item)
            rest = found.strongest(strengths[i]) if i < len(strengths) else -np.inf
            if len(taken):
                yield taken, material, rest
    finally:
        for done in gathered:
            scratch[done] = 0.0
        for coded, _strength in found.codes:
            bonus[coded.rows] = 0.0


def usable(
    side: Side, taken: NDArray[np.int64], allowed: NDArray[np.bool_], item: Item
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """The gathered rows the query may meet, with their material strength."""
    keep = side.alive[taken] & allowed[side.resource[taken]]
    taken = taken[keep]
    taken = taken[_allowed_hazard(side, taken, item)]
    found = (1 - CODE_SHARE) * side.scratch[taken] + CODE_SHARE * side.bonus[taken]
    return taken, found


def resources_allowed(item: Item) -> NDArray[np.bool_]:
    """Resource codes a listing of ``item``'s resource may meet."""
    mine = RESOURCES.index(item.resource) if item.resource in RESOURCES else 0
    allowed = np.zeros(len(RESOURCES), dtype=bool)
    allowed[mine] = True
    # Materials and energy may meet (wood for heating, steam and heat).
    if mine in (ENERGY, MATERIAL):
        allowed[[ENERGY, MATERIAL]] = True
    return allowed


def _allowed_hazard(
    side: Side, rows: NDArray[np.int64], item: Item
) -> NDArray[np.bool_]:
    """Hazardous waste goes only to requests that accept it, in general or by
    naming its code among the codes their permit accepts."""
    if item.kind == "request" and not item.accepts_hazardous:
        refused = side.hazardous[rows]
        if item.accepted_ewc:
            for i in np.flatnonzero(refused):  # few: only hazardous offers
                refused[i] = not names(item, side.items[rows[i]])
        return ~refused
    if item.kind == "offer" and item.hazardous:
        refused = ~side.accepts_hazardous[rows]
        # few: only requests that list the codes they accept can name it
        for i in np.flatnonzero(refused & side.lists_codes[rows]):
            refused[i] = not names(side.items[rows[i]], item)
        return ~refused
    return np.ones(len(rows), dtype=bool)


def names(request: Item | None, offer: Item | None) -> bool:
    """Does the request name the offer's waste code among those it accepts?"""
    return bool(
        request and offer and offer.ewc_code and offer.ewc_code in request.accepted_ewc
    )
