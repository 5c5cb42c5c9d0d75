"""Steps on pooled services over the API refuse as agreement steps do: a step
outside the path's enum names no operation (404), a `version` that is no whole
number is 422 naming it, and a stale one is 409."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.api.openapi import document
from symbiosis.extensions import db
from symbiosis.models import PooledService, PoolEvent, PoolParticipant
from symbiosis.services.tokens import create_token
from tests.builders import make_org, make_reference, make_user, make_zone

BAD_VERSIONS = ["abc", "", " ", "1.0", "²", None, True, 1.5, 0, -1, [1], {}]


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    with app.app_context():
        make_reference()
        zone = make_zone()
        member = make_user(org=make_org(zone=zone))
        manager = make_user(org=make_org(kind="association"), manages=[zone])
        tokens = {
            name: {"Authorization": f"Bearer {create_token(user, 'test')[0]}"}
            for name, user in (("member", member), ("manager", manager))
        }
        db.session.commit()
        return {"slug": zone.slug, **tokens}


def propose(client: FlaskClient, world: dict[str, Any]) -> str:
    created = client.post(
        "/api/v1/pooled-services",
        json={"zone": world["slug"], "category": "shared_equipment",
              "title": "Nacelle partagée", "cost_split": "equal"},
        headers=world["member"],
    )  # fmt: skip
    assert created.status_code == 201, created.json
    return f"/api/v1/pooled-services/{created.json['id']}"


def stored(app: Flask, url: str) -> tuple[str, int, int, int]:
    """The service's state and version, its events and its participants."""
    service_id = int(url.rsplit("/", 1)[1])
    with app.app_context():
        pool = db.session.get(PooledService, service_id)
        assert pool is not None
        count = sa.func.count()
        events = db.session.scalar(
            sa.select(count).where(PoolEvent.service_id == service_id)
        )
        participants = db.session.scalar(
            sa.select(count).where(PoolParticipant.service_id == service_id)
        )
        return pool.state, pool.version, events or 0, participants or 0


def test_a_step_outside_the_enum_names_no_operation(app, client, world):
    url = propose(client, world)
    before = stored(app, url)
    operation = document()["paths"]["/pooled-services/{service_id}/{action}"]["post"]
    (action,) = [p for p in operation["parameters"] if p["name"] == "action"]
    assert "explode" not in action["schema"]["enum"]
    for step in ("explode", "APPROVE", "step"):
        response = client.post(
            f"{url}/{step}", json={"version": 1}, headers=world["manager"]
        )
        assert response.status_code == 404, (step, response.json)
        assert response.is_json
        assert [e["field"] for e in response.json["errors"]] == [None]
    assert stored(app, url) == before
    assert "404" in operation["responses"]
    assert "404" in operation["description"]


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_a_version_that_is_no_whole_number_is_422(app, client, world, version):
    url = propose(client, world)
    before = stored(app, url)
    response = client.post(
        f"{url}/approve", json={"version": version}, headers=world["manager"]
    )
    assert response.status_code == 422, response.json
    assert [e["field"] for e in response.json["errors"]] == ["version"]
    assert stored(app, url) == before


def test_a_missing_version_is_422_naming_it(app, client, world):
    url = propose(client, world)
    response = client.post(f"{url}/approve", json={}, headers=world["manager"])
    assert response.status_code == 422, response.json
    assert [e["field"] for e in response.json["errors"]] == ["version"]
    assert stored(app, url)[:2] == ("proposed", 1)


def test_a_stale_version_is_a_conflict_and_digits_in_text_count(app, client, world):
    url = propose(client, world)
    stale = client.post(f"{url}/approve", json={"version": 7}, headers=world["manager"])
    assert (stale.status_code, stale.json["errors"][0]["field"]) == (409, "version")
    assert stored(app, url)[:2] == ("proposed", 1)
    as_text = client.post(
        f"{url}/approve", json={"version": " 1 "}, headers=world["manager"]
    )
    assert (as_text.status_code, as_text.json["state"]) == (200, "open"), as_text.json


@pytest.mark.parametrize("version", ["abc", None, 0, 1.5])
def test_enrolment_needs_no_version_but_refuses_a_bad_one(app, client, world, version):
    url = propose(client, world)
    opened = client.post(
        f"{url}/approve", json={"version": 1}, headers=world["manager"]
    )
    assert opened.status_code == 200, opened.json
    before = stored(app, url)
    refused = client.post(
        f"{url}/enrol", json={"version": version}, headers=world["member"]
    )
    assert refused.status_code == 422, refused.json
    assert [e["field"] for e in refused.json["errors"]] == ["version"]
    assert stored(app, url) == before
    enrolled = client.post(
        f"{url}/enrol", json={"commitment": "committed"}, headers=world["member"]
    )
    assert enrolled.status_code == 200, enrolled.json
    assert len(enrolled.json["participants"]) == 1
    left = client.post(f"{url}/leave", json={}, headers=world["member"])
    assert (left.status_code, left.json["participants"]) == (200, [])
