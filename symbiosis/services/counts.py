"""Counts of long lists, reused for a while on a large network.

Counting every row a list would show (the active listings of a search, the
proposals of an organisation) costs more than reading the page shown once a
network holds 100k listings. With ``COUNT_CACHE_SECONDS`` above 0 each
process reuses a count for that many seconds: the rows on the page are
always read fresh, so a new one shows at once, and only the total and the
number of pages may lag. With 0 (the embedded default) every page counts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable

from cachetools import LRUCache
from flask import current_app

from symbiosis.extensions import db

# (database, what is counted) -> (when, count); per process.
_counts: LRUCache[tuple[str, Hashable], tuple[float, int]] = LRUCache(maxsize=4096)
_lock = threading.Lock()


def count(key: Hashable, compute: Callable[[], int]) -> int:
    """``compute()``, or its value of less than ``COUNT_CACHE_SECONDS`` ago
    for the same ``key`` on the same database."""
    keep = current_app.config["COUNT_CACHE_SECONDS"]
    if keep <= 0:
        return compute()
    full = (str(db.engine.url), key)
    now = time.monotonic()
    with _lock:
        known = _counts.get(full)
    if known is not None and now - known[0] < keep:
        return known[1]
    value = compute()
    with _lock:
        _counts[full] = (now, value)
    return value


def forget() -> None:
    """Drop every kept count (tests, or after a bulk import)."""
    with _lock:
        _counts.clear()
