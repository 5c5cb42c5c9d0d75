"""GET /api/v1/listings checks its filters as a followed search checks them.

A value the list has not (an unknown kind, a zone that does not exist, a
distance out of range…) is 422 naming the query parameter, in the API's error
shape; valid filters find what they found before.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from symbiosis.api.openapi import document
from symbiosis.extensions import db
from symbiosis.models import User
from symbiosis.services.listing_search import Filters, search
from tests.builders import make_listing, make_org, make_reference, make_user, make_zone
from tests.web.test_api import token_for

URL = "/api/v1/listings"


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    with app.app_context():
        make_reference()
        zone, far = make_zone(), make_zone(lat=49.9, lon=6.0)
        near_org, far_org = make_org(zone=zone), make_org(zone=far)
        near_org.lat, near_org.lon = 49.6, 6.12
        far_org.lat, far_org.lon = 50.05, 5.95
        viewer = make_user(email="viewer@example.lu", org=make_org(zone=zone))
        viewer.organisation.lat, viewer.organisation.lon = 49.6, 6.13
        make_listing(org=near_org, title="Palettes en bois")
        make_listing(org=near_org, kind="request", title="Cartons", ewc_code="150101")
        make_listing(org=far_org, resource="energy", title="Chaleur fatale",
                     ewc_code=None, unit="MWh")  # fmt: skip
        make_listing(org=far_org, kind="request", title="Palettes cassées")
        db.session.commit()
        return {"zone": zone.id, "far": far.id, "viewer": viewer.id}


def fields_of(response: Any) -> list[str]:
    return [e["field"] for e in response.json["errors"]]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"kind": "bogus"}, "kind"),
        ({"resource": "plutonium"}, "resource"),
        ({"within_km": "abc"}, "within_km"),
        ({"within_km": "0"}, "within_km"),
        ({"within_km": "500"}, "within_km"),
        ({"zone": "abc"}, "zone"),
        ({"zone": "-3"}, "zone"),
        ({"zone": "999999"}, "zone"),  # no such zone
        ({"chapter": "zz"}, "chapter"),
        ({"chapter": "150"}, "chapter"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_an_invalid_filter_is_422_naming_the_parameter(
    client: FlaskClient, world: dict[str, Any], query: dict[str, str], field: str
) -> None:
    headers = token_for(client, "viewer@example.lu")
    response = client.get(URL, query_string=query, headers=headers)
    assert response.status_code == 422, response.json
    assert response.is_json
    (problem,) = response.json["errors"]
    assert problem["field"] == field
    assert isinstance(problem["reason"], str)
    assert problem["reason"]


def test_every_invalid_filter_is_named_at_once(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    headers = token_for(client, "viewer@example.lu")
    query = {"kind": "bogus", "within_km": "abc", "zone": "abc", "chapter": "zz"}
    response = client.get(URL, query_string=query, headers=headers)
    assert response.status_code == 422
    assert sorted(fields_of(response)) == ["chapter", "kind", "within_km", "zone"]


def test_the_reasons_are_those_of_a_followed_search(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    """One validation, two doors: the same value gets the same reason."""
    headers = token_for(client, "viewer@example.lu")
    for key, value in (("kind", "bogus"), ("zone", "999999"), ("chapter", "zz")):
        listed = client.get(URL, query_string={key: value}, headers=headers)
        followed = client.post(
            "/api/v1/saved-searches",
            json={"name": "x", "filters": {key: value}},
            headers=headers,
        )
        assert followed.status_code == listed.status_code == 422
        assert followed.json["errors"][0]["field"] == f"filters.{key}"
        assert (
            listed.json["errors"][0]["reason"] == followed.json["errors"][0]["reason"]
        )


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"kind": "request"},
        {"kind": "offer", "resource": "material"},
        {"resource": "energy"},
        {"chapter": "15"},
        {"q": "palettes"},
        {"q": "  palettes  "},
        {"within_km": "10"},
        {"within_km": "200", "kind": "request"},
        {"kind": "", "zone": "", "within_km": "", "chapter": ""},  # empty: no filter
        {"page": "1", "per_page": "2"},
        {"per_page": "abc", "page": "zz"},  # not filters: as before, the defaults
    ],
)
def test_valid_filters_find_what_they_found_before(
    app: Flask, client: FlaskClient, world: dict[str, Any], query: dict[str, str]
) -> None:
    headers = token_for(client, "viewer@example.lu")
    response = client.get(URL, query_string=query, headers=headers)
    assert response.status_code == 200, response.json
    with app.test_request_context():
        viewer = db.session.get(User, world["viewer"])
        per_page = 2 if query.get("per_page") == "2" else 20
        before = search(viewer, Filters.from_args(MultiDict(query)), per_page=per_page)
        expected = [item.id for item in before.items]
    assert [item["id"] for item in response.json["listings"]] == expected
    assert response.json["total"] == before.total


def test_zone_and_kind_filters_still_filter(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    headers = token_for(client, "viewer@example.lu")
    query = {"zone": str(world["far"]), "kind": "request"}
    found = client.get(URL, query_string=query, headers=headers).json["listings"]
    assert [item["title"] for item in found] == ["Palettes cassées"]
    near = client.get(URL, query_string={"within_km": "5"}, headers=headers).json
    assert {item["title"] for item in near["listings"]} == {
        "Palettes en bois",
        "Cartons",
    }


def test_the_description_documents_the_422_and_the_ranges() -> None:
    operation = document()["paths"]["/listings"]["get"]
    assert "422" in operation["responses"]
    assert "422" in operation["description"]
    schemas = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert (schemas["within_km"]["minimum"], schemas["within_km"]["maximum"]) == (
        1,
        200,
    )
    assert schemas["zone"]["minimum"] == 1
    assert schemas["q"]["maxLength"] == 100
