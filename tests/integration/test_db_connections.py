"""Transactions and pooled connections behave on both databases
(symbiosis.db_connections).

On PostgreSQL a transaction that only read ends with COMMIT, so psycopg keeps
the statements it prepared; anything else still rolls back. A pooled
connection is checked before use only after a while idle; a dead one is
replaced then, and when caught in use the request fails once and the next
one connects afresh.
"""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from symbiosis import db_connections
from symbiosis.db_connections import IDLE_SINCE, driver_connection_for_writing
from symbiosis.extensions import db
from symbiosis.models import Sdg, Zone
from tests.builders import make_org, make_user, make_zone
from tests.conftest import as_user

PREPARED = "SELECT count(*) FROM pg_prepared_statements"


def _zone_names() -> list[str]:
    return list(db.session.scalars(sa.select(Zone.name).order_by(Zone.name)))


def _on_postgresql() -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")


def test_a_rolled_back_write_leaves_nothing(ctx: Flask) -> None:
    make_zone(name="Kept (K)")
    db.session.commit()
    make_zone(name="Dropped (D)")  # flushed by the builder, not committed
    assert _zone_names() == ["Dropped (D)", "Kept (K)"]
    db.session.rollback()
    assert _zone_names() == ["Kept (K)"]
    db.session.close()  # a fresh transaction agrees
    assert _zone_names() == ["Kept (K)"]


def test_a_write_left_unflushed_or_flushed_by_a_query_is_dropped(ctx: Flask) -> None:
    db.session.add(
        Zone(name="Pending (P)", slug="pending", commune="C", lat=49.6, lon=6.1)
    )
    assert _zone_names() == ["Pending (P)"]  # autoflush before the SELECT
    db.session.remove()  # what the end of a request does
    assert _zone_names() == []


def test_statements_stay_prepared_across_read_only_transactions(ctx: Flask) -> None:
    _on_postgresql()
    make_zone(name="Alpha (A)")
    db.session.commit()
    connection = db.session.connection()
    for _ in range(6):  # psycopg prepares a statement at its fifth run
        assert _zone_names() == ["Alpha (A)"]
    raw = connection.connection.dbapi_connection
    db.session.close()  # a request that read: the session ends its transaction
    assert raw.info.transaction_status.name == "IDLE"
    with db.engine.connect() as again:
        assert again.connection.dbapi_connection is raw  # the pool's one connection
        assert again.exec_driver_sql(PREPARED).scalar() >= 1


def test_a_transaction_that_wrote_drops_them_as_before(ctx: Flask) -> None:
    _on_postgresql()
    for _ in range(6):
        _zone_names()
    make_zone(name="Beta (B)")
    db.session.rollback()
    assert _zone_names() == []
    with db.engine.connect() as conn:
        # psycopg forgot its statements at the rollback (and told the server)
        assert conn.exec_driver_sql(PREPARED).scalar() == 0


def _sdgs() -> list[int]:
    return list(db.session.scalars(sa.select(Sdg.number)))


def test_a_write_on_the_drivers_own_cursor_is_rolled_back(ctx: Flask) -> None:
    """No SQLAlchemy event sees it (the backup's COPY): the connection taken
    for writing marks the transaction."""
    _on_postgresql()
    assert _sdgs() == []  # the transaction has only read so far
    raw = driver_connection_for_writing(db.session.connection())
    with (
        raw.cursor() as cursor,
        cursor.copy("COPY sdg (number, colour, label_en) FROM STDIN") as copy,
    ):
        copy.write_row((7, "#fcc30b", "Affordable and clean energy"))
    assert _sdgs() == [7]
    db.session.rollback()
    assert _sdgs() == []


def test_a_failed_read_rolls_back_and_the_connection_serves_again(ctx: Flask) -> None:
    with pytest.raises(sa.exc.DBAPIError):
        db.session.execute(sa.text("SELECT * FROM no_such_table"))
    db.session.rollback()
    make_zone(name="Gamma (G)")
    db.session.commit()
    assert _zone_names() == ["Gamma (G)"]


def test_pages_keep_their_statements_prepared(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        _on_postgresql()
        zone = make_zone(name="Delta (D)")
        user_id = make_user(org=make_org(zone=zone)).id
        db.session.commit()
    as_user(app, client, user_id)
    for _ in range(7):
        assert client.get("/listings/").status_code == 200
    with app.app_context(), db.engine.connect() as conn:
        # the statements of the page (the user, the zones...) and no more
        assert 3 <= conn.exec_driver_sql(PREPARED).scalar() < 40


def test_only_db_connections_hands_out_the_drivers_connection() -> None:
    """A write on the driver's own connection taken any other way would be
    committed as read-only by the session's closing rollback."""
    package = Path(db_connections.__file__).parent
    takers = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path.name != "db_connections.py"
        and re.search(r"\.(driver|dbapi)_connection\b", path.read_text("utf-8"))
    )
    assert takers == []


def _backend_pid() -> int:
    return int(db.session.scalar(sa.text("SELECT pg_backend_pid()")))


def _end_backend(app: Flask, pid: int) -> None:
    """The server ends that connection, as a restart does (from another
    connection), and the backend is gone when this returns."""
    engine = sa.create_engine(
        app.config["SQLALCHEMY_DATABASE_URI"], poolclass=sa.pool.NullPool
    )
    with engine.connect() as other:
        other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        for _ in range(100):
            alive = other.execute(
                sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"),
                {"pid": pid},
            ).scalar()
            if not alive:
                break
            time.sleep(0.02)
    engine.dispose()


def _pooled_records() -> list[Any]:
    pool = db.engine.pool
    return list(pool._pool.queue)  # type: ignore[attr-defined]


def test_a_read_in_steady_use_costs_three_round_trips(ctx: Flask) -> None:
    """BEGIN, the statement, COMMIT: no ping at checkout and no question to
    the server before the COMMIT (libpq's own trace of the protocol)."""
    _on_postgresql()
    db.session.execute(sa.text("SELECT 1 AS warm"))
    raw = db.session.connection().connection.dbapi_connection
    db.session.remove()
    with tempfile.TemporaryFile("w+") as trace:
        raw.pgconn.trace(trace.fileno())
        try:
            assert db.session.execute(sa.text("SELECT 2 AS mine")).scalar() == 2
            db.session.remove()
        finally:
            raw.pgconn.untrace()
        trace.seek(0)
        fields = [line.rstrip("\n").split("\t") for line in trace]
    sent = [f[4].strip() for f in fields if f[1] == "F"]  # from the front end
    assert sent == ['"BEGIN"', '"SELECT 2 AS mine"', '"COMMIT"']


def test_an_idle_connection_that_died_is_replaced_before_use(ctx: Flask) -> None:
    _on_postgresql()
    dead = _backend_pid()
    db.session.remove()
    (record,) = _pooled_records()
    record.info[IDLE_SINCE] -= db_connections.PING_AFTER_SECONDS + 1
    _end_backend(ctx, dead)
    fresh = _backend_pid()  # no error: the ping found it gone
    assert fresh != dead


def test_a_connection_the_server_ended_in_the_pool_is_replaced(ctx: Flask) -> None:
    """A restart says goodbye to every session: the socket tells at checkout,
    however short the wait in the pool."""
    _on_postgresql()
    dead = _backend_pid()
    db.session.remove()
    _end_backend(ctx, dead)
    assert _backend_pid() != dead  # no error


def test_a_connection_lost_in_use_fails_once_then_the_pool_reconnects(
    ctx: Flask,
) -> None:
    _on_postgresql()
    dead = _backend_pid()  # the session holds the connection from here
    _end_backend(ctx, dead)
    with pytest.raises(sa.exc.OperationalError) as caught:
        _backend_pid()
    assert caught.value.connection_invalidated
    db.session.remove()
    assert _backend_pid() != dead
