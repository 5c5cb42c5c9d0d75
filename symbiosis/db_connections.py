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
were all SELECTs, and to which the server gave no transaction id (it gives
one at the first write of any kind), ends with COMMIT instead, which for such
a transaction changes nothing else: no row was written, and locks and
snapshots end the same way. Any other statement through SQLAlchemy (INSERT,
UPDATE, DELETE, DDL, SET, a savepoint) or any write the server saw makes the
transaction roll back as usual.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import sqlalchemy as sa
from psycopg.pq import TransactionStatus

WROTE = "symbiosis_wrote"  # key in Connection.info: a statement other than SELECT


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
    is left to the rollback.
    """
    if conn.dialect.name != "postgresql" or conn.info.get(WROTE, True):
        return
    try:
        dbapi = conn.connection.dbapi_connection
    except sa.exc.SQLAlchemyError:  # invalidated or closed: nothing to keep
        return
    info = getattr(dbapi, "info", None)
    if (
        dbapi is None
        or info is None
        or info.transaction_status != TransactionStatus.INTRANS
    ):
        return
    try:
        # The server's word that nothing was written, whatever wrote it: a
        # COPY on the driver's own cursor (backup restore) passes no SQLAlchemy
        # event. Any write gives the transaction an id; a read does not.
        cursor = dbapi.cursor()
        try:
            cursor.execute("SELECT txid_current_if_assigned()")
            wrote = cursor.fetchone()
        finally:
            cursor.close()
        if wrote is not None and wrote[0] is None:
            dbapi.commit()
    except Exception:  # the rollback that follows reports it
        return
