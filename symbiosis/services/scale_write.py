"""Bulk writing of generated columns: COPY on PostgreSQL, batched inserts elsewhere.

The scale data generator (:mod:`symbiosis.services.scale_data`) builds each
table as numpy columns; this module turns them into rows. On PostgreSQL the
rows go through ``COPY ... FROM STDIN`` (psycopg ``cursor.copy``), the fastest
way in; on other databases (SQLite in the tests) through SQLAlchemy Core
``insert()`` with batches of parameters. Ids are given explicitly, so the
caller can link tables without reading them back; the sequences are moved
past them afterwards.

A column is a numpy array, or ``(array, null_mask)`` for a nullable one.
NaN floats, NaT times and ``None`` objects are NULL too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from decimal import Decimal
from typing import Any

import numpy as np
import sqlalchemy as sa

from symbiosis.db_connections import driver_connection_for_writing

Column = Any  # np.ndarray | tuple[np.ndarray, np.ndarray]
COPY_ROWS = 50_000
# From this many rows on, PostgreSQL loads faster without the table's indexes
# and foreign keys, rebuilt (and checked again) in one pass after the rows.
REBUILD_ROWS = 100_000
INSERT_ROWS = 2_000
NULL = "\\N"


def split(column: Column) -> tuple[np.ndarray, np.ndarray]:
    """The values of ``column`` and where they are NULL."""
    values, mask = column if isinstance(column, tuple) else (column, None)
    values = np.asarray(values)
    kind = values.dtype.kind
    if kind == "M":
        nulls = np.isnat(values)
    elif kind == "f":
        nulls = np.isnan(values)
    elif kind == "O":
        nulls = np.array([v is None for v in values.tolist()], dtype=bool)
    else:
        nulls = np.zeros(len(values), dtype=bool)
    if mask is not None:
        nulls = nulls | np.asarray(mask, dtype=bool)
    return values, nulls


def as_text(column: Column) -> list[str]:
    """``column`` in PostgreSQL's COPY text format (``\\N`` for NULL)."""
    values, nulls = split(column)
    kind = values.dtype.kind
    if kind == "M":
        unit = np.datetime_data(values.dtype)[0]
        text = (
            np.datetime_as_string(values)
            if unit == "D"
            else np.datetime_as_string(values, unit="s", timezone="UTC")
        )
    elif kind == "b":
        text = np.where(values, "t", "f")
    elif kind == "O":
        text = np.array([NULL if v is None else str(v) for v in values], dtype=object)
    else:
        text = values.astype(str)
    return np.where(nulls, NULL, text).tolist()  # type: ignore[no-any-return]


def as_python(column: Column, kind: sa.types.TypeEngine[Any]) -> list[Any]:
    """``column`` as the Python values SQLAlchemy binds for a column of ``kind``."""
    values, nulls = split(column)
    if values.dtype.kind == "M":
        if np.datetime_data(values.dtype)[0] == "D":
            items = values.astype(object).tolist()
        else:
            items = [
                None if v is None else v.replace(tzinfo=UTC)
                for v in values.astype("datetime64[us]").astype(object).tolist()
            ]
    else:
        items = values.tolist()
    if isinstance(kind, sa.JSON):
        items = [None if v is None else json.loads(v) for v in items]
    elif isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        items = [None if v is None else Decimal(str(v)) for v in items]
    return [None if null else v for v, null in zip(items, nulls.tolist(), strict=True)]


def first_id(connection: sa.Connection, table: sa.Table) -> int:
    """The id the next generated row of ``table`` takes."""
    top = connection.scalar(sa.select(sa.func.max(table.c.id)))
    return int(top or 0) + 1


def write(
    connection: sa.Connection, table: sa.Table, columns: dict[str, Column]
) -> int:
    """Insert the rows made of ``columns`` (name → column) into ``table``."""
    names = list(columns)
    unknown = [n for n in names if n not in table.c]
    if unknown:
        raise ValueError(f"{table.name} has no columns {unknown}")
    total = len(split(columns[names[0]])[0])
    if total == 0:
        return 0
    if connection.dialect.name == "postgresql":
        if total >= REBUILD_ROWS:
            with _rebuilt_after(connection, table):
                _copy(connection, table, columns, total)
        else:
            _copy(connection, table, columns, total)
    else:
        for start in range(0, total, INSERT_ROWS):
            part = {n: _part(c, start, INSERT_ROWS) for n, c in columns.items()}
            cells = [as_python(c, table.c[n].type) for n, c in part.items()]
            rows = [
                dict(zip(names, row, strict=True)) for row in zip(*cells, strict=True)
            ]
            connection.execute(table.insert(), rows)
    return total


def _part(column: Column, start: int, size: int) -> Column:
    if isinstance(column, tuple):
        return column[0][start : start + size], column[1][start : start + size]
    return column[start : start + size]


@contextmanager
def _rebuilt_after(connection: sa.Connection, table: sa.Table) -> Iterator[None]:
    """Drop the secondary indexes, unique and foreign keys; add them back after.

    All in the caller's transaction: adding them back checks every row, and a
    failure rolls the whole table back, indexes and keys included.
    """
    name = {"table": f'"{table.name}"'}
    keys = connection.execute(
        sa.text(
            "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "WHERE c.conrelid = CAST(:table AS regclass) AND c.contype IN ('f', 'u') "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint r "
            "WHERE r.contype = 'f' AND r.conindid = c.conindid AND c.contype = 'u')"
        ),
        name,
    ).all()
    indexes = connection.execute(
        sa.text(
            "SELECT CAST(i.indexrelid AS regclass), pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i WHERE i.indrelid = CAST(:table AS regclass) "
            "AND NOT i.indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
        ),
        name,
    ).all()
    quoted = f'"{table.name}"'
    for key, _definition in keys:
        connection.exec_driver_sql(f'ALTER TABLE {quoted} DROP CONSTRAINT "{key}"')
    for index, _definition in indexes:
        connection.exec_driver_sql(f"DROP INDEX {index}")
    yield
    for _index, definition in indexes:
        connection.exec_driver_sql(definition)
    for key, definition in keys:
        connection.exec_driver_sql(
            f'ALTER TABLE {quoted} ADD CONSTRAINT "{key}" {definition}'
        )


def _copy(
    connection: sa.Connection, table: sa.Table, columns: dict[str, Column], total: int
) -> None:
    quoted = ", ".join(f'"{n}"' for n in columns)
    raw = driver_connection_for_writing(connection)
    with raw.cursor() as cursor:
        statement = f'COPY "{table.name}" ({quoted}) FROM STDIN'
        with cursor.copy(statement) as copy:
            for start in range(0, total, COPY_ROWS):
                cells = [as_text(_part(c, start, COPY_ROWS)) for c in columns.values()]
                block = "\n".join(map("\t".join, zip(*cells, strict=True))) + "\n"
                if "\\" in block.replace(NULL, ""):
                    raise ValueError(f"a backslash in the rows of {table.name}")
                copy.write(block)


def reset_sequence(connection: sa.Connection, table: sa.Table) -> None:
    """Move the id sequence of ``table`` past the ids written (PostgreSQL)."""
    if connection.dialect.name != "postgresql":
        return  # SQLite takes the next id after the largest one
    top = connection.scalar(sa.select(sa.func.max(table.c.id)))
    connection.execute(
        sa.text("SELECT setval(pg_get_serial_sequence(:name, 'id'), :next, false)"),
        {"name": f'"{table.name}"', "next": int(top or 0) + 1},
    )
