"""Candidates of one query, nearest cells first (spatial blocking).

Postings are also kept per grid cell (``index.CELL_LAT`` × ``CELL_LON``).
One query reads each strength stage (see ``candidates.stages``) ring of
cells by ring around itself, then, beyond the rings, only the cells where a
row of that strength could still enter its shortlist. At a million listings
a stage of one common material holds 40,000+ rows nationwide; a query reads
the few hundred around it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from symbiosis.matching.candidates import (
    SLACK,
    STAGE_POSTINGS,
    Posting,
    Sources,
    usable,
)
from symbiosis.matching.index import CELL_LAT, CELL_LON, Cell, Side, cell_of
from symbiosis.matching.model import Item
from symbiosis.matching.score import EARTH_KM

# Rings of cells read together (from, to), nearest first: the query's cell
# with its neighbours (often right by it), then wider and wider rings.
RING_BLOCKS = ((0, 1), (2, 2), (3, 4), (5, 8))
RINGS = RING_BLOCKS[-1][1]  # beyond them, the rest at once
LOOKUP = 16  # a cell look-up costs about as much as reading this many rows
MAX_RING = 200  # beyond the rings, cells are read out to at most this ring


Take = Callable[[NDArray[np.int64], NDArray[np.float64]], tuple[float, float]]
Bound = Callable[[float, float], float]


def near_first(
    side: Side,
    found: Sources,
    allowed: NDArray[np.bool_],
    item: Item,
    take: Take,
    bound: Bound,
) -> None:
    """The candidates of one query, strongest first, and nearest cells first.

    Each stage (as in ``stages``) is read ring of grid cells by ring around
    the query (``RING_BLOCKS``), then whatever lies beyond them at once. ``take`` scores
    rows and returns the query's worst kept rough score and its distance;
    ``bound(material, km)`` is the best rough score a row of that material
    at least ``km`` away could reach. The rest of a stage is skipped once it
    could not beat the worst kept candidate (nor tie with it while nearer).
    A row skipped so could come back in a weaker stage with less strength:
    it cannot enter then either, as its bound only fell.
    """
    scratch, bonus = side.scratch, side.bonus
    home = cell_of(item.lat, item.lon)
    # least distance to ring k, made non-decreasing (a floor for k and beyond)
    ring_floors = np.minimum.accumulate(
        _floors(item.lat, item.lon, np.arange(MAX_RING + 2))[::-1]
    )[::-1].tolist()
    rings: dict[int, list[Cell]] = {}  # the cells of each block, once reached

    def cells_in(ring: int) -> list[Cell] | None:
        """The cells of a block of rings (None: those beyond, that can count)."""
        if ring == len(RING_BLOCKS):
            return None
        cells = rings.get(ring)
        if cells is None:
            row, column = home
            cells = rings[ring] = [(row + r, column + c) for r, c in OFFSETS[ring]]
        return cells

    floors = [ring_floors[first] for first, _last in RING_BLOCKS]
    floors.append(ring_floors[RINGS + 1])
    strengths = sorted(found.levels, reverse=True)
    gathered: list[NDArray[np.int64]] = []
    coded: list[NDArray[np.int32]] = []
    bonused: set[Cell | None] = set()  # cells whose rows have their bonus (None: all)
    worst, worst_km = -np.inf, np.inf

    def beaten(best: float, floor: float) -> bool:
        """Could no candidate this good, this far, enter the shortlist?"""
        return best < worst - SLACK or (best <= worst + SLACK and floor > worst_km)

    def reach(strongest: float) -> int:
        """The farthest ring a row this strong may still count in."""
        near, far = RINGS, MAX_RING + 1  # near may count, far may not (or is past)
        while far - near > 1:
            middle = (near + far) // 2
            floor = ring_floors[middle]
            if beaten(bound(strongest, floor), floor):
                far = middle
            else:
                near = middle
        return near

    try:
        i = 0
        while i < len(strengths):
            first = i
            stage: list[tuple[float, Posting]] = []
            postings = 0
            while i < len(strengths) and (not stage or postings < STAGE_POSTINGS):
                stage += [(strengths[i], p) for p in found.levels[strengths[i]]]
                postings += sum(len(p.rows) for p in found.levels[strengths[i]])
                i += 1
            strongest = found.strongest(strengths[first])
            for ring in range(len(floors)):
                if ring and beaten(bound(strongest, floors[ring]), floors[ring]):
                    break  # farther rings can only do worse
                cells = cells_in(ring)
                far = RINGS if cells is not None else reach(strongest)
                # a posting with few rows is read whole: cheaper than its cells
                reads = [
                    (strength, posting, _whole(posting, cells))
                    for strength, posting in stage
                ]
                chunks = []
                # this block's rings: rows are taken in the block of their ring,
                # so that a stronger posting always claims a row first
                low, high = RING_BLOCKS[ring] if cells is not None else (RINGS + 1, far)
                for strength, posting, whole in reads:
                    if whole:  # all its rows, then those of this block's rings
                        rows = posting.rows
                        if high < MAX_RING:
                            away = _ring_of(side, rows, home)
                            rows = rows[(away >= low) & (away <= high)]
                    elif cells is None:
                        rows = _beyond(posting, home, RINGS, far)
                    else:
                        rows = posting.at(cells)
                    fresh = rows[scratch[rows] == 0]
                    scratch[fresh] = strength
                    chunks.append(fresh)
                taken = np.concatenate(chunks).astype(np.int64)
                gathered.append(taken)
                # the code bonus of the cells these rows are in, before material
                # (of every code row at once when that costs less)
                # (either way each row taken gets the same bonus: only the cost
                # differs, so the count of cells before ``bonused`` decides)
                if found.codes and None not in bonused and len(taken):
                    numbers = _cell_numbers(side, taken)
                    coded_rows = sum(len(posting.rows) for posting, _s in found.codes)
                    everything = len(numbers) * len(found.codes) * LOOKUP > coded_rows
                    fresh = set() if everything else _cells(numbers) - bonused
                else:
                    everything, fresh = False, set()
                if everything or fresh:
                    bonused |= {None} if everything else fresh
                    for posting, strength in found.codes:
                        rows = posting.rows if everything else posting.at(list(fresh))
                        bonus[rows] = np.maximum(bonus[rows], strength)
                        coded.append(rows)
                taken, material = usable(side, taken, allowed, item)
                if len(taken):
                    worst, worst_km = take(taken, material)
                if cells is None:
                    break
            rest = found.strongest(strengths[i]) if i < len(strengths) else None
            if rest is not None and worst > bound(rest, 0.0) + SLACK:
                break
    finally:
        for done in gathered:
            scratch[done] = 0.0
        for rows in coded:
            bonus[rows] = 0.0


WIDE = 1 << 32  # a cell as one number: row * WIDE + column (columns < 2**31)


def _cell_numbers(side: Side, rows: NDArray[np.int64]) -> NDArray[np.int64]:
    """The grid cells of these rows, each once, as numbers (see ``_cells``)."""
    found: NDArray[np.int64] = np.unique(
        side.cell_row[rows] * WIDE + (side.cell_column[rows] + (WIDE >> 1))
    )
    return found


def _cells(numbers: NDArray[np.int64]) -> set[Cell]:
    """The cells of ``_cell_numbers``."""
    row, column = np.divmod(numbers, WIDE)
    return set(zip(row.tolist(), (column - (WIDE >> 1)).tolist(), strict=True))


def _ring_of(side: Side, rows: NDArray[np.int32], home: Cell) -> NDArray[np.int64]:
    """The ring (Chebyshev distance in cells) of each row around ``home``."""
    away: NDArray[np.int64] = np.maximum(
        np.abs(side.cell_row[rows] - home[0]), np.abs(side.cell_column[rows] - home[1])
    )
    return away


def _whole(posting: Posting, cells: list[Cell] | None) -> bool:
    """Is reading all of the posting cheaper than looking up its cells?"""
    if posting.cells is None:
        return True
    looked_up = len(posting.cells) if cells is None else len(cells)
    return len(posting.rows) <= looked_up * LOOKUP


def _beyond(posting: Posting, home: Cell, after: int, upto: int) -> NDArray[np.int32]:
    """Rows of ``posting`` in the rings ``after`` < k <= ``upto`` around ``home``."""
    if posting.cells is None or upto >= MAX_RING:
        return posting.rows
    cells = np.array(posting.cells).reshape(-1, 2)
    ring = np.abs(cells - np.array(home)).max(axis=1)
    chosen = np.flatnonzero((ring > after) & (ring <= upto))
    if not len(chosen):
        return posting.rows[:0]
    return posting.at([posting.cells[j] for j in chosen.tolist()])


def _ring(home: Cell, k: int) -> list[Cell]:
    """The cells at Chebyshev distance ``k`` from ``home``."""
    row, column = home
    if k == 0:
        return [home]
    return [
        (row + dr, column + dc)
        for dr in range(-k, k + 1)
        for dc in range(-k, k + 1)
        if max(abs(dr), abs(dc)) == k
    ]


# the cells of each block of rings, relative to the query's own, in ring order
OFFSETS = [
    [cell for k in range(first, last + 1) for cell in _ring((0, 0), k)]
    for first, last in RING_BLOCKS
]


def _floors(lat: float, lon: float, rings: NDArray[np.int64]) -> NDArray[np.float64]:
    """Least distance (km) from the point to any cell at Chebyshev distance
    ``rings`` (in cells) from its own."""
    if abs(lat) > 80 or abs(lon) > 175:  # grid cells shrink or wrap: no bound
        return np.zeros(len(rings))
    row, column = cell_of(lat, lon)
    gap_lat = min(lat - row * CELL_LAT, (row + 1) * CELL_LAT - lat)
    gap_lon = min(lon - column * CELL_LON, (column + 1) * CELL_LON - lon)
    between = np.maximum(rings - 1, 0)
    north_south = EARTH_KM * np.radians(between * CELL_LAT + gap_lat)
    far_lat = np.radians(np.minimum(90.0, abs(lat) + (rings + 1) * CELL_LAT))
    half = np.radians(between * CELL_LON + gap_lon) / 2
    chord = np.minimum(1.0, np.cos(far_lat) * np.sin(half))
    east_west = 2 * EARTH_KM * np.arcsin(chord)
    floor: NDArray[np.float64] = np.maximum(
        np.minimum(north_south, east_west) - 1e-6, 0.0
    )
    floor[rings == 0] = 0.0
    return floor
