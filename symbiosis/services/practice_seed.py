"""Load the good-practice sheets of ``seeds/reference/practices.json``.

The sheets belong to the reference data: they exist in production too. Once
loaded, a sheet is the facilitators' to edit, so a second load only adds the
sheets it does not find (by address or by title) and never overwrites one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from symbiosis.errors import FieldErrors
from symbiosis.extensions import db
from symbiosis.matching.normalise import fold
from symbiosis.models import Practice
from symbiosis.services.practices import new_practice

FILE = "practices.json"
# Lists in the file are lines (steps, difficulties, notes) or paragraphs (examples).
PARAGRAPHS = ("examples",)


def _raw(row: dict[str, Any]) -> dict[str, Any]:
    raw = dict(row)
    for name, value in row.items():
        if isinstance(value, list) and name != "sdgs":
            raw[name] = ("\n\n" if name in PARAGRAPHS else "\n").join(value)
    return raw


def load_practices(root: Path) -> int:
    """Add the sheets of ``root / practices.json`` not in the library yet (no commit).

    :returns: how many sheets were added.
    :raises RuntimeError: when a sheet of the file does not pass the checks.
    """
    path = root / FILE
    if not path.exists():
        return 0
    known = db.session.execute(sa.select(Practice.slug, Practice.title)).all()
    slugs = {slug for slug, _title in known}
    titles = {fold(title) for _slug, title in known}
    added = 0
    for row in json.loads(path.read_text(encoding="utf-8")):
        if row["slug"] in slugs or fold(row["title"]) in titles:
            continue
        try:
            new_practice(None, _raw(row), slug=row["slug"])
        except FieldErrors as errors:
            raise RuntimeError(f"{FILE}, sheet {row['slug']}: {errors}") from None
        slugs.add(row["slug"])
        titles.add(fold(row["title"]))
        added += 1
    return added
