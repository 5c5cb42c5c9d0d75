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

from symbiosis.matching.index import (
    FAR_FUTURE,
    UNITS,
    Side,
    unit_code,
    unit_vector,
)
from symbiosis.matching.model import Item
from symbiosis.matching.ranking import kilometres, top
from symbiosis.matching.score import (
    EARTH_KM,
    LOCAL_KM,
    NEUTRAL_QUANTITY,
    WEIGHTS,
    distance_part,
)

FIELDS = ("rough", "km", "row", "material", "distance", "quantity")
BLOCK = 1 << 17  # pairs scored at once: the temporaries stay in the cache
SPATIAL = 1 << 15  # from this many pairs, a block is split by place
CELL_DEGREES = 0.1  # grid of the spatial blocking (about 11 × 7 km here)
SLACK = 1e-9  # rounding room when comparing a rough score with a bound
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
            # -2: no unit, or one the index does not know: never the same
            unit=np.array(
                [unit_code(i.base_unit) if i.base_unit in UNITS else -2 for i in items],
                dtype=np.int64,
            ),
        )

    def __len__(self) -> int:
        return len(self.org)

    def quantified(self) -> NDArray[np.bool_]:
        """Which queries give a quantity a candidate's can be compared with."""
        known: NDArray[np.bool_] = (self.yearly > 0) & (self.unit >= 0)
        return known

    def part(self, index: NDArray[np.int64] | slice) -> Queries:
        return Queries(
            self.request,
            self.xyz.take(index, axis=0)
            if isinstance(index, np.ndarray)
            else self.xyz[index],
            self.max_km[index],
            self.start[index],
            self.end[index],
            self.org[index],
            self.yearly[index],
            self.unit[index],
        )


Last = tuple[float, float]


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
        if isinstance(index, slice):
            return Best(*(getattr(self, name)[index] for name in FIELDS))
        return Best(*(getattr(self, name).take(index, axis=0) for name in FIELDS))

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

    def take(self, columns: NDArray[np.int64]) -> Best:
        """The given columns of each line (one flat index for every field)."""
        lines, width = self.rough.shape
        flat = columns + (np.arange(lines) * width)[:, None]
        taken = []
        for name in FIELDS:
            field = getattr(self, name)
            if lines > 1 and field.strides[0] == 0:  # one row broadcast to all
                taken.append(field[0][columns])
            else:
                taken.append(field.reshape(-1).take(flat))
        return Best(*taken)

    def last(self) -> Last:
        """The rough score and distance of the last kept candidate of a
        one-query block (-inf, inf while it has room)."""
        rough = self.rough[0]
        worst = float(rough.min())
        if worst == -np.inf:
            return worst, np.inf
        return worst, float(self.km[0][rough == worst].max())

    def worst(self) -> NDArray[np.float64]:
        """Rough score of each query's last kept candidate (-inf: not full)."""
        result: NDArray[np.float64] = self.rough.min(axis=1)
        return result


class Candidates:
    """The packed columns of the candidate rows of one stage, gathered once."""

    def __init__(
        self,
        rows: NDArray[np.int64],
        material: NDArray[np.float64],
        table: NDArray[np.float64],
    ) -> None:
        self.rows, self.material, self.table = rows, material, table
        self.xyz = table[:, :3].T  # 3 × candidates
        self.max_km, self.start, self.end, self.org, self.unit, self.yearly = table[
            :, 3:
        ].T

    @classmethod
    def of(
        cls, side: Side, rows: NDArray[np.int64], material: NDArray[np.float64]
    ) -> Candidates:
        # take: three times as fast as fancy indexing on the rows of a table
        return cls(rows, material, side.table.take(rows, axis=0))

    def __len__(self) -> int:
        return len(self.rows)

    def part(self, index: NDArray[np.int64]) -> Candidates:
        return Candidates(
            self.rows[index], self.material[index], self.table.take(index, axis=0)
        )


def score(queries: Queries, cands: Candidates, default_km: float) -> Best:
    """Rough scores of every (query, candidate) pair, -inf where a rule says no.

    The same values as ``distance_part`` and ``quantity_fit`` of score.py,
    in fewer passes over the block (in place wherever a value is not kept).
    """
    km = kilometres(queries.xyz, cands.xyz)
    limit = np.minimum(queries.max_km[:, None], cands.max_km)
    unlimited = np.isinf(queries.max_km)
    if unlimited.any():  # neither side sets a limit: the default one
        limit[unlimited] = np.where(np.isinf(cands.max_km), default_km, cands.max_km)
    refused = km > limit
    refused |= cands.start > queries.end[:, None]
    refused |= cands.end < queries.start[:, None]
    refused |= cands.org == queries.org[:, None]
    # on a pair within its limit the distance part needs no clipping
    distance = km - LOCAL_KM
    np.maximum(distance, 0.0, out=distance)
    limit -= LOCAL_KM
    np.maximum(limit, 1.0, out=limit)
    distance /= limit
    np.subtract(1.0, distance, out=distance)
    mine = queries.yearly[:, None]
    quantity = cands.yearly / mine if queries.request else mine / cands.yearly
    np.minimum(quantity, 1.0, out=quantity)
    unknown = quantity > 0  # NaN: no quantity on one side
    unknown &= cands.unit == queries.unit[:, None]
    np.logical_not(unknown, out=unknown)
    np.putmask(quantity, unknown, NEUTRAL_QUANTITY)
    rough = np.multiply(distance, WEIGHTS["distance"], out=limit)
    rough += WEIGHTS["material"] * cands.material + WEIGHTS["timing"]
    rough += WEIGHTS["quantity"] * quantity
    rough *= 100.0
    np.putmask(rough, refused, -np.inf)
    shape = rough.shape
    return Best(
        rough,
        km,
        np.broadcast_to(cands.rows, shape),
        np.broadcast_to(cands.material, shape),
        distance,
        quantity,
    )


def merge(best: Best, new: Best) -> Best:
    """The best ``size`` of both, by rough score, then distance, then row."""
    size = best.rough.shape[1]
    if new.rough.shape[1] > size:  # the best of the block first: less to copy
        new = new.take(top(new.rough, new.km, new.row, size))
        if best.rough.max() == -np.inf:  # nothing kept yet (-inf ones never count)
            return new
    joined = Best.joined([best, new], axis=1)
    return joined.take(top(joined.rough, joined.km, joined.row, size))


def best_of(queries: Queries, cands: Candidates, default_km: float, best: Best) -> Best:
    """``best`` updated with the candidates: near ones first, far ones if needed."""
    if len(queries) == 1 or len(queries) * len(cands) < SPATIAL:
        return _dense(queries, cands, default_km, best)
    return _by_place(queries, cands, default_km, best)


def _dense(queries: Queries, cands: Candidates, default_km: float, best: Best) -> Best:
    """Every pair, in blocks of ``BLOCK`` pairs."""
    step = max(1, BLOCK // max(len(cands), 1))
    if step >= len(queries):
        return merge(best, score(queries, cands, default_km))
    parts = []
    for begin in range(0, len(queries), step):
        span = slice(begin, begin + step)
        parts.append(
            merge(best.part(span), score(queries.part(span), cands, default_km))
        )
    return Best.joined(parts)


def _cells(xyz: NDArray[np.float64]) -> NDArray[np.int64]:
    """A grid cell of about ``CELL_DEGREES`` per point (unit vectors, 3 × n)."""
    lat = np.degrees(np.arcsin(np.clip(xyz[2], -1.0, 1.0)))
    lon = np.degrees(np.arctan2(xyz[1], xyz[0]))
    cell: NDArray[np.int64] = np.floor(lat / CELL_DEGREES).astype(np.int64) * 10_000
    cell += np.floor(lon / CELL_DEGREES).astype(np.int64)
    return cell


def _by_place(
    queries: Queries, cands: Candidates, default_km: float, best: Best
) -> Best:
    """Spatial blocking: each query cell scores the candidates near it, then
    only the far cells whose best possible score could still enter a
    shortlist (a cell's bound: its strongest material, the distance part at
    its nearest possible point, a full quantity part)."""
    order = np.argsort(_cells(cands.xyz), kind="stable")
    cands = cands.part(order)
    cell_of = _cells(cands.xyz)
    starts = np.flatnonzero(np.r_[True, cell_of[1:] != cell_of[:-1]])
    ends = np.r_[starts[1:], len(cell_of)]
    centre = np.add.reduceat(cands.xyz, starts, axis=1)
    centre /= np.linalg.norm(centre, axis=0)
    member = np.repeat(np.arange(len(starts)), ends - starts)
    spread = 2.0 - 2.0 * np.einsum("ij,ij->j", cands.xyz, centre[:, member])
    radius = 2 * EARTH_KM * np.arcsin(np.minimum(np.sqrt(np.maximum(spread, 0)) / 2, 1))
    radius = np.maximum.reduceat(radius, starts) + 1e-6
    strongest = np.maximum.reduceat(cands.material, starts)
    # the longest limit a pair with a row of the cell can have: a query's own
    # limit caps it, unless the query has none (then an unlimited row: default)
    widest = np.maximum.reduceat(
        np.where(np.isinf(cands.max_km), default_km, cands.max_km), starts
    )
    loosest = np.maximum.reduceat(cands.max_km, starts)
    ceiling = WEIGHTS["material"] * strongest + WEIGHTS["quantity"] + WEIGHTS["timing"]
    home = _cells(queries.xyz.T)
    for cell in np.unique(home):
        mine = np.flatnonzero(home == cell)
        here, kept = queries.part(mine), best.part(mine)
        nearest = np.maximum(kilometres(here.xyz, centre) - radius, 0.0)
        near = np.asarray((nearest <= LOCAL_KM).any(axis=0))
        kept = _dense(here, cands.part(_spans(starts, ends, near)), default_km, kept)
        # the best a far cell could give each query, against its worst kept one
        limit = np.where(
            np.isinf(here.max_km)[:, None],
            widest,
            np.minimum(here.max_km[:, None], loosest),
        )
        bound = 100.0 * (ceiling + WEIGHTS["distance"] * distance_part(nearest, limit))
        # out of reach, or already scored (near): never again
        wanted = (nearest <= limit) & (bound >= kept.worst()[:, None] - SLACK)
        wanted[:, near] = False
        if wanted.any():
            who = np.flatnonzero(wanted.any(axis=1))
            needed = np.asarray(wanted.any(axis=0))
            far = cands.part(_spans(starts, ends, needed))
            kept.put(who, _dense(here.part(who), far, default_km, kept.part(who)))
        best.put(mine, kept)
    return best


def _spans(
    starts: NDArray[np.int64], ends: NDArray[np.int64], chosen: NDArray[np.bool_]
) -> NDArray[np.int64]:
    """Positions of the candidates of the chosen cells."""
    begin, end = starts[chosen], ends[chosen]
    counts = end - begin
    offsets = np.cumsum(counts) - counts
    result: NDArray[np.int64] = np.arange(int(counts.sum())) + np.repeat(
        begin - offsets, counts
    )
    return result
