"""Followed searches over the JSON API: a script follows, lists and stops them."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.models import SavedSearch
from tests.builders import make_org, make_user, make_zone
from tests.web.test_api import token_for

URL = "/api/v1/saved-searches"
BODY = {"name": "Palettes", "filters": {"q": "palettes", "kind": "offer"}}


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    with app.app_context():
        zone = make_zone()
        anne = make_user(org=make_org(), email="anne@example.lu")
        make_user(org=make_org(), email="paul@example.lu")
        db.session.commit()
        return {"anne": anne.id, "zone": zone.id}


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count(SavedSearch.id))) or 0


def test_a_script_follows_lists_and_stops_a_search(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    anne = token_for(client, "anne@example.lu")
    assert client.get(URL, headers=anne).json == {"saved_searches": []}

    body = {"name": "Chaleur", "filters": {"resource": "energy", "within_km": 15,
                                          "zone": world["zone"]}}  # fmt: skip
    created = client.post(URL, json=body, headers=anne)
    assert created.status_code == 201, created.json
    found = created.json
    assert found["name"] == "Chaleur"
    assert found["filters"] == {
        "resource": "energy", "within_km": 15, "zone": world["zone"]
    }  # fmt: skip
    assert (
        found["link"] == f"/listings/?resource=energy&zone={world['zone']}&within_km=15"
    )
    assert found["last_notice_at"] is None
    assert client.get(URL, headers=anne).json["saved_searches"] == [found]

    paul = token_for(client, "paul@example.lu")
    assert client.get(URL, headers=paul).json == {"saved_searches": []}
    assert client.delete(f"{URL}/{found['id']}", headers=paul).status_code == 404
    assert client.delete(f"{URL}/{found['id']}", headers=anne).status_code == 204
    assert client.get(URL, headers=anne).json == {"saved_searches": []}
    assert client.get(URL).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**BODY, "name": "Autre"}, "name"),  # the same filters again
        ({**BODY, "filters": {"q": "bois"}}, "name"),  # the same name again
        ({"filters": {"q": "bois"}}, "name"),
        ({**BODY, "name": 12}, "name"),
        ({**BODY, "filters": "palettes"}, "filters"),
        ({**BODY, "name": "B", "filters": {}}, "filters"),
        ({**BODY, "name": "B", "filters": {"colour": "red"}}, "filters.colour"),
        ({**BODY, "name": "B", "filters": {"kind": "gift"}}, "filters.kind"),
        ({**BODY, "name": "B", "filters": {"kind": True}}, "filters.kind"),
        ({**BODY, "name": "B", "filters": {"zone": 999999}}, "filters.zone"),
        ({**BODY, "name": "B", "filters": {"within_km": 500}}, "filters.within_km"),
        ({**BODY, "name": "B", "filters": {"q": "x" * 101}}, "filters.q"),
        ({**BODY, "name": "B", "filters": {"chapter": ["15"]}}, "filters.chapter"),
    ],
)
def test_bad_input_names_its_field_and_saves_nothing(
    app: Flask,
    client: FlaskClient,
    world: dict[str, Any],
    body: dict[str, Any],
    field: str,
) -> None:
    anne = token_for(client, "anne@example.lu")
    assert client.post(URL, json=BODY, headers=anne).status_code == 201
    response = client.post(URL, json=body, headers=anne)
    assert response.status_code == 422, response.json
    assert field in [e["field"] for e in response.json["errors"]]
    with app.app_context():
        assert count() == 1


def test_a_body_that_is_not_a_json_object_is_refused(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    anne = token_for(client, "anne@example.lu")
    response = client.post(URL, data="name=x", headers=anne)
    assert response.status_code == 400
    with app.app_context():
        assert count() == 0
