"""The load benchmark's figures (part of :mod:`tests.bench.load`).

Locust hands back, per request kind, a histogram of response times in ms
(rounded as locust rounds them: to 10 ms from 100 ms up, to 100 ms from
1 s up); percentiles come from the merged histograms, so "the mix without
the dashboard" is exact too.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

DASHBOARD = "monitoring dashboard (zone manager)"
TARGET_RPS = 200.0
TARGET_P99_MS = 300.0
URL = re.compile(r"URL https?://\S+")


@dataclass
class Figures:
    count: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float
    worst: float

    def meets(self) -> bool:
        return (
            self.rps >= TARGET_RPS and self.p99 <= TARGET_P99_MS and not self.failures
        )


def percentile(times: Counter[float], share: float) -> float:
    """The smallest time at or under which ``share`` of the requests finished."""
    total = sum(times.values())
    if not total:
        return math.nan
    wanted, seen = math.ceil(share * total), 0
    for ms in sorted(times):
        seen += times[ms]
        if seen >= wanted:
            return ms
    return max(times)


def figures(kinds: list[dict[str, Any]], seconds: float) -> Figures:
    times: Counter[float] = Counter()
    for kind in kinds:
        times.update({float(ms): n for ms, n in kind["times"].items()})
    count = sum(k["count"] for k in kinds)
    return Figures(
        count=count,
        failures=sum(k["failures"] for k in kinds),
        rps=count / seconds,
        p50=percentile(times, 0.50),
        p95=percentile(times, 0.95),
        p99=percentile(times, 0.99),
        worst=max(times) if times else math.nan,
    )


def grouped(errors: list[dict[str, Any]]) -> Counter[tuple[str, str]]:
    """Errors by kind and reason, whatever the URL (locust keeps each URL apart)."""
    found: Counter[tuple[str, str]] = Counter()
    for error in errors:
        reason = URL.sub("", error["error"])[:300]
        found[(error["name"], reason)] += error["count"]
    return found


def _row(label: str, f: Figures) -> str:
    return (
        f"{label:<40} {f.count:>7} {f.rps:>7.1f} {f.p50:>7.0f} {f.p95:>7.0f} "
        f"{f.p99:>7.0f} {f.worst:>7.0f} {f.failures:>6}"
    )


def report(result: dict[str, Any], server_log: str, header: list[str]) -> bool:
    """Print the table; True when the mix meets the targets with no error."""
    seconds = float(result["seconds"])
    kinds = result["kinds"]
    everything = figures(list(kinds.values()), seconds)
    mix = figures([k for n, k in kinds.items() if n != DASHBOARD], seconds)
    locked = server_log.count("database is locked")
    server_errors = server_log.count("Traceback (most recent call last)")
    for line in header:
        print(line)
    print(
        f"measured over {seconds:.0f} s; times in ms (locust rounds them to 10 ms "
        "from 100 ms up)"
    )
    print()
    print(
        f"{'request kind':<40} {'count':>7} {'req/s':>7} {'p50':>7} {'p95':>7} "
        f"{'p99':>7} {'max':>7} {'errors':>6}"
    )
    for name in sorted(kinds):
        print(_row(name, figures([kinds[name]], seconds)))
    print("-" * 90)
    print(_row("mix without the dashboard", mix))
    print(_row("everything", everything))
    print()
    for (name, error), count in sorted(grouped(result["errors"]).items()):
        print(f"error x{count}: {name}: {error}")
    print(f"'database is locked' in the server log: {locked}")
    print(f"tracebacks in the server log: {server_errors}")
    ok = mix.meets() and not everything.failures and not locked
    print(
        f"targets (>= {TARGET_RPS:.0f} req/s, p99 <= {TARGET_P99_MS:.0f} ms, zero "
        f"errors, zero 'database is locked'): {'MET' if ok else 'MISSED'}"
    )
    return ok
