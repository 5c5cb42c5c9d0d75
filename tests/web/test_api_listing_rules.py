"""Listings over the API keep their contract: the `state` a change may set, and
the organisation a listing is posted for."""

from __future__ import annotations

import io
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.api.openapi import document
from symbiosis.api.v1.listings import SETTABLE_STATES
from symbiosis.extensions import db
from symbiosis.models import Listing
from tests.builders import make_listing, make_org, make_reference, make_user, make_zone
from tests.web.test_api import NEW, token_for

STATES = document()["components"]["schemas"]["ListingChange"]["properties"]["state"]


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    with app.app_context():
        make_reference()
        zone = make_zone()
        firm, other = make_org(zone=zone), make_org(zone=zone)
        member = make_user(email="member@example.lu", org=firm)
        make_user(email="facilitator@example.lu", facilitator=True, role=None)
        listing = make_listing(org=firm, by=member, title="Palettes")
        db.session.commit()
        return {"firm": firm.id, "other": other.id, "listing": listing.id}


def listings_of(organisation_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(Listing.title)
            .where(Listing.organisation_id == organisation_id)
            .order_by(Listing.id)
        )
    )


def test_the_state_field_takes_the_states_an_owner_may_set() -> None:
    assert STATES["enum"] == ["active", "paused", "closed"]
    assert list(SETTABLE_STATES) == STATES["enum"]  # what the view takes


@pytest.mark.parametrize("state", ["bogus", "pause", "close", "expired", 3, ""])
def test_a_state_the_field_does_not_take_is_422_naming_it(
    app: Flask, client: FlaskClient, world: dict[str, Any], state: object
) -> None:
    headers = token_for(client, "member@example.lu")
    url = f"/api/v1/listings/{world['listing']}"
    response = client.patch(url, json={"title": "New", "state": state}, headers=headers)
    assert response.status_code == 422, response.json
    assert [e["field"] for e in response.json["errors"]] == ["state"]
    assert "allowed" not in response.json
    with app.app_context():
        listing = db.session.get(Listing, world["listing"])
        assert (listing.title, listing.state) == ("Palettes", "active")  # unwritten


def test_a_refused_change_of_state_lists_states_the_field_takes(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    headers = token_for(client, "member@example.lu")
    url = f"/api/v1/listings/{world['listing']}"
    same = client.patch(url, json={"quantity": 9, "state": "active"}, headers=headers)
    assert same.status_code == 409
    assert same.json["errors"][0]["field"] == "state"
    assert same.json["allowed"] == ["paused", "closed"]
    assert set(same.json["allowed"]) <= set(STATES["enum"])
    with app.app_context():  # refused before any field is written
        assert db.session.get(Listing, world["listing"]).quantity == 2.5
    paused = client.patch(url, json={"state": "paused"}, headers=headers)
    assert (paused.status_code, paused.json["state"]) == (200, "paused")
    again = client.patch(url, json={"state": "paused"}, headers=headers)
    assert (again.status_code, again.json["allowed"]) == (409, ["active", "closed"])
    closed = client.patch(url, json={"state": "closed"}, headers=headers)
    assert closed.json["state"] == "closed"
    back = client.patch(url, json={"state": "paused"}, headers=headers)
    assert (back.status_code, back.json["allowed"]) == (409, ["active"])
    assert (
        client.patch(url, json={"state": "active"}, headers=headers).json["state"]
        == "active"
    )


def test_a_member_may_not_post_for_another_organisation(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    headers = token_for(client, "member@example.lu")
    body = {**NEW, "title": "Pour les autres", "organisation_id": world["other"]}
    response = client.post("/api/v1/listings", json=body, headers=headers)
    assert response.status_code == 403, response.json
    assert [e["field"] for e in response.json["errors"]] == ["organisation_id"]
    with app.app_context():
        assert listings_of(world["other"]) == []
        assert listings_of(world["firm"]) == ["Palettes"]
    unknown = client.post(
        "/api/v1/listings", json={**body, "organisation_id": 999999}, headers=headers
    )
    assert unknown.status_code == 422
    assert [e["field"] for e in unknown.json["errors"]] == ["organisation_id"]
    own = {**body, "title": "Pour nous", "organisation_id": world["firm"]}
    created = client.post("/api/v1/listings", json=own, headers=headers)
    assert created.status_code == 201, created.json
    assert created.json["organisation"]["id"] == world["firm"]


def test_a_facilitator_posts_for_the_organisation_named(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    headers = token_for(client, "facilitator@example.lu")
    body = {**NEW, "title": "Pour eux", "organisation_id": world["other"]}
    created = client.post("/api/v1/listings", json=body, headers=headers)
    assert created.status_code == 201, created.json
    with app.app_context():
        assert listings_of(world["other"]) == ["Pour eux"]


def test_a_member_may_not_import_for_another_organisation(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    headers = token_for(client, "member@example.lu")
    content = b"kind,resource,title,quantity,unit,frequency\noffer,material,Carton,3,t,monthly\n"

    def upload(organisation_id: object) -> Any:
        return client.post(
            "/api/v1/listings/import",
            headers=headers,
            data={
                "file": (io.BytesIO(content), "l.csv"),
                "organisation_id": str(organisation_id),
            },
            content_type="multipart/form-data",
        )

    refused = upload(world["other"])
    assert refused.status_code == 403
    assert [e["field"] for e in refused.json["errors"]] == ["organisation_id"]
    assert upload("abc").status_code == 422
    with app.app_context():
        assert listings_of(world["other"]) == []
        assert listings_of(world["firm"]) == ["Palettes"]
    assert upload(world["firm"]).status_code == 201


@pytest.mark.parametrize("who", ["member@example.lu", "facilitator@example.lu"])
@pytest.mark.parametrize("owner", ["other", "firm", None, "abc"])
def test_a_change_may_not_name_the_organisation(
    app: Flask, client: FlaskClient, world: dict[str, Any], who: str, owner: object
) -> None:
    schema = document()["components"]["schemas"]["ListingChange"]
    assert "organisation_id" not in schema["properties"]
    assert schema["additionalProperties"] is False
    headers = token_for(client, who)
    url = f"/api/v1/listings/{world['listing']}"
    named = world[owner] if owner in ("other", "firm") else owner
    for body in (
        {"organisation_id": named},
        {"organisation_id": named, "title": "Repris", "quantity": 9},
        {"organisation_id": named, "state": "paused"},
    ):
        response = client.patch(url, json=body, headers=headers)
        assert response.status_code == 422, (body, response.json)
        assert [e["field"] for e in response.json["errors"]] == ["organisation_id"]
        with app.app_context():  # nothing written
            listing = db.session.get(Listing, world["listing"])
            assert (listing.organisation_id, listing.title) == (
                world["firm"],
                "Palettes",
            )
            assert (listing.quantity, listing.state) == (2.5, "active")
    changed = client.patch(url, json={"title": "Repris"}, headers=headers)
    assert (changed.status_code, changed.json["title"]) == (200, "Repris")
