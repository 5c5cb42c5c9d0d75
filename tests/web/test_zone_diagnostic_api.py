"""GET /api/v1/zones/<slug>/diagnostic: the page's data and rules, as JSON."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from symbiosis.extensions import db
from symbiosis.models import User
from symbiosis.services.tokens import create_token
from tests.diagnostic_world import build_diagnostic_world


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    with app.app_context():
        world = build_diagnostic_world()
        world["headers"] = {
            role: {
                "Authorization": f"Bearer {create_token(db.session.get(User, uid), 't')[0]}"
            }
            for role, uid in world["users"].items()
        }
        db.session.commit()
        return world


def _get(client: Any, world: dict[str, Any], role: str | None, slug: str = "") -> Any:
    url = f"/api/v1/zones/{slug or world['zone_slug']}/diagnostic"
    return client.get(url, headers=world["headers"][role] if role else {})


def test_flows_by_material_on_the_yearly_base(client, world):
    response = _get(client, world, "manager")
    assert response.status_code == 200
    data = response.json
    assert data["zone"] == {
        "id": world["zone"],
        "slug": world["zone_slug"],
        "name": "Zone Sud (Esch-sur-Alzette)",
    }
    materials = {(m["key"], m["unit"]): m for m in data["materials"]}
    assert materials[("wood.pallets", "t")]["out"] == {
        "listings": 1,
        "organisations": 1,
        "yearly": 30.0,
    }
    assert materials[("wood.pallets", "pieces")]["in"]["yearly"] == 1200.0
    assert data["totals"] == [
        {"unit": "pieces", "out": 0.0, "in": 1200.0},
        {"unit": "t", "out": 56.0, "in": 20.0},
    ]
    (agreed,) = [f for f in data["flows"] if f["kind"] == "agreement"]
    assert agreed["id"] == world["agreement"]
    assert (agreed["state"], agreed["unit"], agreed["yearly"]) == (
        "accepted",
        "t",
        24.0,
    )
    assert agreed["supplier"] == {
        "id": world["joinery"],
        "name": "Menuiserie Alpha",
        "in_zone": True,
    }
    matches = [f for f in data["flows"] if f["kind"] == "match"]
    assert len(matches) == 2
    assert data["not_comparable_matches"] == 1
    # The anonymous cardboard: neither id nor name for the zone manager.
    assert {"id": None, "name": None, "in_zone": True} in [
        m["supplier"] for m in matches
    ]


def test_the_facilitator_sees_every_firm(client, world):
    flows = _get(client, world, "facilitator").json["flows"]
    assert all(f["supplier"]["name"] for f in flows)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 401),
        ("member", 403),
        ("outside_member", 403),
        ("other_manager", 403),
        ("manager", 200),
        ("facilitator", 200),
    ],
)
def test_same_rules_as_the_page(client, world, role, status):
    response = _get(client, world, role)
    assert response.status_code == status
    if status != 200:
        assert response.is_json
        assert response.json["errors"]


def test_unknown_slug_is_404(client, world):
    response = _get(client, world, "facilitator", slug="no-such-zone")
    assert response.status_code == 404
    assert response.json["errors"][0]["field"] == "zone"
