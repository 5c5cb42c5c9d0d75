"""Notifications over the JSON API: a script reads them and marks them read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.models import Notification, User
from symbiosis.models.base import utcnow
from tests.builders import make_org, make_user
from tests.web.test_api import token_for


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    with app.app_context():
        org = make_org()
        anne = make_user(org=org, email="anne@example.lu")
        paul = make_user(org=org, email="paul@example.lu")
        now = utcnow()
        for minutes, subject, read in (
            (30, "Old match", True),
            (20, "New match", False),
            (10, "Proposal", False),
        ):
            db.session.add(
                Notification(
                    user=anne,
                    subject=subject,
                    body="…",
                    link="/matches/",
                    created_at=now - timedelta(minutes=minutes),
                    read_at=now if read else None,
                )
            )
        db.session.add(Notification(user=paul, subject="Paul's own", body="…"))
        db.session.commit()
        return {"anne": anne.id, "paul": paul.id}


def subjects(client: FlaskClient, headers: dict[str, str], query: str = "") -> list:
    response = client.get(f"/api/v1/notifications{query}", headers=headers)
    assert response.status_code == 200, response.json
    return [n["subject"] for n in response.json["notifications"]]


def test_a_script_reads_its_notifications_and_marks_them_read(
    client: FlaskClient, world: dict[str, int]
) -> None:
    headers = token_for(client, "anne@example.lu")
    assert subjects(client, headers) == ["Proposal", "New match", "Old match"]
    assert subjects(client, headers, "?unread=true") == ["Proposal", "New match"]
    assert subjects(client, headers, "?limit=1") == ["Proposal"]
    listed = client.get("/api/v1/notifications", headers=headers).json
    assert listed["unread"] == 2
    first = listed["notifications"][0]
    assert first["read_at"] is None
    assert first["link"] == "/matches/"

    read = client.post(f"/api/v1/notifications/{first['id']}/read", headers=headers)
    assert read.status_code == 200
    assert read.json["read_at"] is not None
    assert subjects(client, headers, "?unread=true") == ["New match"]

    everything = client.post("/api/v1/notifications/read", headers=headers)
    assert everything.json == {"unread": 0}
    assert subjects(client, headers, "?unread=true") == []


def test_another_user_s_notifications_are_not_there(
    app: Flask, client: FlaskClient, world: dict[str, int]
) -> None:
    headers = token_for(client, "anne@example.lu")
    assert "Paul's own" not in subjects(client, headers)
    with app.app_context():
        pauls = db.session.scalar(
            db.select(Notification.id).where(Notification.user_id == world["paul"])
        )
    assert (
        client.post(f"/api/v1/notifications/{pauls}/read", headers=headers).status_code
        == 404
    )
    with app.app_context():
        note = db.session.get(Notification, pauls)
        assert note is not None
        assert note.read_at is None
    # marking all read touches only one's own
    client.post("/api/v1/notifications/read", headers=headers)
    with app.app_context():
        paul = db.session.get(User, world["paul"])
        assert paul is not None
        note = db.session.get(Notification, pauls)
        assert note is not None
        assert note.read_at is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?unread=yes", "unread"),
        ("?limit=0", "limit"),
        ("?limit=201", "limit"),
        ("?limit=²", "limit"),
        ("?limit=-3", "limit"),
        ("?limit=" + "9" * 50, "limit"),
    ],
)
def test_bad_parameters_get_json_naming_the_field(
    client: FlaskClient, world: dict[str, int], query: str, field: str
) -> None:
    headers = token_for(client, "anne@example.lu")
    response = client.get(f"/api/v1/notifications{query}", headers=headers)
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == field
