"""Pooled services in pages and API: from a pooling suggestion to enrolled firms."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from symbiosis.extensions import db
from symbiosis.models import PooledService
from symbiosis.services.tokens import create_token
from tests.builders import make_listing, make_org, make_reference, make_user, make_zone
from tests.conftest import as_user, repeated_ids


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    with app.app_context():
        make_reference()
        zone = make_zone(name="Foetz (Mondercange)", lat=49.52, lon=6.01)
        firms = [make_org(zone=zone) for _ in range(3)]
        for firm in firms:
            firm.lat, firm.lon = 49.52, 6.01
        users = [make_user(org=f) for f in firms]
        for firm, user in zip(firms, users, strict=True):
            make_listing(org=firm, by=user, title="Cartons d'emballage",
                         ewc_code="150101", quantity="1", unit="t")  # fmt: skip
        outsider = make_user(org=make_org(zone=make_zone()))
        network = make_org(name="Réseau", kind="association")
        manager = make_user(org=network, manages=[zone])
        tokens = {
            name: {"Authorization": f"Bearer {create_token(u, 'test')[0]}"}
            for name, u in (("member", users[1]), ("manager", manager))
        }
        db.session.commit()
        return {
            "zone": zone.id, "slug": zone.slug, "users": [u.id for u in users],
            "outsider": outsider.id, "manager": manager.id, "tokens": tokens,
        }  # fmt: skip


def test_from_a_pooling_suggestion_to_enrolled_firms(app, client, world):
    as_user(app, client, world["manager"])
    zone_page = client.get(f"/zones/{world['zone']}").text
    link = re.search(r'href="(/pooled/new\?[^"]*key=[^"]+)"', zone_page)
    assert link, "the suggestion offers to propose a service"
    url = link.group(1).replace("&amp;", "&")
    form = client.get(url).text
    assert re.search(
        r'<option selected value="waste_collection">|value="waste_collection" selected',
        form,
    )
    assert 'value="3"' in form  # three organisations
    fields = {
        "zone": world["zone"], "category": "waste_collection",
        "title": "Collecte mutualisée des cartons", "description": "Chaque lundi",
        "target_participants": "3", "estimated_cost": "2400", "cost_split": "by_volume",
        "source_key": "paper",
    }  # fmt: skip
    created = client.post("/pooled/new", data=fields)
    assert created.status_code == 302
    service_url = created.headers["Location"]
    detail = client.get(service_url).text
    version = re.search(r'name="version" value="(\d+)"', detail).group(1)
    approve = client.post(f"{service_url}/step/approve", data={"version": version})
    assert approve.status_code == 302
    for user in world["users"][:2]:
        as_user(app, client, user)
        assert (
            client.post(
                f"{service_url}/enrol", data={"commitment": "committed"}
            ).status_code
            == 302
        )
        census = client.post(
            f"{service_url}/census",
            data={"ewc_code": "15 01 01", "quantity": "1", "unit": "t", "frequency": "monthly"},
        )  # fmt: skip
        assert census.status_code == 302
    page = client.get(service_url).text
    assert "24" in page  # 2 × 12 t a year of cardboard
    bad = client.post(
        f"{service_url}/census",
        data={
            "ewc_code": "nope",
            "quantity": "-1",
            "unit": "t",
            "frequency": "monthly",
        },
    )
    assert bad.status_code == 422
    assert 'id="ewc_code-error"' in bad.text
    assert 'id="quantity-error"' in bad.text
    as_user(app, client, world["manager"])
    detail = client.get(service_url).text
    version = re.search(r'name="version" value="(\d+)"', detail).group(1)
    assert (
        client.post(f"{service_url}/step/start", data={"version": version}).status_code
        == 302
    )
    with app.app_context():
        pool = db.session.scalars(sa.select(PooledService)).one()
        assert pool.state == "active"
        assert len(pool.enrolled()) == 2
    assert (
        "Collecte mutualisée des cartons" in client.get(f"/zones/{world['zone']}").text
    )
    assert repeated_ids(app, client, service_url) == []  # its several forms
    as_user(app, client, world["users"][0])  # enrolled, with a census line
    assert repeated_ids(app, client, service_url) == []


def test_outsiders_and_bad_input(app, client, world):
    as_user(app, client, world["users"][0])
    bad = client.post(
        "/pooled/new",
        data={"zone": world["zone"], "category": "x", "title": "", "cost_split": "equal",
              "estimated_cost": "abc"},
    )  # fmt: skip
    assert bad.status_code == 422
    for name in ("category", "title", "estimated_cost"):
        assert f'id="{name}-error"' in bad.text
    ok = client.post(
        "/pooled/new",
        data={"zone": world["zone"], "category": "mobility", "title": "Navette",
              "cost_split": "equal"},
    )  # fmt: skip
    service_url = ok.headers["Location"]
    as_user(app, client, world["outsider"])
    assert client.get(service_url).status_code == 404  # a proposal stays private
    as_user(app, client, world["users"][1])
    assert (
        client.post(f"{service_url}/step/approve", data={"version": 1}).status_code
        == 403
    )


def test_the_api(client, world):
    member, manager = world["tokens"]["member"], world["tokens"]["manager"]
    bad = client.post(
        "/api/v1/pooled-services", json={"zone": "nowhere"}, headers=member
    )
    assert (bad.status_code, bad.json["errors"][0]["field"]) == (422, "zone")
    created = client.post(
        "/api/v1/pooled-services",
        json={"zone": world["slug"], "category": "shared_equipment",
              "title": "Nacelle partagée", "cost_split": "equal"},
        headers=member,
    )  # fmt: skip
    assert created.status_code == 201
    pool = created.json
    url = f"/api/v1/pooled-services/{pool['id']}"
    assert (pool["state"], pool["zone"]["slug"]) == ("proposed", world["slug"])
    refused = client.post(f"{url}/approve", json={"version": 1}, headers=member)
    assert refused.status_code == 403
    approved = client.post(f"{url}/approve", json={"version": 1}, headers=manager)
    assert approved.json["state"] == "open"
    stale = client.post(f"{url}/start", json={"version": 1}, headers=manager)
    assert stale.status_code == 409
    enrolled = client.post(
        f"{url}/enrol", json={"commitment": "committed"}, headers=member
    )
    again = client.post(
        f"{url}/enrol", json={"commitment": "committed"}, headers=member
    )
    assert len(enrolled.json["participants"]) == len(again.json["participants"]) == 1
    listed = client.get(f"/api/v1/pooled-services?zone={world['slug']}", headers=member)
    assert [p["id"] for p in listed.json["pooled_services"]] == [pool["id"]]
    wrong = client.post(f"{url}/approve", json={"version": 2}, headers=manager)
    assert wrong.status_code == 409
    assert wrong.json["allowed_actions"] == ["start", "close"]


@pytest.mark.parametrize(
    ("lang", "typed", "cost"),
    [("de", "2.400", "2400.00"), ("de", "2.400,50", "2400.50"),
     ("fr", "2 400", "2400.00"), ("fr", "2\u202f400,50", "2400.50"),
     ("en", "2,400.50", "2400.50")],
)  # fmt: skip
def test_a_cost_is_read_as_the_reader_types_it(app, client, world, lang, typed, cost):
    from decimal import Decimal

    import sqlalchemy as sa

    from symbiosis.extensions import db
    from symbiosis.models import PooledService

    as_user(app, client, world["users"][0])
    client.post("/language", data={"lang": lang})
    made = client.post(
        "/pooled/new",
        data={"zone": world["zone"], "category": "mobility", "title": "Navette",
              "cost_split": "equal", "estimated_cost": typed},
    )  # fmt: skip
    assert made.status_code == 302, made.text
    with app.app_context():
        found = db.session.scalars(sa.select(PooledService.estimated_cost)).one()
    assert found == Decimal(cost)
