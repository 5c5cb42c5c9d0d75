"""Organisation profiles, members and the wall between organisations."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.models import Organisation, User, ZoneRequest
from tests.builders import make_org, make_reference, make_user, make_zone
from tests.conftest import as_user


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    with app.app_context():
        make_reference()
        zone = make_zone()
        org_a = make_org(name="Firm A", zone=zone)
        org_b = make_org(name="Firm B", zone=zone)
        ids = {
            "zone": zone.id,
            "org_a": org_a.id,
            "org_b": org_b.id,
            "admin_a": make_user(
                email="admin@a.example.lu", org=org_a, role="admin"
            ).id,
            "member_a": make_user(email="member@a.example.lu", org=org_a).id,
            "pending_a": make_user(
                email="pending@a.example.lu", org=org_a, role="pending"
            ).id,
            "admin_b": make_user(
                email="admin@b.example.lu",
                org=org_b,
                role="admin",
                full_name="Bernard B",
            ).id,
        }
        db.session.commit()
        return ids


def role_of(app: Flask, user_id: int) -> tuple[int | None, str | None]:
    with app.app_context():
        user = db.session.get(User, user_id)
        return user.organisation_id, user.org_role


def test_members_see_their_colleagues_others_do_not(
    app: Flask, client: FlaskClient, world: dict[str, int]
) -> None:
    as_user(app, client, world["member_a"])
    own = client.get(f"/organisations/{world['org_a']}").get_data(as_text=True)
    assert "Membres" in own or "Members" in own
    other = client.get(f"/organisations/{world['org_b']}").get_data(as_text=True)
    assert "Bernard B" not in other
    assert "admin@b.example.lu" not in other


def test_admin_of_b_cannot_touch_a(
    app: Flask, client: FlaskClient, world: dict[str, int]
) -> None:
    as_user(app, client, world["admin_b"])
    org_a = world["org_a"]
    assert client.get(f"/organisations/{org_a}/edit").status_code == 404
    assert client.get(f"/organisations/{org_a}/members").status_code == 404
    response = client.post(
        f"/organisations/{org_a}/members/{world['member_a']}/remove", data={"x": "1"}
    )
    assert response.status_code == 404
    response = client.post(f"/organisations/{org_a}/edit", data={"name": "Hijacked"})
    assert response.status_code == 404
    assert role_of(app, world["member_a"]) == (org_a, "member")
    with app.app_context():
        assert db.session.get(Organisation, org_a).name == "Firm A"


def test_admin_cannot_act_on_another_organisations_member(
    app: Flask, client: FlaskClient, world: dict[str, int]
) -> None:
    as_user(app, client, world["admin_a"])
    response = client.post(
        f"/organisations/{world['org_a']}/members/{world['admin_b']}/remove",
        data={"x": "1"},
    )
    assert response.status_code == 302
    assert role_of(app, world["admin_b"]) == (world["org_b"], "admin")


def test_admin_accepts_promotes_and_removes(
    app: Flask, client: FlaskClient, world: dict[str, int]
) -> None:
    as_user(app, client, world["admin_a"])
    base = f"/organisations/{world['org_a']}/members"
    client.post(f"{base}/{world['pending_a']}/accept", data={"x": "1"})
    assert role_of(app, world["pending_a"]) == (world["org_a"], "member")
    client.post(f"{base}/{world['member_a']}/promote", data={"x": "1"})
    assert role_of(app, world["member_a"]) == (world["org_a"], "admin")
    client.post(f"{base}/{world['member_a']}/remove", data={"x": "1"})
    assert role_of(app, world["member_a"]) == (None, None)


def test_last_admin_cannot_leave_the_organisation_headless(
    app: Flask, client: FlaskClient, world: dict[str, int]
) -> None:
    as_user(app, client, world["admin_a"])
    base = f"/organisations/{world['org_a']}/members/{world['admin_a']}"
    assert client.post(f"{base}/demote", data={"x": "1"}).status_code == 302
    assert client.post(f"{base}/remove", data={"x": "1"}).status_code == 302
    assert role_of(app, world["admin_a"]) == (world["org_a"], "admin")


def test_unknown_member_action_is_404(
    app: Flask, client: FlaskClient, world: dict[str, int]
) -> None:
    as_user(app, client, world["admin_a"])
    url = f"/organisations/{world['org_a']}/members/{world['member_a']}/explode"
    assert client.post(url, data={"x": "1"}).status_code == 404


def test_profile_edit_saves_and_refuses_bad_values(
    app: Flask, client: FlaskClient, world: dict[str, int]
) -> None:
    as_user(app, client, world["admin_a"])
    url = f"/organisations/{world['org_a']}/edit"
    good = {
        "name": "Firm A Renamed",
        "kind": "company",
        "nace_code": "38.11",
        "description": "Nous recyclons.",
        "website": "https://firm-a.example.lu",
        "lat": "49.6",
        "lon": "6.1",
        "sdgs": ["12", "13"],
    }
    assert client.post(url, data=good).status_code == 302
    with app.app_context():
        org = db.session.get(Organisation, world["org_a"])
        assert org.name == "Firm A Renamed"
        assert [s.number for s in org.sdgs] == [12, 13]
    for bad in (
        {"name": "Firm B"},
        {"lat": "120"},
        {"lon": "nan"},
        {"website": "javascript:alert(1)"},
        {"nace_code": "00.00"},
        {"name": "<b>bold</b>"},
    ):
        response = client.post(url, data={**good, **bad})
        assert response.status_code == 400, bad
        field = next(iter(bad))
        assert f'id="{field}-error"' in response.get_data(as_text=True), bad
    with app.app_context():
        org = db.session.get(Organisation, world["org_a"])
        assert (org.name, org.lat, org.lon) == ("Firm A Renamed", 49.6, 6.1)


def test_zone_request_goes_to_the_zone_manager(
    app: Flask, client: FlaskClient, world: dict[str, int]
) -> None:
    with app.app_context():
        other_zone = make_zone(name="Other zone (X)")
        manager = make_user(email="manager@x.example.lu", manages=[other_zone])
        db.session.commit()
        other_zone_id, manager_id = other_zone.id, manager.id
    as_user(app, client, world["admin_a"])
    url = f"/organisations/{world['org_a']}/zone-request"
    assert client.post(url, data={"zone": str(other_zone_id)}).status_code == 302
    with app.app_context():
        request = db.session.scalar(sa.select(ZoneRequest))
        assert request.state == "pending"
        assert request.zone_id == other_zone_id
        request_id = request.id

    # The manager of another zone cannot decide it; this one can.
    manager_client = app.test_client()
    as_user(app, manager_client, manager_id)
    assert "Firm A" in manager_client.get("/zones/requests").get_data(as_text=True)
    rejected = manager_client.post(
        f"/zones/requests/{request_id}", data={"decision": "reject", "reason": ""}
    )
    assert rejected.status_code == 400  # a rejection needs a reason
    approved = manager_client.post(
        f"/zones/requests/{request_id}", data={"decision": "approve"}
    )
    assert approved.status_code == 302
    with app.app_context():
        assert db.session.get(Organisation, world["org_a"]).zone_id == other_zone_id
        assert db.session.get(ZoneRequest, request_id).state == "approved"
    again = manager_client.post(
        f"/zones/requests/{request_id}", data={"decision": "reject", "reason": "late"}
    )
    assert again.status_code == 302
    with app.app_context():
        assert db.session.get(ZoneRequest, request_id).state == "approved"


def test_manager_of_another_zone_cannot_decide(
    app: Flask, client: FlaskClient, world: dict[str, int]
) -> None:
    with app.app_context():
        zone_x, zone_y = make_zone(), make_zone()
        request = ZoneRequest(organisation_id=world["org_a"], zone=zone_x)
        db.session.add(request)
        manager_y = make_user(manages=[zone_y])
        db.session.commit()
        request_id, manager_id = request.id, manager_y.id
    as_user(app, client, manager_id)
    assert "Firm A" not in client.get("/zones/requests").get_data(as_text=True)
    client.post(f"/zones/requests/{request_id}", data={"decision": "approve"})
    with app.app_context():
        assert db.session.get(ZoneRequest, request_id).state == "pending"
        assert db.session.get(Organisation, world["org_a"]).zone_id == world["zone"]
