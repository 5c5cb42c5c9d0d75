"""The worker bench runs both worker classes on a small data set.

A small SQLite data set stands in for the 100k one; the bench starts its own
Redis and each worker class in turn, and must print a cost per job for both.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable

import pytest

from symbiosis.services import scale_data
from tests.bench import worker_jobs


def test_both_workers_run_the_matching_jobs_and_say_what_they_cost(
    small_load_database: Callable[[scale_data.Sizes], str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed: the worker bench is skipped")
    url = small_load_database(scale_data.Sizes(600, 60, 100))
    assert worker_jobs.main(["--database-url", url, "--jobs", "4"]) == 0
    out = capsys.readouterr().out
    for worker_class in worker_jobs.CLASSES:
        row = next(line for line in out.splitlines() if line.startswith(worker_class))
        cpu, wall = (float(x) for x in re.findall(r"(\d+\.\d) ms", row))
        assert cpu > 0, row
        assert wall > 0, row
    assert re.search(r"a forked job costs \d+\.\dx the CPU", out), out
