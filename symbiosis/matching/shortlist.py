"""The last step of a query: text for the shortlist, the final order, reasons.

Text similarity (rapidfuzz) and shared rare words are computed only for the
shortlist of each query, for all queries of a block at once.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process

from symbiosis.matching.block import Best
from symbiosis.matching.index import Side, Vocabulary
from symbiosis.matching.model import Item, Match
from symbiosis.matching.normalise import as_written
from symbiosis.matching.score import (
    MIN_SCORE,
    SDG_WEIGHT,
    THEME_WEIGHT,
    WEIGHTS,
    reasons,
    total,
)

if TYPE_CHECKING:
    from symbiosis.matching.engine import Matcher

RATIO_SHARE = 0.2  # of the text part; the rest is the IDF-weighted word overlap
PARALLEL_TEXT = 20_000  # from this many pairs, the letter ratio uses every core
Relation = tuple[float, str, str | None, str | None]


@dataclass
class Features:
    """What a query brings: material keys, the text to compare, its words."""

    keys: frozenset[str]
    primary: frozenset[str]
    text: str
    word_ids: NDArray[np.int32]  # of the words the vocabulary knows, ascending
    unknown: int  # words no listing of the index uses
    sdgs: frozenset[int] = frozenset()  # the listing's Sustainable Development Goals
    themes: frozenset[str] = frozenset()  # its themes (keys of symbiosis.themes)


def _overlap(
    mine: list[frozenset[Any]],
    theirs: Callable[[Item], tuple[Any, ...]],
    query: NDArray[np.int64],
    side: Side,
    rows: NDArray[np.int64],
) -> NDArray[np.float64]:
    """Jaccard overlap of each query's tags (``mine``) and its candidate's."""
    overlap = np.zeros(len(rows))
    if not any(mine):
        return overlap
    for i, (q, r) in enumerate(zip(query.tolist(), rows.tolist(), strict=True)):
        other = side.items[r]
        if mine[q] and other is not None and theirs(other):
            found = set(theirs(other))
            overlap[i] = len(mine[q] & found) / len(mine[q] | found)
    return overlap


def shared_sdgs(
    features: list[Features],
    query: NDArray[np.int64],
    side: Side,
    rows: NDArray[np.int64],
) -> NDArray[np.float64]:
    """Jaccard overlap of the SDGs of each query and its candidate (0 if none).

    Only queries that name SDGs cost anything: skills, services and goods
    posted by firms and non-profits usually do, waste flows usually don't.
    """
    return _overlap([f.sdgs for f in features], _sdgs, query, side, rows)


def shared_themes(
    features: list[Features],
    query: NDArray[np.int64],
    side: Side,
    rows: NDArray[np.int64],
) -> NDArray[np.float64]:
    """Jaccard overlap of the themes of each query and its candidate (0 if none)."""
    return _overlap([f.themes for f in features], _themes, query, side, rows)


def _sdgs(item: Item) -> tuple[int, ...]:
    return item.sdgs


def _themes(item: Item) -> tuple[str, ...]:
    return item.themes


def shared_words(
    vocab: Vocabulary,
    listings: int,
    features: list[Features],
    query: NDArray[np.int64],
    side: Side,
    rows: NDArray[np.int64],
) -> NDArray[np.float64]:
    """Share of each query's word weight found in its candidate (IDF-weighted).

    A word many listings use ("clean", "plant") weighs little; a rare one
    both sides use ("pellets", "cullet") weighs a lot. ``query[i]`` is the
    query (index into ``features``) of the pair whose candidate is ``rows[i]``.
    """
    everything = listings + 1
    lengths = np.array([len(f.word_ids) for f in features], dtype=np.int64)
    ids = (
        np.concatenate([f.word_ids for f in features]).astype(np.int64)
        if lengths.sum()
        else np.empty(0, dtype=np.int64)
    )
    weight = np.maximum(np.log(everything / (1 + vocab.df[ids])), 0.0)
    owner = np.repeat(np.arange(len(features)), lengths)
    whole = np.bincount(owner, weights=weight, minlength=len(features)).astype(float)
    unknown = np.array([f.unknown for f in features], dtype=np.float64)
    whole += unknown * max(math.log(everything), 0.0)
    whole[whole == 0] = 1.0
    width = len(vocab.words) + 1
    wanted = owner * width + ids  # ascending: owners ascend, ids ascend within
    # the words of each pair's candidate, one after another
    ends = side.word_end[rows]
    begins = np.where(rows > 0, side.word_end[np.maximum(rows - 1, 0)], 0)
    counts = ends - begins
    pair = np.repeat(np.arange(len(rows)), counts)
    offsets = np.cumsum(counts) - counts
    position = np.arange(int(counts.sum())) - np.repeat(offsets - begins, counts)
    have = query[pair] * width + side.word_ids[position]
    if not len(wanted):
        return np.zeros(len(rows))
    at = np.minimum(np.searchsorted(wanted, have), len(wanted) - 1)
    hit = wanted[at] == have
    found = np.bincount(pair[hit], weights=weight[at[hit]], minlength=len(rows))
    share: NDArray[np.float64] = found / whole[query]
    return share


@dataclass
class Ranked:
    """The chosen pairs of a few queries, best first within each query.

    Plain arrays, cheap to send from a worker process to the one that makes
    the Match objects. ``query`` indexes the queries the shortlists were for.
    """

    query: NDArray[np.int64]
    rows: NDArray[np.int64]
    parts: dict[str, NDArray[np.float64]]
    scores: NDArray[np.float64]
    km: NDArray[np.float64]


def finish(
    matcher: Matcher,
    items: list[Item],
    features: list[Features],
    side: Side,
    best: Best,
    top: int,
) -> list[list[Match]]:
    """The ``top`` matches of each query from its shortlist, best first."""
    return matches(
        matcher, items, features, side, rank(matcher, features, side, best, top)
    )


def rank(
    matcher: Matcher,
    features: list[Features],
    side: Side,
    best: Best,
    top: int,
    *,
    threads: bool = True,
) -> Ranked:
    """Text scores for the shortlists; the ``top`` pairs of each query.

    Ties in score go to the better rough score, then the nearer candidate,
    then the older row. ``threads``: the letter ratio of a large block may
    use every core.
    """
    query, column = np.nonzero(best.rough > -np.inf)
    rows = best.row[query, column]
    similarity = (
        process.cpdist(
            [features[i].text for i in query.tolist()],
            [side.texts[r] for r in rows.tolist()],
            scorer=fuzz.ratio,
            dtype=np.uint8,
            workers=-1 if threads and len(rows) >= PARALLEL_TEXT else 1,
        )
        / 100.0
        if len(rows)
        else np.zeros(0)
    )
    listings = sum(len(s) for s in matcher.sides.values())
    overlap = shared_words(matcher.vocab, listings, features, query, side, rows)
    # Shared rare words say more than letter-level likeness, which is
    # weak across three languages.
    parts = {
        "material": best.material[query, column],
        "text": RATIO_SHARE * similarity + (1 - RATIO_SHARE) * overlap,
        "distance": best.distance[query, column],
        "quantity": best.quantity[query, column],
        "timing": np.ones(len(rows)),
    }
    sdg = shared_sdgs(features, query, side, rows)
    theme = shared_themes(features, query, side, rows)
    scores = np.minimum(
        total(parts) + 100.0 * (SDG_WEIGHT * sdg + THEME_WEIGHT * theme), 100.0
    )
    parts["sdg"] = sdg
    parts["theme"] = theme
    km = best.km[query, column]
    good = scores >= MIN_SCORE
    order = np.lexsort((rows, km, -best.rough[query, column], -scores, query))
    order = order[good[order]]
    # at most ``top`` of each query: rank within its query
    owner = query[order]
    first = np.searchsorted(owner, owner)  # where each query's run starts
    order = order[np.arange(len(order)) - first < top]
    return Ranked(
        query[order],
        rows[order],
        {name: part[order] for name, part in parts.items()},
        scores[order],
        km[order],
    )


def matches(
    matcher: Matcher,
    items: list[Item],
    features: list[Features],
    side: Side,
    ranked: Ranked,
) -> list[list[Match]]:
    """Match objects of the ranked pairs, with their reasons."""
    results: list[list[Match]] = [[] for _ in items]
    names = [*WEIGHTS, "sdg", "theme"]
    values = zip(*(rounded(ranked.parts[name], 3) for name in names), strict=True)
    today = matcher.today
    others = side.items
    for q, row, score, distance, shown, exact in zip(
        ranked.query.tolist(),
        ranked.rows.tolist(),
        rounded(ranked.scores, 1),
        rounded(ranked.km, 2),
        values,
        ranked.km.tolist(),
        strict=True,
    ):
        item, other = items[q], others[row]
        if other is None:  # pragma: no cover - only alive rows are scored
            raise LookupError(row)
        if item.kind == "offer":
            offer, request = item, other
            relation = matcher.best_relation(features[q].keys, side.keys[row])
        else:
            offer, request = other, item
            relation = matcher.best_relation(side.keys[row], features[q].keys)
        part = dict(zip(names, shown, strict=True))
        in_common: tuple[str, ...] = ()
        if relation[1] == "none":  # a lead from words alone: say which
            texts = (item.title, other.title, item.description, other.description)
            in_common = tuple(
                as_written(word, *texts)
                for word in matcher.vocab.rarest(
                    np.intersect1d(features[q].word_ids, side.words_of(row))
                )
            )
        results[q].append(
            Match(
                offer_id=offer.id,
                request_id=request.id,
                score=score,
                distance_km=distance,
                parts=part,
                reasons=reasons(
                    offer,
                    request,
                    relation=relation,
                    text=part["text"],
                    distance_km=exact,
                    today=today,
                    shared_words=in_common,
                ),
            )
        )
    return results


def rounded(values: NDArray[np.float64], digits: int) -> list[float]:
    """``[round(v, digits) for v in values]``, vectorised.

    Python's round is exact on the stored value (0.2975 is stored a little
    below, so it gives 0.297); NumPy's scaling can land on the other side of
    a half. Values that close to a half go through Python's round.
    """
    scale = 10.0**digits
    scaled = values * scale
    result = np.rint(scaled) / scale
    for i in np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6):
        result[i] = round(float(values[i]), digits)
    found: list[float] = result.tolist()
    return found
