"""The matcher: candidates by material and space, scores from named parts.

A query (one listing against the other side) gathers candidates through the
inverted indexes — material keys and the keys that can serve them, the waste
code and its sub-chapter, rare words — never by scanning every pair. Cheap
parts (material, distance, quantity) are computed for all candidates at
once; text similarity (rapidfuzz) only for the best few of them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process

from symbiosis.matching.index import Side, merge_strongest
from symbiosis.matching.lexicon import Lexicon
from symbiosis.matching.model import RESOURCES, Item, Match
from symbiosis.matching.normalise import content_tokens
from symbiosis.matching.score import (
    DEFAULT_MAX_KM,
    MIN_SCORE,
    WEIGHTS,
    distance_part,
    haversine_km,
    quantity_fit,
    reasons,
    total,
)

SAME_EWC = 1.0
SAME_SUBCHAPTER = 0.6
SHARED_WORD = 0.35  # a rare word in common, for materials outside the lexicon
SECONDARY = 0.8  # a material named only in the description counts for less
CODE_SHARE = 0.15  # part of the material score that an agreeing waste code adds
RATIO_SHARE = 0.2  # of the text part; the rest is the IDF-weighted word overlap
MAX_CANDIDATES = 8000  # the strongest this many are scored (national indexes)
RARE_WORD_SHARE = 0.02  # a word on more than 2 % of a side is not rare
SHORTLIST = 40  # candidates that get a text score
OTHER = {"offer": "request", "request": "offer"}
ENERGY = RESOURCES.index("energy")
MATERIAL = RESOURCES.index("material")


class Matcher:
    """Holds every active listing; answers top-k matches for one or all of them."""

    def __init__(
        self,
        lexicon: Lexicon,
        *,
        default_max_km: float = DEFAULT_MAX_KM,
        today: date | None = None,
    ) -> None:
        self.lexicon = lexicon.finish()
        self.default_max_km = default_max_km
        self.today = today or date.today()
        self.sides = {"offer": Side(), "request": Side()}
        self._serving: dict[tuple[str, str], dict[str, float]] = {}

    # -- building the index -------------------------------------------------
    def features(self, item: Item) -> tuple[frozenset[str], str, set[str]]:
        """Material keys, the text to compare, and the words to index."""
        keys, _primary, text, words = self.described(item)
        return keys, text, words

    def described(
        self, item: Item
    ) -> tuple[frozenset[str], frozenset[str], str, set[str]]:
        """All material keys, the primary ones (title and waste code), text, words.

        The title says what the listing is about; the description often names
        other materials in passing ("talc contaminated with plastic").
        """
        title_words = content_tokens(item.title)
        words = title_words + content_tokens(item.description)
        primary = self.lexicon.keys_in_text(item.title)
        for code in (item.ewc_code, *item.accepted_ewc):
            ewc_key = self.lexicon.key_for_ewc(code)
            if ewc_key:
                primary.add(ewc_key)
        keys = primary | self.lexicon.keys_in_text(item.description)
        if not primary:  # a title without a known material: the description leads
            primary = set(keys)
        text = " ".join(sorted(set(title_words or words)))
        return frozenset(keys), frozenset(primary), text, set(words)

    def _features_of(
        self, item: Item
    ) -> tuple[frozenset[str], frozenset[str], str, set[str]]:
        """Features of an indexed listing are read back, others are computed."""
        side = self.sides[item.kind]
        row = side.row_of.get(item.id)
        if row is not None and side.items[row] is item:
            return (
                side.keys[row],
                side.primary[row],
                side.texts[row],
                set(side.words[row]),
            )
        return self.described(item)

    def add(self, items: Iterable[Item]) -> None:
        for item in items:
            keys, primary, text, words = self.described(item)
            side = self.sides[item.kind]
            known = set(side.by_key)
            side.add(item, keys, text, words, primary)
            if not keys <= known:
                self._serving = {
                    k: v for k, v in self._serving.items() if k[1] != item.kind
                }

    def remove(self, item_id: int) -> None:
        for side in self.sides.values():
            side.remove(item_id)

    def item(self, item_id: int) -> Item | None:
        """The indexed listing with this id, if any."""
        for side in self.sides.values():
            row = side.row_of.get(item_id)
            if row is not None:
                return side.items[row]
        return None

    # -- querying -----------------------------------------------------------
    def _serving_keys(self, key: str, kind: str, other: str) -> dict[str, float]:
        """Keys on the other side related to ``key``, with their strength."""
        cached = self._serving.get((key, other))
        if cached is None:
            known = set(self.sides[other].by_key)
            if kind == "request":
                cached = {
                    k: s for k in known if (s := self.lexicon.relation(k, key)[0]) > 0
                }
            else:
                cached = {
                    k: s for k in known if (s := self.lexicon.relation(key, k)[0]) > 0
                }
            self._serving[(key, other)] = cached
        return cached

    def _candidates(
        self, item: Item, keys: frozenset[str], primary: frozenset[str], words: set[str]
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Rows of the other side that may match, with their material strength.

        The strength is the best relation found (material key, waste code, rare
        word); an agreeing waste code adds a little on top, since a code is the
        most precise statement of what a waste is.
        """
        other = OTHER[item.kind]
        side = self.sides[other]
        chunks: list[NDArray[np.int64]] = []
        strengths: list[NDArray[np.float64]] = []
        code_chunks: list[NDArray[np.int64]] = []
        code_strengths: list[NDArray[np.float64]] = []

        def take(
            rows: NDArray[np.int64], strength: float, *, code: bool = False
        ) -> None:
            if len(rows):
                chunks.append(rows)
                strengths.append(np.full(len(rows), strength))
                if code:
                    code_chunks.append(rows)
                    code_strengths.append(strengths[-1])

        for key in keys:
            mine = 1.0 if key in primary else SECONDARY
            for related, strength in self._serving_keys(key, item.kind, other).items():
                take(side.rows(side.by_primary, related), strength * mine)
                take(side.rows(side.by_key, related), strength * mine * SECONDARY)
        for code in item.codes:
            take(side.rows(side.by_ewc, code), SAME_EWC, code=True)
            take(side.rows(side.by_ewc, code[:4]), SAME_SUBCHAPTER, code=True)
        if not keys:  # outside the lexicon, a rare word in common is a lead
            rare = max(3, int(RARE_WORD_SHARE * len(side)))
            for word in words:
                rows = side.rows(side.by_token, word)
                if 0 < len(rows) <= rare:
                    take(rows, SHARED_WORD)
        if not chunks:
            return np.empty(0, dtype=np.int64), np.empty(0)
        found_rows, found = merge_strongest(chunks, strengths, side.scratch)
        bonus = np.zeros(len(found_rows))
        if code_chunks:
            code_rows, code_strength = merge_strongest(
                code_chunks, code_strengths, side.scratch
            )
            bonus[np.searchsorted(found_rows, code_rows)] = code_strength
        combined = (1 - CODE_SHARE) * found + CODE_SHARE * bonus
        if len(found_rows) > MAX_CANDIDATES:  # keep the strongest, in row order
            keep = np.sort(
                np.argpartition(-combined, MAX_CANDIDATES - 1)[:MAX_CANDIDATES]
            )
            found_rows, combined = found_rows[keep], combined[keep]
        return found_rows, combined

    def match(self, item: Item, top: int = 5) -> list[Match]:
        """The best ``top`` listings of the other side for ``item``."""
        keys, primary, text, words = self._features_of(item)
        rows, material = self._candidates(item, keys, primary, words)
        side = self.sides[OTHER[item.kind]]
        if not len(rows):
            return []
        lat, lon = math.radians(item.lat), math.radians(item.lon)
        km = haversine_km(lat, lon, side.lat[rows], side.lon[rows])
        limit = np.fmin(side.max_km[rows], item.max_distance_km or np.nan)
        limit = np.where(np.isnan(limit), self.default_max_km, limit)
        resource = RESOURCES.index(item.resource) if item.resource in RESOURCES else 0
        same_resource = side.resource[rows] == resource
        # Materials and energy may meet (wood for heating, steam and heat).
        cross = np.isin(side.resource[rows], (ENERGY, MATERIAL)) & (
            resource in (ENERGY, MATERIAL)
        )
        # Windows must overlap, and neither may have ended already.
        start = max(
            item.available_from.toordinal() if item.available_from else 0,
            self.today.toordinal(),
        )
        end = item.available_until.toordinal() if item.available_until else 10**7
        keep = (
            side.alive[rows]
            & (
                (side.org[rows] != item.organisation_id)
                | (item.organisation_id is None)
            )
            & (same_resource | cross)
            & (km <= limit)
            & (side.start[rows] <= end)
            & (side.end[rows] >= start)
        )
        # Hazardous waste goes only to requests that accept it, in general or by
        # naming its code among the codes their permit accepts.
        if item.kind == "request" and not item.accepts_hazardous:
            refused = side.hazardous[rows].copy()
            for i in np.flatnonzero(refused):  # few: only hazardous offers
                refused[i] = not _names(item, side.items[rows[i]])
            keep &= ~refused
        elif item.kind == "offer" and item.hazardous:
            refused = ~side.accepts_hazardous[rows]
            for i in np.flatnonzero(refused & keep):
                refused[i] = not _names(side.items[rows[i]], item)
            keep &= ~refused
        rows, material, km, limit = rows[keep], material[keep], km[keep], limit[keep]
        if not len(rows):
            return []
        unit = side.unit[rows]
        mine = np.nan if not item.yearly else item.yearly
        same_unit = unit == (
            -2 if item.base_unit is None else _unit_code(item.base_unit)
        )
        theirs = np.where(same_unit, side.yearly[rows], np.nan)
        if item.kind == "request":
            quantity = quantity_fit(theirs, np.full(len(rows), mine))
        else:
            quantity = quantity_fit(np.full(len(rows), mine), theirs)
        parts = {
            "material": material,
            "distance": distance_part(km, limit),
            "quantity": quantity,
            "timing": np.ones(len(rows)),
            "text": np.zeros(len(rows)),
        }
        rough = total(parts)
        size = max(SHORTLIST, top)
        if len(rough) > size:  # the best few, without sorting them all
            shortlist = np.argpartition(-rough, size - 1)[:size]
            shortlist = shortlist[np.argsort(-rough[shortlist], kind="stable")]
        else:
            shortlist = np.argsort(-rough, kind="stable")
        texts = [side.texts[r] for r in rows[shortlist]]
        similarity = (
            process.cdist([text], texts, scorer=fuzz.ratio, dtype=np.uint8)[0] / 100.0
        )
        overlap = self._shared_words(words, [side.words[r] for r in rows[shortlist]])
        # Shared rare words say more than letter-level likeness, which is
        # weak across three languages.
        mixed = RATIO_SHARE * similarity + (1 - RATIO_SHARE) * overlap
        parts["text"][shortlist] = mixed
        score = total(parts)
        ranked = shortlist[np.argsort(-score[shortlist], kind="stable")]
        chosen = [int(i) for i in ranked if score[i] >= MIN_SCORE][:top]
        return [
            self._result(
                item, keys, side, rows[i], parts, i, float(score[i]), float(km[i])
            )
            for i in chosen
        ]

    def _shared_words(
        self, mine: set[str], theirs: list[frozenset[str]]
    ) -> NDArray[np.float64]:
        """Share of the query's word weight found in each candidate (IDF-weighted).

        A word many listings use ("clean", "plant") weighs little; a rare one
        both sides use ("pellets", "cullet") weighs a lot.
        """
        offers, requests = self.sides["offer"], self.sides["request"]
        total_items = len(offers) + len(requests) + 1
        weight = {
            w: math.log(
                total_items
                / (
                    1
                    + len(offers.by_token.get(w, ()))
                    + len(requests.by_token.get(w, ()))
                )
            )
            for w in mine
        }
        whole = sum(max(v, 0.0) for v in weight.values()) or 1.0
        return np.array(
            [sum(max(weight[w], 0.0) for w in mine & words) / whole for words in theirs]
        )

    def _result(
        self,
        item: Item,
        keys: frozenset[str],
        side: Side,
        row: int,
        parts: dict[str, NDArray[np.float64]],
        i: int,
        score: float,
        km: float,
    ) -> Match:
        other = side.items[row]
        if other is None:  # pragma: no cover - only alive rows are scored
            raise LookupError(row)
        offer, request = (item, other) if item.kind == "offer" else (other, item)
        offer_keys = keys if item.kind == "offer" else side.keys[row]
        request_keys = side.keys[row] if item.kind == "offer" else keys
        relation = self._best_relation(offer_keys, request_keys)
        values = {name: round(float(parts[name][i]), 3) for name in WEIGHTS}
        return Match(
            offer_id=offer.id,
            request_id=request.id,
            score=round(score, 1),
            distance_km=round(km, 2),
            parts=values,
            reasons=reasons(
                offer,
                request,
                relation=relation,
                text=values["text"],
                distance_km=km,
                today=self.today,
            ),
        )

    def _best_relation(
        self, offered: frozenset[str], requested: frozenset[str]
    ) -> tuple[float, str, str | None, str | None]:
        best: tuple[float, str, str | None, str | None] = (0.0, "none", None, None)
        for have in sorted(offered):
            for need in sorted(requested):
                strength, kind = self.lexicon.relation(have, need)
                if strength > best[0]:
                    best = (strength, kind, have, need)
        return best

    def match_all(self, top: int = 5) -> dict[int, list[Match]]:
        """Top ``top`` matches of every listing, from both sides (batch)."""
        results: dict[int, list[Match]] = {}
        for side in self.sides.values():
            for item in side.items:
                if item is not None:
                    results[item.id] = self.match(item, top)
        return results


def _names(request: Item | None, offer: Item | None) -> bool:
    """Does the request name the offer's waste code among those it accepts?"""
    return bool(
        request and offer and offer.ewc_code and offer.ewc_code in request.accepted_ewc
    )


def _unit_code(unit: str) -> int:
    from symbiosis.matching.index import UNITS

    return UNITS.index(unit) if unit in UNITS else -2
