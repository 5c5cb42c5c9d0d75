"""Idempotent loaders for ``seeds/reference`` and ``seeds/demo``.

Rows are upserted by their natural key, so running a loader twice changes
nothing the second time. Each loader commits once, at the end.
"""

from __future__ import annotations

import csv
import json
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from symbiosis.extensions import db
from symbiosis.matching.normalise import fold, slugify
from symbiosis.models import (
    EmissionFactor,
    EwcChapter,
    EwcCode,
    FactorSet,
    Invitation,
    Listing,
    Locality,
    MailNotices,
    NaceCode,
    Organisation,
    OrgRole,
    Sdg,
    User,
    Zone,
    ZoneRequest,
)
from symbiosis.models.base import utcnow
from symbiosis.services import impacts, invitations, organisations
from symbiosis.services.passwords import hash_password
from symbiosis.services.practice_seed import load_practices


@dataclass
class LoadReport:
    inserted: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, inserted: int, updated: int) -> None:
        self.inserted[table] = self.inserted.get(table, 0) + inserted
        self.updated[table] = self.updated.get(table, 0) + updated

    @property
    def changed(self) -> int:
        return sum(self.inserted.values()) + sum(self.updated.values())


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def _blank(value: str | None) -> str | None:
    return value if value not in (None, "") else None


def _upsert(
    report: LoadReport,
    model: type[Any],
    key: Callable[[Any], Any],
    rows: list[dict[str, Any]],
    *,
    update: bool = True,
) -> None:
    """Insert rows whose key is new; update changed columns of the others."""
    existing = {key(obj): obj for obj in db.session.scalars(sa.select(model))}
    inserted = updated = 0
    for row in rows:
        obj = existing.get(key(row))
        if obj is None:
            db.session.add(model(**row))
            inserted += 1
            continue
        if not update:
            continue
        changes = {k: v for k, v in row.items() if getattr(obj, k) != v}
        if changes:
            for k, v in changes.items():
                setattr(obj, k, v)
            updated += 1
    report.add(model.__tablename__, inserted, updated)


def _labels(row: dict[str, str]) -> dict[str, str | None]:
    return {
        "label_en": row["label_en"],
        "label_fr": _blank(row.get("label_fr")),
        "label_de": _blank(row.get("label_de")),
    }


def zone_slug(name: str) -> str:
    return slugify(name.split(" (")[0])


def load_reference(root: Path) -> LoadReport:
    """Load every reference table from ``root`` (``seeds/reference``)."""
    report = LoadReport()
    _upsert(
        report,
        EwcChapter,
        lambda o: _get(o, "code"),
        [
            {"code": r["code"], "level": r["level"], **_labels(r)}
            for r in _rows(root / "ewc-chapters.csv")
        ],
    )
    _upsert(
        report,
        EwcCode,
        lambda o: _get(o, "code"),
        [
            {
                "code": r["code"],
                "chapter": r["chapter"],
                "subchapter": r["subchapter"],
                "hazardous": r["hazardous"] == "1",
                "entry_type": r["entry_type"],
                **_labels(r),
            }
            for r in _rows(root / "ewc.csv")
        ],
    )
    _upsert(
        report,
        NaceCode,
        lambda o: _get(o, "code"),
        [
            {
                "code": r["code"],
                "level": r["level"],
                "parent": _blank(r["parent"]),
                **_labels(r),
            }
            for r in _rows(root / "nace.csv")
        ],
    )
    _upsert(
        report,
        Sdg,
        lambda o: _get(o, "number"),
        [
            {"number": int(r["number"]), "colour": r["colour"], **_labels(r)}
            for r in _rows(root / "sdgs.csv")
        ],
    )
    _upsert(
        report,
        Locality,
        lambda o: (_get(o, "kind"), _get(o, "name"), _get(o, "commune")),
        [
            {
                "name": r["name"],
                "commune": _blank(r["commune"]),
                "canton": _blank(r["canton"]),
                "kind": r["kind"],
                "lat": float(r["lat"]),
                "lon": float(r["lon"]),
                "population": int(r["population"]) if r["population"] else None,
                "source": r["source"],
            }
            for r in _rows(root / "localities.csv")
        ],
    )
    _upsert(
        report,
        EmissionFactor,
        lambda o: (_get(o, "factor_set"), _get(o, "source_id")),
        [
            {
                "factor_set": r["factor_set"],
                "source_id": r["source_id"],
                "level_1": r["level_1"],
                "level_2": _blank(r["level_2"]),
                "level_3": _blank(r["level_3"]),
                "level_4": _blank(r["level_4"]),
                "column_text": _blank(r["column_text"]),
                "unit": r["unit"],
                "kg_co2e_per_unit": Decimal(r["kg_co2e_per_unit"]),
            }
            for r in _rows(root / "emission-factors.csv")
        ],
    )
    # The seeded set applies to exchanges of its reporting year and later,
    # until a facilitator adds a newer one (services/factor_sets.py).
    _upsert(
        report,
        FactorSet,
        lambda o: _get(o, "name"),
        [
            {
                "name": impacts.FACTOR_SET,
                "valid_from": date(2025, 1, 1),
                "source": impacts.SEEDED_SOURCE,
            }
        ],
        update=False,
    )
    # Zone points may be corrected by their managers in the app: never overwrite.
    _upsert(
        report,
        Zone,
        lambda o: _get(o, "name"),
        [
            {
                "name": r["name"],
                "slug": zone_slug(r["name"]),
                "commune": r["commune"],
                "kind": _blank(r["type"]),
                "lat": float(r["lat"]),
                "lon": float(r["lon"]),
                "confidence": _blank(r["confidence"]),
            }
            for r in _rows(root / "zones.csv")
        ],
        update=False,
    )
    report.add("practice", load_practices(root), 0)
    db.session.commit()
    return report


def _get(obj: Any, name: str) -> Any:
    return obj[name] if isinstance(obj, dict) else getattr(obj, name)


def load_demo(root: Path) -> LoadReport:
    """Load demo organisations and users from ``root`` (``seeds/demo``)."""
    report = LoadReport()
    zones = {z.name: z for z in db.session.scalars(sa.select(Zone))}
    sdgs = {s.number: s for s in db.session.scalars(sa.select(Sdg))}
    orgs = {o.name_key: o for o in db.session.scalars(sa.select(Organisation))}
    inserted = 0
    for row in json.loads((root / "organisations.json").read_text(encoding="utf-8")):
        if fold(row["name"]) in orgs:
            continue
        org = organisations.create(
            name=row["name"],
            kind=row["kind"],
            nace_code=row.get("nace_code"),
            description=row.get("description"),
            website=row.get("website"),
            street=row.get("street"),
            postcode=row.get("postcode"),
            locality=row.get("locality"),
            lat=row.get("lat"),
            lon=row.get("lon"),
        )
        org.zone = zones[row["zone"]] if row.get("zone") else None
        org.sdgs = [sdgs[n] for n in row.get("sdgs", [])]
        if row.get("requests_zone"):
            db.session.add(
                ZoneRequest(zone=zones[row["requests_zone"]], organisation=org)
            )
        orgs[org.name_key] = org
        inserted += 1
    report.add("organisation", inserted, 0)

    emails = set(db.session.scalars(sa.select(User.email)))
    inserted = 0
    for row in json.loads((root / "users.json").read_text(encoding="utf-8")):
        if row["email"] in emails:
            continue
        member_of = orgs[fold(row["organisation"])] if row.get("organisation") else None
        user = User(
            email=row["email"],
            full_name=row["full_name"],
            password_hash=hash_password(row["password"]),
            locale=row.get("locale", "fr"),
            mail_notices=MailNotices(row.get("mail_notices", "each")),
            is_facilitator=row.get("facilitator", False),
            organisation=member_of,
            org_role=OrgRole(row["org_role"]) if member_of is not None else None,
            session_token=secrets.token_hex(16),
        )
        user.managed_zones = [zones[name] for name in row.get("manages_zones", [])]
        db.session.add(user)
        inserted += 1
    report.add("user", inserted, 0)
    _demo_invitations(report, root, orgs)
    db.session.commit()
    from symbiosis.services.saved_searches import load_demo as load_follows

    users = json.loads((root / "users.json").read_text(encoding="utf-8"))
    report.add("saved_search", load_follows(users), 0)
    return report


def _demo_invitations(
    report: LoadReport, root: Path, orgs: dict[str, Organisation]
) -> None:
    """Invitations not yet accepted, sent ``days_ago`` (no mail goes out)."""
    known = {
        (i.organisation_id, i.email) for i in db.session.scalars(sa.select(Invitation))
    }
    inserted = 0
    for row in json.loads((root / "organisations.json").read_text(encoding="utf-8")):
        org = orgs[fold(row["name"])]
        for sent in row.get("invitations", []):
            if (org.id, sent["email"]) in known:
                continue
            by = db.session.scalar(sa.select(User).where(User.email == sent["by"]))
            at = utcnow() - timedelta(days=sent["days_ago"])
            db.session.add(invitations.new(org, sent["email"], by, at))
            inserted += 1
    report.add("invitation", inserted, 0)


# The demo listings were written on this day; their dates move with the calendar
# so that the demo always shows current, future and soon-ending listings.
DEMO_WRITTEN_ON = date(2026, 11, 26)


def load_demo_listings(root: Path, today: date | None = None) -> LoadReport:
    """Import ``listings.csv`` through the import service (all rows or none).

    Rows already present (same organisation, kind and title) are skipped.
    Then the demo agreements between these listings are replayed
    (:mod:`symbiosis.services.demo_agreements`), once matching has run.
    """
    from symbiosis.listing_fields import parse_date
    from symbiosis.services.demo_agreements import load_demo_agreements
    from symbiosis.services.imports import import_rows, read_rows

    report = LoadReport()
    shift = (today or date.today()) - DEMO_WRITTEN_ON
    facilitator = db.session.scalar(
        sa.select(User).where(User.is_facilitator).order_by(User.id).limit(1)
    )
    if facilitator is None:
        raise RuntimeError("load the demo organisations and accounts first")
    existing = {
        (org_key, kind, title)
        for org_key, kind, title in db.session.execute(
            sa.select(Organisation.name_key, Listing.kind, Listing.title).join(
                Organisation, Listing.organisation_id == Organisation.id
            )
        )
    }
    data = (root / "listings.csv").read_bytes()
    rows = []
    for row in read_rows("listings.csv", data):
        if (fold(row["organisation"]), row["kind"], row["title"].strip()) in existing:
            continue
        for name in ("available_from", "available_until"):
            day = parse_date(row.get(name))
            row[name] = (day + shift).isoformat() if day else ""
        rows.append(row)
    if rows:
        result = import_rows(facilitator, rows)
        if not result.ok:
            problems = "; ".join(
                f"row {e.row} {e.column}: {e.reason}" for e in result.errors[:5]
            )
            raise RuntimeError(f"demo listings do not import: {problems}")
    report.add("listing", len(rows), 0)
    agreements = load_demo_agreements(root)
    for table, inserted in agreements.inserted.items():
        report.add(table, inserted, agreements.updated.get(table, 0))
    from symbiosis.services.demo_pooled import load_demo_pooled

    pooled = load_demo_pooled(root)
    for table, inserted in pooled.inserted.items():
        report.add(table, inserted, pooled.updated.get(table, 0))
    from symbiosis.services.demo_groups import load_demo_groups

    groups = load_demo_groups(root)
    for table, inserted in groups.inserted.items():
        report.add(table, inserted, groups.updated.get(table, 0))
    from symbiosis.services.demo_events import load_demo_events

    held = load_demo_events(root)
    for table, inserted in held.inserted.items():
        report.add(table, inserted, held.updated.get(table, 0))
    return report
