"""Backup and restore of every table, as a portable archive.

The archive is a zip: ``manifest.json`` (format and version, the Alembic
revision of the database, when it was made, and each table's columns, their
kinds and its row count) and one JSON Lines file per table,
``tables/<name>.jsonl``, one object per row keyed by column name, in
foreign-key order. :mod:`symbiosis.services.backup_codec` says how values are
written so that they come back exactly, on SQLite as on PostgreSQL.

A dump reads one consistent snapshot. A restore goes only into an empty
database migrated to the archive's revision, in one transaction: every row or
none; on PostgreSQL the id sequences then continue after the restored ids.
"""

from __future__ import annotations

import io
import itertools
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa

from symbiosis.db_connections import driver_connection_for_writing
from symbiosis.extensions import db
from symbiosis.models import Base
from symbiosis.services import backup_codec as codec

FORMAT = "symbiosis-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
BATCH = 1000


class BackupError(Exception):
    """The dump or restore cannot go on; nothing was written."""


@dataclass
class Summary:
    path: Path
    revision: str | None
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def tables() -> list[sa.Table]:
    """Every table of the models, parents before children."""
    return list(Base.metadata.sorted_tables)


def entry(table: str) -> str:
    return f"tables/{table}.jsonl"


def database_revision(conn: sa.Connection) -> str | None:
    """The Alembic revision of the database (None before any migration)."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    heads = conn.execute(sa.text("SELECT version_num FROM alembic_version"))
    return ",".join(sorted(heads.scalars())) or None


# -- dump ---------------------------------------------------------------------


def archive_path(target: Path, now: datetime | None = None) -> Path:
    """``FILE.zip`` as given, else a dated file in the folder ``target``."""
    if target.suffix.lower() != ".zip":
        if target.exists() and not target.is_dir():
            raise BackupError(f"{target} is a file: give a folder or a .zip name")
        target.mkdir(parents=True, exist_ok=True)
        stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
        target = target / f"symbiosis-{stamp}.zip"
    if target.exists():
        raise BackupError(f"{target} already exists: it is not overwritten")
    if not target.parent.is_dir():
        raise BackupError(f"folder {target.parent} does not exist")
    return target


def dump(target: Path) -> Summary:
    """Write every table to a new archive at ``target`` (a folder or FILE.zip)."""
    path = archive_path(target)
    partial = path.with_name(path.name + ".part")
    try:
        summary = _dump_to(partial, path)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return summary


def _dump_to(partial: Path, path: Path) -> Summary:
    with db.engine.connect() as conn:
        _snapshot(conn)
        summary = Summary(path, database_revision(conn))
        described = []
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as out:
            for table in tables():
                columns = [(c, _kind(table, c)) for c in table.columns]
                with out.open(entry(table.name), "w", force_zip64=True) as raw:
                    count = _dump_table(conn, table, columns, raw)
                summary.rows[table.name] = count
                kinds = [{"name": c.name, "kind": k} for c, k in columns]
                described.append({"name": table.name, "rows": count, "columns": kinds})
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": datetime.now(UTC).isoformat(),
                "alembic_revision": summary.revision,
                "dialect": conn.dialect.name,
                "tables": described,
            }
            out.writestr(MANIFEST, json.dumps(manifest, indent=2) + "\n")
        conn.rollback()  # read only
    return summary


def _snapshot(conn: sa.Connection) -> None:
    """Read every table from one snapshot, whatever is written meanwhile."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            sa.text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        )
    elif conn.dialect.name == "sqlite":  # pysqlite does not BEGIN before a SELECT
        conn.exec_driver_sql("BEGIN")


def _kind(table: sa.Table, column: sa.Column[Any]) -> str:
    try:
        return codec.kind(column)
    except codec.CodecError as error:
        raise BackupError(f"{table.name}.{column.name}: {error}") from None


def _dump_table(
    conn: sa.Connection,
    table: sa.Table,
    columns: list[tuple[sa.Column[Any], str]],
    raw: Any,
) -> int:
    order = list(table.primary_key.columns) or list(table.columns)
    query = sa.select(*(codec.selectable(c) for c, _ in columns)).order_by(*order)
    try:
        result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(
            query
        )
    except sa.exc.DBAPIError as error:
        raise BackupError(
            f"table {table.name} could not be read ({_first_line(error)}); "
            "is the database migrated (flask db upgrade)?"
        ) from None
    count = 0
    with io.TextIOWrapper(raw, encoding="utf-8", newline="\n") as text:
        for row in result:
            record = {
                c.name: codec.encode(k, v)
                for (c, k), v in zip(columns, row, strict=True)
            }
            text.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def _first_line(error: Exception) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


# -- restore ------------------------------------------------------------------


def restore(source: Path) -> Summary:
    """Load the archive ``source`` into this empty database, every row or none."""
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(f"{source} is not a backup archive ({error})") from None
    with archive:
        manifest = read_manifest(archive)
        summary = Summary(source, manifest.get("alembic_revision"))
        with db.engine.connect() as conn, conn.begin():
            _check_revision(conn, manifest)
            _compare(manifest["tables"], archive.namelist())
            _check_empty(conn)
            for table in tables():
                described = manifest["tables"][table.name]
                summary.rows[table.name] = _load(conn, archive, table, described)
            if conn.dialect.name == "postgresql":
                _reset_sequences(conn)
    return summary


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    """The manifest of a readable archive of this format version."""
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupError(f"the archive has no {MANIFEST}") from None
    except (ValueError, zipfile.BadZipFile) as error:
        raise BackupError(f"{MANIFEST} cannot be read ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{MANIFEST} does not describe a {FORMAT} archive")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"archive format version {manifest.get('format_version')!r} is not "
            f"supported (this version reads {FORMAT_VERSION})"
        )
    try:
        described = _described(manifest["tables"])
    except (KeyError, TypeError, AttributeError):
        raise BackupError(
            f"{MANIFEST} is malformed: its tables cannot be read"
        ) from None
    manifest["tables"] = described
    return manifest


def _described(raw: Any) -> dict[str, dict[str, Any]]:
    """Tables by name, each with ``rows`` and ``kinds`` (column -> kind)."""
    described = {}
    for table in raw:
        kinds = {str(c["name"]): str(c["kind"]) for c in table["columns"]}
        described[str(table["name"])] = {"rows": table["rows"], "kinds": kinds}
    return described


def _compare(described: dict[str, dict[str, Any]], names: list[str]) -> None:
    """The archive has the tables and columns of the models, and their files."""
    expected = {t.name: t for t in tables()}
    if set(described) != set(expected):
        unknown = sorted(set(described) - set(expected))
        missing = sorted(set(expected) - set(described))
        raise BackupError(
            "the archive's tables differ from the database's: "
            f"unknown {', '.join(unknown) or 'none'}; "
            f"missing {', '.join(missing) or 'none'}"
        )
    for name, table in expected.items():
        wanted = {c.name: codec.kind(c) for c in table.columns}
        if described[name]["kinds"] != wanted:
            raise BackupError(
                f"table {name}: the archive's columns "
                f"{sorted(described[name]['kinds'].items())} do not match the "
                f"database's {sorted(wanted.items())}"
            )
        if entry(name) not in names:
            raise BackupError(f"the archive has no {entry(name)}")


def _check_revision(conn: sa.Connection, manifest: dict[str, Any]) -> None:
    revision = database_revision(conn)
    if revision != manifest.get("alembic_revision"):
        raise BackupError(
            f"the archive was made at migration {manifest.get('alembic_revision')!r} "
            f"but the database is at {revision!r}: restore into a database "
            "migrated to the same revision"
        )


def _check_empty(conn: sa.Connection) -> None:
    filled = [
        t.name
        for t in tables()
        if conn.execute(sa.select(sa.literal(1)).select_from(t).limit(1)).first()
    ]
    if filled:
        more = f" and {len(filled) - 5} more" if len(filled) > 5 else ""
        raise BackupError(
            f"the database is not empty (rows in {', '.join(filled[:5])}{more}): "
            "restore only into an empty, migrated database"
        )


def _rows(archive: zipfile.ZipFile, name: str) -> Iterator[tuple[int, Any]]:
    number = 0
    try:
        with archive.open(entry(name)) as raw:
            for line in io.TextIOWrapper(raw, "utf-8"):
                number += 1
                if line.strip():
                    yield number, _json_line(line, name, number)
    except (UnicodeDecodeError, zipfile.BadZipFile) as error:  # bytes, CRC
        raise BackupError(f"{entry(name)} cannot be read ({error})") from None


def _json_line(line: str, name: str, number: int) -> Any:
    try:
        return json.loads(line)
    except ValueError as error:
        raise BackupError(f"{entry(name)} line {number}: {error}") from None


def _load(
    conn: sa.Connection,
    archive: zipfile.ZipFile,
    table: sa.Table,
    described: dict[str, Any],
) -> int:
    copy = conn.dialect.name == "postgresql"
    decoders = codec.decoders(utc_naive=conn.dialect.name == "sqlite", json_text=copy)
    plan = [
        (name, decoders[kind], sa.null() if kind == "json" and not copy else None)
        for name, kind in described["kinds"].items()
    ]
    rows = _decoded(archive, table.name, plan)
    try:
        count = (_copy if copy else _insert)(conn, table, plan, rows)
    except (sa.exc.DBAPIError, psycopg.Error) as error:
        reason = f"the database refused a row ({_first_line(error)})"
        raise BackupError(f"table {table.name}: {reason}") from None
    if count != described.get("rows"):
        raise BackupError(
            f"table {table.name}: {count} rows in the archive, "
            f"the manifest says {described.get('rows')}"
        )
    return count


Plan = list[tuple[str, Any, Any]]  # column name, decoder, value of SQL NULL


def _decoded(archive: zipfile.ZipFile, name: str, plan: Plan) -> Iterator[list[Any]]:
    """Each row's values in the order of ``plan``, checked."""
    names = {column for column, _, _ in plan}
    for number, record in _rows(archive, name):
        where = f"{entry(name)} line {number}"
        if not isinstance(record, dict) or record.keys() != names:
            raise BackupError(
                f"{where}: expected an object with the columns {sorted(names)}"
            )
        values = []
        for column, decode, null in plan:
            value = record[column]
            try:
                values.append(null if value is None else decode(value))
            except codec.CodecError as error:
                raise BackupError(f"{where}, column {column}: {error}") from None
        yield values


def _insert(
    conn: sa.Connection, table: sa.Table, plan: Plan, rows: Iterator[list[Any]]
) -> int:
    names = [name for name, _, _ in plan]
    count = 0
    while batch := list(itertools.islice(rows, BATCH)):
        conn.execute(table.insert(), [dict(zip(names, v, strict=True)) for v in batch])
        count += len(batch)
    return count


def _copy(
    conn: sa.Connection, table: sa.Table, plan: Plan, rows: Iterator[list[Any]]
) -> int:
    """PostgreSQL's COPY, in the transaction of ``conn``: 5-10 times quicker."""
    quote = conn.dialect.identifier_preparer.quote
    columns = ", ".join(quote(name) for name, _, _ in plan)
    sql = f"COPY {quote(table.name)} ({columns}) FROM STDIN"
    count = 0
    raw: Any = driver_connection_for_writing(conn)
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        for values in rows:
            copy.write_row(values)
            count += 1
    return count


def _reset_sequences(conn: sa.Connection) -> None:
    """Let PostgreSQL's id sequences continue after the largest restored id."""
    quote = conn.dialect.identifier_preparer.quote
    for table in tables():
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, sa.Integer):
            continue
        name, column = quote(table.name), quote(key[0].name)
        sequence = conn.execute(
            sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": name, "column": key[0].name},
        ).scalar()
        if sequence:
            conn.execute(
                sa.text(
                    f"SELECT setval(:sequence, COALESCE(MAX({column}), 1), "  # noqa: S608 - names from the models  # nosec B608
                    f"MAX({column}) IS NOT NULL) FROM {name}"
                ),
                {"sequence": sequence},
            )
