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

from collections.abc import Generator
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from symbiosis.matching.index import Side
from symbiosis.matching.model import RESOURCES, Item

SAME_EWC = 1.0
SAME_SUBCHAPTER = 0.6
SHARED_WORD = 0.35  # a rare word in common, for materials outside the lexicon
SECONDARY = 0.8  # a material named only in the description counts for less
CODE_SHARE = 0.15  # part of the material score that an agreeing waste code adds
RARE_WORD_SHARE = 0.02  # a word on more than 2 % of a side is not rare
STAGE_POSTINGS = 256  # a stage takes strength levels until it has this many
ENERGY = RESOURCES.index("energy")
MATERIAL = RESOURCES.index("material")


@dataclass
class Sources:
    """Posting lists that can serve one query, grouped by strength."""

    levels: dict[float, list[NDArray[np.int32]]] = field(default_factory=dict)
    codes: list[tuple[NDArray[np.int32], float]] = field(default_factory=list)

    def take(
        self, rows: NDArray[np.int32], strength: float, *, code: bool = False
    ) -> None:
        if len(rows):
            self.levels.setdefault(strength, []).append(rows)
            if code:
                self.codes.append((rows, strength))


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
    for key in keys:
        mine = 1.0 if key in primary else SECONDARY
        for related, strength in serving[key].items():
            found.take(side.by_primary.rows(related), strength * mine)
            found.take(side.by_key.rows(related), strength * mine * SECONDARY)
    for code in item.codes:
        found.take(side.by_ewc.rows(code), SAME_EWC, code=True)
        found.take(side.by_ewc.rows(code[:4]), SAME_SUBCHAPTER, code=True)
    if not keys:  # outside the lexicon, a rare word in common is a lead
        rare = max(3, int(RARE_WORD_SHARE * len(side)))
        for word in words:
            if 0 < side.by_token.count(word) <= rare:
                found.take(side.by_token.rows(word), SHARED_WORD)
    return found


def bound_of(strength: float) -> float:
    """Best rough score (no text) of a candidate of this material strength."""
    from symbiosis.matching.score import WEIGHTS

    best = (
        WEIGHTS["material"] * strength
        + WEIGHTS["distance"]
        + WEIGHTS["quantity"]
        + WEIGHTS["timing"]
    )
    return 100.0 * best


def stages(
    side: Side, found: Sources, allowed: NDArray[np.bool_] | None, item: Item
) -> Generator[tuple[NDArray[np.int64], NDArray[np.float64], float]]:
    """Rows gathered stage by stage: (rows, material strength, bound of the rest).

    The material strength is the best relation found (material key, waste
    code, rare word); an agreeing waste code adds a little on top, since a
    code is the most precise statement of what a waste is. ``allowed`` marks
    the rows the query may meet at all (resource, hazardous waste); the bound
    is the best rough score a row of a later stage could reach (-inf: none).
    """
    scratch, bonus = side.scratch, side.bonus
    for rows, strength in found.codes:
        bonus[rows] = np.maximum(bonus[rows], strength)
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
                for rows in found.levels[strength]:
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
            keep = side.alive[taken]
            if allowed is not None:
                keep &= allowed[side.resource[taken]]
            taken = taken[keep]
            taken = taken[_allowed_hazard(side, taken, item)]
            rest = bound_of(strengths[i]) if i < len(strengths) else -np.inf
            if len(taken):
                material = (1 - CODE_SHARE) * scratch[taken] + CODE_SHARE * bonus[taken]
                yield taken, material, rest
    finally:
        for done in gathered:
            scratch[done] = 0.0
        for coded, _strength in found.codes:
            bonus[coded] = 0.0


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
