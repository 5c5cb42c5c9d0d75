"""The activity log as a table: names of the objects acted on, and CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from symbiosis.extensions import db
from symbiosis.labels import activity_label
from symbiosis.models import (
    ActivityEntry,
    Agreement,
    Listing,
    Organisation,
    PooledService,
)
from symbiosis.models.base import as_utc
from symbiosis.services.imports import neutralise


def subject_names(rows: Iterable[ActivityEntry]) -> dict[tuple[str, int], str]:
    """``(type, id) -> name`` of the subjects that still exist, in a few queries."""
    wanted: dict[str, set[int]] = {}
    for entry in rows:
        if entry.subject_type in _NAMED and entry.subject_id is not None:
            wanted.setdefault(entry.subject_type, set()).add(entry.subject_id)
    names: dict[tuple[str, int], str] = {}
    for kind, ids in wanted.items():
        model, name = _NAMED[kind]
        for row in db.session.execute(
            sa.select(model.id, name).where(model.id.in_(ids))
        ):
            names[(kind, row[0])] = str(row[1])
    return names


def _agreement_title() -> Any:
    # An agreement is named after the request it answers, as in notifications.
    return (
        sa.select(Listing.title)
        .where(Listing.id == Agreement.request_id)
        .scalar_subquery()
    )


_NAMED: dict[str, tuple[Any, Any]] = {
    "agreement": (Agreement, _agreement_title()),
    "pooled_service": (PooledService, PooledService.title),
    "listing": (Listing, Listing.title),
    "organisation": (Organisation, Organisation.name),
}


CSV_COLUMNS = (
    "at_utc",
    "action",
    "action_label",
    "actor",
    "organisation",
    "zone",
    "subject_type",
    "subject_id",
    "details",
)


def as_csv(rows: Iterable[ActivityEntry]) -> str:
    """The entries as CSV (UTF-8 with BOM, ``;``-separated, like other exports)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for entry in rows:
        cells = (
            as_utc(entry.at).isoformat(timespec="seconds"),
            entry.action,
            activity_label(entry.action),
            entry.actor.full_name if entry.actor else "",
            entry.organisation.name if entry.organisation else "",
            entry.zone.name if entry.zone else "",
            entry.subject_type or "",
            "" if entry.subject_id is None else entry.subject_id,
            json.dumps(entry.details, ensure_ascii=False) if entry.details else "",
        )
        writer.writerow([neutralise(c) for c in cells])
    return out.getvalue()
