"""Where the machine's CPU went during a load run (part of :mod:`tests.bench.load`).

Throughput on one machine is bounded by the CPU that the server, the
database, the queue's worker and the load generator share. Two snapshots of
every process's CPU time (its own and that of its children once reaped, so
the RQ worker's per-job processes count with it) give each group's share.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import psutil

GROUPS = ("gunicorn", "rq worker", "postgres", "redis", "locust")


@dataclass
class Snapshot:
    at: float
    machine: Any  # psutil.cpu_times()
    processes: dict[tuple[int, float], tuple[str, float]]


def group(cmdline: list[str], name: str) -> str:
    line = " ".join(cmdline)
    if "gunicorn" in line:
        return "gunicorn"
    if "rq" in {os.path.basename(arg) for arg in cmdline[:3]} and "worker" in cmdline:
        return "rq worker"
    if name.startswith("postgres") or "postgres:" in line:
        return "postgres"
    if name.startswith("redis"):
        return "redis"
    if "locust" in line:
        return "locust"
    return "other"


def snapshot() -> Snapshot:
    processes = {}
    for process in psutil.process_iter(["cmdline", "name", "create_time"]):
        try:
            cpu = process.cpu_times()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        used = cpu.user + cpu.system + cpu.children_user + cpu.children_system
        key = (process.pid, process.info["create_time"] or 0.0)
        label = group(process.info["cmdline"] or [], process.info["name"] or "")
        if process.pid == os.getpid():
            # The bench itself; locust is the only child it reaps during the
            # run, so its children's time is locust's.
            processes[key] = ("other", cpu.user + cpu.system)
            processes[(-1, 0.0)] = ("locust", cpu.children_user + cpu.children_system)
            continue
        processes[key] = (label, used)
    return Snapshot(time.monotonic(), psutil.cpu_times(), processes)


def lines(before: Snapshot, after: Snapshot) -> list[str]:
    """The machine's use and each group's, in % of one core."""
    seconds = max(after.at - before.at, 1e-9)
    shares: defaultdict[str, float] = defaultdict(float)
    for key, (label, used) in after.processes.items():
        earlier = before.processes.get(key, (label, 0.0))[1]
        shares[label] += max(used - earlier, 0.0) / seconds * 100
    m0, m1 = before.machine, after.machine
    user = (m1.user - m0.user) / seconds * 100
    system = (m1.system - m0.system) / seconds * 100
    idle = (m1.idle - m0.idle) / seconds * 100
    cores = psutil.cpu_count() or 1
    groups = ", ".join(f"{g} {shares[g]:.0f} %" for g in (*GROUPS, "other"))
    return [
        f"CPU during the run ({cores} cores = {cores * 100} %): user {user:.0f} %, "
        f"system {system:.0f} %, idle {idle:.0f} %",
        f"CPU by process (% of one core): {groups}",
    ]
