"""The batch: the top matches of many listings, grouped, on every core.

Listings that name the same materials and codes form a group: its
candidates are gathered once and scored for all of its listings as one
block (see ``Matcher.shortlists``). Groups of one kind are taken in chunks
whose text and final ranks are computed together (``rank``).

From ``PARALLEL_FROM`` listings on, a second process (forked: it shares the
index, nothing is copied) works beside this one. Both take the next chunk
from a shared counter, largest chunks first, so neither waits for the other
however the machine's other work slows one of them; the worker sends back
plain arrays as each chunk is done, and this process makes the Match objects
of both between its own chunks. Which process ranks a chunk changes nothing
in its results.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from symbiosis.matching.block import Best
from symbiosis.matching.model import OTHER, Item, Match
from symbiosis.matching.shortlist import Features, Ranked, matches, rank

if TYPE_CHECKING:
    from multiprocessing.sharedctypes import Synchronized

    from symbiosis.matching.engine import Matcher

PARALLEL_FROM = 20_000  # listings from which a second process pays for its start
FINISH_AT = 2048  # listings whose shortlists get their text scores together
LAST_CHUNKS = 8  # the last chunks shrink so that both processes end together
Group = tuple[list[Item], list[Features]]
Chunk = list[int]  # groups (by index) of one kind, ranked together
Progress = Callable[[Iterable[Any]], Iterable[Any]]


def match_many(
    matcher: Matcher,
    items: Iterable[Item],
    top: int,
    progress: Progress | None = None,
    workers: int | None = None,
) -> dict[int, list[Match]]:
    """Top ``top`` matches of each listing; ``workers``: processes (None: auto)."""
    order: list[int] = []
    groups = _grouped(matcher, items, order)
    chunks = _chunks(groups)
    found: dict[int, list[Match]] = {}

    def deliver(chunk: Chunk, pairs: Ranked) -> None:
        members = [item for g in chunk for item in groups[g][0]]
        features = [f for g in chunk for f in groups[g][1]]
        side = matcher.sides[OTHER[members[0].kind]]
        made = matches(matcher, members, features, side, pairs)
        for item, result in zip(members, made, strict=True):
            found[item.id] = result

    steps = range(len(chunks))
    if _workers(groups, workers) == 2:
        _in_two(matcher, groups, chunks, top, deliver, progress)
    else:
        for c in progress(steps) if progress else steps:
            deliver(chunks[c], ranked(matcher, groups, chunks[c], top))
    return {ident: found[ident] for ident in order}


def _grouped(matcher: Matcher, items: Iterable[Item], order: list[int]) -> list[Group]:
    groups: dict[Hashable, Group] = defaultdict(lambda: ([], []))
    seen: set[int] = set()
    for item in items:
        if item.id not in seen:
            seen.add(item.id)
            order.append(item.id)
        features = matcher.features_of(item)
        members, found = groups[matcher.signature(item, features)]
        members.append(item)
        found.append(features)
    return list(groups.values())


def _chunks(groups: list[Group]) -> list[Chunk]:
    """Groups of one kind in chunks of about ``FINISH_AT`` listings, largest
    groups first; the last chunks are smaller (``LAST_CHUNKS``)."""
    left = sum(len(members) for members, _f in groups)
    chunks: list[Chunk] = []
    pending: dict[str, tuple[Chunk, int]] = {kind: ([], 0) for kind in OTHER}
    for g in sorted(range(len(groups)), key=lambda g: -len(groups[g][0])):
        kind = groups[g][0][0].kind
        chunk, size = pending[kind]
        chunk.append(g)
        size += len(groups[g][0])
        left -= len(groups[g][0])
        if size >= min(FINISH_AT, max(64, left // LAST_CHUNKS)):
            chunks.append(chunk)
            chunk, size = [], 0
        pending[kind] = (chunk, size)
    chunks += [chunk for chunk, _size in pending.values() if chunk]
    return chunks


def _workers(groups: list[Group], workers: int | None) -> int:
    """How many processes rank the groups (None: two when that pays)."""
    if workers is None:
        listings = sum(len(members) for members, _f in groups)
        forking = "fork" in multiprocessing.get_all_start_methods()
        many = listings >= PARALLEL_FROM and (os.cpu_count() or 1) >= 2
        workers = 2 if forking and many else 1
    return 2 if workers >= 2 and len(groups) > 1 else 1


def ranked(
    matcher: Matcher,
    groups: list[Group],
    chunk: Chunk,
    top: int,
    *,
    threads: bool = True,
) -> Ranked:
    """Shortlists of the groups of one chunk, ranked together."""
    features = [f for g in chunk for f in groups[g][1]]
    side = matcher.sides[OTHER[groups[chunk[0]][0][0].kind]]
    best = Best.joined([matcher.shortlists(*groups[g], top) for g in chunk])
    return rank(matcher, features, side, best, top, threads=threads)


def _claim(counter: Synchronized[int], total: int) -> Iterator[int]:
    """The chunks this process takes, one at a time, from the shared counter."""
    while True:
        with counter.get_lock():
            c = counter.value
            if c >= total:
                return
            counter.value = c + 1
        yield c


def _in_two(
    matcher: Matcher,
    groups: list[Group],
    chunks: list[Chunk],
    top: int,
    deliver: Callable[[Chunk, Ranked], None],
    progress: Progress | None,
) -> None:
    """Chunks taken in turn here and in a forked process."""
    context = multiprocessing.get_context("fork")
    counter = context.Value("q", 0)
    receive, send = context.Pipe(duplex=False)
    worker = context.Process(
        target=_worker,
        args=(matcher, groups, chunks, top, counter, send),
        daemon=True,
    )
    worker.start()
    send.close()
    # a thread reads the pipe, so the worker never waits for this process
    arrived: queue.Queue[tuple[int, Ranked] | None] = queue.Queue()
    reader = threading.Thread(target=_read, args=(receive, arrived), daemon=True)
    reader.start()
    done: set[int] = set()
    finished = False

    def take_arrived(wait: bool) -> None:
        nonlocal finished
        while not finished:
            try:
                message = arrived.get(block=wait)
            except queue.Empty:
                return
            if message is None:
                finished = True
                return
            c, pairs = message
            deliver(chunks[c], pairs)
            done.add(c)

    mine = _claim(counter, len(chunks))
    steps = range(len(chunks))
    try:
        for _step in progress(steps) if progress else steps:
            c = next(mine, None)
            if c is not None:
                pairs = ranked(matcher, groups, chunks[c], top, threads=False)
                deliver(chunks[c], pairs)
                done.add(c)
            take_arrived(wait=False)
        take_arrived(wait=True)
    finally:
        if not finished:  # this process failed: the worker's work is lost
            worker.terminate()
        reader.join()
        receive.close()
        worker.join()
    for c in steps:  # the worker died: what it took and did not send
        if c not in done:
            deliver(chunks[c], ranked(matcher, groups, chunks[c], top))


def _read(receive: Connection, arrived: queue.Queue[tuple[int, Ranked] | None]) -> None:
    """Pass the worker's chunks on until it is done (None), or gone."""
    try:
        while (message := receive.recv()) is not None:
            arrived.put(message)
    except (EOFError, OSError):
        pass
    finally:
        arrived.put(None)


def _worker(
    matcher: Matcher,
    groups: list[Group],
    chunks: list[Chunk],
    top: int,
    counter: Synchronized[int],
    send: Connection,
) -> None:
    try:
        for c in _claim(counter, len(chunks)):
            send.send((c, ranked(matcher, groups, chunks[c], top, threads=False)))
        send.send(None)
    finally:
        send.close()
