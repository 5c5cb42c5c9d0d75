"""Backup and restore round-trip every table exactly, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import math
import uuid
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from symbiosis import create_app
from symbiosis.extensions import db
from symbiosis.models import ActivityEntry, Listing
from symbiosis.services import agreement_thread as thread
from symbiosis.services import agreements, backup
from symbiosis.services import backup_codec as codec
from tests.builders import (
    agreement_terms,
    make_listing,
    make_org,
    make_reference,
    make_user,
    make_zone,
)
from tests.conftest import (
    BACKENDS,
    TEST_CONFIG,
    create_pg_database,
    drop_pg_database,
    postgres_base_url,
)

MOMENT = datetime(2026, 3, 1, 7, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def new_database(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[[], Flask]]:
    """Make empty databases migrated to the head, each with its own app."""
    made: list[tuple[Flask, str]] = []
    base = postgres_base_url() if request.param == "postgresql" else ""

    def make() -> Flask:
        if base:
            url = create_pg_database(base, "symbiosis_backup")
        else:
            url = f"sqlite:///{tmp_path / f'db{len(made)}.sqlite3'}"
        app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
        made.append((app, url))
        with app.app_context():
            upgrade()
        return app

    yield make
    for app, url in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if base:
            drop_pg_database(base, url)


def _seed() -> None:
    """Listings, matches, an agreement with deliveries, impact and messages."""
    make_reference()
    zone = make_zone()
    supplier, receiver = make_org(zone=zone), make_org(zone=zone)
    supplier.lat, supplier.lon = 49.60, 6.15
    receiver.lat, receiver.lon = 49.50, 6.00
    ua, ub = make_user(org=supplier), make_user(org=receiver)
    offer = make_listing(
        org=supplier, by=ua, quantity="3.1250", frequency="monthly", anonymous="1"
    )
    request = make_listing(
        org=receiver, by=ub, kind="request", title="Holzpaletten gesucht",
        quantity="20", frequency="yearly", price_terms="price_per_unit", price_per_unit="12.34",
    )  # fmt: skip
    start = (date.today() - timedelta(days=30)).isoformat()
    agreement = agreements.propose(
        ub, offer.id, request.id, {**agreement_terms(), "start": start}
    )
    agreements.act(ua, agreement.id, "accept", 1)
    agreements.act(ub, agreement.id, "start", 2)
    for quantity in ("2000", "1500.5"):
        thread.log_delivery(
            ua, agreement.id,
            {"delivered_on": date.today().isoformat(), "quantity": quantity,
             "unit": "kg"},
        )  # fmt: skip
    thread.post_message(ub, agreement.id, "Livraison lundi — « merci » ✓\nà bientôt")
    listing = db.session.get(Listing, offer.id)
    assert listing is not None
    listing.updated_at = MOMENT  # microseconds and a time zone
    # JSON columns: SQL NULL and the JSON value null are different things.
    log = ActivityEntry.__table__
    db.session.execute(
        log.insert(),
        [
            {"at": MOMENT, "action": "sql-null", "details": sa.null()},
            {"at": MOMENT, "action": "json-null", "details": sa.JSON.NULL},
            {"at": MOMENT, "action": "nested",
             "details": {"a": [1, 2.5, None, True], "é": {"b": "x\ny"}}},
        ],
    )  # fmt: skip
    db.session.commit()


def _snapshot(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (JSON as its text), in key order."""
    snapshot = {}
    with app.app_context(), db.engine.connect() as conn:
        for table in backup.tables():
            query = sa.select(*(codec.selectable(c) for c in table.columns))
            order = table.primary_key.columns or table.columns
            rows = conn.execute(query.order_by(*order))
            snapshot[table.name] = [tuple(row) for row in rows]
    return snapshot


def _counts(app: Flask) -> dict[str, int]:
    with app.app_context(), db.engine.connect() as conn:
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in backup.tables()
        }


def test_dump_and_restore_round_trip_every_table(
    new_database: Callable[[], Flask], tmp_path: Path
) -> None:
    source = new_database()
    with source.app_context():
        _seed()
    before = _snapshot(source)
    assert all(before[t] for t in ("listing", "match", "agreement", "delivery"))
    assert len(before["impact_record"]) == 2

    result = source.test_cli_runner().invoke(args=["backup", "dump", str(tmp_path)])
    assert result.exit_code == 0, result.output
    [archive] = tmp_path.glob("symbiosis-*.zip")
    assert str(archive) in result.output

    with zipfile.ZipFile(archive) as z:
        manifest = json.loads(z.read("manifest.json"))
        names = set(z.namelist())
    assert manifest["format"] == "symbiosis-backup"
    assert manifest["format_version"] == 1
    with source.app_context(), db.engine.connect() as conn:
        assert manifest["alembic_revision"] == backup.database_revision(conn)
    assert manifest["alembic_revision"] is not None
    assert datetime.fromisoformat(manifest["created_at"]).tzinfo is not None
    assert [t["name"] for t in manifest["tables"]] == [
        t.name for t in backup.tables()
    ]  # parents first
    assert {t["name"]: t["rows"] for t in manifest["tables"]} == {
        name: len(rows) for name, rows in before.items()
    }
    assert names == {"manifest.json"} | {
        f"tables/{t.name}.jsonl" for t in backup.tables()
    }

    target = new_database()
    result = target.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
    assert result.exit_code == 0, result.output
    after = _snapshot(target)
    for table in before:
        assert after[table] == before[table], table
    # SQL NULL and JSON null stayed apart; decimals and times exactly.
    columns = ActivityEntry.__table__.columns.keys()
    action, text = columns.index("action"), columns.index("details")
    details = {row[action]: row[text] for row in after["activity_log"]}
    assert details["sql-null"] is None
    assert details["json-null"] == "null"
    with target.app_context():
        listing = db.session.scalars(sa.select(Listing).order_by(Listing.id)).first()
        assert listing is not None
        assert listing.quantity == Decimal("3.1250")
        assert listing.updated_at.replace(tzinfo=UTC) == MOMENT
        # New rows get new ids (PostgreSQL's sequences continue after the restore).
        org = make_org()
        fresh = make_listing(org=org)
        db.session.commit()
        assert fresh.id > max(row[0] for row in before["listing"])


def test_restore_refuses_and_writes_nothing(
    new_database: Callable[[], Flask], tmp_path: Path
) -> None:
    source = new_database()
    with source.app_context():
        _seed()
        archive = backup.dump(tmp_path / "backup.zip").path
    counts = _counts(source)
    target = new_database()
    empty = _counts(target)
    assert set(empty.values()) == {0}

    def refused(app: Flask, path: Path) -> str:
        with app.app_context(), pytest.raises(backup.BackupError) as error:
            backup.restore(path)
        return str(error.value)

    # A database with rows.
    assert "not empty" in refused(source, archive)
    assert _counts(source) == counts

    # An archive from another migration.
    other = _rewrite(archive, tmp_path / "other.zip", revision="0001")
    assert "migration '0001'" in refused(target, other)

    # Not an archive at all; no manifest; another format version.
    junk = tmp_path / "junk.zip"
    junk.write_text("not a zip")
    assert "not a backup archive" in refused(target, junk)
    bare = tmp_path / "bare.zip"
    with zipfile.ZipFile(bare, "w") as z:
        z.writestr("tables/zone.jsonl", "")
    assert "no manifest.json" in refused(target, bare)
    future = _rewrite(archive, tmp_path / "future.zip", format_version=2)
    assert "format version 2" in refused(target, future)

    # A bad value in the last table, after every other table was loaded.
    broken = _rewrite(archive, tmp_path / "broken.zip", bad_row="impact_record")
    message = refused(target, broken)
    assert "tables/impact_record.jsonl line 1, column quantity" in message
    assert "decimal" in message
    assert _counts(target) == empty  # every row or none

    # A row the database itself refuses (a delivery of no agreement).
    orphan = _rewrite(archive, tmp_path / "orphan.zip", orphan_row="delivery")
    assert "table delivery: the database refused a row" in refused(target, orphan)
    assert _counts(target) == empty

    # A row count that does not match the manifest.
    short = _rewrite(archive, tmp_path / "short.zip", drop_row="delivery")
    assert "1 rows in the archive, the manifest says 2" in refused(target, short)
    assert _counts(target) == empty

    # The command says the same and exits with an error.
    result = target.test_cli_runner().invoke(args=["backup", "restore", str(junk)])
    assert result.exit_code == 1
    assert "not a backup archive" in result.output
    # An existing archive is never overwritten.
    with source.app_context(), pytest.raises(backup.BackupError, match="exists"):
        backup.dump(archive)


def _rewrite(
    archive: Path,
    out: Path,
    *,
    revision: str | None = None,
    format_version: int | None = None,
    bad_row: str | None = None,
    drop_row: str | None = None,
    orphan_row: str | None = None,
) -> Path:
    """A copy of ``archive`` with one thing changed."""
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            data = src.read(name).decode("utf-8")
            if name == "manifest.json":
                manifest = json.loads(data)
                if revision:
                    manifest["alembic_revision"] = revision
                if format_version:
                    manifest["format_version"] = format_version
                data = json.dumps(manifest)
            elif name == f"tables/{bad_row}.jsonl":
                first, *rest = data.splitlines(keepends=True)
                row = json.loads(first)
                row["quantity"] = "lots"
                data = json.dumps(row) + "\n" + "".join(rest)
            elif name == f"tables/{orphan_row}.jsonl":
                first, *rest = data.splitlines(keepends=True)
                row = json.loads(first)
                row["agreement_id"] = 999999
                data = json.dumps(row) + "\n" + "".join(rest)
            elif name == f"tables/{drop_row}.jsonl":
                data = "".join(data.splitlines(keepends=True)[1:])
            dst.writestr(name, data)
    return out


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("decimal", Decimal("123456789012.3400")),
        ("decimal", Decimal("-0.0001")),
        ("float", 0.1 + 0.2),
        ("float", math.inf),
        ("datetime_tz", datetime(2026, 3, 1, 23, 59, 59, 999999, tzinfo=UTC)),
        ("datetime", datetime(2026, 3, 1, 12, 0)),
        ("date", date(2026, 2, 28)),
        ("time", time(8, 30, 0, 5)),
        ("binary", b"\x00\xff\x10binary"),
        ("boolean", False),
        ("integer", 2**40),
        ("text", 'é\n"quoted"\t'),
        ("uuid", uuid.UUID("12345678-1234-5678-1234-567812345678")),
    ],
)
def test_codec_round_trips_each_kind(kind: str, value: Any) -> None:
    encoded = json.loads(json.dumps(codec.encode(kind, value)))
    assert codec.decoders(utc_naive=False)[kind](encoded) == value


def test_codec_names_the_problem() -> None:
    decoders = codec.decoders(utc_naive=False)
    for kind, bad in (("decimal", "NaN"), ("integer", True), ("boolean", 1),
                      ("date", "2026-02-30"), ("json", "{"), ("binary", "*"),
                      ("datetime_tz", "2026-03-01T10:00:00")):  # fmt: skip
        with pytest.raises(codec.CodecError):
            decoders[kind](bad)
    assert codec.decoders(utc_naive=True)["datetime_tz"](
        "2026-03-01T10:00:00+01:00"
    ) == datetime(2026, 3, 1, 9, 0)
