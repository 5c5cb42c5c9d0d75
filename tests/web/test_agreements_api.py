"""Agreements over the JSON API: create, act with versions, deliveries, messages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.api.openapi import document
from symbiosis.extensions import db
from symbiosis.models import Agreement, Delivery
from symbiosis.services.tokens import create_token
from tests.builders import make_listing, make_org, make_reference, make_user, make_zone


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    with app.app_context():
        make_reference()
        zone = make_zone()
        supplier, receiver, third = (make_org(zone=zone) for _ in range(3))
        ua, ub, uc = (make_user(org=o) for o in (supplier, receiver, third))
        offer = make_listing(org=supplier, by=ua)
        request = make_listing(org=receiver, by=ub, kind="request", title="Pallets")
        tokens = {
            name: {"Authorization": f"Bearer {create_token(user, 'test')[0]}"}
            for name, user in (("a", ua), ("b", ub), ("c", uc))
        }
        db.session.commit()
        return {"offer": offer.id, "request": request.id, **tokens}


def body(w: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "offer_id": w["offer"],
        "request_id": w["request"],
        "quantity": 2,
        "unit": "t",
        "frequency": "monthly",
        "start": (date.today() - timedelta(days=10)).isoformat(),
        "price_terms": "free",
        "transport_by": "supplier",
        **extra,
    }


def create(client: FlaskClient, w: dict[str, Any], **extra: Any) -> Any:
    return client.post("/api/v1/agreements", json=body(w, **extra), headers=w["b"])


def test_create_and_read_with_events(client, world):
    response = create(client, world, conditions="Sorted pallets")
    assert response.status_code == 201
    data = response.json
    assert (data["state"], data["version"]) == ("proposed", 1)
    assert data["proposed_by"] == "receiver"
    assert data["allowed_actions"] == ["withdraw"]
    assert response.headers["Location"] == f"/api/v1/agreements/{data['id']}"
    seen = client.get(f"/api/v1/agreements/{data['id']}", headers=world["a"]).json
    assert seen["allowed_actions"] == ["accept", "counter", "decline", "withdraw"]
    assert [e["action"] for e in seen["events"]] == ["propose"]
    assert (
        client.get(f"/api/v1/agreements/{data['id']}", headers=world["c"]).status_code
        == 404
    )


def test_bad_input_names_the_field(client, world):
    response = create(client, world, quantity=-3, end="2000-01-01", colour="red")
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == ["colour"]
    response = create(client, world, quantity=-3, start="soon")
    assert {e["field"] for e in response.json["errors"]} == {"quantity", "start"}
    over = create(client, world, quantity=500)
    assert over.status_code == 422
    assert over.json["errors"][0]["field"] == "quantity"
    assert create(client, world, quantity=500, confirm=True).status_code == 201
    assert (
        client.post("/api/v1/agreements", data="x", headers=world["b"]).status_code
        == 400
    )


def test_versions_and_the_table(client, world):
    agreement = create(client, world).json
    url = f"/api/v1/agreements/{agreement['id']}"
    own = client.post(f"{url}/accept", json={"version": 1}, headers=world["b"])
    assert own.status_code == 403
    assert own.json["allowed_actions"] == ["withdraw"]
    missing = client.post(f"{url}/accept", json={}, headers=world["a"])
    assert (missing.status_code, missing.json["errors"][0]["field"]) == (422, "version")
    accepted = client.post(f"{url}/accept", json={"version": 1}, headers=world["a"])
    assert (accepted.status_code, accepted.json["version"]) == (200, 2)
    stale = client.post(f"{url}/start", json={"version": 1}, headers=world["b"])
    assert (stale.status_code, stale.json["errors"][0]["field"]) == (409, "version")
    wrong = client.post(f"{url}/complete", json={"version": 2}, headers=world["b"])
    assert wrong.status_code == 409
    assert wrong.json["allowed_actions"] == ["counter", "start"]
    third = client.post(f"{url}/start", json={"version": 2}, headers=world["c"])
    assert third.status_code == 404
    started = client.post(f"{url}/start", json={"version": 2}, headers=world["b"])
    assert started.json["state"] == "active"


def test_deliveries_and_messages(client, app, world):
    agreement = create(client, world).json
    url = f"/api/v1/agreements/{agreement['id']}"
    early = client.post(
        f"{url}/deliveries",
        json={"delivered_on": date.today().isoformat(), "quantity": 1, "unit": "t"},
        headers=world["a"],
    )
    assert early.status_code == 409  # not under way yet: the state, no field
    assert early.json["errors"][0]["field"] is None
    client.post(f"{url}/accept", json={"version": 1}, headers=world["a"])
    client.post(f"{url}/start", json={"version": 2}, headers=world["a"])
    delivery = {
        "delivered_on": date.today().isoformat(),
        "quantity": 1500,
        "unit": "kg",
    }
    headers = {**world["a"], "Idempotency-Key": "truck-1"}
    first = client.post(f"{url}/deliveries", json=delivery, headers=headers)
    again = client.post(f"{url}/deliveries", json=delivery, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json["id"] == again.json["id"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Delivery.id))) == 1
    detail = client.get(url, headers=world["b"]).json
    assert detail["impact"]["quantity"] == 1.5
    assert detail["impact"]["avoided_kg_co2e"] > 0
    empty = client.post(f"{url}/messages", json={"body": ""}, headers=world["b"])
    assert (empty.status_code, empty.json["errors"][0]["field"]) == (422, "body")
    big = client.post(
        f"{url}/messages", json={"body": "x" * 100_000}, headers=world["b"]
    )
    assert big.status_code == 422
    sent = client.post(
        f"{url}/messages", json={"body": "Truck on Monday"}, headers=world["b"]
    )
    assert sent.status_code == 201
    listed = client.get(f"{url}/messages", headers=world["a"]).json["messages"]
    assert [m["body"] for m in listed] == ["Truck on Monday"]
    assert client.get(f"{url}/messages", headers=world["c"]).status_code == 404
    done = client.post(
        f"{url}/complete",
        json={"version": 3, "actual_quantity": 1.5, "actual_unit": "t"},
        headers=world["b"],
    )
    assert done.json["state"] == "completed"
    late = client.post(f"{url}/deliveries", json=delivery, headers=world["a"])
    assert late.status_code == 409


def test_a_listing_with_agreements_is_closed_not_deleted(client, app, world):
    create(client, world)
    response = client.delete(f"/api/v1/listings/{world['offer']}", headers=world["a"])
    assert response.status_code == 409
    assert response.json["allowed_actions"] == ["close"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Agreement.id))) == 1


def test_the_proposal_schema_requires_what_the_api_requires(client, app, world):
    """Each field the description requires is refused when missing, naming it;
    a proposal of only those fields is taken."""
    schema = document()["components"]["schemas"]["Proposal"]
    required = schema["required"]
    assert "transport_by" in required
    full = body(world)
    assert set(full) <= set(schema["properties"])
    for field in required:
        missing = {k: v for k, v in full.items() if k != field}
        response = client.post("/api/v1/agreements", json=missing, headers=world["b"])
        assert response.status_code == 422, field
        assert field in [e["field"] for e in response.json["errors"]], field
    only = {k: full[k] for k in required}
    response = client.post("/api/v1/agreements", json=only, headers=world["b"])
    assert response.status_code == 201, response.json


def test_an_action_outside_the_enum_names_no_operation(client, app, world):
    agreement = create(client, world).json
    url = f"/api/v1/agreements/{agreement['id']}"
    enum = document()["paths"]["/agreements/{agreement_id}/{action}"]["post"][
        "parameters"
    ][1]["schema"]["enum"]
    assert "explode" not in enum
    response = client.post(f"{url}/explode", json={"version": 1}, headers=world["a"])
    assert response.status_code == 404
    assert response.is_json
    assert response.json["errors"][0]["field"] is None
    with app.app_context():
        assert db.session.get(Agreement, agreement["id"]).version == 1


@pytest.mark.parametrize("version", ["abc", "", None, True, 1.5, 0, -1, [1], {}])
def test_a_version_that_is_no_whole_number_is_422(client, app, world, version):
    agreement = create(client, world).json
    url = f"/api/v1/agreements/{agreement['id']}/accept"
    response = client.post(url, json={"version": version}, headers=world["a"])
    assert response.status_code == 422, response.json
    assert [e["field"] for e in response.json["errors"]] == ["version"]
    with app.app_context():
        assert db.session.get(Agreement, agreement["id"]).state == "proposed"


def test_a_stale_version_is_still_a_conflict(client, world):
    agreement = create(client, world).json
    url = f"/api/v1/agreements/{agreement['id']}/accept"
    stale = client.post(url, json={"version": 7}, headers=world["a"])
    assert (stale.status_code, stale.json["errors"][0]["field"]) == (409, "version")
    as_text = client.post(url, json={"version": "1"}, headers=world["a"])
    assert (as_text.status_code, as_text.json["state"]) == (200, "accepted")


def test_a_delivery_before_the_exchange_is_a_state_conflict(client, app, world):
    agreement = create(client, world).json
    url = f"/api/v1/agreements/{agreement['id']}/deliveries"
    delivery = {"delivered_on": date.today().isoformat(), "quantity": 1, "unit": "t"}
    response = client.post(url, json=delivery, headers=world["a"])
    assert response.status_code == 409
    assert [e["field"] for e in response.json["errors"]] == [None]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Delivery.id))) == 0
    operation = document()["paths"]["/agreements/{agreement_id}/deliveries"]["post"]
    assert "409" in operation["responses"]
