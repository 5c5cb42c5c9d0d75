"""The load bench's CPU split: each process group's share of the run."""

from __future__ import annotations

from types import SimpleNamespace

from tests.bench import load_cpu
from tests.bench.load_cpu import Snapshot


def test_processes_fall_in_their_groups() -> None:
    venv = "/srv/.venv/bin"
    assert (
        load_cpu.group([f"{venv}/python", "-m", "gunicorn", "wsgi:app"], "python")
        == "gunicorn"
    )
    assert (
        load_cpu.group([f"{venv}/python3", f"{venv}/rq", "worker", "--url", "x"], "rq")
        == "rq worker"
    )
    assert (
        load_cpu.group(["postgres: 15/main: postgres load 127.0.0.1"], "postgres")
        == "postgres"
    )
    assert load_cpu.group(["redis-server 127.0.0.1:6380"], "redis-server") == "redis"
    assert (
        load_cpu.group(["python", "-m", "locust", "-f", "x.py"], "python") == "locust"
    )
    assert load_cpu.group(["bash"], "bash") == "other"


def test_shares_are_the_growth_of_cpu_time_over_the_wall_time() -> None:
    machine = SimpleNamespace
    before = Snapshot(
        at=100.0,
        machine=machine(user=10.0, system=5.0, idle=100.0),
        processes={(1, 0.0): ("gunicorn", 3.0), (2, 0.0): ("rq worker", 1.0)},
    )
    after = Snapshot(
        at=110.0,
        machine=machine(user=24.0, system=8.0, idle=103.0),
        processes={
            (1, 0.0): ("gunicorn", 13.0),  # 10 s of CPU in 10 s: one core
            (2, 0.0): ("rq worker", 4.0),
            (3, 0.0): ("postgres", 2.0),  # born during the run
        },
    )
    machine_line, groups = load_cpu.lines(before, after)
    assert "user 140 %, system 30 %, idle 30 %" in machine_line
    assert "gunicorn 100 %" in groups
    assert "rq worker 30 %" in groups
    assert "postgres 20 %" in groups
    assert "locust 0 %" in groups
