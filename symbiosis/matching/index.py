"""Column store of one side (offers or requests) with inverted indexes.

Rows live in growable NumPy arrays so that one new listing is appended in
O(1) and one query filters thousands of candidates in a few vectorised steps.
"""

from __future__ import annotations

import math
import sys
from collections import defaultdict
from datetime import date

import numpy as np
from numpy.typing import NDArray

from symbiosis.matching.model import RESOURCES, Item

FAR_FUTURE = date(9999, 12, 31).toordinal()
UNITS = ("t", "m3", "MWh", "pieces", "hours", "m2")
# column -> value of an empty row
COLUMNS: dict[str, float | int | bool] = {
    "lat": 0.0,
    "lon": 0.0,
    "yearly": np.nan,
    "unit": -1,
    "start": 0,
    "end": FAR_FUTURE,
    "resource": 0,
    "hazardous": False,
    "accepts_hazardous": False,
    "max_km": np.nan,
    "org": -1,
    "scratch": 0.0,
    "alive": False,
}


class Side:
    """All listings of one kind, as columns."""

    def __init__(self, capacity: int = 1024) -> None:
        self.size = 0
        self.row_of: dict[int, int] = {}
        self.items: list[Item | None] = []
        self.keys: list[frozenset[str]] = []
        self.texts: list[str] = []
        self.primary: list[frozenset[str]] = []
        self.words: list[frozenset[str]] = []
        self.by_key: dict[str, list[int]] = defaultdict(list)
        self.by_primary: dict[str, list[int]] = defaultdict(list)
        self.by_ewc: dict[str, list[int]] = defaultdict(list)
        self.by_token: dict[str, list[int]] = defaultdict(list)
        self._arrays(capacity)
        self._cache: dict[str, NDArray[np.int64]] = {}

    def _arrays(self, capacity: int) -> None:
        self.lat = np.zeros(capacity)
        self.lon = np.zeros(capacity)
        self.yearly = np.full(capacity, np.nan)
        self.unit = np.full(capacity, -1, dtype=np.int8)
        self.start = np.zeros(capacity, dtype=np.int32)
        self.end = np.full(capacity, FAR_FUTURE, dtype=np.int32)
        self.resource = np.zeros(capacity, dtype=np.int8)
        self.hazardous = np.zeros(capacity, dtype=bool)
        self.accepts_hazardous = np.zeros(capacity, dtype=bool)
        self.max_km = np.full(capacity, np.nan)
        self.scratch = np.zeros(capacity)  # working space of a query, kept zeroed
        self.org = np.full(capacity, -1, dtype=np.int64)  # -1: not known
        self.alive = np.zeros(capacity, dtype=bool)

    def _grow(self) -> None:
        """Double every column, filling the new rows with each column's blank."""
        for name, blank in COLUMNS.items():
            old = getattr(self, name)
            new = np.empty(len(old) * 2, dtype=old.dtype)
            new[: len(old)] = old
            new[len(old) :] = blank
            setattr(self, name, new)

    def add(
        self,
        item: Item,
        keys: frozenset[str],
        text: str,
        words: set[str],
        primary: frozenset[str] | None = None,
    ) -> int:
        """Append ``item`` (after removing an older version with the same id)."""
        self.remove(item.id)
        if self.size == len(self.lat):
            self._grow()
        row = self.size
        self.size += 1
        self.row_of[item.id] = row
        self.items.append(item)
        self.keys.append(keys)
        self.texts.append(text)
        self.primary.append(keys if primary is None else primary)
        self.words.append(frozenset(sys.intern(w) for w in words))
        self.lat[row] = math.radians(item.lat)
        self.lon[row] = math.radians(item.lon)
        self.yearly[row] = item.yearly if item.yearly else np.nan
        self.unit[row] = UNITS.index(item.base_unit) if item.base_unit in UNITS else -1
        self.start[row] = item.available_from.toordinal() if item.available_from else 0
        self.end[row] = (
            item.available_until.toordinal() if item.available_until else FAR_FUTURE
        )
        self.resource[row] = (
            RESOURCES.index(item.resource) if item.resource in RESOURCES else 0
        )
        self.hazardous[row] = item.hazardous
        self.accepts_hazardous[row] = item.accepts_hazardous
        self.max_km[row] = item.max_distance_km or np.nan
        self.org[row] = item.organisation_id if item.organisation_id is not None else -1
        self.alive[row] = True
        for key in keys:
            self._append(self.by_key, key, row)
        for key in keys if primary is None else primary:
            self._append(self.by_primary, key, row)
        for code in item.codes:
            self._append(self.by_ewc, code, row)
            self._append(self.by_ewc, code[:4], row)
        for word in words:
            self._append(self.by_token, word, row)
        return row

    def _append(self, index: dict[str, list[int]], key: str, row: int) -> None:
        index[key].append(row)
        self._cache.pop(f"{id(index)}:{key}", None)

    def rows(self, index: dict[str, list[int]], key: str) -> NDArray[np.int64]:
        """Rows listed under ``key`` as an array (cached until the next append)."""
        cache_key = f"{id(index)}:{key}"
        cached = self._cache.get(cache_key)
        if cached is None:
            cached = np.fromiter(index.get(key, ()), dtype=np.int64)
            self._cache[cache_key] = cached
        return cached

    def remove(self, item_id: int) -> None:
        """Forget a listing; its row stays, marked dead, until the next rebuild."""
        row = self.row_of.pop(item_id, None)
        if row is not None:
            self.alive[row] = False
            self.items[row] = None

    def __len__(self) -> int:
        return len(self.row_of)


def merge_strongest(
    chunks: list[NDArray[np.int64]],
    strengths: list[NDArray[np.float64]],
    scratch: NDArray[np.float64],
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Unique rows, ascending, each with the strongest strength it was given.

    ``scratch`` is a zeroed array as long as the side: each chunk's rows are
    unique, so a running maximum per row needs no sort; it is zeroed again
    before returning.
    """
    for rows, strength in zip(chunks, strengths, strict=True):
        scratch[rows] = np.maximum(scratch[rows], strength)
    touched = np.concatenate(chunks)
    if len(touched) * 8 < len(scratch):  # few rows: sorting them is cheaper
        rows = np.unique(touched)
    else:
        rows = np.flatnonzero(scratch[: int(touched.max()) + 1] > 0)
    best = scratch[rows].copy()
    scratch[rows] = 0.0
    return rows.astype(np.int64), best
