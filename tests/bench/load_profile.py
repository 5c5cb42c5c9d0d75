"""What one request of each kind of the load mix costs, alone, in process.

Run: ``python -m tests.bench.load_profile [--db postgres|sqlite] [--runs N]
[--profile KIND] [--top N] [--sort cumulative|tottime] [--sql KIND]`` after
``python -m tests.bench.load`` has built its data set (``--reuse``
databases: PostgreSQL ``symbiosis_load``, SQLite
``instance/symbiosis_load.sqlite3``).

The load benchmark gives throughput and latency under 100 users; this one
says where the time goes: for every request kind of the locust mix it sends
``--runs`` requests through the app's test client (no network, no gunicorn,
no other request competing) and prints the median and 90th percentile wall
time, the SQL statements per request and the median CPU time of this
process (the app's Python; the database server's work is apart). ``--profile KIND`` runs cProfile
over that kind and prints the ``--top`` functions by cumulative time;
``--sql KIND`` prints the statements one request of that kind runs. New
listings of the writing kinds are matched in the request (no queue), as the
embedded default does.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import pstats
import random
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from symbiosis import create_app
from symbiosis.extensions import db
from tests.bench import load_prepare
from tests.bench.load import DEFAULT_SQLITE, DEFAULT_URL
from tests.bench.speed import load

Request = Callable[[], Any]


@contextmanager
def statements_run(app: Flask) -> Iterator[list[str]]:
    """The text of each SQL statement the app's engine runs while inside."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)


def kinds(
    page: FlaskClient, api: FlaskClient, manager: FlaskClient, plan: dict[str, Any]
) -> dict[str, Request]:
    """One callable per request kind of the locust mix, each checking its answer."""
    me, partner = plan["accounts"][0], plan["accounts"][1]
    bearer = {"Authorization": f"Bearer {me['token']}"}

    def ok(response: Any, status: int = 200) -> Any:
        if response.status_code != status:
            raise RuntimeError(f"{response.request.path}: HTTP {response.status_code}")
        return response

    def post_offer() -> dict[str, Any]:
        body = {"kind": "offer", "resource": "material", "ewc_code": "150103",
                "title": "Palettes en bois (load bench)", "quantity": 12,
                "unit": "t", "frequency": "monthly", "lat": me["lat"], "lon": me["lon"]}  # fmt: skip
        return dict(
            ok(api.post("/api/v1/listings", json=body, headers=bearer), 201).json
        )

    def agreement() -> None:
        offer = post_offer()
        terms = {"offer_id": offer["id"], "request_id": random.choice(partner["requests"]),
                 "quantity": 1, "unit": "t", "frequency": "monthly",
                 "start": date.today().isoformat(), "price_terms": "negotiable",
                 "transport_by": "supplier"}  # fmt: skip
        made = ok(api.post("/api/v1/agreements", json=terms, headers=bearer), 201).json
        theirs = {"Authorization": f"Bearer {partner['token']}"}
        for action, headers, extra in (
            ("accept", theirs, {}),
            ("start", bearer, {}),
            ("complete", theirs, {"actual_quantity": 3, "actual_unit": "t"}),
        ):
            made = ok(api.post(f"/api/v1/agreements/{made['id']}/{action}",
                               json={"version": made["version"], **extra},
                               headers=headers)).json  # fmt: skip

    def browse() -> None:
        args = random.choice(("", "kind=offer&", "resource=material&",
                              f"q={random.choice(plan['queries'])}&"))  # fmt: skip
        ok(page.get(f"/listings/?{args}page={random.randint(1, 3)}"))

    def api_get(path: str) -> Any:
        return ok(api.get(path, headers=bearer))

    def own() -> int:
        return int(random.choice(me["own"]))

    return {
        "browse listings (page)": browse,
        "search listings (API)": lambda: api_get(
            f"/api/v1/listings?q={random.choice(plan['queries'])}"
        ),
        "listing detail (page)": lambda: ok(
            page.get(f"/listings/{random.choice(plan['listings'])}")
        ),
        "own listing + matches (page)": lambda: ok(page.get(f"/listings/{own()}")),
        "listing matches (API)": lambda: api_get(f"/api/v1/listings/{own()}/matches"),
        "organisation matches (page)": lambda: ok(page.get("/matches/")),
        "post listing (API)": post_offer,
        "agreement, 4 steps + its offer (API)": agreement,
        "monitoring dashboard (zone manager)": lambda: ok(
            manager.get(f"/monitoring/?zone={plan['manager']['zone']}")
        ),
    }


def measure(
    app: Flask, request: Request, runs: int
) -> tuple[list[float], list[float], float]:
    """Wall and CPU seconds (this process: Python, not the database server) of
    each run after two untimed ones; mean SQL statements."""
    request(), request()
    times, cpu = [], []
    with statements_run(app) as seen:
        for _ in range(runs):
            start, used = time.perf_counter(), time.process_time()
            request()
            cpu.append(time.process_time() - used)
            times.append(time.perf_counter() - start)
    return times, cpu, len(seen) / runs


def profile(request: Request, runs: int, top: int, sort: str = "cumulative") -> str:
    request()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        request()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(top)
    return out.getvalue()


def client(app: Flask, plan: dict[str, Any], cookie: str | None) -> FlaskClient:
    made = app.test_client()
    made.environ_base.update(
        {"HTTP_USER_AGENT": plan["user_agent"], "REMOTE_ADDR": "127.0.0.1"}
    )
    if cookie:
        made.set_cookie(plan["cookie_name"], cookie, domain="localhost")
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--database-url", help="another prepared database than --db's")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--profile", help="a request kind (or the start of its name)")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument(
        "--sql", help="print the SQL statements of one request of this kind"
    )
    parser.add_argument(
        "--sort",
        choices=("cumulative", "tottime"),
        default="cumulative",
        help="order of --profile's functions: with callees, or own time",
    )
    args = parser.parse_args(argv)
    url = args.database_url or (
        DEFAULT_URL if args.db == "postgres" else f"sqlite:///{DEFAULT_SQLITE}"
    )
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": secrets.token_hex(32),
            "RATELIMIT_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
            "REDIS_URL": None,
            "STATS_CACHE_SECONDS": 1800,
            "COUNT_CACHE_SECONDS": 60,
        }
    )
    quiet = logging.getLogger("symbiosis")
    level = quiet.level
    quiet.setLevel(logging.WARNING)  # no access line per request
    try:
        run(app, url, args)
    finally:
        quiet.setLevel(level)
        with app.app_context():
            db.engine.dispose()
    return 0


def kind_named(requests: dict[str, Request], start: str) -> str:
    """The request kind whose name begins with ``start`` (--profile, --sql)."""
    found = next((k for k in requests if k.startswith(start)), None)
    if found is None:
        raise SystemExit(
            f"no request kind begins with {start!r}: {', '.join(requests)}"
        )
    return found


def run(app: Flask, url: str, args: argparse.Namespace) -> None:
    random.seed(1)
    with tempfile.TemporaryDirectory() as work:
        plan = load_prepare.plan(app, 2, Path(work) / "plan.json")
    page = client(app, plan, plan["accounts"][0]["cookie"])
    manager = client(app, plan, plan["manager"]["cookie"])
    requests = kinds(page, client(app, plan, None), manager, plan)
    where = sa.make_url(url)
    if args.sql:
        name = kind_named(requests, args.sql)
        requests[name]()
        with statements_run(app) as seen:
            requests[name]()
        print(f"SQL of one {name} ({len(seen)} statements):")
        for number, statement in enumerate(seen, 1):
            print(f"-- {number}\n{statement}")
        return
    if args.profile:
        name = kind_named(requests, args.profile)
        print(f"cProfile of {args.runs} × {name} ({where.database}):")
        print(profile(requests[name], args.runs, args.top, args.sort))
        return
    print(
        f"one request at a time, in process ({where.get_backend_name()} "
        f"{where.database}, load average {load()}):"
    )
    print(f"{'request kind':40} {'median':>9} {'p90':>9} {'SQL/req':>8} "
          f"{'CPU here':>9}")  # fmt: skip
    for name, request in requests.items():
        times, cpu, statements = measure(app, request, args.runs)
        p90 = statistics.quantiles(times, n=10)[-1]
        print(f"{name:40} {statistics.median(times) * 1e3:7.1f} ms "
              f"{p90 * 1e3:6.1f} ms {statements:8.1f} "
              f"{statistics.median(cpu) * 1e3:6.1f} ms", flush=True)  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
