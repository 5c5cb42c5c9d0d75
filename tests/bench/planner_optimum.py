"""Upper limits of a plan's total score, computed apart from the planner.

``bound``: no participant meets more than R distinct partners and the evening
holds at most R × T meetings, so the total is at most both the sum of each
one's R best scores (over one side in a mixed event, halved in an open one)
and the sum of the R × T best pair scores.

``optimum``: the best total any plan of a mixed event can reach, the
maximum-weight bipartite b-matching (every firm and non-profit at most R
distinct partners, at most R × T meetings in all), solved exactly by successive
shortest paths (Dijkstra on reduced costs, dense). A bipartite graph of degree
at most R splits into R matchings of sizes that differ by at most one (König,
de Werra), so a plan reaching it exists. It is written apart from
``symbiosis.planner.flow`` (which maximises the planner's own objective, score
plus fairness) so that each checks the other.
"""

from __future__ import annotations

import numpy as np

from symbiosis.planner import flow
from symbiosis.planner.model import Event
from symbiosis.planner.solver import Board


def bound(event: Event, scores: np.ndarray) -> float:
    """Each one's R best allowed scores (one side, or halved); R × T best pairs."""
    board = Board(event, scores)
    allowed = np.where(board.allowed, scores, 0.0)
    best = np.sort(allowed, axis=1)[:, -event.rounds :].sum(axis=1)
    if event.pairs == "mixed":
        each = float(min(best[board.company].sum(), best[~board.company].sum()))
    else:
        each = float(best.sum() / 2)
    pairs = np.sort(np.triu(allowed, 1).ravel())[::-1][: event.rounds * event.tables]
    return min(each, float(pairs.sum()))


def optimum(event: Event, scores: np.ndarray) -> float:
    """Best total of a mixed event: max-weight b-matching, firms × non-profits."""
    board = Board(event, scores)
    company = board.company
    weights = scores[np.ix_(company, ~company)]
    allowed = board.allowed[np.ix_(company, ~company)]
    return best_b_matching(weights, allowed, event.rounds, event.rounds * event.tables)


def best_b_matching(
    weights: np.ndarray, allowed: np.ndarray, degree: int, limit: int | None = None
) -> float:
    """Max total weight with at most ``degree`` edges a node (rows × columns).

    Successive shortest paths (Dijkstra on reduced costs, dense) from a source
    through rows and columns to a sink, stopping when no path gains or after
    ``limit`` edges (each path adds one edge, the best gain first, so the
    total is the best of at most ``limit`` edges).
    """
    p, q = weights.shape
    inf = np.inf
    cost = np.where(allowed, -weights, inf)
    used = np.zeros((p, q), dtype=bool)
    deg_r, deg_c = np.zeros(p, int), np.zeros(q, int)
    pot_r = np.zeros(p)
    cheapest = cost.min(axis=0) if p else np.zeros(q)
    pot_c = np.where(np.isfinite(cheapest), cheapest, 0.0)
    pot_t = float(pot_c.min()) if q else 0.0
    total = 0.0
    edges = 0
    while limit is None or edges < limit:
        edges += 1
        dr = np.where(deg_r < degree, -pot_r, inf)
        dc, dt = np.full(q, inf), inf
        via_r, via_c, last = np.full(q, -1), np.full(p, -1), -1
        done_r, done_c = np.zeros(p, bool), np.zeros(q, bool)
        while True:
            mr, mc = np.where(done_r, inf, dr), np.where(done_c, inf, dc)
            i = int(np.argmin(mr)) if p else -1
            j = int(np.argmin(mc)) if q else -1
            vr, vc = (mr[i] if p else inf), (mc[j] if q else inf)
            if min(vr, vc) >= dt:
                break
            if vr <= vc:
                done_r[i] = True
                reach = np.where(
                    ~used[i] & ~done_c, vr + cost[i] + pot_r[i] - pot_c, inf
                )
                better = reach < dc
                dc[better], via_r[better] = reach[better], i
            else:
                done_c[j] = True
                if deg_c[j] < degree and vc + pot_c[j] - pot_t < dt:
                    dt, last = vc + pot_c[j] - pot_t, j
                back = -cost[:, j] + pot_c[j] - pot_r
                reach = np.where(used[:, j] & ~done_r, vc + back, inf)
                better = reach < dr
                dr[better], via_c[better] = reach[better], j
        if dt == inf or dt + pot_t >= -1e-9:
            return total
        pot_r += np.minimum(dr, dt)
        pot_c += np.minimum(dc, dt)
        pot_t += dt
        j = last
        deg_c[j] += 1
        while True:
            i = via_r[j]
            used[i, j] = True
            total += weights[i, j]
            if via_c[i] < 0:
                deg_r[i] += 1
                break
            used[i, via_c[i]] = False
            total -= weights[i, via_c[i]]
            j = via_c[i]
    return total


def fair_optimum(event: Event, scores: np.ndarray) -> float:
    """Best total of a mixed event giving everyone the floor of its fair share.

    The planner's fair share (``Board.target``) rounded down is owed first (a
    gain far above any score for each meeting under it), then meetings go
    wherever they score most; solved exactly by ``symbiosis.planner.flow``.
    """
    board = Board(event, scores)
    firms = np.nonzero(board.company)[0]
    others = np.nonzero(~board.company)[0]
    owed = np.floor(board.target + 1e-9)[:, None]
    gains = np.where(np.arange(event.rounds)[None, :] < owed, 1e4, 0.0)
    used = flow.best_edges(
        scores[np.ix_(firms, others)],
        board.allowed[np.ix_(firms, others)],
        gains[firms],
        gains[others],
        event.rounds * event.tables,
    )
    assert used is not None
    return float((scores[np.ix_(firms, others)] * used).sum())
