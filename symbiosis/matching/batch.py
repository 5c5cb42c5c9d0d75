"""The batch: the top matches of many listings, grouped, on every core.

Listings that name the same materials and codes form a group: its
candidates are gathered once and scored for all of its listings as one
block (see ``Matcher.shortlists``). Text and final ranks are computed for
many groups at once. From ``PARALLEL_FROM`` listings on, a second process
(forked: it shares the index, nothing is copied) takes half of the groups
and sends back plain arrays; this process makes the Match objects.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from symbiosis.matching.block import Best
from symbiosis.matching.model import OTHER, Item, Match
from symbiosis.matching.shortlist import Features, Ranked, matches, rank

if TYPE_CHECKING:
    from symbiosis.matching.engine import Matcher

PARALLEL_FROM = 20_000  # listings from which a second process pays for its start
FINISH_AT = 2048  # listings whose shortlists get their text scores together
Group = tuple[list[Item], list[Features]]
Done = tuple[list[int], Ranked]  # groups (by index) and their ranked pairs
Progress = Callable[[Iterable[Any]], Iterable[Any]]


def match_many(
    matcher: Matcher,
    items: Iterable[Item],
    top: int,
    progress: Progress | None = None,
    workers: int | None = None,
) -> dict[int, list[Match]]:
    """Top ``top`` matches of each listing; ``workers``: processes (None: auto)."""
    groups = _grouped(matcher, items)
    shares = _split(groups, workers)
    if len(shares) == 2:
        done = _in_two(matcher, groups, shares, top, progress)
    else:
        done = ranked(matcher, groups, shares[0], top, progress)
    results: dict[int, list[Match]] = {}
    for indices, pairs in done:
        members = [item for g in indices for item in groups[g][0]]
        features = [f for g in indices for f in groups[g][1]]
        side = matcher.sides[OTHER[members[0].kind]]
        for item, found in zip(
            members, matches(matcher, members, features, side, pairs), strict=True
        ):
            results[item.id] = found
    return results


def _grouped(matcher: Matcher, items: Iterable[Item]) -> list[Group]:
    groups: dict[Hashable, Group] = defaultdict(lambda: ([], []))
    for item in items:
        features = matcher.features_of(item)
        members, found = groups[matcher.signature(item, features)]
        members.append(item)
        found.append(features)
    return list(groups.values())


def _split(groups: list[Group], workers: int | None) -> list[list[int]]:
    """The groups of each process, about as many listings in each."""
    if workers is None:
        listings = sum(len(members) for members, _f in groups)
        forking = "fork" in multiprocessing.get_all_start_methods()
        many = listings >= PARALLEL_FROM and (os.cpu_count() or 1) >= 2
        workers = 2 if forking and many else 1
    if workers < 2:
        return [list(range(len(groups)))]
    shares: list[list[int]] = [[], []]
    # this process also makes every Match object: about a tenth of the work
    load = [sum(len(members) for members, _f in groups) // 10, 0]
    for g in sorted(range(len(groups)), key=lambda g: -len(groups[g][0])):
        lighter = 0 if load[0] <= load[1] else 1
        shares[lighter].append(g)
        load[lighter] += len(groups[g][0]) + 4  # a group costs a little by itself
    return [sorted(share) for share in shares]


def ranked(
    matcher: Matcher,
    groups: list[Group],
    indices: Sequence[int],
    top: int,
    progress: Progress | None = None,
    *,
    threads: bool = True,
) -> list[Done]:
    """Shortlists of the groups ``indices``, ranked many groups at a time."""
    done: list[Done] = []
    pending: dict[str, tuple[list[int], list[Best]]] = {
        kind: ([], []) for kind in OTHER
    }
    waiting = dict.fromkeys(OTHER, 0)

    def flush(kind: str) -> None:
        chosen, bests = pending[kind]
        if chosen:
            features = [f for g in chosen for f in groups[g][1]]
            side = matcher.sides[OTHER[kind]]
            best = Best.joined(bests)
            done.append(
                (chosen, rank(matcher, features, side, best, top, threads=threads))
            )
        pending[kind], waiting[kind] = ([], []), 0

    for g in progress(indices) if progress else indices:
        members, features = groups[g]
        kind = members[0].kind
        pending[kind][0].append(g)
        pending[kind][1].append(matcher.shortlists(members, features, top))
        waiting[kind] += len(members)
        if waiting[kind] >= FINISH_AT:
            flush(kind)
    for kind in OTHER:
        flush(kind)
    return done


def _in_two(
    matcher: Matcher,
    groups: list[Group],
    shares: list[list[int]],
    top: int,
    progress: Progress | None,
) -> list[Done]:
    """Half of the groups here, half in a forked process."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    worker = context.Process(
        target=_worker, args=(matcher, groups, shares[1], top, send), daemon=True
    )
    worker.start()
    send.close()
    mine = ranked(matcher, groups, shares[0], top, progress, threads=False)
    try:
        theirs: list[Done] = receive.recv()
    except EOFError:  # the worker died: its share is done here
        theirs = ranked(matcher, groups, shares[1], top, threads=False)
    finally:
        receive.close()
        worker.join()
    return mine + theirs


def _worker(
    matcher: Matcher, groups: list[Group], share: list[int], top: int, send: Connection
) -> None:
    try:
        send.send(ranked(matcher, groups, share, top, threads=False))
    finally:
        send.close()
