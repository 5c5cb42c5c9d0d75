"""Meeting planner quality and speed on synthetic matchmaking evenings.

Run: ``python -m tests.bench.planner [--sizes 60,200,1000] [--rounds 6,8,10]
[--pairs mixed,any] [--repeat 3]``. For each size N it generates N participants
(``tests.bench.event_synthetic``: firms and non-profits, offers and seeks in
French, German and English, SDGs and themes), seats them at N/2 tables and
plans R rounds twice: with the planner (``symbiosis.planner.solver.plan``)
and with the greedy baseline (round by round, the best allowed pair of two
free participants first). Each prints the total score of its plan, the share
of participants with at least R − 1 meetings, the fewest meetings anyone got,
and its time (scoring included, median of the repeats). ``bound`` is an upper
bound of any plan's total: no participant meets more than R distinct partners,
so the total is at most the sum of each one's R best scores (over one side in a
mixed event, halved in an open one); ``%bound`` says how close each plan gets.
For mixed events of up to ``--exact-max`` participants, ``optimum`` is the best
total any plan can reach: the maximum-weight bipartite b-matching (every firm
and non-profit at most R distinct partners), solved exactly by successive
shortest paths; with N/2 tables the tables never bind, and a bipartite graph of
degree R splits into R rounds (König), so a plan reaching it exists.

Targets of the issue: 200 participants × 8 rounds in under 5 s, with a total
score at least 10 % above greedy. The material lexicon is read from
``seeds/reference``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from symbiosis.matching.lexicon import Lexicon
from symbiosis.planner.model import Event, Plan
from symbiosis.planner.rules import validate
from symbiosis.planner.scoring import Scorer
from symbiosis.planner.solver import Board, greedy, plan
from tests.bench.event_synthetic import participants

REFERENCE = Path(__file__).resolve().parents[2] / "seeds" / "reference"
SEED = 1


def load() -> str:
    try:
        return ", ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "n/a"


def bound(event: Event, scores: np.ndarray) -> float:
    """Sum of each participant's R best allowed scores (one side, or halved)."""
    board = Board(event, scores)
    allowed = np.where(board.allowed, scores, 0.0)
    best = np.sort(allowed, axis=1)[:, -event.rounds :].sum(axis=1)
    if event.pairs == "mixed":
        return float(min(best[board.company].sum(), best[~board.company].sum()))
    return float(best.sum() / 2)


def optimum(event: Event, scores: np.ndarray) -> float:
    """Best total of a mixed event: max-weight b-matching, firms × non-profits."""
    board = Board(event, scores)
    company = board.company
    weights = scores[np.ix_(company, ~company)]
    allowed = board.allowed[np.ix_(company, ~company)]
    return best_b_matching(weights, allowed, event.rounds)


def best_b_matching(weights: np.ndarray, allowed: np.ndarray, degree: int) -> float:
    """Max total weight with at most ``degree`` edges a node (rows × columns).

    Successive shortest paths (Dijkstra on reduced costs, dense) from a source
    through rows and columns to a sink, stopping when no path gains.
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
    while True:
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


def figures(event: Event, result: Plan) -> tuple[float, float, int]:
    """Total score, share with at least R − 1 meetings, fewest meetings."""
    counts = result.counts()
    got = [counts.get(p.id, 0) for p in event.participants]
    share = sum(c >= event.rounds - 1 for c in got) / len(got)
    return result.total(), share, min(got)


def timed(run: Callable[[], Plan], repeat: int) -> tuple[Plan, float]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    assert result is not None
    return result, statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="60,200,1000")
    parser.add_argument("--rounds", default="6,8,10")
    parser.add_argument("--pairs", default="mixed,any")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget", type=float, default=3.0, help="planner seconds")
    parser.add_argument(
        "--exact-max", type=int, default=200, help="largest N given its optimum"
    )
    args = parser.parse_args()
    lexicon = Lexicon.load(REFERENCE)
    print(f"load average at start: {load()} ({os.cpu_count()} cores)")
    header = (
        f"{'N':>5} {'R':>3} {'T':>4} {'pairs':>5} {'firms':>5} | "
        f"{'greedy':>8} {'≥R-1':>5} {'min':>3} {'%bound':>6} {'time':>6} | "
        f"{'planner':>8} {'≥R-1':>5} {'min':>3} {'%bound':>6} {'time':>6} | "
        f"{'ratio':>6} {'bound':>8} {'optimum':>8}"
    )
    print(header)
    print("-" * len(header))
    rows = []
    for pairs in args.pairs.split(","):
        for n in (int(s) for s in args.sizes.split(",")):
            people = participants(n, SEED)
            firms = sum(p.kind == "company" for p in people)
            for rounds in (int(s) for s in args.rounds.split(",")):
                event = Event(rounds, n // 2, people, pairs)

                def base(event: Event = event) -> Plan:
                    return greedy(event, Scorer(event.participants, lexicon).matrix())

                def ours(event: Event = event) -> Plan:
                    scores = Scorer(event.participants, lexicon).matrix()
                    return plan(event, scores, budget=args.budget)

                g_plan, g_time = timed(base, args.repeat)
                p_plan, p_time = timed(ours, args.repeat)
                for result in (g_plan, p_plan):
                    problems = validate(event, result)
                    assert not problems, problems[:3]
                scores = Scorer(people, lexicon).matrix()
                top = bound(event, scores)
                best = (
                    optimum(event, scores)
                    if pairs == "mixed" and n <= args.exact_max
                    else None
                )
                g, p = figures(event, g_plan), figures(event, p_plan)
                ratio = p[0] / g[0]
                ceiling = (best or top) / g[0]
                shown = f"{best:.0f}" if best else "-"
                rows.append((n, rounds, pairs, p_time, ratio, ceiling, best))
                print(
                    f"{n:>5} {rounds:>3} {n // 2:>4} {pairs:>5} {firms:>5} | "
                    f"{g[0]:>8.0f} {g[1]:>5.0%} {g[2]:>3} {g[0] / top:>6.1%} "
                    f"{g_time:>5.2f}s | "
                    f"{p[0]:>8.0f} {p[1]:>5.0%} {p[2]:>3} {p[0] / top:>6.1%} "
                    f"{p_time:>5.2f}s | {ratio:>6.3f} {top:>8.0f} {shown:>8}",
                    flush=True,
                )
    print(f"load average at end: {load()}")
    for n, rounds, pairs, seconds, ratio, ceiling, best in rows:
        if (n, rounds, pairs) == (200, 8, "mixed"):
            print(
                f"target 200 × 8 (mixed): {seconds:.2f} s (< 5 s: "
                f"{'yes' if seconds < 5 else 'no'}); planner / greedy = {ratio:.3f} "
                f"(≥ 1.10: {'yes' if ratio >= 1.10 else 'no'}; no plan can exceed "
                f"{ceiling:.3f} × greedy, the {'optimum' if best else 'bound'})"
            )


if __name__ == "__main__":
    main()
