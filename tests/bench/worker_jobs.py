"""What a matching job costs the RQ worker: in its own process, or forked.

Run: ``python -m tests.bench.worker_jobs [--db postgres|sqlite]
[--database-url URL] [--jobs N]`` after ``python -m tests.bench.load`` has
built its data set (the same ``--reuse`` databases).

For each worker class — the app's ``symbiosis.worker.AppWorker`` (matching
jobs in the worker's process) and :class:`ForkingWorker` below (a process
forked per job, as RQ does, from a parent that keeps the index up to date)
— it starts a throw-away Redis and the worker as ``make
worker`` does, lets a first job build the matcher's index, then queues
``--jobs`` matching jobs for active listings picked at random (the same
listings for both) and prints the CPU the worker and its job processes used
per job, and the wall time per job.
"""

from __future__ import annotations

import argparse
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil
import sqlalchemy as sa
from rq.worker import Worker

from symbiosis.jobs import QUEUE, warm_index
from symbiosis.worker import INDEX_JOBS
from tests.bench.load import DEFAULT_SQLITE, DEFAULT_URL
from tests.bench.load_servers import Queue, app_env

CLASSES = ("symbiosis.worker.AppWorker", "tests.bench.worker_jobs.ForkingWorker")
MATCH = "symbiosis.jobs.match_listing"


class ForkingWorker(Worker):
    """RQ's worker, a process forked per job, whose parent brings the matcher
    index up to date before it forks for a matching job (so that the job's
    process does not build it): how the app's worker ran until it ran
    matching jobs in its own process."""

    def fork_work_horse(self, job: Any, queue: Any) -> None:
        if job.func_name in INDEX_JOBS:
            warm_index()
        super().fork_work_horse(job, queue)


def cpu_seconds(process: psutil.Process) -> float:
    """CPU of the process and of its children that ended (the work-horses)."""
    t = process.cpu_times()
    return float(t.user + t.system + t.children_user + t.children_system)


def wait_done(jobs: list[Any], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = [job.get_status(refresh=True) for job in jobs]
        if all(state in ("finished", "failed") for state in states):
            failed = states.count("failed")
            if failed:
                sys.exit(f"{failed} of {len(jobs)} matching jobs failed")
            return
        time.sleep(0.05)
    sys.exit(f"the worker did not finish its jobs in {timeout:.0f} s")


def measure(
    url: sa.URL, worker_class: str, ids: list[int], work: Path
) -> tuple[float, float]:
    """(CPU ms, wall ms) per job after the first, index-building, one."""
    from redis import Redis
    from rq import Queue as RqQueue

    queue = Queue(work)
    try:
        env = app_env(url, secrets.token_hex(32), queue.url)
        name = worker_class.rsplit(".", 1)[-1]
        queue.start_worker(env, work / f"worker-{name}.log", worker_class)
        assert queue.worker is not None  # nosec B101 - just started
        jobs = RqQueue(QUEUE, connection=Redis.from_url(queue.url))
        wait_done([jobs.enqueue(MATCH, ids[0])], timeout=600)
        worker = psutil.Process(queue.worker.process.pid)
        cpu, started = cpu_seconds(worker), time.monotonic()
        wait_done([jobs.enqueue(MATCH, i) for i in ids[1:]], timeout=600)
        runs = len(ids) - 1
        return (
            (cpu_seconds(worker) - cpu) * 1e3 / runs,
            (time.monotonic() - started) * 1e3 / runs,
        )
    finally:
        queue.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--database-url", help="another prepared database than --db's")
    parser.add_argument("--jobs", type=int, default=100)
    args = parser.parse_args(argv)
    url = sa.make_url(
        args.database_url
        or (DEFAULT_URL if args.db == "postgres" else f"sqlite:///{DEFAULT_SQLITE}")
    )
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        active = list(
            conn.scalars(sa.text("SELECT id FROM listing WHERE state = 'active'"))
        )
    engine.dispose()
    if len(active) < 2:
        sys.exit(f"no data set in {url.database}: run python -m tests.bench.load")
    ids = random.Random(1).sample(active, min(args.jobs + 1, len(active)))
    print(
        f"{len(ids) - 1} matching jobs ({url.get_backend_name()} {url.database}, "
        f"{len(active):,} active listings), after one that builds the index:"
    )
    print(f"{'worker class':40} {'CPU/job':>10} {'wall/job':>10}")
    costs = {}
    with tempfile.TemporaryDirectory() as work:
        for worker_class in CLASSES:
            cpu, wall = measure(url, worker_class, ids, Path(work))
            costs[worker_class] = cpu
            print(f"{worker_class:40} {cpu:7.1f} ms {wall:7.1f} ms", flush=True)
    ours, forked = costs[CLASSES[0]], costs[CLASSES[1]]
    print(f"a forked job costs {forked / ours:.1f}x the CPU of one run in process")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
