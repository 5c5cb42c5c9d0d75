"""Numbers no column can hold get an error naming their field, never a 500.

PostgreSQL refuses an id above 2³¹ − 1 ("integer out of range") and SQLite
one above 2⁶³ − 1; a date before year 1 cannot be computed at all.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from symbiosis.extensions import db
from symbiosis.services.tokens import create_token
from tests.builders import make_listing, make_org, make_reference, make_user, make_zone
from tests.event_builders import make_event

HUGE = 2**40


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    with app.app_context():
        make_reference()
        zone = make_zone()
        org = make_org(zone=zone)
        member = make_user(org=org)
        facilitator = make_user(facilitator=True, role=None)
        offer = make_listing(org=org, by=member)
        event = make_event(facilitator)
        headers = {
            role: {"Authorization": f"Bearer {create_token(user, 't')[0]}"}
            for role, user in (("member", member), ("facilitator", facilitator))
        }
        db.session.commit()
        return {"headers": headers, "offer": offer.id, "event": event.id}


def _fields(response: Any) -> list[str]:
    return [e["field"] for e in response.get_json()["errors"]]


def test_huge_ids_in_a_body_name_their_field(client, world):
    member, facilitator = world["headers"]["member"], world["headers"]["facilitator"]
    proposal = client.post(
        "/api/v1/agreements",
        json={"offer_id": world["offer"], "request_id": HUGE, "match_id": HUGE},
        headers=member,
    )
    assert proposal.status_code == 422
    assert "request_id" in _fields(proposal)
    listing = client.post(
        "/api/v1/listings", json={"organisation_id": HUGE}, headers=facilitator
    )
    assert listing.status_code == 422
    assert "organisation_id" in _fields(listing)
    registration = client.post(
        f"/api/v1/events/{world['event']}/registration",
        json={"organisation_id": HUGE, "offers": ["IT support"]},
        headers=member,
    )
    assert registration.status_code == 422
    assert _fields(registration) == ["organisation_id"]
    pooled = client.post(
        "/api/v1/pooled-services", json={"zone": str(HUGE)}, headers=member
    )
    assert pooled.status_code == 422
    assert _fields(pooled) == ["zone"]


def test_a_huge_zone_in_a_search_names_its_parameter(client, world):
    response = client.get(
        "/api/v1/listings",
        query_string={"zone": str(HUGE), "resource": "energy"},
        headers=world["headers"]["member"],
    )
    assert response.status_code == 422  # no zone has this id, nor could
    assert _fields(response) == ["zone"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"to": "0001-01-01"}, "to"),
        ({"from": "0001-01-01"}, "from"),
        ({"to": "9999-12-31"}, "to"),
    ],
)
def test_dates_out_of_any_period_name_their_field(client, world, query, field):
    response = client.get(
        "/api/v1/stats", query_string=query, headers=world["headers"]["facilitator"]
    )
    assert response.status_code == 422
    assert _fields(response) == [field]
