"""Array helpers of a block: great-circle distances, the best few of each line."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from symbiosis.matching.score import EARTH_KM


def kilometres(
    xyz: NDArray[np.float64], others: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Great-circle distances between unit vectors (rows of ``xyz``, columns of
    ``others``), from their chords."""
    chord = xyz @ others
    chord *= -2.0  # 2 - 2·cos, in place: the same value, fewer passes
    chord += 2.0
    np.maximum(chord, 0.0, out=chord)
    np.sqrt(chord, out=chord)
    chord *= 0.5
    np.minimum(chord, 1.0, out=chord)
    km = np.arcsin(chord, out=chord)
    km *= 2 * EARTH_KM
    return km


def top(
    rough: NDArray[np.float64],
    km: NDArray[np.float64],
    row: NDArray[np.int64],
    size: int,
) -> NDArray[np.int64]:
    """Columns of the ``size`` best of each line: rough desc, km asc, row asc."""
    lines, width = rough.shape
    cut = width - size
    kth = np.partition(rough, cut, axis=1)[:, cut, None]
    kept = rough >= kth
    plain = np.count_nonzero(kept, axis=1) == size
    if plain.all():
        found: NDArray[np.int64] = np.nonzero(kept)[1].reshape(-1, size)
        return found
    chosen = np.empty((lines, size), dtype=np.int64)
    if plain.any():
        chosen[plain] = np.nonzero(kept[plain])[1].reshape(-1, size)
    crowded = np.flatnonzero(~plain)  # more ties at the cut than places left
    # the nearest of the tied candidates take the places left
    here = rough[crowded]
    key = np.where(
        here > kth[crowded],
        -np.inf,
        np.where(kept[crowded], km[crowded], np.inf),
    )
    picked = np.argpartition(key, size - 1, axis=1)[:, :size]
    chosen[crowded] = picked
    last = np.take_along_axis(key, picked, axis=1).max(axis=1, keepdims=True)
    clash = ((key <= last).sum(axis=1) > size) & (kth[crowded, 0] > -np.inf)
    for at in np.flatnonzero(clash):  # equal distances at the cut: the older row
        line = crowded[at]
        candidates = np.flatnonzero(key[at] <= last[at])
        order = np.lexsort((row[line, candidates], key[at, candidates]))
        chosen[line] = candidates[order[:size]]
    return chosen
