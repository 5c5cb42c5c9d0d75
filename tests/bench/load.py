"""Load benchmark: gunicorn under a realistic mix of pages and API calls.

Run: ``python -m tests.bench.load [--db postgres|sqlite|both] [--users N]
[--duration S] [--reuse] [--workers N] [--listings N] [--queue rq|none]
[--mix realistic|writes] [--keep DIR]`` (``make bench-load``).

For each database it prepares a data set (:mod:`tests.bench.load_prepare`:
the scale data set with 100k listings by default, in the PostgreSQL database
``symbiosis_load`` on 127.0.0.1:5432 — created if absent, rebuilt unless
``--reuse`` — or in the SQLite file ``instance/symbiosis_load.sqlite3``, which
the app opens in WAL mode with a 5 s busy timeout), gives the virtual users
real accounts with API tokens and session cookies, starts gunicorn on a free
127.0.0.1 port with the flags of ``make serve-prod``, warms each worker up,
then runs locust headless in a separate process (:mod:`tests.bench.locustfile`)
for ``--duration`` seconds and stops both. It prints req/s and p50/p95/p99
per request kind, for the mix without the monitoring dashboard (whose
latency is reported on its own line) and for everything, the errors, the
count of "database is locked" in the server's log, and where the CPU went
during the run (gunicorn, the RQ worker with its job processes, PostgreSQL,
Redis, locust: :mod:`tests.bench.load_cpu`). Targets of issue 9:
>= 200 req/s with p99 <= 300 ms and zero errors, on 100k listings.

Server settings for the bench, on top of production's defaults: the session
and remember cookies drop the Secure flag (plain http on the loopback, as
``make run`` does); the sign-in rate limit is raised to 100000 per minute,
because every virtual user comes from 127.0.0.1 (Flask-Limiter stays on).
With ``--queue rq`` (the default when redis-server is installed) the bench
runs production's layout of the README: a throw-away Redis on a free port
holds the queue and the rate-limit counters, and one RQ worker started as
``make worker`` matches new listings; with ``--queue none`` a new listing is
matched in the request and the counters are in each worker's memory.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from symbiosis import ROOT, create_app
from symbiosis.extensions import db
from symbiosis.services import scale_data
from tests.bench import load_cpu, load_prepare, load_report
from tests.bench.load_servers import Queue, Server, app_env, fetch
from tests.bench.speed import load, progress

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/symbiosis_load"
DEFAULT_SQLITE = ROOT / "instance" / "symbiosis_load.sqlite3"
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
MAX_ACCOUNTS = 200


def warm_up(server: Server, plan: dict[str, Any], workers: int) -> None:
    """Each worker opens its connections, compiles its templates and plans."""
    member = plan["accounts"][0]
    page = {"User-Agent": plan["user_agent"],
            "Cookie": f"{plan['cookie_name']}={member['cookie']}"}  # fmt: skip
    api = {"Authorization": f"Bearer {member['token']}"}
    manager = {**page, "Cookie": f"{plan['cookie_name']}={plan['manager']['cookie']}"}
    paths = [
        (f"/listings/?page=2&q={plan['queries'][0]}", page),
        (f"/listings/{plan['listings'][0]}", page),
        (f"/listings/{member['own'][0]}", page),
        ("/matches/", page),
        (f"/api/v1/listings/{member['own'][0]}/matches", api),
        ("/api/v1/listings?q=bois", api),
    ]
    for _ in range(2 * workers):
        for path, headers in paths:
            status = fetch(server.url + path, headers)
            if status != 200:
                progress(f"warm-up: {path} answered {status}")
    for _ in range(workers):
        fetch(f"{server.url}/monitoring/?zone={plan['manager']['zone']}", manager)


def run_locust(
    server: Server, plan_path: Path, result: Path, args: argparse.Namespace
) -> None:
    env = {**os.environ, "LOAD_PLAN": str(plan_path), "LOAD_RESULT": str(result),
           "LOAD_MIX": args.mix}  # fmt: skip
    spawn_rate = max(1, args.users // 5)
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
               "--users", str(args.users), "--spawn-rate", str(spawn_rate),
               "--run-time", f"{args.duration}s", "--host", server.url,
               "--stop-timeout", "30", "--only-summary", "--loglevel", "WARNING",
               "--exit-code-on-error", "0"]  # fmt: skip
    if args.mix == "writes":
        command.append("Member")  # no zone manager
    with result.with_suffix(".log").open("wb") as out:
        subprocess.run(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            check=True, timeout=args.duration + 300,
        )  # fmt: skip


def sizes(app: Any) -> str:
    with app.app_context():
        counts = {
            t: db.session.scalar(sa.select(sa.func.count()).select_from(sa.table(t)))
            for t in ("organisation", "listing", "match", "agreement", "delivery")
        }
        db.engine.dispose()
    return ", ".join(f"{t} {n:,}" for t, n in counts.items())


def bench(label: str, url: sa.URL, args: argparse.Namespace, work: Path) -> bool:
    secret = secrets.token_hex(32)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url.render_as_string(hide_password=False),
            "SECRET_KEY": secret,
            "RATELIMIT_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
        }
    )
    data = scale_data.Sizes(args.listings, args.listings // 5, args.listings)
    load_prepare.database(app, url, data, args.reuse)
    plan_path = work / f"{label}-plan.json"
    progress("accounts, tokens and session cookies")
    plan = load_prepare.plan(app, min(args.users, MAX_ACCOUNTS), plan_path)
    counted = sizes(app)
    queue = Queue(work) if args.queue == "rq" else None
    env = app_env(url, secret, queue.url if queue else None)
    server = Server(env, args.workers, work / f"{label}-server.log")
    result = work / f"{label}-result.json"
    try:
        if queue:
            queue.start_worker(env, work / f"{label}-worker.log")
        server.wait_ready()
        progress(f"gunicorn ({args.workers} workers) on {server.url}; warming up")
        warm_up(server, plan, args.workers)
        if queue:  # as in production, the worker built its index at start
            queue.wait_worker()
        before = load()
        progress(f"locust: {args.users} users for {args.duration} s")
        cpu_before = load_cpu.snapshot()
        run_locust(server, plan_path, result, args)
        cpu = load_cpu.lines(cpu_before, load_cpu.snapshot())
        after = load()
        backlog = f", {queue.backlog()} jobs left in the queue" if queue else ""
    finally:
        server.stop()
        if queue:
            queue.stop()
    header = [
        f"== {label}: {url.get_backend_name()} {url.database} ==",
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; load average before: {before}; after: {after}",
        f"data set: {counted}; {len(plan['accounts'])} member accounts + 1 zone manager",
        f"gunicorn: {args.workers} sync workers, serve-prod flags; locust: "
        f"{args.users} users (FastHttpUser), {args.duration} s, {args.mix} mix",
        "queue: "
        + (
            f"Redis + 1 RQ worker (as make worker){backlog}"
            if queue
            else "none: a new listing is matched in the request"
        ),
        *cpu,
    ]
    server_log = server.log.read_text(encoding="utf-8", errors="replace")
    return load_report.report(
        json.loads(result.read_text(encoding="utf-8")), server_log, header
    )


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("postgres", "sqlite", "both"), default="both")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--reuse", action="store_true",
                        help="keep an already generated database")  # fmt: skip
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--sqlite-path", type=Path, default=DEFAULT_SQLITE)
    parser.add_argument(
        "--queue",
        choices=("rq", "none"),
        default="rq" if shutil.which("redis-server") else "none",
        help="rq: a Redis and an RQ worker take the matching (production); "
        "none: matching in the request (default: rq when redis-server exists)",
    )
    parser.add_argument(
        "--mix",
        choices=("realistic", "writes"),
        default="realistic",
        help="writes: new listings and agreement steps only (SQLite's lock)",
    )
    parser.add_argument("--keep", type=Path, help="keep plans and logs in this folder")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    targets = []
    if args.db in ("postgres", "both"):
        targets.append(("postgres", load_prepare.sqlalchemy_url(args.database_url)))
    if args.db in ("sqlite", "both"):
        path = args.sqlite_path.resolve()
        targets.append(("sqlite", sa.make_url(f"sqlite:///{path}")))
    ok = True
    with tempfile.TemporaryDirectory(prefix="symbiosis-load-") as scratch:
        work = args.keep or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        for label, url in targets:
            ok = bench(label, url, args, work) and ok
            print()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
