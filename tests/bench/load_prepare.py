"""The load benchmark's database, accounts and plan (part of :mod:`tests.bench.load`).

:func:`database` builds (or, with ``reuse``, keeps) a database holding the
scale data set of :mod:`symbiosis.services.scale_data` (100k listings by
default) on PostgreSQL or on an SQLite file. :func:`plan` then gives the
virtual users real accounts: one member per organisation of the data set
(organisations that have active requests and listings with matches), a
zone manager of the busiest zone, a fresh API token each and a signed-in
session cookie made by Flask-Login's own ``login_user`` (no password round
trip per user; the "sign in" kind of the mix does real sign-ins with the
shared password). The plan is a JSON file the locustfile reads.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, session
from flask_login import login_user

from symbiosis.extensions import db
from symbiosis.models import (
    ApiToken,
    Listing,
    Match,
    Organisation,
    OrgRole,
    User,
    Zone,
)
from symbiosis.services import scale_data, seeding, tokens
from symbiosis.services.passwords import hash_password
from tests.bench import dashboard
from tests.bench.speed import progress

PASSWORD = "load-bench-Passw0rd"
USER_AGENT = "symbiosis-load-bench/1"
EMAIL = "load-{:04d}@bench.example.lu"
MANAGER_EMAIL = "load-zone-manager@bench.example.lu"
QUERIES = ("bois", "palettes", "chaleur", "Kunststoff", "cardboard", "béton",
           "eau", "transport", "Schrott", "textile")  # fmt: skip


def sqlalchemy_url(url: str) -> sa.URL:
    parsed = sa.make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def generated(url: sa.URL) -> bool:
    """The database exists and holds a generated data set."""
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        return False
    return dashboard.generated(url)


def recreate(url: sa.URL) -> None:
    """Start from an empty database: drop and create it, or delete the file."""
    name = url.database or ""
    if not any(word in Path(name).name for word in ("load", "bench")):
        sys.exit(f"refusing to drop {name!r}: its name must have 'load' or 'bench'")
    if url.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(name + suffix).unlink(missing_ok=True)
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        return
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


# The rows a run of the mix writes (posted listings, their matches and
# agreements, what the agreements record, notifications, activity), children
# first; and the child tables keyed by a parent's id.
MARK_TABLE = "load_bench_mark"
RUN_TABLES = ("impact_record", "delivery", "agreement_message", "agreement_event",
              "agreement", "match", "listing", "notification", "activity_log")  # fmt: skip
RUN_CHILDREN = {"agreement_check": "agreement", "listing_sdg": "listing"}


MARKS = sa.Table(
    MARK_TABLE,
    sa.MetaData(),
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("last_id", sa.BigInteger, nullable=False),
)


def _table_ids(name: str, column: str = "id") -> sa.TableClause:
    return sa.table(name, sa.column(column))


def mark_data_set() -> None:
    """Note the last id of each table runs write to, right after the build."""
    with db.engine.begin() as conn:
        MARKS.drop(conn, checkfirst=True)
        MARKS.create(conn)
        for name in RUN_TABLES:
            table = _table_ids(name)
            last = conn.scalar(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0)))
            conn.execute(MARKS.insert().values(name=name, last_id=last))


def forget_runs() -> str:
    """Delete what earlier runs wrote past the build's marks (--reuse).

    Each run posts a few hundred listings, with their matches and agreements:
    kept, they would make every run measure a larger database than the last.
    What runs changed in the data set's own rows (a request an agreement
    fulfilled) stays.
    """
    with db.engine.begin() as conn:
        if not sa.inspect(conn).has_table(MARK_TABLE):
            return (
                "this database predates the build marks: rows of earlier runs stay "
                "(rebuild it without --reuse to start clean)"
            )
        marks = {name: last for name, last in conn.execute(sa.select(MARKS))}
        deleted = 0
        for child, parent in RUN_CHILDREN.items():
            table = _table_ids(child, f"{parent}_id")
            deleted += conn.execute(
                sa.delete(table).where(table.c[f"{parent}_id"] > marks[parent])
            ).rowcount
        for name in RUN_TABLES:
            table = _table_ids(name)
            deleted += conn.execute(
                sa.delete(table).where(table.c.id > marks[name])
            ).rowcount
    return f"deleted {deleted:,} rows written by earlier runs"


def analyse() -> float:
    """VACUUM ANALYZE on PostgreSQL, ANALYZE on SQLite; the seconds it took."""
    start = time.perf_counter()
    postgres = db.engine.dialect.name == "postgresql"
    command = "VACUUM ANALYZE" if postgres else "ANALYZE"
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text(command))
    return time.perf_counter() - start


def database(app: Flask, url: sa.URL, sizes: scale_data.Sizes, reuse: bool) -> None:
    """A migrated database with the reference data and the scale data set."""
    from flask_migrate import upgrade

    label = f"{url.get_backend_name()} {url.database}"
    if reuse and generated(url):
        progress(f"reusing {label}")
        with app.app_context():
            upgrade()
            progress(forget_runs())
            # The deleted rows, and those runs updated, leave dead versions
            # that a server without autovacuum (this machine's) never
            # reclaims: each run would read more of them than the last.
            progress(f"VACUUM ANALYZE in {analyse():.0f} s")
        return
    recreate(url)
    with app.app_context():
        progress(f"migrating {label}")
        upgrade()
        seeding.load_reference(Path(app.config["SEEDS_PATH"]) / "reference")
        progress(f"generating {sizes}")
        report = scale_data.generate(sizes, seed=1, progress=progress)
        progress(f"data set written in {report.seconds:.0f} s")
        mark_data_set()
        progress(f"VACUUM ANALYZE in {analyse():.0f} s")


# -- accounts ----------------------------------------------------------------
def _organisations(n: int) -> list[Organisation]:
    """Organisations of the data set with active requests and matched listings."""
    active_requests = (
        sa.select(Listing.organisation_id)
        .where(Listing.kind == "request", Listing.state == "active")
        .group_by(Listing.organisation_id)
        .having(sa.func.count() >= 3)
    )
    matched = (
        sa.select(Listing.organisation_id)
        .join(Match, Match.offer_id == Listing.id)
        .where(Match.dismissed_at.is_(None))
        .group_by(Listing.organisation_id)
        .having(sa.func.count() >= 3)
    )
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .where(
                Organisation.slug.like("scale-%"),
                Organisation.lat.is_not(None),
                Organisation.id.in_(active_requests),
                Organisation.id.in_(matched),
            )
            .order_by(Organisation.id)
            .limit(n)
        )
    )


def _member(index: int, org: Organisation, password_hash: str) -> User:
    email = EMAIL.format(index)
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = User(
            email=email,
            full_name=f"Load bench {index}",
            password_hash=password_hash,
            locale="en",
            session_token=f"load-{index:04d}",
        )
        db.session.add(user)
    user.organisation, user.org_role = org, OrgRole.MEMBER
    return user


def _manager(password_hash: str) -> tuple[User, Zone]:
    """The zone manager of the zone with the most organisations."""
    zone = db.session.scalars(
        sa.select(Zone)
        .join(Organisation, Organisation.zone_id == Zone.id)
        .group_by(Zone.id)
        .order_by(sa.func.count(Organisation.id).desc(), Zone.id)
        .limit(1)
    ).one()
    user = db.session.scalar(sa.select(User).where(User.email == MANAGER_EMAIL))
    if user is None:
        user = User(
            email=MANAGER_EMAIL,
            full_name="Load bench zone manager",
            password_hash=password_hash,
            locale="en",
            session_token="load-manager",
        )
        db.session.add(user)
    user.managed_zones = [zone]
    return user, zone


def _cookie(app: Flask, user: User) -> str:
    """The session cookie of ``user`` signed in from the bench's user agent."""
    with app.test_request_context(
        "/",
        headers={"User-Agent": USER_AGENT},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    ):
        login_user(user)
        session["lang"] = "en"
        serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        return str(serializer.dumps(dict(session)))


def _ids(query: sa.Select[Any], limit: int) -> list[int]:
    return [int(i) for i in db.session.scalars(query.limit(limit))]


def _account(app: Flask, user: User, org: Organisation) -> dict[str, Any]:
    own_matched = (
        sa.select(Listing.id)
        .where(
            Listing.organisation_id == org.id,
            sa.or_(
                Listing.id.in_(sa.select(Match.offer_id)),
                Listing.id.in_(sa.select(Match.request_id)),
            ),
        )
        .order_by(Listing.id.desc())
    )
    requests = (
        sa.select(Listing.id)
        .where(
            Listing.organisation_id == org.id,
            Listing.kind == "request",
            Listing.state == "active",
        )
        .order_by(Listing.id.desc())
    )
    db.session.execute(  # the tokens of earlier runs (--reuse)
        sa.delete(ApiToken).where(
            ApiToken.user_id == user.id, ApiToken.name == "load bench"
        )
    )
    token, _record = tokens.create_token(user, "load bench")
    return {
        "email": user.email,
        "token": token,
        "cookie": _cookie(app, user),
        "organisation_id": org.id,
        "lat": org.lat,
        "lon": org.lon,
        "own": _ids(own_matched, 20),
        "requests": _ids(requests, 10),
    }


def plan(app: Flask, accounts: int, path: Path) -> dict[str, Any]:
    """Accounts, tokens, cookies and the ids the virtual users pick from."""
    with app.app_context():
        orgs = _organisations(accounts)
        if len(orgs) < 2:
            sys.exit("the data set has fewer than two usable organisations")
        password_hash = hash_password(PASSWORD)
        users = [_member(i, org, password_hash) for i, org in enumerate(orgs)]
        manager, zone = _manager(password_hash)
        db.session.commit()
        members = [_account(app, u, o) for u, o in zip(users, orgs, strict=True)]
        listings = _ids(
            sa.select(Listing.id)
            .where(Listing.state == "active")
            .order_by(sa.func.random()),
            2000,
        )
        zones = [int(z) for z in db.session.scalars(sa.select(Zone.id))]
        content = {
            "user_agent": USER_AGENT,
            "cookie_name": app.config["SESSION_COOKIE_NAME"],
            "password": PASSWORD,
            "accounts": members,
            "manager": {"cookie": _cookie(app, manager), "zone": zone.slug},
            "listings": listings,
            "zones": zones,
            "queries": list(QUERIES),
        }
    path.write_text(json.dumps(content), encoding="utf-8")
    return content
