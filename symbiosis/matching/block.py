"""Many queries against many candidates at once: cheap parts, the best few kept.

One query is a block of one. Distance, limits, windows, organisation and
quantity are computed for a (queries × candidates) block with broadcasting;
each query keeps its best ``size`` candidates by rough score (no text yet),
ties going to the nearer candidate, then to the older row. The order is
total, so a query gets the same shortlist whatever block it was scored in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from symbiosis.matching.index import FAR_FUTURE, Side, unit_code, unit_vector
from symbiosis.matching.model import Item
from symbiosis.matching.score import EARTH_KM, WEIGHTS, distance_part, quantity_fit

FIELDS = ("rough", "km", "row", "material", "distance", "quantity")
BLOCK = 1 << 17  # pairs scored at once: the temporaries stay in the cache
NO_ORG = -2  # a query without organisation: never equal to a row's (-1 at worst)


@dataclass
class Queries:
    """Columns of a few listings of one kind that look for partners."""

    request: bool
    xyz: NDArray[np.float64]
    max_km: NDArray[np.float64]
    start: NDArray[np.int64]
    end: NDArray[np.int64]
    org: NDArray[np.int64]
    yearly: NDArray[np.float64]
    unit: NDArray[np.int64]

    @classmethod
    def of(cls, items: list[Item], today: date) -> Queries:
        import math

        return cls(
            request=items[0].kind == "request",
            xyz=np.array(
                [unit_vector(math.radians(i.lat), math.radians(i.lon)) for i in items]
            ).reshape(len(items), 3),
            max_km=np.array([i.max_distance_km or np.inf for i in items]),
            start=np.array(
                [
                    max(
                        i.available_from.toordinal() if i.available_from else 0,
                        today.toordinal(),
                    )
                    for i in items
                ],
                dtype=np.int64,
            ),
            end=np.array(
                [
                    i.available_until.toordinal() if i.available_until else FAR_FUTURE
                    for i in items
                ],
                dtype=np.int64,
            ),
            org=np.array(
                [
                    NO_ORG if i.organisation_id is None else i.organisation_id
                    for i in items
                ],
                dtype=np.int64,
            ),
            yearly=np.array([i.yearly or np.nan for i in items]),
            unit=np.array(
                [-2 if i.base_unit is None else unit_code(i.base_unit) for i in items],
                dtype=np.int64,
            ),
        )

    def __len__(self) -> int:
        return len(self.org)

    def part(self, index: NDArray[np.int64] | slice) -> Queries:
        return Queries(
            self.request,
            self.xyz[index],
            self.max_km[index],
            self.start[index],
            self.end[index],
            self.org[index],
            self.yearly[index],
            self.unit[index],
        )


@dataclass
class Best:
    """The best ``size`` candidates of each query so far (rough = -inf: none)."""

    rough: NDArray[np.float64]
    km: NDArray[np.float64]
    row: NDArray[np.int64]
    material: NDArray[np.float64]
    distance: NDArray[np.float64]
    quantity: NDArray[np.float64]

    @classmethod
    def empty(cls, queries: int, size: int) -> Best:
        def blank(value: float) -> NDArray[np.float64]:
            return np.full((queries, size), value)

        return cls(
            blank(-np.inf),
            blank(np.inf),
            np.full((queries, size), -1, dtype=np.int64),
            blank(0.0),
            blank(0.0),
            blank(0.0),
        )

    def part(self, index: NDArray[np.int64] | slice) -> Best:
        return Best(*(getattr(self, name)[index] for name in FIELDS))

    def put(self, index: NDArray[np.int64], part: Best) -> None:
        for name in FIELDS:
            getattr(self, name)[index] = getattr(part, name)

    @classmethod
    def joined(cls, parts: list[Best], axis: int = 0) -> Best:
        return cls(
            *(
                np.concatenate([getattr(p, name) for p in parts], axis=axis)
                for name in FIELDS
            )
        )

    def worst(self) -> NDArray[np.float64]:
        """Rough score of each query's last kept candidate (-inf: not full)."""
        result: NDArray[np.float64] = self.rough.min(axis=1)
        return result


def score(
    queries: Queries,
    side: Side,
    rows: NDArray[np.int64],
    material: NDArray[np.float64],
    default_km: float,
) -> Best:
    """Rough scores of every (query, candidate) pair, -inf where a rule says no."""
    xyz = np.stack([side.x[rows], side.y[rows], side.z[rows]])
    chord = 2.0 - 2.0 * (queries.xyz @ xyz)
    np.maximum(chord, 0.0, out=chord)
    np.sqrt(chord, out=chord)
    chord *= 0.5
    np.minimum(chord, 1.0, out=chord)
    km = np.arcsin(chord, out=chord)
    km *= 2 * EARTH_KM
    limit = np.minimum(queries.max_km[:, None], side.max_km[rows])
    limit[np.isinf(limit)] = default_km
    keep = km <= limit
    keep &= side.start[rows] <= queries.end[:, None]
    keep &= side.end[rows] >= queries.start[:, None]
    keep &= side.org[rows] != queries.org[:, None]
    distance = distance_part(km, limit)
    theirs = np.where(
        side.unit[rows] == queries.unit[:, None], side.yearly[rows], np.nan
    )
    mine = queries.yearly[:, None]
    if queries.request:
        quantity = quantity_fit(theirs, mine)
    else:
        quantity = quantity_fit(mine, theirs)
    rough = WEIGHTS["material"] * material + WEIGHTS["timing"]
    rough = rough + WEIGHTS["distance"] * distance
    rough += WEIGHTS["quantity"] * quantity
    rough *= 100.0
    rough[~keep] = -np.inf
    shape = rough.shape
    return Best(
        rough,
        km,
        np.broadcast_to(rows, shape),
        np.broadcast_to(material, shape),
        distance,
        quantity,
    )


def merge(best: Best, new: Best) -> Best:
    """The best ``size`` of both, by rough score, then distance, then row."""
    size = best.rough.shape[1]
    joined = Best.joined([best, new], axis=1)
    chosen = top(joined.rough, joined.km, joined.row, size)
    return Best(
        *(np.take_along_axis(getattr(joined, name), chosen, axis=1) for name in FIELDS)
    )


def top(
    rough: NDArray[np.float64],
    km: NDArray[np.float64],
    row: NDArray[np.int64],
    size: int,
) -> NDArray[np.int64]:
    """Columns of the ``size`` best of each line: rough desc, km asc, row asc."""
    lines, width = rough.shape
    cut = width - size
    kth = np.partition(rough, cut, axis=1)[:, cut]
    at_least = rough >= kth[:, None]
    count = at_least.sum(axis=1)
    chosen = np.empty((lines, size), dtype=np.int64)
    plain = count == size
    if plain.any():
        chosen[plain] = np.nonzero(at_least[plain])[1].reshape(-1, size)
    for line in np.flatnonzero(~plain):  # ties at the cut, or too few candidates
        candidates = np.flatnonzero(at_least[line])
        order = np.lexsort(
            (row[line, candidates], km[line, candidates], -rough[line, candidates])
        )
        chosen[line] = candidates[order[:size]]
    return chosen


def best_of(
    queries: Queries,
    side: Side,
    rows: NDArray[np.int64],
    material: NDArray[np.float64],
    default_km: float,
    best: Best,
) -> Best:
    """``best`` updated with the candidates ``rows``, in blocks of ``BLOCK`` pairs."""
    step = max(1, BLOCK // max(len(rows), 1))
    if step >= len(queries):
        return merge(best, score(queries, side, rows, material, default_km))
    parts = []
    for begin in range(0, len(queries), step):
        span = slice(begin, begin + step)
        scored = score(queries.part(span), side, rows, material, default_km)
        parts.append(merge(best.part(span), scored))
    return Best.joined(parts)
