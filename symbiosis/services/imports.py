"""Bulk import of listings from CSV or XLSX: all rows or none.

Files from French or German spreadsheets work: ``;`` or tab separators, a
UTF-8 byte-order mark, cp1252 text, decimal commas, DD/MM/YYYY dates.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app

from symbiosis import jobs
from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.listing_fields import COLUMNS, REQUIRED
from symbiosis.matching.normalise import fold
from symbiosis.models import Organisation, User
from symbiosis.services import activity
from symbiosis.services.listing_lookups import Lookups
from symbiosis.services.listings import new_listing

ORG_COLUMN = "organisation"
TEMPLATE_COLUMNS = (*COLUMNS, ORG_COLUMN)


@dataclass
class RowError:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "errors": [
                {"row": e.row, "field": e.column, "reason": e.reason}
                for e in self.errors
            ],
        }


class ImportFileError(FieldErrors):
    """The file itself is unreadable (empty, binary, wrong columns)."""


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise ImportFileError([("file", gettext("This is not a text (CSV) file."))])
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        if text.count("\ufffd") > 0:
            raise ImportFileError(
                [("file", gettext("The file is neither UTF-8 nor Windows-1252 text."))]
            ) from None
        return text


def _read_csv(data: bytes) -> list[list[str]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    return [
        row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    ]


def _read_xlsx(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ImportFileError(
            [("file", gettext("The Excel file cannot be read."))]
        ) from None
    sheet = book.worksheets[0]
    rows = [
        ["" if cell is None else cell for cell in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    book.close()
    return rows


def read_rows(filename: str, data: bytes) -> list[dict[str, Any]]:
    """Return the data rows as dicts keyed by the (normalised) header names.

    :raises ImportFileError: for an empty or unreadable file, or missing columns.
    """
    if not data.strip():
        raise ImportFileError([("file", gettext("The file is empty."))])
    is_xlsx = data[:2] == b"PK" or filename.lower().endswith((".xlsx", ".xlsm"))
    table = _read_xlsx(data) if is_xlsx else _read_csv(data)
    table = [row for row in table if any(str(c).strip() for c in row)]
    if not table:
        raise ImportFileError([("file", gettext("The file is empty."))])
    header = [fold(str(h)).replace(" ", "_") for h in table[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFileError(
            [
                (
                    "file",
                    gettext(
                        "Missing columns: %(columns)s.", columns=", ".join(missing)
                    ),
                )
            ]
        )
    if len(table) == 1:
        raise ImportFileError([("file", gettext("The file has a header but no rows."))])
    limit = current_app.config["IMPORT_MAX_ROWS"]
    if len(table) - 1 > limit:
        raise ImportFileError(
            [("file", gettext("At most %(n)d rows per file.", n=limit))]
        )
    known = set(TEMPLATE_COLUMNS)
    rows = []
    for cells in table[1:]:
        row = {
            name: cells[i] if i < len(cells) else ""
            for i, name in enumerate(header)
            if name in known
        }
        rows.append(row)
    return rows


def _organisations() -> dict[str, Organisation]:
    orgs = {}
    for org in db.session.scalars(sa.select(Organisation)):
        orgs[org.name_key] = org
        orgs[org.slug] = org
    return orgs


def import_listings(
    actor: User,
    filename: str,
    data: bytes,
    *,
    organisation: Organisation | None = None,
    progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None,
) -> ImportReport:
    """Check every row; write all of them in one transaction, or none.

    Members import for their own organisation. A facilitator imports for the
    organisation given, or for the one named in each row's ``organisation``
    column (a zone diagnostic).

    :raises NotAllowed: when ``actor`` may not import for that organisation.
    :raises ImportFileError: when the file as a whole is unreadable.
    """
    return import_rows(
        actor, read_rows(filename, data), organisation=organisation, progress=progress
    )


def import_rows(
    actor: User,
    rows: list[dict[str, Any]],
    *,
    organisation: Organisation | None = None,
    progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None,
) -> ImportReport:
    """Check and write already-read rows, all or none (see :func:`import_listings`)."""
    if not actor.is_facilitator:
        if not actor.is_org_member:
            raise NotAllowed(gettext("Join an organisation before importing listings."))
        organisation = actor.organisation
    lookups = Lookups.load()
    orgs = _organisations() if actor.is_facilitator else {}
    report = ImportReport()
    created: list[Any] = []
    iterator: Iterable[Any] = enumerate(rows, start=2)
    if progress is not None:
        iterator = progress(iterator)
    try:
        with db.session.no_autoflush:
            for number, row in iterator:
                org = _row_organisation(row, organisation, orgs, actor, report, number)
                if org is None:
                    continue
                try:
                    created.append(new_listing(actor, org, row, lookups))
                except FieldErrors as errors:
                    report.errors += [RowError(number, f, m) for f, m in errors.errors]
        if report.errors:
            db.session.rollback()
            return report
        report.created = len(rows)
        _log_import(actor, organisation, created)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    jobs.enqueue("match_listings", [listing.id for listing in created])
    return report


def _log_import(actor: User, org: Organisation | None, created: list[Any]) -> None:
    """One activity entry per import: how many listings, for whom."""
    orgs = {listing.organisation_id for listing in created}
    if org is None and len(orgs) == 1:
        org = created[0].organisation
    activity.record(
        "listing.imported",
        actor=actor,
        subject=org,
        zone_id=org.zone_id if org is not None else None,
        count=len(created),
        organisations=len(orgs),
    )


def _row_organisation(
    row: dict[str, Any],
    default: Organisation | None,
    orgs: dict[str, Organisation],
    actor: User,
    report: ImportReport,
    number: int,
) -> Organisation | None:
    named = str(row.get(ORG_COLUMN, "") or "").strip()
    if named and actor.is_facilitator and default is None:
        org = orgs.get(fold(named)) or orgs.get(named.lower())
        if org is None:
            report.errors.append(
                RowError(number, ORG_COLUMN, gettext("Unknown organisation."))
            )
        return org
    if named and default is not None and fold(named) != default.name_key:
        report.errors.append(
            RowError(
                number,
                ORG_COLUMN,
                gettext("Rows can only be for %(name)s.", name=default.name),
            )
        )
        return None
    if default is None:
        report.errors.append(
            RowError(number, ORG_COLUMN, gettext("Name the organisation of this row."))
        )
    return default


def neutralise(value: Any) -> str:
    """Keep spreadsheets from running a cell as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def export_csv(listings: Iterable[Any]) -> str:
    """Write listings in the import's column set (re-importable), UTF-8 with BOM."""
    from symbiosis.services.listings import as_raw

    out = io.StringIO()
    out.write("\ufeff")  # so that spreadsheet programs read UTF-8
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow((*COLUMNS, ORG_COLUMN, "state"))
    for listing in listings:
        raw = as_raw(listing)
        raw["sdgs"] = ";".join(str(n) for n in raw["sdgs"])
        raw["themes"] = ";".join(raw["themes"])
        raw["anonymous"] = "yes" if raw["anonymous"] else "no"
        raw["accepts_hazardous"] = "yes" if raw["accepts_hazardous"] else "no"
        raw["locality"] = listing.location_label or ""
        cells = [raw.get(c) for c in COLUMNS] + [
            listing.organisation.name,
            listing.state,
        ]
        writer.writerow([neutralise("" if c is None else c) for c in cells])
    return out.getvalue()


def template_csv() -> str:
    """An import template: the header and one example row."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(TEMPLATE_COLUMNS)
    example = {
        "kind": "offer",
        "resource": "material",
        "title": "Palettes en bois (EUR)",
        "description": "Palettes EUR en bon état, enlèvement sur place.",
        "ewc_code": "15 01 03",
        "quantity": "2,5",
        "unit": "t",
        "frequency": "monthly",
        "available_from": "01/01/2027",
        "available_until": "31/12/2027",
        "locality": "Contern",
        "max_distance_km": "30",
        "price_terms": "free",
        "anonymous": "no",
        "accepts_hazardous": "no",
        "sdgs": "12;13",
        "themes": "circular_economy",
    }
    writer.writerow([example.get(c, "") for c in TEMPLATE_COLUMNS])
    return out.getvalue()
