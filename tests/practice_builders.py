"""A practice sheet builder for the tests of the good-practice library."""

from __future__ import annotations

import itertools
from typing import Any

from symbiosis.models import Practice
from symbiosis.services.practices import new_practice

_seq = itertools.count(1)

PRACTICE: dict[str, Any] = {
    "title": "Gobelets réutilisables",
    "summary": "Remplacer les gobelets jetables.",
    "category": "awareness",
    "language": "fr",
    "time": "1",
    "difficulty": "1",
    "cost": "1",
    "steps": "Compter les gobelets\nChoisir des tasses\nPrévoir le lavage",
    "known_difficulties": "",
    "examples": "",
    "good_to_know": "",
    "sdgs": [12],
}


def make_practice(**fields: Any) -> Practice:
    """Write a sheet through the service (no commit); titles are made unique."""
    raw = {**PRACTICE, "title": f"Sheet {next(_seq)}", **fields}
    return new_practice(None, raw)
