"""Numbers too big for the databases, typed into an address, are a 404 or no
number at all: never a 500 (SQLite cannot take an integer beyond 64 bits,
PostgreSQL an OFFSET beyond them)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.bounded import LIMIT, BoundedArgs, whole_number
from symbiosis.extensions import db
from symbiosis.models import Organisation
from symbiosis.models.base import id_from_text
from symbiosis.services import zones
from tests.conftest import as_user
from tests.web.test_api import token_for
from tests.web.test_api import world as world  # the API tests' firms and listing

HUGE = "99999999999999999999"  # 20 digits: more than 64 bits
SQUARED = "²"  # a digit to str.isdigit(), not to int()


def test_a_whole_number_has_at_most_fifteen_digits() -> None:
    assert whole_number(str(LIMIT - 1)) == LIMIT - 1
    assert whole_number("-12") == -12
    for text in (str(LIMIT), HUGE, f"-{HUGE}", "abc", SQUARED, "9" * 5000):
        with pytest.raises(
            ValueError, match=r"out of range|invalid literal|Exceeds the limit"
        ):
            whole_number(text)
    args = BoundedArgs([("page", HUGE), ("page", "3"), ("zone", "7")])
    assert args.get("page", 1, type=int) == 1  # as for ?page=abc
    assert args.get("zone", type=int) == 7
    assert args.getlist("page", type=int) == [3]
    assert args.get("page") == HUGE  # text stays text


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (f"/listings/{HUGE}", 404),
        (f"/organisations/{HUGE}", 404),
        (f"/agreements/{HUGE}", 404),
        (f"/events/{HUGE}", 404),
        (f"/zones/{HUGE}", 404),
        (f"/matches/?page={HUGE}", 200),
        (f"/organisations/?page={HUGE}&zone={HUGE}", 200),
        (f"/listings/?page={HUGE}&zone={HUGE}", 200),
        (f"/pooled/?zone={HUGE}", 200),
        (f"/practices/?sdg={SQUARED}", 200),
        (f"/practices/?sdg={HUGE}", 200),
    ],
)
def test_pages_take_huge_numbers_in_stride(
    app: Flask, client: FlaskClient, world: dict, path: str, status: int
) -> None:
    as_user(app, client, world["member"])
    assert client.get(path).status_code == status


def test_the_api_takes_huge_numbers_in_stride(client: FlaskClient, world: dict) -> None:
    headers = token_for(client, "a@firm-a.example.lu")
    missing = client.get(f"/api/v1/listings/{HUGE}", headers=headers)
    assert missing.status_code == 404
    assert missing.is_json
    # Two rules share this path (POST, DELETE): still a 404, not a 405.
    gone = client.delete(f"/api/v1/events/{HUGE}/registration", headers=headers)
    assert gone.status_code == 404
    listed = client.get(f"/api/v1/listings?page={HUGE}", headers=headers)
    assert listed.status_code < 500
    assert listed.is_json
    for zone in (SQUARED, HUGE, "9" * 5000):
        pooled = client.get(f"/api/v1/pooled-services?zone={zone}", headers=headers)
        assert pooled.status_code == 422, zone
        assert pooled.json["errors"][0]["field"] == "zone"


def test_a_key_is_read_from_ascii_digits_only() -> None:
    assert id_from_text("42") == 42
    for text in ("", "0", "-1", SQUARED, "٣", " 4", HUGE, str(2**31), "9" * 5000):
        assert id_from_text(text) is None, text


def test_a_zone_asked_by_slug_or_id(app: Flask, world: dict) -> None:
    with app.app_context():
        zone = db.session.get(Organisation, world["firm"]).zone
        assert zones.find(zone.slug) == zone
        assert zones.find(str(zone.id)) == zone
        assert zones.find(f"  {zone.slug} ") == zone
        for text in (HUGE, SQUARED, "9" * 5000, "-1", "", "  ", zone.name):
            assert zones.find(text) is None
        # the batch command also takes a zone's name
        assert zones.find(zone.name, by_name=True) == zone
