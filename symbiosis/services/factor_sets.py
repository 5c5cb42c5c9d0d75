"""Adding a newer set of emission factors without rewriting history.

A set is a CSV with the columns of ``seeds/reference/emission-factors.csv``
and a first day: impact records of that day and later use it, earlier ones
keep the set they were computed with. Imports are all-or-nothing.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa

from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.models import EmissionFactor, FactorSet
from symbiosis.services import activity, impacts

COLUMNS = (
    "source_id",
    "level_1",
    "level_2",
    "level_3",
    "level_4",
    "column_text",
    "unit",
    "kg_co2e_per_unit",
)
REQUIRED = ("source_id", "level_1", "unit", "kg_co2e_per_unit")
MAX_ROWS = 20_000


def sets() -> list[dict[str, Any]]:
    """Every set with its number of factors, newest start first."""
    counts = dict(
        db.session.execute(
            sa.select(
                EmissionFactor.factor_set, sa.func.count(EmissionFactor.id)
            ).group_by(EmissionFactor.factor_set)
        ).all()
    )
    current = impacts.factor_set_for(date.today())
    return [
        {"set": s, "factors": counts.get(s.name, 0), "current": s.name == current}
        for s in db.session.scalars(
            sa.select(FactorSet).order_by(FactorSet.valid_from.desc(), FactorSet.id)
        )
    ]


def _rows(text: str) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        message = gettext(
            "The file lacks the columns %(columns)s.", columns=", ".join(missing)
        )
        return [], [("file", message)]
    rows, problems, seen = [], [], set()
    for line, raw in enumerate(reader, start=2):
        row = {c: (raw.get(c) or "").strip() or None for c in COLUMNS}
        where = gettext("line %(line)d", line=line)
        if any(row[c] is None for c in REQUIRED):
            problems.append(
                ("file", gettext("%(where)s: a required cell is empty.", where=where))
            )
            continue
        try:
            value = Decimal(str(row["kg_co2e_per_unit"]).replace(",", "."))
        except InvalidOperation:
            value = Decimal(-1)
        if not value.is_finite() or value < 0:
            problems.append(
                (
                    "file",
                    gettext(
                        "%(where)s: the factor is not a number of zero or more.",
                        where=where,
                    ),
                )
            )
            continue
        if row["source_id"] in seen:
            problems.append(
                (
                    "file",
                    gettext(
                        "%(where)s: %(id)s appears twice.",
                        where=where,
                        id=row["source_id"],
                    ),
                )
            )
            continue
        seen.add(row["source_id"])
        rows.append({**row, "kg_co2e_per_unit": value})
    if not problems and not rows:
        problems.append(("file", gettext("The file holds no factor.")))
    if len(rows) > MAX_ROWS:
        problems.append(("file", gettext("At most %(n)d factors per set.", n=MAX_ROWS)))
    absent = [i for i in impacts.TRANSPORT_ROWS if i not in seen]
    if rows and absent:
        problems.append(
            (
                "file",
                gettext(
                    "The set must price road haulage: rows %(ids)s are missing.",
                    ids=", ".join(absent),
                ),
            )
        )
    return rows, problems[:20]


def add_set(
    actor: Any, name: str, valid_from: date | None, source: str, text: str
) -> FactorSet:
    """Add a set from CSV ``text`` (facilitators only); all rows or none.

    :raises FieldErrors: naming ``name``, ``valid_from``, ``source`` or ``file``.
    """
    if not getattr(actor, "is_facilitator", False):
        raise NotAllowed(gettext("Only a facilitator adds emission factors."))
    name, source = name.strip(), source.strip()
    errors: list[tuple[str, str]] = []
    if not name or len(name) > 40:
        errors.append(
            ("name", gettext("Give the set a name of at most 40 characters."))
        )
    elif db.session.scalar(sa.select(FactorSet.id).where(FactorSet.name == name)):
        errors.append(
            ("name", gettext("A set of that name exists: sets are never rewritten."))
        )
    if valid_from is None:
        errors.append(("valid_from", gettext("Give the first day the set applies to.")))
    if not source:
        errors.append(("source", gettext("Name the publication and its licence.")))
    rows, problems = _rows(text)
    errors += problems
    if errors or valid_from is None:
        raise FieldErrors(errors)
    entry = FactorSet(
        name=name, valid_from=valid_from, source=source, added_by_id=actor.id
    )
    db.session.add(entry)
    db.session.add_all(EmissionFactor(factor_set=name, **row) for row in rows)
    db.session.flush()
    activity.record(
        "impact.factors_added",
        actor=actor,
        name=name,
        factors=len(rows),
        valid_from=valid_from.isoformat(),
    )
    db.session.commit()
    return entry
