"""Meeting planner quality and speed on synthetic matchmaking evenings.

Run: ``python -m tests.bench.planner [--sizes 60,200,1000] [--rounds 6,8,10]
[--pairs mixed,any] [--tables 0.5,0.3] [--repeat 3]``. For each size N it
generates N participants (``tests.bench.event_synthetic``: firms and
non-profits, offers and seeks in French, German and English, SDGs and themes)
and plans R rounds at T tables, T = N × each share of ``--tables``: 0.5 seats
everyone (the tables never bind), 0.3 is a real evening's room (60 people at 18
tables, so about 40 % wait each round). Each evening is planned twice, in the
same run: with the planner (``symbiosis.planner.solver.plan``) and with the
greedy baseline (round by round, the best allowed pair of two free
participants first). Each prints the total score of its plan, the share of
participants with at least R − 1 meetings, the fewest meetings anyone got, and
its time (scoring included, median of the repeats).

``ceiling`` is the best total any plan can reach: for mixed events of up to
``--exact-max`` participants the exact optimum (``optimum``, marked ``=``),
else an upper bound (``bound``, marked ``≤``), see
``tests.bench.planner_optimum``. The ratios say how far the planner is above
greedy and how far any plan could be. The planner also shares the waiting out
fairly (everyone gets its fair share of meetings, rounded up or down), which
greedy does not: where the tables bind, fairness costs score. ``floor`` (mixed
events, up to ``--exact-max``) is the best total of a plan that owes everyone
only its fair share rounded down, then seats whoever scores most.

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

from symbiosis.matching.lexicon import Lexicon
from symbiosis.planner.model import Event, Plan
from symbiosis.planner.rules import validate
from symbiosis.planner.scoring import Scorer
from symbiosis.planner.solver import greedy, plan
from tests.bench.event_synthetic import participants
from tests.bench.planner_optimum import bound, fair_optimum, optimum

REFERENCE = Path(__file__).resolve().parents[2] / "seeds" / "reference"
SEED = 1
TARGET = 1.10


def load() -> str:
    try:
        return ", ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "n/a"


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


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="60,200,1000")
    parser.add_argument("--rounds", default="6,8,10")
    parser.add_argument("--pairs", default="mixed,any")
    parser.add_argument(
        "--tables", default="0.5,0.3", help="tables as shares of the participants"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget", type=float, default=3.0, help="planner seconds")
    parser.add_argument(
        "--exact-max", type=int, default=200, help="largest N given its optimum"
    )
    return parser.parse_args()


def main() -> None:
    args = arguments()
    lexicon = Lexicon.load(REFERENCE)
    print(f"load average at start: {load()} ({os.cpu_count()} cores)")
    header = (
        f"{'N':>5} {'R':>3} {'T':>4} {'pairs':>5} {'firms':>5} | "
        f"{'greedy':>8} {'≥R-1':>5} {'min':>3} {'time':>6} | "
        f"{'planner':>8} {'≥R-1':>5} {'min':>3} {'time':>6} | "
        f"{'ceiling':>9} {'floor':>8} | {'plan/gr':>7} {'ceil/gr':>7} "
        f"{'floor/gr':>8} {'plan/ceil':>9}"
    )
    print(header)
    print("-" * len(header))
    rows = []
    for pairs in args.pairs.split(","):
        for n in (int(s) for s in args.sizes.split(",")):
            people = participants(n, SEED)
            firms = sum(p.kind == "company" for p in people)
            for share in (float(s) for s in args.tables.split(",")):
                tables = max(1, round(n * share))
                for rounds in (int(s) for s in args.rounds.split(",")):
                    rows.append(
                        row(Event(rounds, tables, people, pairs), firms, lexicon, args)
                    )
    print(f"load average at end: {load()}")
    summary(rows)


def row(
    event: Event, firms: int, lexicon: Lexicon, args: argparse.Namespace
) -> tuple[Event, float, float, float, bool]:
    """Plan one evening both ways, print its line; (event, time, ratios, exact)."""

    def base() -> Plan:
        return greedy(event, Scorer(event.participants, lexicon).matrix())

    def ours() -> Plan:
        scores = Scorer(event.participants, lexicon).matrix()
        return plan(event, scores, budget=args.budget)

    g_plan, g_time = timed(base, args.repeat)
    p_plan, p_time = timed(ours, args.repeat)
    for result in (g_plan, p_plan):
        problems = validate(event, result)
        assert not problems, problems[:3]
    scores = Scorer(event.participants, lexicon).matrix()
    n = len(event.participants)
    exact = event.pairs == "mixed" and n <= args.exact_max
    ceiling = optimum(event, scores) if exact else bound(event, scores)
    floor = fair_optimum(event, scores) if exact else None
    g, p = figures(event, g_plan), figures(event, p_plan)
    floors = (f"{floor:>8.0f}", f"{floor / g[0]:>8.3f}") if floor else (" " * 8,) * 2
    print(
        f"{n:>5} {event.rounds:>3} {event.tables:>4} {event.pairs:>5} {firms:>5} | "
        f"{g[0]:>8.0f} {g[1]:>5.0%} {g[2]:>3} {g_time:>5.2f}s | "
        f"{p[0]:>8.0f} {p[1]:>5.0%} {p[2]:>3} {p_time:>5.2f}s | "
        f"{'=' if exact else '≤'}{ceiling:>8.0f} {floors[0]} | {p[0] / g[0]:>7.3f} "
        f"{ceiling / g[0]:>7.3f} {floors[1]} {p[0] / ceiling:>9.1%}",
        flush=True,
    )
    return event, p_time, p[0] / g[0], ceiling / g[0], exact


def summary(rows: list[tuple[Event, float, float, float, bool]]) -> None:
    """The issue's targets, and where +10 % over greedy is reached or possible."""
    for event, seconds, ratio, ceiling, exact in rows:
        n = len(event.participants)
        if (n, event.rounds, event.pairs) == (200, 8, "mixed"):
            print(
                f"target 200 × 8 (mixed, {event.tables} tables): {seconds:.2f} s "
                f"(< 5 s: {'yes' if seconds < 5 else 'no'}); planner / greedy = "
                f"{ratio:.3f} (≥ {TARGET:.2f}: {'yes' if ratio >= TARGET else 'no'});"
                f" no plan can exceed {ceiling:.3f} × greedy "
                f"({'the optimum' if exact else 'a bound'})"
            )
    reached = [r for r in rows if r[2] >= TARGET]
    possible = [r for r in rows if r[3] >= TARGET]
    best = max(rows, key=lambda r: r[2])
    print(
        f"planner ≥ {TARGET:.2f} × greedy in {len(reached)} of {len(rows)} evenings;"
        f" best {best[2]:.3f} (N={len(best[0].participants)}, R={best[0].rounds}, "
        f"T={best[0].tables}, {best[0].pairs})"
    )
    exact_rows = [r for r in rows if r[4]]
    if exact_rows:
        top = max(exact_rows, key=lambda r: r[3])
        print(
            f"exact optimum ≥ {TARGET:.2f} × greedy in "
            f"{sum(r[3] >= TARGET for r in exact_rows)} of {len(exact_rows)} "
            f"evenings where it is known; highest {top[3]:.3f} "
            f"(N={len(top[0].participants)}, R={top[0].rounds}, T={top[0].tables})"
        )
    print(f"ceiling ≥ {TARGET:.2f} × greedy (optimum or bound): {len(possible)} rows")


if __name__ == "__main__":
    main()
