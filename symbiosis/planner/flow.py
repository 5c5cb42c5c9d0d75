"""A mixed evening's best meetings at once, then shared out into rounds.

In a mixed event every meeting joins a firm and a non-profit, so the
meetings of the whole evening form a bipartite graph in which each participant
has at most R edges. The plan's value (see :mod:`solver`) is the sum of the
edges' scores plus, for each participant, a concave gain of its number of
meetings; its best value over all such graphs is a min-cost flow: source →
firm (the k-th unit costs minus the k-th meeting's gain) → non-profit (minus
the pair's score) → sink. :func:`best_edges` solves it by successive shortest
paths (Bellman–Ford on the dense residual graph, one edge more per path, the
best gain first), so it can stop at the tables' limit of ``R × T`` edges.

A bipartite graph of degree at most R splits into R matchings (König), and
the matchings can be made equal in size to one edge (de Werra): :func:`rounds`
colours the edges by alternating paths, keeps what the facilitator locked in
its round, then evens the rounds out to their free tables. An edge that cannot
be placed (a lock in the way) is left out; the solver's local search fills in.
"""

from __future__ import annotations

import time
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray

from symbiosis.planner.matching import EPS, Matrix, Pairs

INF = np.inf
LOCK = -2  # a seat taken by a locked meeting in ``at``
FREE = -1

Ints = NDArray[np.intp]


def best_edges(
    w: Matrix,
    ok: NDArray[np.bool_],
    gain_r: Matrix,
    gain_c: Matrix,
    limit: int,
    deadline: float | None = None,
) -> NDArray[np.bool_] | None:
    """The best set of at most ``limit`` edges, firms (rows) × non-profits.

    ``gain_r[i, k]`` is what firm i's next meeting adds when it has k (non-
    increasing in k; ``-inf`` where it may have no more), ``gain_c`` likewise
    for the columns. None when the deadline passes first.
    """
    p, q = w.shape
    used = np.zeros((p, q), dtype=bool)
    if not p or not q:
        return used
    cost = np.where(ok, -w, INF)
    deg_r, deg_c = np.zeros(p, dtype=np.intp), np.zeros(q, dtype=np.intp)
    rows, cols = np.arange(p), np.arange(q)
    ahead = cost.copy()  # the arcs still free to take: cost where unused
    last_r, last_c = gain_r.shape[1] - 1, gain_c.shape[1] - 1
    for _ in range(limit):
        if deadline is not None and time.perf_counter() > deadline:
            return None
        dr = -gain_r[rows, np.minimum(deg_r, last_r)]
        dr[deg_r > last_r] = INF
        via_c = np.full(p, -1)
        dc, via_r = np.full(q, INF), np.full(q, -1)
        ui, uj = np.nonzero(used)
        moved = np.nonzero(dr < INF)[0]
        while len(moved):  # only strict gains move a pointer: no cycle of them
            reach = dr[moved, None] + ahead[moved]
            near = reach.argmin(axis=0)
            value = reach[near, cols]
            closer = value < dc - EPS
            if not closer.any():
                break
            dc[closer], via_r[closer] = value[closer], moved[near[closer]]
            hit = closer[uj]  # meetings whose non-profit came closer
            i, j = ui[hit], uj[hit]
            back = dc[j] + w[i, j]
            order = np.argsort(-back, kind="stable")  # the last write is the least
            i, j, back = i[order], j[order], back[order]
            least, via = np.full(p, INF), np.full(p, -1)
            least[i], via[i] = back, j
            shorter = least < dr - EPS
            dr[shorter], via_c[shorter] = least[shorter], via[shorter]
            moved = np.nonzero(shorter)[0]
        sink = dc - gain_c[cols, np.minimum(deg_c, last_c)]
        sink[deg_c > last_c] = INF
        j = int(sink.argmin())
        if not sink[j] < -EPS:
            break
        deg_c[j] += 1
        for _step in range(p + q):
            i = int(via_r[j])
            used[i, j] = True
            ahead[i, j] = INF
            if via_c[i] < 0:
                deg_r[i] += 1
                break
            j = int(via_c[i])
            used[i, j] = False
            ahead[i, j] = cost[i, j]
        else:  # pragma: no cover - pointers cannot cycle (strict gains only)
            raise RuntimeError("flow: the path does not reach the source")
    return used


def rounds(
    edges: list[tuple[int, int]],
    busy: NDArray[np.bool_],
    tables: list[int],
    scores: Matrix,
) -> list[Pairs]:
    """Share ``edges`` (firm, non-profit) out into rounds of a proper matching.

    ``busy[r, x]``: x sits at a locked meeting in round r; ``tables[r]``: the
    free tables of round r. Edges that do not fit are left out.
    """
    count, n = busy.shape
    at = np.full((n, count), FREE, dtype=np.intp)
    at[busy.T] = LOCK
    for u, v in sorted(edges, key=lambda e: -scores[e]):
        _colour(at, u, v)
    pairs = [_matched(at, r) for r in range(count)]
    _even_out(at, pairs, tables, scores)
    return pairs


def _colour(at: Ints, u: int, v: int) -> None:
    """Give edge (u, v) a round free at both ends, shifting a chain if needed."""
    free_u = np.nonzero(at[u] == FREE)[0].tolist()
    free_v = np.nonzero(at[v] == FREE)[0].tolist()
    both = sorted(set(free_u) & set(free_v))
    if both:
        r = both[int(np.argmin([(at[:, c] >= 0).sum() for c in both]))]
        at[u, r], at[v, r] = v, u
        return
    for a in free_u:  # taken at v
        for b in free_v:  # taken at u
            chain = _chain(at, v, a, b)
            if chain is not None:
                _flip(at, chain, a, b)
                at[u, a], at[v, a] = v, u
                return


def _chain(at: Ints, start: int, a: int, b: int) -> list[int] | None:
    """Nodes of the path from ``start`` along rounds a, b, a, …; None if locked."""
    path, colour, node = [start], a, start
    while at[node, colour] != FREE:
        nxt = int(at[node, colour])
        if nxt == LOCK:
            return None
        path.append(nxt)
        node, colour = nxt, (b if colour == a else a)
    if at[node, colour] == LOCK:
        return None
    return path


def _flip(at: Ints, path: list[int], a: int, b: int) -> None:
    """Exchange rounds a and b along ``path`` (which starts with an a-edge)."""
    links = list(pairwise(path))
    colours = [a if k % 2 == 0 else b for k in range(len(links))]
    for (x, y), c in zip(links, colours, strict=True):
        at[x, c] = at[y, c] = FREE
    for (x, y), c in zip(links, colours, strict=True):
        other = b if c == a else a
        at[x, other], at[y, other] = y, x


def _even_out(at: Ints, pairs: list[Pairs], tables: list[int], scores: Matrix) -> None:
    """Move meetings from rounds over their tables to rounds under theirs."""
    count = len(pairs)
    for _ in range(sum(len(p) for p in pairs) + count):
        over = [r for r in range(count) if len(pairs[r]) > tables[r]]
        if not over:
            return
        big = max(over, key=lambda r: len(pairs[r]) - tables[r])
        moved = False
        for small in sorted(range(count), key=lambda r: len(pairs[r]) - tables[r]):
            if len(pairs[small]) >= tables[small]:
                break
            if _shift(at, pairs, big, small):
                moved = True
                break
        if not moved:  # no path can move one: the weakest meeting waits
            worst = min(pairs[big], key=lambda e: scores[e])
            pairs[big].remove(worst)
            at[worst[0], big] = at[worst[1], big] = FREE


def _shift(at: Ints, pairs: list[Pairs], big: int, small: int) -> bool:
    """Flip a big/small path with one more big edge: big loses one, small gains."""
    for u, _ in list(pairs[big]):
        for end in (u, int(at[u, big])):
            if at[end, small] != FREE:
                continue
            path = _chain(at, end, big, small)
            if path is None or len(path) % 2 != 0:  # odd edge count: even nodes
                continue
            _flip(at, path, big, small)
            for r in (big, small):
                pairs[r] = _matched(at, r)
            return True
    return False


def _matched(at: Ints, r: int) -> Pairs:
    """Round r's meetings as (lower index, higher index)."""
    mate = at[:, r]
    low = np.nonzero(mate > np.arange(len(mate)))[0]
    return [(int(x), int(mate[x])) for x in low]
