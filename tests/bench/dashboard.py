"""Monitoring dashboard speed at scale, on PostgreSQL.

Run: ``python -m tests.bench.dashboard [--database-url URL] [--listings N]
[--agreements N] [--deliveries N] [--seed N] [--runs N] [--live-runs N]
[--reuse] [--statements]``
(``make bench-dashboard``).

It (re)creates a dedicated database (default ``symbiosis_bench`` on
127.0.0.1:5432; its name must contain "bench", it is dropped first), migrates
it, loads the reference data, generates the scale data set
(:mod:`symbiosis.services.scale_data`: by default 1M listings, 1M matches,
200k agreements, 1M deliveries) and runs VACUUM ANALYZE; with ``--reuse`` it
keeps a database that already holds a generated data set (it still applies
the pending migrations and runs ANALYZE). Then, signed in as a facilitator
through the Flask test client, it GETs the real pages: ``/monitoring/`` for
all zones and for the busiest zone, over the default period and over last
calendar year, and ``/api/v1/stats`` for both; one warm-up request per case,
then timed ones, twice: with every figure computed live (``--live-runs``, as
the embedded default does, ``STATS_CACHE_SECONDS`` = 0), then with stored
figures (``--runs``) after recomputing them as the worker's ``flask stats
refresh`` does (:mod:`symbiosis.services.stats_cache`), printing how long each
view took to recompute. It prints the median, min and max of each case, the
data-set sizes and the load average (two cores shared with other work slow
every figure). Target of issue 7: the dashboard in under 1 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from symbiosis import create_app
from symbiosis.extensions import db
from symbiosis.models import Organisation, User, Zone
from symbiosis.services import scale_data, seeding
from tests.bench.speed import duration, load, progress

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/symbiosis_bench"
TARGET_S = 1.0
TABLES = ("organisation", "listing", "match", "agreement", "agreement_event",
          "delivery", "impact_record", "pooled_service")  # fmt: skip
EMAIL = "bench-facilitator@example.lu"


def psycopg_url(url: str) -> sa.URL:
    parsed = sa.make_url(url)
    return parsed.set(drivername="postgresql+psycopg")


def recreate(url: sa.URL) -> None:
    """Drop and create the database of ``url``."""
    name = url.database or ""
    if "bench" not in name:
        sys.exit(f"refusing to drop {name!r}: give a database whose name has 'bench'")
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def generated(url: sa.URL) -> bool:
    """The database exists and holds a generated data set."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            found = conn.scalar(
                sa.text("SELECT count(*) FROM organisation WHERE slug LIKE 'scale-%'")
            )
    except sa.exc.DBAPIError:
        return False
    finally:
        engine.dispose()
    return bool(found)


def maintain(command: str) -> float:
    """Run VACUUM/ANALYZE (outside a transaction); return the seconds it took."""
    start = time.perf_counter()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text(command))
    return time.perf_counter() - start


def build(app: Flask, args: argparse.Namespace) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        progress("migrating")
        upgrade()
        progress("loading the reference data")
        seeding.load_reference(Path(app.config["SEEDS_PATH"]) / "reference")
        sizes = scale_data.Sizes(args.listings, args.agreements, args.deliveries)
        progress(f"generating {sizes}")
        report = scale_data.generate(sizes, seed=args.seed, progress=progress)
        progress(f"data set written in {report.seconds:.0f} s")
        progress(f"VACUUM ANALYZE in {maintain('VACUUM ANALYZE'):.0f} s")


def facilitator_id(app: Flask) -> str:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == EMAIL))
        if user is None:
            user = User(
                email=EMAIL,
                full_name="Bench facilitator",
                password_hash="!",  # never signs in with a password
                is_facilitator=True,
                session_token=secrets.token_hex(16),
            )
            db.session.add(user)
            db.session.commit()
        return user.get_id()


def busiest_zone(app: Flask) -> tuple[str, str, int]:
    with app.app_context():
        row = db.session.execute(
            sa.select(Zone.slug, Zone.name, sa.func.count(Organisation.id))
            .join(Organisation, Organisation.zone_id == Zone.id)
            .group_by(Zone.id)
            .order_by(sa.func.count(Organisation.id).desc(), Zone.slug)
            .limit(1)
        ).one()
        return row[0], row[1], int(row[2])


def sizes(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {
            t: int(
                db.session.scalar(sa.select(sa.func.count()).select_from(sa.table(t)))
                or 0
            )
            for t in TABLES
        }


@contextmanager
def statements(app: Flask) -> Iterator[list[tuple[float, str]]]:
    """Collect (seconds, SQL) of the statements run inside the block."""
    found: list[tuple[float, str]] = []
    with app.app_context():
        engine = db.engine

    def before(conn: Any, cursor: Any, sql: str, *rest: Any) -> None:
        conn.info["bench_started"] = time.perf_counter()

    def after(conn: Any, cursor: Any, sql: str, *rest: Any) -> None:
        started = conn.info.pop("bench_started", time.perf_counter())
        found.append((time.perf_counter() - started, " ".join(sql.split())))

    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    try:
        yield found
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "after_cursor_execute", after)


def timed(client: FlaskClient, path: str, runs: int) -> tuple[list[float], set[int]]:
    client.get(path)  # warm-up: connections, templates, plans
    times, codes = [], set()
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - start)
        codes.add(response.status_code)
    return times, codes


def refresh(app: Flask, slug: str) -> list[tuple[str, float]]:
    """Recompute the stored figures of the four dashboard views, as the worker does."""
    from symbiosis.services import stats, stats_cache, zones
    from symbiosis.services.stats_sql import Scope

    year = date.today().year - 1
    done = []
    with app.test_request_context():
        zone = zones.find(slug)
        assert zone is not None
        for name, zone_id in (("all zones", None), ("busiest zone", zone.id)):
            for period, (start, end) in (
                ("default period", stats.period(None, None)),
                (f"year {year}", (date(year, 1, 1), date(year, 12, 31))),
            ):
                progress(f"refreshing {name}, {period}")
                [(_scope, seconds)] = stats_cache.refresh([Scope(zone_id, start, end)])
                done.append((f"{name}, {period}", seconds))
    return done


def cases(zone: str) -> list[tuple[str, str, bool]]:
    """(label, path, is a dashboard page held to the target)."""
    year = date.today().year - 1
    last_year = f"from={year}-01-01&to={year}-12-31"
    return [
        ("dashboard, all zones, default period", "/monitoring/", True),
        (f"dashboard, all zones, year {year}", f"/monitoring/?{last_year}", True),
        ("dashboard, busiest zone, default period", f"/monitoring/?zone={zone}", True),
        (
            f"dashboard, busiest zone, year {year}",
            f"/monitoring/?zone={zone}&{last_year}",
            True,
        ),
        ("GET /api/v1/stats, all zones", "/api/v1/stats", False),
        ("GET /api/v1/stats, busiest zone", f"/api/v1/stats?zone={zone}", False),
    ]


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--listings", type=int, default=1_000_000)
    parser.add_argument("--agreements", type=int, default=200_000)
    parser.add_argument("--deliveries", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--runs", type=int, default=7, help="timed requests per case, stored figures"
    )
    parser.add_argument(
        "--live-runs", type=int, default=1, help="timed requests per case, live"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep an already generated database"
    )
    parser.add_argument(
        "--statements",
        action="store_true",
        help="also list the slowest SQL statements of one all-zones dashboard",
    )
    parser.add_argument(
        "--timeout", type=int, default=300, help="statement_timeout, in seconds"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    url = psycopg_url(args.database_url)
    started_load = load()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url.render_as_string(hide_password=False),
            "SECRET_KEY": "bench-" + secrets.token_hex(8),
            "RATELIMIT_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
            "SQLALCHEMY_ENGINE_OPTIONS": {
                "connect_args": {"options": f"-c statement_timeout={args.timeout}s"}
            },
        }
    )
    if args.reuse and generated(url):
        progress(f"reusing {url.database}")
        from flask_migrate import upgrade

        with app.app_context():
            upgrade()
            progress(f"ANALYZE in {maintain('ANALYZE'):.0f} s")
    else:
        recreate(url)
        build(app, args)
    user = facilitator_id(app)
    slug, zone_name, zone_orgs = busiest_zone(app)
    counts = sizes(app)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = user, True
    live, stored = [], []
    app.config["STATS_CACHE_SECONDS"] = 0
    for label, path, held in cases(slug):
        progress(f"computed live: {label}: {path}")
        with statements(app) as found:
            times, codes = timed(client, path, args.live_runs)
        live.append((label, times, codes, held, len(found) // (args.live_runs + 1)))
    refreshed = refresh(app, slug)
    app.config["STATS_CACHE_SECONDS"] = 3600
    for label, path, held in cases(slug):
        progress(f"stored figures: {label}: {path}")
        with statements(app) as found:
            times, codes = timed(client, path, args.runs)
        stored.append((label, times, codes, held, len(found) // (args.runs + 1)))
    report(args, url, counts, (slug, zone_name, zone_orgs), live, started_load)
    print()
    print(
        "stored figures (STATS_CACHE_SECONDS > 0), as the worker's "
        "`flask stats refresh` keeps them:"
    )
    for label, seconds in refreshed:
        print(f"  worker recomputed {label:<33} in {duration(seconds):>9}")
    table(stored)
    if args.statements:
        app.config["STATS_CACHE_SECONDS"] = 0
        slowest(app, client)
    return 0


def report(
    args: argparse.Namespace,
    url: sa.URL,
    counts: dict[str, int],
    zone: tuple[str, str, int],
    rows: list[tuple[str, list[float], set[int], bool, int]],
    started_load: str,
) -> None:
    with connected(url) as conn:
        server = conn.scalar(sa.text("SHOW server_version"))
        size = conn.scalar(
            sa.text("SELECT pg_size_pretty(pg_database_size(current_database()))")
        )
    now = datetime.now(UTC).astimezone()
    print(f"Symbiosis dashboard speed — {now:%Y-%m-%d %H:%M %Z}")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, PostgreSQL {server}; database {url.database} ({size})"
    )
    print("data set: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    print(f"busiest zone: {zone[1]} ({zone[0]}), {zone[2]:,} organisations")
    print(f"load average at start: {started_load}; at the end: {load()}")
    print(
        f"{args.runs} timed requests per case after one warm-up; target: dashboard < {TARGET_S:g} s"
    )
    print()
    print("computed live (STATS_CACHE_SECONDS = 0, the embedded default):")
    table(rows)


def table(rows: list[tuple[str, list[float], set[int], bool, int]]) -> None:
    print(f"{'case':<44} {'median':>9} {'min':>9} {'max':>9} {'SQL':>5}  status")
    for label, times, codes, held, queries in rows:
        median = statistics.median(times)
        verdict = (
            ("meets" if median < TARGET_S else "MISSES") + " the target" if held else ""
        )
        status = ",".join(str(c) for c in sorted(codes))
        print(
            f"{label:<44} {duration(median):>9} {duration(min(times)):>9} "
            f"{duration(max(times)):>9} {queries:>5}  {status}  {verdict}"
        )


@contextmanager
def connected(url: sa.URL) -> Iterator[sa.Connection]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def slowest(app: Flask, client: FlaskClient, top: int = 12) -> None:
    """The slowest statements of one all-zones dashboard."""
    with statements(app) as found:
        client.get("/monitoring/")
    total = sum(seconds for seconds, _sql in found)
    print()
    print(
        f"slowest SQL of one all-zones dashboard ({len(found)} statements, {duration(total)} in all):"
    )
    for seconds, sql in sorted(found, reverse=True)[:top]:
        print(f"  {duration(seconds):>9}  {sql[:150]}")


if __name__ == "__main__":
    sys.exit(main())
