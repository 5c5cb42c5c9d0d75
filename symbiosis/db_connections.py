"""How the app's database connections behave, whatever the engine.

SQLite: foreign keys on; on a file, WAL and a busy timeout.

PostgreSQL (psycopg 3): a statement run five times on a connection is
prepared, so the server plans it once instead of at every run; planning is
most of the server's work for the short statements of a page. But psycopg
forgets every prepared statement at each ROLLBACK (a rolled-back DDL could
have changed what they refer to), and a request that only read ends with one:
the session's close rolls back. So nothing stayed prepared from one request
to the next, and the few statements that reached five runs within a request
were prepared only to be thrown away. Here a transaction whose statements
were all SELECTs ends with COMMIT instead, which for such a transaction
changes nothing else: no row was written, and locks and snapshots end the
same way. Any other statement through SQLAlchemy (INSERT, UPDATE, DELETE,
DDL, SET, a savepoint) makes the transaction roll back as usual. Code that
writes on the driver's own connection, where SQLAlchemy sees no statement
(PostgreSQL's COPY), takes it from :func:`driver_connection_for_writing`,
which marks the transaction as written (a test keeps every other module
off the driver's connection); the server is not asked.

Every checkout of a pooled connection used to ask the server first whether
the connection still worked (SQLAlchemy's ``pool_pre_ping``): one more round
trip on every request, which the server pays too. Instead, a checkout looks
at the connection's socket without waiting: a server that ends a session
(a shutdown, a restart, ``pg_terminate_backend``) first sends it an error
message, and a crashed server's socket reads as closed, so a connection
that has anything to read while it sat in the pool is asked before use, and
replaced if it no longer answers. One idle for :data:`PING_AFTER_SECONDS` or
more is asked too (a firewall may have dropped it without a word). If the
server still goes away unseen, the first statement fails, SQLAlchemy sees a
disconnect and recycles the whole pool, and that request gets a 503 (see
``symbiosis.web.errors``): the next one connects afresh.
"""

from __future__ import annotations

import select
import sqlite3
import time
from typing import Any

import sqlalchemy as sa
from psycopg.pq import TransactionStatus

WROTE = "symbiosis_wrote"  # key in Connection.info: a statement other than SELECT
IDLE_SINCE = "symbiosis_idle_since"  # key in a pool record's info: last checkin
PING_AFTER_SECONDS = 10.0


def driver_connection_for_writing(conn: sa.Connection) -> Any:
    """The driver's own connection under ``conn``, for writes that pass no
    SQLAlchemy event (COPY): the transaction counts as written, so it rolls
    back when asked to instead of being committed as read-only."""
    conn.info[WROTE] = True
    return conn.connection.driver_connection


@sa.event.listens_for(sa.pool.Pool, "checkin")
def _note_idle(dbapi_connection: Any, record: Any) -> None:
    if dbapi_connection is not None:
        record.info[IDLE_SINCE] = time.monotonic()


def _spoke_while_idle(dbapi_connection: Any) -> bool:
    """Whether the server sent something to a connection nobody was using
    (its goodbye, or the end of the stream): a poll of the socket, no round
    trip. SQLite's connections have no socket."""
    fileno = getattr(dbapi_connection, "fileno", None)
    if fileno is None:
        return False
    try:
        readable, _, _ = select.select([fileno()], [], [], 0)
    except (OSError, ValueError):  # closed underneath
        return True
    return bool(readable)


@sa.event.listens_for(sa.pool.Pool, "checkout")
def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """Ask a pooled connection that the server spoke to while it waited, or
    that waited a while, whether it still works; a dead one is replaced (the
    pool tries another when a checkout listener raises
    ``DisconnectionError``). A connection in steady use goes straight to
    work."""
    idle_since = record.info.get(IDLE_SINCE)
    if idle_since is None:
        return  # just connected
    waited = time.monotonic() - idle_since
    if waited < PING_AFTER_SECONDS and not _spoke_while_idle(dbapi_connection):
        return
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
    except Exception as error:
        raise sa.exc.DisconnectionError(f"idle connection is gone: {error}") from error


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Enforce foreign keys on SQLite; on a file, let readers and a writer coexist.

    WAL lets pages be read while a request writes, and the busy timeout makes a
    second writer wait (up to 5 s) instead of failing with "database is locked".
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        files = [row[2] for row in cursor.execute("PRAGMA database_list")]
        if files and files[0]:  # an empty name is an in-memory database
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


@sa.event.listens_for(sa.engine.Engine, "begin")
def _begin(conn: sa.Connection) -> None:
    conn.info[WROTE] = False


@sa.event.listens_for(sa.engine.Engine, "before_cursor_execute")
def _note_writes(
    conn: sa.Connection, _cursor: Any, statement: str, *_args: Any
) -> None:
    if statement.lstrip()[:6].upper() != "SELECT":
        conn.info[WROTE] = True


@sa.event.listens_for(sa.engine.Engine, "rollback")
def _commit_what_only_read(conn: sa.Connection) -> None:
    """End a read-only PostgreSQL transaction with COMMIT (see above).

    psycopg's rollback then finds no transaction open and keeps its prepared
    statements. A failed transaction, a broken connection, or one that wrote
    (a statement other than SELECT, or :func:`driver_connection_for_writing`)
    is left to the rollback.
    """
    if conn.dialect.name != "postgresql" or conn.invalidated:
        return  # a lost connection has nothing to keep (and refuses its info)
    try:
        if conn.info.get(WROTE, True):
            return
        dbapi = conn.connection.dbapi_connection
    except sa.exc.SQLAlchemyError:  # closed: nothing to keep
        return
    info = getattr(dbapi, "info", None)
    if (
        dbapi is None
        or info is None
        or info.transaction_status != TransactionStatus.INTRANS
    ):
        return
    try:
        dbapi.commit()
    except Exception:  # the rollback that follows reports it
        return
