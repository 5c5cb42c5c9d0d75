"""Column store of one side (offers or requests) with inverted indexes.

Rows live in growable NumPy arrays so that one new listing is appended in
O(1) and one query filters thousands of candidates in a few vectorised steps.
Postings (the rows listed under a material key, a waste code or a word) are
growable int32 arrays too: a new listing costs an append, never a rebuild.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Iterator
from datetime import date
from typing import Any, Generic, TypeVar

import numpy as np
from numpy.typing import NDArray

from symbiosis.matching.model import RESOURCES, Item

FAR_FUTURE = date(9999, 12, 31).toordinal()
UNITS = ("t", "m3", "MWh", "pieces", "hours", "m2")
PENDING = 512  # postings kept in a list before they join their array
# Spatial blocking: postings are also kept per grid cell of about 2 × 2 km
# here, so a query can read the cells around it first.
CELL_LAT = 0.02  # degrees
CELL_LON = 0.03
K = TypeVar("K", bound=Hashable)
Cell = tuple[int, int]
# column -> value of an empty row
COLUMNS: dict[str, float | int | bool] = {
    "lat": 0.0,
    "lon": 0.0,
    "resource": 0,
    "hazardous": False,
    "accepts_hazardous": False,
    "lists_codes": False,
    "cell_row": 0,
    "cell_column": 0,
    "scratch": 0.0,
    "bonus": 0.0,
    "alive": False,
    "word_end": 0,
}


def unit_vector(lat: float, lon: float) -> tuple[float, float, float]:
    """A point (radians) on the unit sphere: chords give great-circle distances."""
    cos_lat = math.cos(lat)
    return cos_lat * math.cos(lon), cos_lat * math.sin(lon), math.sin(lat)


# What a candidate's score needs, packed in one row so that gathering a
# candidate reads one cache line: unit vector, limit, window, organisation,
# unit and yearly quantity.
TABLE = ("x", "y", "z", "max_km", "start", "end", "org", "unit", "yearly")
TABLE_BLANK = (0.0, 0.0, 0.0, np.inf, 0, FAR_FUTURE, -1, -1, np.nan)


def cell_of(lat: float, lon: float) -> Cell:
    """The grid cell of a point (degrees)."""
    return math.floor(lat / CELL_LAT), math.floor(lon / CELL_LON)


def unit_code(unit: str | None) -> int:
    """The index of a base unit; -1 for none or an unknown one."""
    return UNITS.index(unit) if unit in UNITS else -1


class Postings(Generic[K]):
    """Rows listed under each key, ascending, as growable int32 arrays."""

    def __init__(self) -> None:
        self._arrays: dict[K, NDArray[np.int32]] = {}
        self._sizes: dict[K, int] = {}
        self._pending: dict[K, list[int]] = {}

    def append(self, key: K, row: int) -> None:
        pending = self._pending.get(key)
        if pending is None:
            pending = self._pending[key] = []
            self._sizes.setdefault(key, 0)
        pending.append(row)
        if len(pending) >= PENDING:
            self._flush(key)

    def _flush(self, key: K) -> None:
        pending = self._pending.pop(key)
        size = self._sizes[key]
        array = self._arrays.get(key)
        if array is None or len(array) < size + len(pending):
            grown = np.empty(max(2 * size, size + len(pending), 8), dtype=np.int32)
            if array is not None:
                grown[:size] = array[:size]
            self._arrays[key] = array = grown
        array[size : size + len(pending)] = pending
        self._sizes[key] = size + len(pending)

    def flush(self) -> None:
        """Move every pending row into its array (a read then costs nothing)."""
        for key in list(self._pending):
            self._flush(key)

    def rows(self, key: K) -> NDArray[np.int32]:
        """The rows listed under ``key`` (a view: valid until the next append)."""
        if self._pending and key in self._pending:  # none after ``flush``
            self._flush(key)
        array = self._arrays.get(key)
        return _EMPTY if array is None else array[: self._sizes[key]]

    def count(self, key: K) -> int:
        return self._sizes.get(key, 0) + len(self._pending.get(key, ()))

    def __contains__(self, key: object) -> bool:
        return key in self._sizes

    def __iter__(self) -> Iterator[K]:
        return iter(self._sizes)

    def __len__(self) -> int:
        return len(self._sizes)


_EMPTY = np.empty(0, dtype=np.int32)


class Vocabulary:
    """Word ids shared by both sides, with how many rows use each word."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.words: list[str] = []
        self.df = np.zeros(1024, dtype=np.int64)

    def add(self, words: Iterable[str]) -> list[int]:
        found = []
        for word in words:
            ident = self.ids.get(word)
            if ident is None:
                ident = self.ids[word] = len(self.words)
                self.words.append(word)
                if ident == len(self.df):
                    self.df = np.concatenate([self.df, np.zeros_like(self.df)])
            self.df[ident] += 1
            found.append(ident)
        return found

    def rarest(self, ids: NDArray[Any], most: int = 3) -> tuple[str, ...]:
        """The ``most`` words of ``ids`` that the fewest rows use."""
        ordered = sorted(ids.tolist(), key=lambda i: (int(self.df[i]), i))
        return tuple(self.words[i] for i in ordered[:most])

    def known(self, words: Iterable[str]) -> tuple[list[int], int]:
        """Ids of the known words, and how many words are unknown."""
        ids = [self.ids[w] for w in words if w in self.ids]
        return ids, sum(1 for w in words if w not in self.ids)


class Side:
    """All listings of one kind, as columns."""

    # views of the packed table (see ``TABLE``)
    x: NDArray[np.float64]
    y: NDArray[np.float64]
    z: NDArray[np.float64]
    max_km: NDArray[np.float64]
    start: NDArray[np.float64]
    end: NDArray[np.float64]
    org: NDArray[np.float64]
    unit: NDArray[np.float64]
    yearly: NDArray[np.float64]

    def __init__(self, capacity: int = 1024) -> None:
        self.size = 0
        self.row_of: dict[int, int] = {}
        self.items: list[Item | None] = []
        self.keys: list[frozenset[str]] = []
        self.texts: list[str] = []
        self.primary: list[frozenset[str]] = []
        self.by_key: Postings[str] = Postings()
        self.by_primary: Postings[str] = Postings()
        self.by_ewc: Postings[str] = Postings()
        self.by_token: Postings[str] = Postings()
        # the same, per grid cell: (key, cell row, cell column)
        self.near: dict[str, Postings[tuple[str, int, int]]] = {
            "key": Postings(),
            "primary": Postings(),
            "ewc": Postings(),
        }
        # the cells each key has rows in, per index of ``near``
        self.cells: dict[str, dict[str, list[Cell]]] = {name: {} for name in self.near}
        self.widest = 0.0  # the longest transport limit a listing sets
        self.word_ids = np.zeros(8 * capacity, dtype=np.int32)
        self._shared: dict[frozenset[str], frozenset[str]] = {}
        self._arrays(capacity)

    def _arrays(self, capacity: int) -> None:
        self.lat = np.zeros(capacity)
        self.lon = np.zeros(capacity)
        self.table = np.tile(np.array(TABLE_BLANK, dtype=float), (capacity, 1))
        self._views()
        self.resource = np.zeros(capacity, dtype=np.int8)
        self.hazardous = np.zeros(capacity, dtype=bool)
        self.accepts_hazardous = np.zeros(capacity, dtype=bool)
        self.lists_codes = np.zeros(capacity, dtype=bool)  # names accepted codes
        self.cell_row = np.zeros(capacity, dtype=np.int64)  # its grid cell
        self.cell_column = np.zeros(capacity, dtype=np.int64)
        # working space of a query (material strength, code bonus), kept zeroed
        self.scratch = np.zeros(capacity)
        self.bonus = np.zeros(capacity)
        self.alive = np.zeros(capacity, dtype=bool)
        self.word_end = np.zeros(capacity, dtype=np.int64)  # row's words end here

    def _views(self) -> None:
        """The packed columns by name (max_km inf: no limit; org -1: unknown)."""
        for i, name in enumerate(TABLE):
            setattr(self, name, self.table[:, i])

    def _grow(self) -> None:
        """Double every column, filling the new rows with each column's blank."""
        for name, blank in COLUMNS.items():
            old = getattr(self, name)
            new = np.empty(len(old) * 2, dtype=old.dtype)
            new[: len(old)] = old
            new[len(old) :] = blank
            setattr(self, name, new)
        blank_rows = np.tile(np.array(TABLE_BLANK, dtype=float), (len(self.table), 1))
        self.table = np.concatenate([self.table, blank_rows])
        self._views()

    def add(
        self,
        item: Item,
        keys: frozenset[str],
        text: str,
        words: dict[str, int],
        primary: frozenset[str] | None = None,
    ) -> int:
        """Append ``item`` (after removing an older version with the same id).

        ``words`` maps each of its words to its id in the vocabulary.
        """
        self.remove(item.id)
        if self.size == len(self.lat):
            self._grow()
        row = self.size
        self.size += 1
        self.row_of[item.id] = row
        self.items.append(item)
        keys = self._shared.setdefault(keys, keys)
        primary = keys if primary is None else self._shared.setdefault(primary, primary)
        self.keys.append(keys)
        self.texts.append(text)
        self.primary.append(primary)
        self.lat[row] = lat = math.radians(item.lat)
        self.lon[row] = lon = math.radians(item.lon)
        self.table[row] = (
            *unit_vector(lat, lon),
            item.max_distance_km or np.inf,
            item.available_from.toordinal() if item.available_from else 0,
            item.available_until.toordinal() if item.available_until else FAR_FUTURE,
            -1 if item.organisation_id is None else item.organisation_id,
            unit_code(item.base_unit),
            item.yearly if item.yearly else np.nan,
        )
        self.resource[row] = (
            RESOURCES.index(item.resource) if item.resource in RESOURCES else 0
        )
        self.hazardous[row] = item.hazardous
        self.accepts_hazardous[row] = item.accepts_hazardous
        self.lists_codes[row] = bool(item.accepted_ewc)
        self.alive[row] = True
        begin = int(self.word_end[row - 1]) if row else 0
        if begin + len(words) > len(self.word_ids):
            self.word_ids = np.concatenate(
                [self.word_ids, np.zeros_like(self.word_ids)]
            )
        self.word_ids[begin : begin + len(words)] = sorted(words.values())
        self.word_end[row] = begin + len(words)
        if item.max_distance_km:
            self.widest = max(self.widest, item.max_distance_km)
        cell = cell_of(item.lat, item.lon)
        self.cell_row[row], self.cell_column[row] = cell
        for key in keys:
            self.by_key.append(key, row)
            self._near("key", key, cell, row)
        for key in primary:
            self.by_primary.append(key, row)
            self._near("primary", key, cell, row)
        # each code and sub-chapter once, even when two codes share a sub-chapter
        for code in sorted({c for full in item.codes for c in (full, full[:4])}):
            self.by_ewc.append(code, row)
            self._near("ewc", code, cell, row)
        for word in words:
            self.by_token.append(word, row)
        return row

    def flush(self) -> None:
        """Pending postings into their arrays: after adding, before reading."""
        for postings in (self.by_key, self.by_primary, self.by_ewc, self.by_token):
            postings.flush()
        for near in self.near.values():
            near.flush()

    def _near(self, index: str, key: str, cell: Cell, row: int) -> None:
        postings = self.near[index]
        if (key, *cell) not in postings:
            self.cells[index].setdefault(key, []).append(cell)
        postings.append((key, *cell), row)

    def words_of(self, row: int) -> NDArray[np.int32]:
        """Word ids of a row, ascending."""
        begin = int(self.word_end[row - 1]) if row else 0
        return self.word_ids[begin : int(self.word_end[row])]

    def remove(self, item_id: int) -> None:
        """Forget a listing; its row stays, marked dead, until the next rebuild."""
        row = self.row_of.pop(item_id, None)
        if row is not None:
            self.alive[row] = False
            self.items[row] = None

    def __len__(self) -> int:
        return len(self.row_of)
