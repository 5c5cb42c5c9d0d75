"""GET /api/v1/practices: public, with the filters of the page."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from symbiosis.extensions import db
from tests.builders import make_reference
from tests.practice_builders import make_practice


@pytest.fixture
def world(app: Flask) -> None:
    with app.app_context():
        make_reference()
        make_practice(
            title="Tasses", category="awareness", sdgs=[12], cost="1",
            steps="1. Compter\n2. Choisir", good_to_know="Lavage",
        )  # fmt: skip
        make_practice(title="Vélos", category="mobility", sdgs=[3, 11], cost="3")
        make_practice(
            title="Carton", category="waste_collection", cost="2", language="en"
        )
        db.session.commit()


def titles(body: dict[str, Any]) -> list[str]:
    return [p["title"] for p in body["practices"]]


def test_anyone_lists_the_sheets(client, world):
    response = client.get("/api/v1/practices")
    assert response.status_code == 200
    body = response.get_json()
    assert titles(body) == ["Carton", "Tasses", "Vélos"]
    cups = body["practices"][1]
    assert cups["slug"] == "tasses"
    assert cups["url"].endswith("/practices/tasses")
    assert cups["category"] == "awareness"
    assert cups["language"] == "fr"
    assert (cups["time"], cups["difficulty"], cups["cost"]) == (1, 1, 1)
    assert cups["steps"] == ["Compter", "Choisir"]
    assert cups["good_to_know"] == "Lavage"
    assert cups["known_difficulties"] is None
    assert cups["sdgs"] == [12]
    assert cups["updated_at"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=mobility", ["Vélos"]),
        ("sdg=11", ["Vélos"]),
        ("max_cost=2", ["Carton", "Tasses"]),
        ("max_time=1&max_difficulty=1&max_cost=1", ["Tasses"]),
        ("language=en", ["Carton"]),
        ("q=VELOS", ["Vélos"]),
        ("category=energy", []),
    ],
)
def test_filters(client, world, query, expected):
    response = client.get(f"/api/v1/practices?{query}")
    assert response.status_code == 200
    assert titles(response.get_json()) == expected


def test_senseless_filters_are_refused_by_name(client, world):
    response = client.get("/api/v1/practices?category=parties&max_cost=4&sdg=0")
    assert response.status_code == 400
    assert response.is_json
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert fields == {"category", "max_cost", "sdg"}
