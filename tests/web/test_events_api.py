"""Matchmaking events over JSON: list, detail with the plan, register, withdraw."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.models import Event, EventRegistration, Organisation, User
from symbiosis.services import event_plans, events
from tests.builders import PASSWORD, make_org, make_reference, make_user, make_zone
from tests.event_builders import make_event, make_people, register_all

JOIN = {
    "offers": ["IT support", "Mentoring"],
    "seeks": "Bénévoles\n\nSalle de réunion ",
    "sdgs": [4, 8],
    "themes": ["sport"],
}


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    with app.app_context():
        make_reference()
        zone = make_zone()
        orgs, members, forms = make_people(firms=3, clubs=2, zone=zone)
        network = make_org(name="Réseau", kind="association")
        facilitator = make_user(org=network, facilitator=True)
        manager = make_user(email="manager@example.lu", manages=[zone])
        db.session.commit()
        return {
            "orgs": [o.id for o in orgs],
            "names": [o.name for o in orgs],
            "emails": [m.email for m in members],
            "forms": forms,
            "facilitator": facilitator.id,
            "boss": facilitator.email,
            "manager": manager.email,
        }


def bearer(client: FlaskClient, email: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/token", json={"email": email, "password": PASSWORD}
    )
    assert response.status_code == 201, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


def make(
    app: Flask,
    world: dict[str, Any],
    *,
    register: int = 0,
    plan: bool = False,
    publish: bool = False,
    **fields: Any,
) -> int:
    """An open event (or a draft with ``open_=False``), registered and planned."""
    with app.app_context():
        boss = db.session.get(User, world["facilitator"])
        assert boss is not None
        event = make_event(boss, **fields)
        orgs = [db.session.get(Organisation, i) for i in world["orgs"][:register]]
        register_all(event, boss, orgs, world["forms"][:register])  # type: ignore[arg-type]
        if plan:
            event_plans.plan(boss, event.id)
        if publish:
            events.step(boss, event.id, "publish")
        return event.id


def registrations(app: Flask, event_id: int) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(EventRegistration.organisation_id)
                .where(EventRegistration.event_id == event_id)
                .order_by(EventRegistration.organisation_id)
            )
        )


def test_without_a_token_it_is_401_in_json(client: FlaskClient, world) -> None:
    for method, url in [
        ("GET", "/api/v1/events"),
        ("GET", "/api/v1/events/1"),
        ("POST", "/api/v1/events/1/registration"),
        ("DELETE", "/api/v1/events/1/registration"),
    ]:
        response = client.open(url, method=method, json={})
        assert response.status_code == 401, url
        assert response.is_json


def test_the_list_shows_what_the_pages_show(app: Flask, client: FlaskClient, world):
    draft = make(app, world, open_=False, title="Brouillon")
    upcoming = make(app, world, register=2, themes="Sport, Inclusion, Éducation")
    past = make(app, world, date="2024-05-02", title="L'an passé")
    member = client.get("/api/v1/events", headers=bearer(client, world["emails"][0]))
    assert member.status_code == 200
    listed = member.json["events"]
    assert [e["id"] for e in listed] == [upcoming, past]  # no draft; soonest first
    first = listed[0]
    assert first["state"] == "open"
    assert first["registration_open"] is True
    assert first["past"] is False
    assert listed[1]["past"] is True
    assert first["registrations"] == 2
    assert first["themes"] == ["Sport", "Inclusion", "Éducation"]
    assert first["starts_at"] == "2030-03-12T17:30:00+00:00"  # 18:30 in Luxembourg
    assert first["ends_at"] == "2030-03-12T18:10:00+00:00"  # 4 rounds of 10 minutes
    assert (first["tables"], first["rounds"], first["minutes_per_round"]) == (3, 4, 10)
    boss = client.get("/api/v1/events", headers=bearer(client, world["boss"]))
    assert [e["id"] for e in boss.json["events"]] == [draft, upcoming, past]


def test_a_draft_or_unknown_event_is_404_for_members(app, client: FlaskClient, world):
    draft = make(app, world, open_=False)
    headers = bearer(client, world["emails"][0])
    for url in (f"/api/v1/events/{draft}", "/api/v1/events/999999"):
        response = client.get(url, headers=headers)
        assert response.status_code == 404
        assert response.json["errors"][0]["field"] is None
    refused = client.post(
        f"/api/v1/events/{draft}/registration", json=JOIN, headers=headers
    )
    assert refused.status_code == 404
    boss = client.get(f"/api/v1/events/{draft}", headers=bearer(client, world["boss"]))
    assert boss.json["state"] == "draft"


def test_a_member_registers_updates_and_withdraws(app, client: FlaskClient, world):
    event_id = make(app, world, themes="Sport, Éducation")
    headers = bearer(client, world["emails"][0])
    url = f"/api/v1/events/{event_id}/registration"
    created = client.post(url, json=JOIN, headers=headers)
    assert created.status_code == 201, created.json
    assert created.headers["Location"].endswith(f"/api/v1/events/{event_id}")
    assert created.json == {
        "organisation": {"id": world["orgs"][0], "name": world["names"][0]},
        "offers": ["IT support", "Mentoring"],
        "seeks": ["Bénévoles", "Salle de réunion"],
        "sdgs": [4, 8],
        "themes": ["Sport"],
    }
    detail = client.get(f"/api/v1/events/{event_id}", headers=headers).json
    assert detail["registrations"] == 1
    assert detail["registration"] == created.json
    assert detail["plan"] is None
    changed = client.post(url, json={"offers": "Salle"}, headers=headers)
    assert changed.status_code == 200, changed.json
    assert (changed.json["offers"], changed.json["seeks"]) == (["Salle"], [])
    assert registrations(app, event_id) == [world["orgs"][0]]
    # another member sees the count, not someone else's registration
    other = bearer(client, world["emails"][1])
    seen = client.get(f"/api/v1/events/{event_id}", headers=other).json
    assert (seen["registrations"], seen["registration"]) == (1, None)
    assert client.delete(url, headers=headers).status_code == 204
    assert registrations(app, event_id) == []
    again = client.delete(url, headers=headers)
    assert again.status_code == 404
    assert again.json["errors"][0]["field"] == "organisation"


@pytest.mark.parametrize(
    ("body", "status", "fields"),
    [
        ({"offers": [], "seeks": ""}, 422, ["offers"]),
        ({**JOIN, "themes": ["Cuisine"]}, 422, ["themes"]),
        ({**JOIN, "sdgs": [18]}, 422, ["sdgs"]),
        ({**JOIN, "offers": ["x" * 201]}, 422, ["offers"]),
        ({**JOIN, "colour": "red", "state": "open"}, 422, ["colour", "state"]),
        ({**JOIN, "organisation_id": "nope"}, 422, ["organisation_id"]),
        ({**JOIN, "organisation_id": "²"}, 422, ["organisation_id"]),
        ({**JOIN, "organisation_id": "9" * 5000}, 422, ["organisation_id"]),
        ({**JOIN, "organisation_id": 999999}, 422, ["organisation_id"]),
        (["not", "an", "object"], 400, [None]),
    ],
)
def test_bad_registrations_name_the_field_and_change_nothing(
    app, client: FlaskClient, world, body: Any, status: int, fields: list
):
    event_id = make(app, world, themes="Sport")
    response = client.post(
        f"/api/v1/events/{event_id}/registration",
        json=body,
        headers=bearer(client, world["emails"][0]),
    )
    assert response.status_code == status, response.json
    assert [e["field"] for e in response.json["errors"]] == fields
    assert registrations(app, event_id) == []


def test_members_register_only_their_own_organisation(app, client, world):
    event_id = make(app, world)
    url = f"/api/v1/events/{event_id}/registration"
    headers = bearer(client, world["emails"][0])
    other = {**JOIN, "themes": [], "organisation_id": world["orgs"][1]}
    assert client.post(url, json=other, headers=headers).status_code == 403
    mine = {**JOIN, "themes": [], "organisation_id": world["orgs"][0]}
    assert client.post(url, json=mine, headers=headers).status_code == 201
    stranger = bearer(client, world["emails"][1])
    theirs = client.delete(
        f"{url}?organisation_id={world['orgs'][0]}", headers=stranger
    )
    assert theirs.status_code == 403
    # a zone manager with no organisation may not register at all
    manager = bearer(client, world["manager"])
    assert client.post(url, json=JOIN, headers=manager).status_code == 403
    assert registrations(app, event_id) == [world["orgs"][0]]


def test_the_facilitator_registers_and_withdraws_any_organisation(app, client, world):
    event_id = make(app, world)
    url = f"/api/v1/events/{event_id}/registration"
    headers = bearer(client, world["boss"])
    body = {**JOIN, "themes": [], "organisation_id": world["orgs"][3]}
    assert client.post(url, json=body, headers=headers).status_code == 201
    assert registrations(app, event_id) == [world["orgs"][3]]
    bad = client.delete(f"{url}?organisation_id=abc", headers=headers)
    assert bad.status_code == 422
    assert bad.json["errors"][0]["field"] == "organisation_id"
    gone = client.delete(f"{url}?organisation_id={world['orgs'][3]}", headers=headers)
    assert gone.status_code == 204
    assert registrations(app, event_id) == []


def test_registration_closes_once_planned(app, client: FlaskClient, world):
    event_id = make(app, world, register=3, plan=True)
    url = f"/api/v1/events/{event_id}/registration"
    headers = bearer(client, world["emails"][0])
    assert client.post(url, json=JOIN, headers=headers).status_code == 409
    assert client.delete(url, headers=headers).status_code == 409
    assert len(registrations(app, event_id)) == 3


def test_the_plan_is_shown_as_on_the_pages(app, client: FlaskClient, world):
    event_id = make(app, world, register=4, plan=True)
    member, outsider, boss = (
        bearer(client, world["emails"][0]),
        bearer(client, world["emails"][4]),
        bearer(client, world["boss"]),
    )
    url = f"/api/v1/events/{event_id}"
    # planned, not published: only the facilitator sees it, with the scores
    assert client.get(url, headers=member).json["plan"] is None
    planned = client.get(url, headers=boss).json["plan"]
    assert [r["round"] for r in planned["rounds"]] == [1, 2, 3, 4]
    with app.app_context():
        event = db.session.get(Event, event_id)
        assert event is not None
        expected = sorted(
            (m.round, m.table_no, m.org_a.name, m.org_b.name, round(m.score, 1))
            for m in event.meetings
        )
        events.step(db.session.get(User, world["facilitator"]), event_id, "publish")
    shown = sorted(
        (r["round"], m["table"], m["a"], m["b"], m["score"])
        for r in planned["rounds"]
        for m in r["meetings"]
    )
    assert shown == expected
    assert expected  # the planner seated someone
    first = planned["rounds"][0]
    assert first["starts_at"] == "2030-03-12T17:30:00+00:00"
    assert all(isinstance(m["reasons"], list) for m in first["meetings"])
    # published: registered organisations see it without scores, others not
    published = client.get(url, headers=member).json
    assert published["registration"]["organisation"]["id"] == world["orgs"][0]
    rounds = published["plan"]["rounds"]
    assert sorted(
        (r["round"], m["table"], m["a"], m["b"]) for r in rounds for m in r["meetings"]
    ) == [row[:4] for row in expected]
    assert {m["score"] for r in rounds for m in r["meetings"]} == {None}
    seated = {n for r in rounds for m in r["meetings"] for n in (m["a"], m["b"])}
    waiting = {n for r in rounds for n in r["waiting"]}
    assert seated | waiting == set(world["names"][:4])
    assert client.get(url, headers=outsider).json["plan"] is None
