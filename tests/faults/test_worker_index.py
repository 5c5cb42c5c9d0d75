"""Matching jobs on a real ``rq worker`` share the index the worker keeps.

A process that built the matcher's index for each job would build it for
every job. ``symbiosis.worker.AppWorker`` runs matching jobs in its own
long-lived process, on an index it builds at start and brings up to date
before each job, so the log shows one build, by the worker before it takes
jobs, for several jobs — and each job
still sees the listings posted since (the second request is matched too).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from tests.faults.servers import RedisServer, RqWorker, app_environment, wait_for
from tests.faults.world import make_pair, matches_of, post_request

pytestmark = [pytest.mark.faults, pytest.mark.xdist_group("faults")]

BUILT = re.compile(r"matcher index built in [0-9.]+ s \(process (\d+)\)")


def test_jobs_share_the_workers_index(
    fault_app: Flask,
    queued_app: Flask,
    fault_db: str,
    redis: RedisServer,
    tmp_path: Path,
) -> None:
    pair = make_pair(fault_app, requests=0)
    worker = RqWorker(
        app_environment(fault_db, REDIS_URL=redis.url, SYMBIOSIS_LOG_LEVEL="INFO"),
        redis.url,
        tmp_path / "worker.log",
    )
    try:
        client = queued_app.test_client()
        first, _ = post_request(client, pair, 1)
        wait_for(
            f"the first request is matched ({worker.tail()})",
            lambda: bool(matches_of(fault_app, first)),
            timeout=60,
        )
        second, _ = post_request(client, pair, 2)
        wait_for(
            f"the second request is matched ({worker.tail()})",
            lambda: bool(matches_of(fault_app, second)),
            timeout=60,
        )
        log = worker.log.read_text(errors="replace")
        parent = worker.process.pid
    finally:
        worker.close()
    assert matches_of(fault_app, second) == [(pair.offer, second)]
    builders = [int(pid) for pid in BUILT.findall(log)]
    assert builders == [parent], log[-3000:]
    # built at start, before the worker registered and took its first job
    built = BUILT.search(log)
    assert built is not None, log
    assert built.start() < log.index("started with PID"), log
