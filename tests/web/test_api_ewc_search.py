"""The waste-code search (`GET /api/v1/reference/ewc?q=`, which the new-listing
page's picker asks as the user types) on the whole List of Waste: everyday
words for a material, in any of the three languages, find its codes after the
codes whose labels hold the words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.matching.lexicon import Lexicon
from symbiosis.services import seeding
from symbiosis.services.tokens import create_token
from tests.builders import make_user

REFERENCE = Path(__file__).resolve().parents[2] / "seeds" / "reference"
LEXICON = Lexicon.load(REFERENCE)
# What the search answered before it read the lexicon: codes by their labels.
HOLZ = ["030104", "030105", "030201", "030202", "030203", "030204", "030205",
        "030299", "030301", "061301", "100103", "150103", "170201", "170204",
        "191206", "191207", "200137", "200138"]  # fmt: skip
HUILE = ["080319", "080417", "120106", "120107", "120110", "120119", "130101",
         "130104", "130105", "130109", "130110", "130111", "130112", "130113",
         "130204", "130205", "130206", "130207", "130208", "130301", "130306",
         "130307", "130308", "130309", "130310", "130503", "150202", "160107",
         "190809", "190810", "200125", "200126"]  # fmt: skip


@pytest.fixture
def headers(app: Flask) -> dict[str, str]:
    """A signed-in caller, with the whole List of Waste (842 codes) loaded."""
    with app.app_context():
        seeding.load_reference(REFERENCE)
        user = make_user(role=None, facilitator=True)
        token = create_token(user, "test")[0]
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def codes(client: FlaskClient, headers: dict[str, str], q: str) -> list[str]:
    response = client.get("/api/v1/reference/ewc", query_string={"q": q},
                          headers=headers)  # fmt: skip
    assert response.status_code == 200, response.json
    found = [c["code"] for c in response.json["codes"]]
    assert len(found) == len(set(found)) <= 50
    return found


def key_of(code: str) -> str:
    key = LEXICON.key_for_ewc(code)
    assert key is not None, code
    return key


def test_the_whole_list_is_loaded(client: FlaskClient, headers: Any) -> None:
    assert len(codes(client, headers, "")) == 50
    assert codes(client, headers, "200101") == ["200101"]


@pytest.mark.parametrize("word", ["Karton", "karton", "KARTONS", "cardboard"])
def test_a_word_for_cardboard_finds_its_packaging_code(
    client: FlaskClient, headers: Any, word: str
) -> None:
    assert "150101" in codes(client, headers, word)


def test_karton_finds_cardboard_packaging_only(
    client: FlaskClient, headers: Any
) -> None:
    assert codes(client, headers, "Karton") == ["150101"]


@pytest.mark.parametrize("words", ["Altöl", "altoel", "Altöle", "huiles usagées"])
def test_words_for_used_oil_find_the_oil_codes(
    client: FlaskClient, headers: Any, words: str
) -> None:
    found = codes(client, headers, words)
    assert {"130205", "130208", "130110", "120107"} <= set(found), found
    assert all(key_of(c) == "chemical.oil.used" for c in found), found
    assert "130101" not in found  # oils with PCB: another material
    assert found == sorted(found)


@pytest.mark.parametrize("word", ["Paletten", "palette", "Palette", "pallets"])
def test_pallets_find_the_codes_for_wood(
    client: FlaskClient, headers: Any, word: str
) -> None:
    """No code is filed for pallets as such: those of their family, wood, are
    offered, wooden packaging among them."""
    found = codes(client, headers, word)
    assert "150103" in found, found
    assert {"170201", "200138"} <= set(found)
    assert all(key_of(c).split(".")[0] == "wood" for c in found), found


def test_codes_found_by_their_labels_come_first_in_the_same_order(
    client: FlaskClient, headers: Any
) -> None:
    found = codes(client, headers, "Holz")
    assert found[: len(HOLZ)] == HOLZ
    added = found[len(HOLZ) :]
    assert "030101" in added  # bark: wood, though its label says no "Holz"
    assert added == sorted(added)
    assert all(key_of(c).split(".")[0] == "wood" for c in added), added
    capped = codes(client, headers, "huile")
    assert capped[: len(HUILE)] == HUILE
    assert len(capped) == 50  # the oils the labels do not name fill the page


@pytest.mark.parametrize(
    ("q", "expected"),
    [("15010", ["150101", "150102", "150103", "150104", "150105", "150106",
                  "150107", "150109"]),
     ("EMBALLAGES BOIS", ["150103"]), ("zzzz", [])],
)  # fmt: skip
def test_codes_and_words_naming_no_new_material_answer_as_before(
    client: FlaskClient, headers: Any, q: str, expected: list[str]
) -> None:
    assert codes(client, headers, q) == expected
