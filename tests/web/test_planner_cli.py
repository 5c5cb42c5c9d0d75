"""``flask events plan``: a JSON file in, the plan out, no database needed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask

from symbiosis import create_app
from tests.conftest import TEST_CONFIG

EVENING: dict[str, Any] = {
    "rounds": 2,
    "tables": 2,
    "pairs": "mixed",
    "participants": [
        {
            "id": "acme",
            "kind": "company",
            "sdgs": [4, 8],
            "themes": ["education"],
            "offers": ["Volunteer days", "Salle de réunion"],
            "seeks": ["Team building"],
        },
        {
            "id": "bank",
            "kind": "company",
            "sdgs": [1],
            "offers": ["IT support", "Mentoring"],
            "seeks": ["Visibilité RSE"],
        },
        {
            "id": 7,
            "kind": "association",
            "sdgs": [4],
            "themes": ["Education"],
            "offers": ["Journée de team building"],
            "seeks": ["Bénévoles", "Besprechungsraum"],
        },
        {
            "id": "club",
            "kind": "association",
            "offers": ["Visibility for your CSR report"],
            "seeks": ["Fußballausrüstung", "Support informatique"],
        },
    ],
}


@pytest.fixture
def app() -> Flask:
    """An app whose database cannot be reached: the command must not need it."""
    return create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
        }
    )


def run(app: Flask, tmp_path: Path, data: Any, *options: str) -> Result:
    source = tmp_path / "evening.json"
    text = data if isinstance(data, str) else json.dumps(data)
    source.write_text(text, encoding="utf-8")
    return app.test_cli_runner().invoke(args=["events", "plan", str(source), *options])


def test_plan_prints_the_rounds(app: Flask, tmp_path: Path) -> None:
    result = run(app, tmp_path, EVENING)
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert list(out) == ["rounds"]
    assert len(out["rounds"]) == 2
    first = out["rounds"][0]
    assert all(list(m) == ["table", "a", "b", "score"] for m in first)
    assert {(m["a"], m["b"]) for m in first} == {("acme", 7), ("bank", "club")}
    assert sorted(m["table"] for m in first) == [1, 2]
    second = {(m["a"], m["b"]) for m in out["rounds"][1]}
    assert second == {("acme", "club"), ("bank", 7)}


def test_plan_can_say_why(app: Flask, tmp_path: Path) -> None:
    result = run(app, tmp_path, EVENING, "--reasons", "--budget", "0.5")
    assert result.exit_code == 0, result.output
    meetings = json.loads(result.output)["rounds"][0]
    acme = next(m for m in meetings if m["a"] == "acme")
    assert acme["reasons"][:2] == [
        "acme offers “Volunteer days”, 7 seeks “Bénévoles” (100 %)",
        "acme offers “Salle de réunion”, 7 seeks “Besprechungsraum” (100 %)",
    ]
    assert "shared SDGs 4" in acme["reasons"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rounds": 0}, "rounds: must be a whole number from 1 to 100"),
        ({"tables": None}, "tables: missing"),
        ({"pairs": "some"}, 'pairs: must be "mixed" or "any"'),
        ({"participants": [{"id": "x", "kind": "ngo"}]}, "participants[0].kind"),
        (
            {"participants": [{"id": "x", "kind": "company"}] * 2},
            "participants[1].id: 'x' appears twice",
        ),
        (
            {"locked": [{"round": 1, "table": 1, "a": "acme", "b": "bank"}]},
            "locked: round 1, table 1: acme and bank are both companies",
        ),
    ],
)
def test_bad_input_names_the_field(
    app: Flask, tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    data = {k: v for k, v in {**EVENING, **change}.items() if v is not None}
    result = run(app, tmp_path, data)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    )


def test_a_file_that_is_not_json_is_refused(app: Flask, tmp_path: Path) -> None:
    result = run(app, tmp_path, "rounds: 3")
    assert result.exit_code != 0
    assert "evening.json is not JSON" in result.output
