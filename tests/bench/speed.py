"""Matcher speed on synthetic listings: index build, batch, incremental, memory.

Run: ``python -m tests.bench.speed [--sizes 10000,100000,1000000] [--quick]``.
For each size N it generates N active listings (``tests.bench.synthetic``),
times the index build (``Matcher.add`` of all of them), the batch (top 5 of
every listing as the app's batch runs it: one ``Matcher.match_many`` call,
which scores groups of listings as blocks, in two processes from 20,000
listings; above ``--batch-max`` listings a sample of them is matched against
the whole index and the time extrapolated; median of ``--batch-runs`` runs,
which must agree) and one incremental match
(``Matcher.match(item, 5)`` of new listings that are not in the index: p50,
p99, max), and reads the process peak memory. Then it compares, on one small
sample, the matcher with a naive pair-by-pair baseline (rapidfuzz
``token_set_ratio`` + geopy ``geodesic`` for every pair).

Targets of the issue: batch 100k × 100k ≤ 15 s, incremental p99 at 1M ≤ 10 ms,
peak memory at 1M ≤ 4 GB. The lexicon is read from ``seeds/reference`` at run
time; without its files the matcher runs on waste codes and rare words only.
"""

from __future__ import annotations

import argparse
import gc
import heapq
import os
import platform
import resource
import sys
import time
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

import numpy as np
from geopy.distance import geodesic
from rapidfuzz import fuzz

from symbiosis.matching.engine import Matcher
from symbiosis.matching.lexicon import Lexicon
from symbiosis.matching.model import Item
from symbiosis.matching.score import DEFAULT_MAX_KM
from tests.bench.synthetic import TODAY, generate

REFERENCE = Path(__file__).resolve().parents[2] / "seeds" / "reference"
TOP = 5
SEED, NEW_SEED, SAMPLE_SEED = 1, 2, 3
WARM_UP = 50  # untimed incremental queries before the timed ones
SAMPLE = 20_000  # listings of the batch sample beyond --batch-max


def duration(seconds: float) -> str:
    """``0.000123`` → ``"123 µs"``, ``0.0456`` → ``"45.6 ms"``, ``75.2`` → ``"75.2 s"``."""
    if seconds >= 1:
        return f"{seconds:,.1f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:#.3g}".rstrip(".") + " ms"
    return f"{seconds * 1e6:#.3g}".rstrip(".") + " µs"


def progress(message: str) -> None:
    """Where a long run is, on stderr (the table on stdout stays clean)."""
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def load() -> str:
    """The 1, 5 and 15-minute load averages, where the system gives them."""
    try:
        return ", ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "n/a"


def peak_mb() -> float:
    """Peak resident memory of this process (ru_maxrss: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def current_mb() -> float | None:
    """Resident memory now (Linux only)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def lexicon_summary(lexicon: Lexicon) -> str:
    if not (lexicon.phrases or lexicon.uses or lexicon.ewc):
        return "empty (no lexicon files yet): material keys from waste codes and rare words only"
    keys = {key for keys in lexicon.phrases.values() for key in keys}
    return (
        f"{len(lexicon.phrases):,} terms for {len(keys):,} keys, "
        f"{sum(len(v) for v in lexicon.uses.values()):,} uses, "
        f"{len(lexicon.ewc):,} waste-code prefixes"
    )


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the batch worker)."""
    mine = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


def batch(
    matcher: Matcher, items: list[Item], most: int, runs: int = 1
) -> tuple[float, float, int, float, bool]:
    """Top 5 of every listing, as the app's batch runs it (``match_many``).

    The batch runs ``runs`` times over the same index; every run must give
    the same matches.

    :returns: (median seconds, median CPU seconds of both processes, listings
        done, mean matches per listing, finished);
        beyond ``most`` listings an evenly spread sample of ``SAMPLE`` of them
        is matched against the whole index, and the caller extrapolates.
    """
    chosen = items if len(items) <= most else items[:: -(-len(items) // SAMPLE)]
    walls: list[float] = []
    cpus: list[float] = []
    first: int | None = None
    hits = 0.0
    for run in range(runs):
        gc.collect()
        start, cpu = time.perf_counter(), cpu_seconds()
        found = matcher.match_many(chosen, TOP)
        walls.append(time.perf_counter() - start)
        cpus.append(cpu_seconds() - cpu)
        progress(f"  batch run {run + 1} of {runs}: {duration(walls[-1])}")
        # Only a digest is kept: two runs' Match objects would double the peak.
        digest = hash(
            tuple(
                (key, tuple((m.pair, round(m.score, 6)) for m in matches))
                for key, matches in sorted(found.items())
            )
        )
        hits = sum(map(len, found.values())) / max(len(chosen), 1)
        del found
        if first is None:
            first = digest
        elif digest != first:
            raise RuntimeError("two batch runs over one index gave different matches")
    return (
        float(np.median(walls)),
        float(np.median(cpus)),
        len(chosen),
        hits,
        len(chosen) == len(items),
    )


def incremental(
    matcher: Matcher, new: list[Item]
) -> tuple[list[float], list[float], float]:
    """Seconds (wall, CPU) of each ``match(item, 5)`` after ``WARM_UP`` untimed
    ones; mean hits."""
    for item in new[:WARM_UP]:
        matcher.match(item, TOP)
    times, cpu, found = [], [], 0
    for item in new[WARM_UP:]:
        start, started = time.perf_counter(), time.process_time()
        matches = matcher.match(item, TOP)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - started)
        found += len(matches)
    return times, cpu, found / max(len(times), 1)


def size_row(n: int, lexicon: Lexicon, samples: int, most: int, runs: int) -> list[str]:
    progress(f"{n:,} listings: generating")
    items = generate(n, SEED)
    new = generate(WARM_UP + samples, NEW_SEED, first_id=n + 1)
    progress(f"{n:,} listings: building the index")
    gc.collect()
    before = current_mb()
    start = time.perf_counter()
    matcher = Matcher(lexicon, today=TODAY)
    matcher.add(items)
    build = time.perf_counter() - start
    after = current_mb()
    index = (
        f"{after - before:,.0f} MB"
        if after is not None and before is not None
        else "n/a"
    )
    progress(f"{n:,} listings: batch")
    seconds, cpu, done, hits, finished = batch(matcher, items, most, runs)
    rate = seconds / done
    if finished:
        batch_text = duration(seconds)
        cpu_text = duration(cpu)
    else:
        batch_text = f"≈{duration(rate * n)} ({done:,} sampled)"
        cpu_text = f"≈{duration(cpu / done * n)}"
    progress(f"{n:,} listings: incremental")
    times, cpu_times, new_hits = incremental(matcher, new)
    p50, p99 = np.percentile(times, [50, 99])
    cpu50, cpu99 = np.percentile(cpu_times, [50, 99])
    row = [
        f"{n:,}",
        duration(build),
        duration(build / n),
        f"{_mb(after)}",
        index,
        batch_text,
        cpu_text,
        duration(rate),
        f"{hits:.2f}",
        duration(float(p50)),
        duration(float(p99)),
        duration(max(times)),
        f"{duration(float(cpu50))} / {duration(float(cpu99))}",
        f"{new_hits:.2f}",
        f"{peak_mb():,.0f} MB",
        load().split(",")[0],
    ]
    del matcher, items, new
    gc.collect()
    return row


def _mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f} MB"


def naive(offers: list[Item], requests: list[Item]) -> float:
    """Pair by pair: token_set_ratio on title + description, geodesic distance, top 5."""
    start = time.perf_counter()
    texts = [(f"{o.title} {o.description}", (o.lat, o.lon), o.id) for o in offers]
    for request in requests:
        mine = f"{request.title} {request.description}"
        here = (request.lat, request.lon)
        limit = request.max_distance_km or DEFAULT_MAX_KM
        scored = []
        for text, there, ident in texts:
            score = fuzz.token_set_ratio(mine, text)
            km = geodesic(here, there).km
            if km <= limit:
                scored.append((score, -km, ident))
        heapq.nlargest(TOP, scored)
    return time.perf_counter() - start


def comparison(lexicon: Lexicon, per_side: int) -> list[tuple[str, str]]:
    pool = generate(4 * per_side, SAMPLE_SEED)
    offers = [i for i in pool if i.kind == "offer"][:per_side]
    requests = [i for i in pool if i.kind == "request"][:per_side]
    progress(f"naive baseline: {len(requests):,} × {len(offers):,}")
    naive_s = naive(offers, requests)
    start = time.perf_counter()
    matcher = Matcher(lexicon, today=TODAY)
    matcher.add(offers + requests)
    build = time.perf_counter() - start
    start = time.perf_counter()
    for request in requests:
        matcher.match(request, TOP)
    queries = time.perf_counter() - start
    start = time.perf_counter()
    matcher.match_all(TOP)
    everything = time.perf_counter() - start
    pairs = len(offers) * len(requests)
    return [
        (
            f"naive: {len(requests):,} requests × {len(offers):,} offers ({pairs:,} pairs)",
            duration(naive_s),
        ),
        (
            f"matcher: index build ({len(offers) + len(requests):,} listings)",
            duration(build),
        ),
        (
            f"matcher: top {TOP} of the same {len(requests):,} requests",
            duration(queries),
        ),
        (
            f"matcher: match_all({TOP}), both sides ({len(offers) + len(requests):,} listings)",
            duration(everything),
        ),
        (
            "speed-up on the same requests: naive / matcher",
            f"{naive_s / queries:,.0f}× ({naive_s / (build + queries):,.0f}× with the build)",
        ),
    ]


# (heading, width): a row is printed as soon as its size is done, so widths are fixed
COLUMNS = [
    ("listings", 9),
    ("build", 8),
    ("/listing", 8),
    ("RSS after", 9),
    ("index", 8),
    ("batch top-5 of all", 28),
    ("batch CPU", 9),
    ("/listing", 8),
    ("hits", 4),
    ("incr p50", 8),
    ("incr p99", 8),
    ("incr max", 8),
    ("incr CPU p50/p99", 19),
    ("hits", 4),
    ("peak RSS", 9),
    ("load", 5),
]
LEGEND = """\
build: Matcher.add of all listings; RSS after: resident memory after the build;
index: what the build added to it; batch: top 5 of every listing (match_many,
as the app's batch: grouped blocks, two processes from 20,000 listings),
median of --batch-runs runs; batch CPU: their median CPU time, both processes; incr: one
Matcher.match(new listing, 5) against the index (wall; CPU: its CPU time,
which other processes on the machine disturb less); hits: mean matches per
query (of 5); peak RSS: ru_maxrss of the process so far; load: 1-minute load
average when the row was done (2 cores: above 2, others compete for them)"""


def print_row(cells: list[str]) -> None:
    print(
        "  ".join(c.rjust(w) for c, (_h, w) in zip(cells, COLUMNS, strict=True)),
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--sizes",
        default="10000,100000,1000000",
        help="comma-separated numbers of active listings",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="sizes 2000,10000, 200 incremental queries, 150 × 150 naive sample, one batch run",
    )
    parser.add_argument(
        "--samples", type=int, default=1000, help="incremental queries per size"
    )
    parser.add_argument(
        "--naive",
        type=int,
        default=1000,
        help="offers (and as many requests) of the naive sample",
    )
    parser.add_argument(
        "--batch-max",
        type=int,
        default=100_000,
        help="largest batch run whole; beyond it a sample is timed and extrapolated",
    )
    parser.add_argument(
        "--batch-runs",
        type=int,
        default=3,
        help="runs of the batch per size; the table gives their median",
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.replace("_", "").split(",") if s.strip()]
    if args.quick:
        sizes, args.samples, args.naive, args.batch_runs = [2000, 10000], 200, 150, 1
    lexicon = Lexicon.load(REFERENCE)

    print(f"Symbiosis matcher speed — {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs ({platform.machine()}), "
        f"python {platform.python_version()}, numpy {version('numpy')}, "
        f"rapidfuzz {version('rapidfuzz')}, geopy {version('geopy')}"
    )
    print(f"load average at start: {load()} (other processes slow every figure)")
    print(f"lexicon: {lexicon_summary(lexicon)}")
    print(
        f"listings: tests.bench.synthetic seed {SEED}; incremental: {args.samples:,} new "
        f"listings (seed {NEW_SEED}, not in the index) after {WARM_UP} untimed ones; "
        f"matcher today {TODAY}; batch whole up to {args.batch_max:,} listings"
    )
    print(LEGEND)
    print()
    print_row([heading for heading, _w in COLUMNS])
    for n in sizes:
        print_row(size_row(n, lexicon, args.samples, args.batch_max, args.batch_runs))
    print()
    print(
        f"naive baseline vs matcher (tests.bench.synthetic seed {SAMPLE_SEED}):",
        flush=True,
    )
    lines = comparison(lexicon, args.naive)
    width = max(len(label) for label, _ in lines)
    for label, value in lines:
        print(f"  {label.ljust(width)}  {value}")
    print()
    print(f"load average at the end: {load()}")
    print(
        "targets: batch 100k ≤ 15 s, incremental p99 at 1M ≤ 10 ms, peak RSS at 1M ≤ 4 GB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
