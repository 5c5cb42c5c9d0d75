"""The matcher: candidates by material and space, scores from named parts.

A query (one listing against the other side) gathers candidates through the
inverted indexes — material keys and the keys that can serve them, the waste
code and its sub-chapter, rare words — never by scanning every pair, the
strongest relations first, and stops once no weaker candidate could enter
its shortlist (``candidates``). Cheap parts (material, distance, quantity)
are computed for a block of candidates at once (``block``); text similarity
(rapidfuzz) only for the best few of them (``shortlist``).

A batch groups the listings that name the same materials and codes: each
group gathers its candidates once and scores them for all its listings as a
(listings × candidates) block. Each listing gets exactly what ``match``
gives it alone: the order of candidates is total (rough score, distance,
row), so the block a listing was scored in makes no difference.
"""

from __future__ import annotations

import gc
from collections.abc import Hashable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date

import numpy as np
from numpy.typing import NDArray

from symbiosis.matching import batch
from symbiosis.matching.batch import Progress
from symbiosis.matching.block import SLACK, Best, Candidates, Last, Queries, best_of
from symbiosis.matching.candidates import (
    Sources,
    bound_of,
    resources_allowed,
    sources,
    stages,
)
from symbiosis.matching.index import Side, Vocabulary
from symbiosis.matching.lexicon import Lexicon, family, named_within
from symbiosis.matching.model import OTHER, Item, Match
from symbiosis.matching.near import near_first
from symbiosis.matching.normalise import before_purpose, content_tokens, title_head
from symbiosis.matching.score import DEFAULT_MAX_KM, NEUTRAL_QUANTITY
from symbiosis.matching.shortlist import Features, Relation, finish

SHORTLIST = 40  # candidates that get a text score
NEAR_FROM = 300_000  # listings on the other side from which a query reads by cell
# Families of keys that, met in a description, say how a listing's material is
# packed or carried rather than name another material (when the title names one).
PACKED_IN = frozenset({"packaging"})
# Keys that, met in a description, name what goods travel in or on ("collecte
# avec nos camions", "livrés sur palettes", "en cartons"), not something the
# listing offers or wants; each is kept when the title names a key under the
# prefix given (the pallets of "chutes de bois" are wood like the rest).
CARRIED_BY = {
    "equipment.vehicles": "equipment.vehicles",
    "wood.pallets": "wood",
    "paper.cardboard": "paper",
}
# Keys that say what state goods are in (unsold, off-spec, surplus stock), not
# what they are made of: "rebuts de préfabrication" in a concrete request and
# "invendus" of a bakery share no material. They count only in a listing that
# names no material.
CONDITIONS = frozenset({"product.off_spec"})
SERVICES = "service"  # the family of services and skills


def _under(prefix: str, keys: Iterable[str]) -> bool:
    """Whether one of ``keys`` is ``prefix`` or narrower ("wood.offcuts", "wood")."""
    return any(key == prefix or key.startswith(prefix + ".") for key in keys)


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
        self.vocab = Vocabulary()
        self._serving: dict[tuple[str, str], dict[str, float]] = {}
        self._relations: dict[tuple[frozenset[str], frozenset[str]], Relation] = {}

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
        primary, of_title = self._title_keys(item.title, item.kind)
        named = frozenset(primary)
        for code in (item.ewc_code, *item.accepted_ewc):
            ewc_key = self.lexicon.key_for_ewc(code)
            if ewc_key and not (
                item.kind == "request"
                and code == item.ewc_code
                and named_within(ewc_key, named)
            ):
                primary.add(ewc_key)
        # What a request's description says the goods are for ("un meuble
        # réfrigéré pour les produits laitiers") is not what it asks for.
        mentioned = of_title | self.lexicon.keys_in_text(
            item.description, purposes=item.kind != "request" or not primary
        )
        if any(family(key) not in PACKED_IN for key in primary):
            # "delivered in 25 kg sacks", "en big bags", "with our trucks": how
            # the material travels, not a second material of the listing
            mentioned = {
                key
                for key in mentioned
                if family(key) not in PACKED_IN
                and (key not in CARRIED_BY or _under(CARRIED_BY[key], primary))
            }
        keys = primary | mentioned
        if item.resource != "service" and any(family(key) != SERVICES for key in keys):
            # "cartons, collecte groupée bienvenue", "stored in a cold room":
            # how goods are handled, not what is offered or wanted. Two
            # listings that both wish for a collection are a pooling lead
            # (matching.pooling), not an exchange.
            keys = {key for key in keys if family(key) != SERVICES}
            primary = {key for key in primary if family(key) != SERVICES}
        if keys - CONDITIONS:
            keys, primary = keys - CONDITIONS, primary - CONDITIONS
        if not primary:  # a title without a known material: the description leads
            primary = set(keys)
        text = " ".join(sorted(set(title_words or words)))
        return frozenset(keys), frozenset(primary), text, set(words)

    def _title_keys(self, title: str, kind: str) -> tuple[set[str], set[str]]:
        """The keys a title names as its subject, and those of its complement.

        "Film plastique étirable des palettes": the film comes off the
        pallets; "Chaleur résiduelle des eaux de lavage": the heat is the
        offer, not the water; "Cartons from server deliveries" offers no
        servers. What follows the first "des", "du", "de la", "of the",
        "from", "aus dem" or "issus de" counts as mentioned, as in a
        description, when what comes before names a material ("Surplus du
        buffet" names none).
        """
        head, complement = title_head(title)
        if complement:
            subject = self.lexicon.keys_in_text(head)
            if subject - CONDITIONS:
                if kind == "request":
                    # nor is a request's purpose: "Palettes en bois pour
                    # fabriquer du mobilier de jardin" wants no furniture
                    complement = title_head(before_purpose(title))[1]
                return subject, self.lexicon.keys_in_text(complement)
        return self.lexicon.keys_in_text(title), set()

    def features_of(self, item: Item) -> Features:
        """Features of an indexed listing are read back, others are computed."""
        side = self.sides[item.kind]
        row = side.row_of.get(item.id)
        if row is not None and side.items[row] is item:
            return Features(
                side.keys[row],
                side.primary[row],
                side.texts[row],
                side.words_of(row),
                0,
                frozenset(item.sdgs),
                frozenset(item.themes),
            )
        keys, primary, text, words = self.described(item)
        ids, unknown = self.vocab.known(words)
        return Features(
            keys,
            primary,
            text,
            np.array(sorted(ids), np.int32),
            unknown,
            frozenset(item.sdgs),
            frozenset(item.themes),
        )

    def add(self, items: Iterable[Item]) -> None:
        with _bulk():
            self._add(items)
            # the first query that reads a posting would otherwise move its
            # pending rows (at a million listings, a third of a query's time)
            for side in self.sides.values():
                side.flush()

    def _add(self, items: Iterable[Item]) -> None:
        for item in items:
            keys, primary, text, words = self.described(item)
            side = self.sides[item.kind]
            new_key = any(key not in side.by_key for key in keys)
            ids = self.vocab.add(words)
            side.add(item, keys, text, dict(zip(words, ids, strict=True)), primary)
            if new_key:
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
            known = list(self.sides[other].by_key)
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

    def best_relation(
        self, offered: frozenset[str], requested: frozenset[str]
    ) -> Relation:
        """The strongest relation between an offer's and a request's keys."""
        found = self._relations.get((offered, requested))
        if found is None:
            found = (0.0, "none", None, None)
            for have in sorted(offered):
                for need in sorted(requested):
                    strength, kind = self.lexicon.relation(have, need)
                    if strength > found[0]:
                        found = (strength, kind, have, need)
            self._relations[(offered, requested)] = found
        return found

    def match(self, item: Item, top: int = 5) -> list[Match]:
        """The best ``top`` listings of the other side for ``item``."""
        features = [self.features_of(item)]
        side = self.sides[OTHER[item.kind]]
        if len(side) >= NEAR_FROM:
            best = self.shortlist(item, features[0], top)
        else:  # a small index: reading whole stages costs less than cell by cell
            best = self.shortlists([item], features, top)
        return finish(self, [item], features, side, best, top)[0]

    def match_many(
        self,
        items: Iterable[Item],
        top: int = 5,
        progress: Progress | None = None,
        workers: int | None = None,
    ) -> dict[int, list[Match]]:
        """Top ``top`` matches of each of ``items`` (batch): what ``match`` gives.

        Listings that name the same materials and codes are scored together,
        large batches in two processes (``workers``; None: as many as pay).
        ``progress`` may wrap the iteration over the chunks of groups (a
        plain sequence of steps, read in order).
        """
        with _bulk():
            return batch.match_many(self, items, top, progress, workers)

    def match_all(self, top: int = 5) -> dict[int, list[Match]]:
        """Top ``top`` matches of every listing, from both sides (batch)."""
        return self.match_many(
            (item for side in self.sides.values() for item in side.items if item),
            top,
        )

    def signature(self, item: Item, features: Features) -> Hashable:
        """What decides a listing's candidates and their material strength."""
        return (
            item.kind,
            item.resource,
            features.keys,
            features.primary,
            item.ewc_code,
            item.accepted_ewc,
            item.hazardous,
            item.accepts_hazardous,
            None if features.keys else self._words(item, features),
        )

    def _words(self, item: Item, features: Features) -> frozenset[str]:
        if features.unknown or not len(features.word_ids):
            return frozenset(self.described(item)[3])
        return frozenset(self.vocab.words[i] for i in features.word_ids.tolist())

    def _sources(self, item: Item, features: Features) -> Sources:
        other = OTHER[item.kind]
        serving = {k: self._serving_keys(k, item.kind, other) for k in features.keys}
        words = [] if features.keys else sorted(self._words(item, features))
        return sources(
            self.sides[other], serving, item, features.keys, features.primary, words
        )

    def shortlist(self, item: Item, features: Features, top: int) -> Best:
        """The shortlist of one listing: nearest cells first (``near_first``)."""
        side = self.sides[OTHER[item.kind]]
        queries = Queries.of([item], self.today)
        best = Best.empty(1, max(SHORTLIST, top))
        default = self.default_max_km
        limit = item.max_distance_km or max(default, side.widest)
        quantity = 1.0 if queries.quantified()[0] else NEUTRAL_QUANTITY

        def take(rows: NDArray[np.int64], material: NDArray[np.float64]) -> Last:
            nonlocal best
            best = best_of(queries, Candidates.of(side, rows, material), default, best)
            return best.last()

        def bound(strength: float, km: float) -> float:
            return bound_of(strength, km, limit, quantity)

        found = self._sources(item, features)
        near_first(side, found, resources_allowed(item), item, take, bound)
        return best

    def shortlists(self, items: list[Item], features: list[Features], top: int) -> Best:
        """Shortlists of listings that share a signature (see ``signature``)."""
        first = items[0]
        side = self.sides[OTHER[first.kind]]
        found = self._sources(first, features[0])
        queries = Queries.of(items, self.today)
        best = Best.empty(len(items), max(SHORTLIST, top))
        active = np.arange(len(items))
        quantified = queries.quantified()
        gathered = stages(side, found, resources_allowed(first), first)
        try:
            for rows, material, rest in gathered:
                cands = Candidates.of(side, rows, material)
                part = best_of(
                    queries.part(active), cands, self.default_max_km, best.part(active)
                )
                best.put(active, part)
                # a query is done once its worst kept candidate beats any later
                # one; without a comparable quantity, its quantity part is 0.5
                later = np.where(
                    quantified[active],
                    bound_of(rest),
                    bound_of(rest, quantity=NEUTRAL_QUANTITY),
                )
                active = active[part.worst() <= later + SLACK]
                if not len(active):
                    break
        finally:
            gathered.close()
        return best


@contextmanager
def _bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector while many objects are made.

    Index rows and matches hold no reference cycles, so reference counting
    frees them; the collector would only rescan the whole index, again and
    again, as the objects pile up (it doubled the time of a batch). After,
    what was made goes straight to the oldest generation (freeze, unfreeze):
    the first young collection would otherwise scan millions of objects (a
    second after a batch of 100,000 listings). Cycles among them, if any,
    are still found by the next full collection.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.freeze()
            gc.unfreeze()
            gc.enable()
