"""The JSON API: tokens, listings, errors as JSON naming the field."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.models import ApiToken, Listing, User
from tests.builders import (
    PASSWORD,
    make_listing,
    make_org,
    make_reference,
    make_user,
    make_zone,
)
from tests.conftest import login

NEW = {
    "kind": "offer",
    "resource": "material",
    "title": "Marc de café",
    "ewc_code": "20 01 08",
    "quantity": 800,
    "unit": "kg",
    "frequency": "weekly",
    "sdgs": [12],
}


@pytest.fixture
def world(app: Flask) -> dict:
    with app.app_context():
        make_reference()
        zone = make_zone(name="Contern (Weiergewan/Rolach)", lat=49.586, lon=6.215)
        firm = make_org(name="Firm A", zone=zone)
        other = make_org(name="Firm B", zone=zone)
        member = make_user(email="a@firm-a.example.lu", org=firm)
        stranger = make_user(email="b@firm-b.example.lu", org=other)
        secret = make_listing(
            org=firm,
            by=member,
            title="Solvants usagés",
            anonymous=True,
            lat="49.6123",
            lon="6.2345",
        )
        db.session.commit()
        return {
            "firm": firm.id,
            "other": other.id,
            "member": member.id,
            "stranger": stranger.id,
            "secret": secret.id,
        }


def token_for(client: FlaskClient, email: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/token", json={"email": email, "password": PASSWORD}
    )
    assert response.status_code == 201, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


def test_token_and_me(client: FlaskClient, world: dict) -> None:
    headers = token_for(client, "a@firm-a.example.lu")
    me = client.get("/api/v1/auth/me", headers=headers).json
    assert me["email"] == "a@firm-a.example.lu"
    assert me["role"] == "member"
    assert me["mail_notices"] == "each"
    assert me["organisation"]["name"] == "Firm A"


def test_a_tokens_use_is_noted_once_a_minute(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    headers = token_for(client, "a@firm-a.example.lu")

    def last_used() -> object:
        with app.app_context():
            return db.session.scalar(sa.select(ApiToken.last_used_at))

    client.get("/api/v1/auth/me", headers=headers)
    first = last_used()
    assert first is not None
    client.get("/api/v1/auth/me", headers=headers)
    assert last_used() == first  # no write for each request
    with app.app_context():
        db.session.execute(
            sa.update(ApiToken).values(
                last_used_at=datetime.now(UTC) - timedelta(minutes=2)
            )
        )
        db.session.commit()
    client.get("/api/v1/auth/me", headers=headers)
    noted = last_used()
    assert noted is not None
    assert noted != first


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"email": "a@firm-a.example.lu", "password": "wrong"}, 401, None),
        ({"email": "a@firm-a.example.lu"}, 400, "password"),
        ({}, 400, "email"),
        (None, 400, None),
    ],
)
def test_token_errors(
    client: FlaskClient, world: dict, body: dict | None, status: int, field: str | None
) -> None:
    response = (
        client.post("/api/v1/auth/token", json=body)
        if body is not None
        else client.post(
            "/api/v1/auth/token", data="not json", content_type="application/json"
        )
    )
    assert response.status_code == status
    assert response.is_json
    assert field is None or field in [e["field"] for e in response.json["errors"]]


def test_without_or_with_a_bad_token(client: FlaskClient, world: dict) -> None:
    for headers in (
        {},
        {"Authorization": "Bearer sym_nope"},
        {"Authorization": "Basic x"},
    ):
        response = client.get("/api/v1/listings", headers=headers)
        assert response.status_code == 401
        assert response.is_json


def test_create_read_update_delete(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    headers = token_for(client, "a@firm-a.example.lu")
    created = client.post("/api/v1/listings", json=NEW, headers=headers)
    assert created.status_code == 201, created.json
    body = created.json
    assert body["id"]
    assert body["yearly_quantity"] == 41.6
    assert body["base_unit"] == "t"
    assert body["ewc_code"] == "200108"
    assert body["organisation"]["name"] == "Firm A"
    url = f"/api/v1/listings/{body['id']}"
    assert client.get(url, headers=headers).json["title"] == "Marc de café"
    patched = client.patch(
        url, json={"quantity": 1, "unit": "t", "state": "paused"}, headers=headers
    )
    assert patched.status_code == 200, patched.json
    assert (patched.json["quantity"], patched.json["state"]) == (1.0, "paused")
    conflict = client.patch(url, json={"state": "paused"}, headers=headers)
    assert conflict.status_code == 409
    assert conflict.json["allowed"] == ["active", "closed"]
    assert client.delete(url, headers=headers).status_code == 204
    assert client.get(url, headers=headers).status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": -1}, "quantity"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": 1e12}, "quantity"),
        ({"quantity": "NaN"}, "quantity"),
        ({"unit": "furlong"}, "unit"),
        ({"ewc_code": "999999"}, "ewc_code"),
        (
            {"available_from": "2027-05-01", "available_until": "2027-04-01"},
            "available_until",
        ),
        ({"lat": 40.0, "lon": 6.1}, "lat"),
        ({"title": "x" * 1_000_000}, "title"),
        ({"sdgs": "eighteen"}, "sdgs"),
        ({"colour": "green"}, "colour"),
    ],
)
def test_bad_fields_are_named(
    app: Flask, client: FlaskClient, world: dict, change: dict, field: str
) -> None:
    headers = token_for(client, "a@firm-a.example.lu")
    response = client.post("/api/v1/listings", json={**NEW, **change}, headers=headers)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json["errors"]]
    with app.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count(Listing.id))) == 1
        )  # only the fixture's


def test_nan_in_raw_json_is_refused(client: FlaskClient, world: dict) -> None:
    headers = {
        **token_for(client, "a@firm-a.example.lu"),
        "Content-Type": "application/json",
    }
    raw = '{"kind": "offer", "resource": "material", "title": "x", "quantity": NaN, "unit": "t", "frequency": "once"}'
    response = client.post("/api/v1/listings", data=raw, headers=headers)
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == ["quantity"]


def test_other_organisations_listing_is_404_for_changes(
    client: FlaskClient, world: dict
) -> None:
    headers = token_for(client, "b@firm-b.example.lu")
    url = f"/api/v1/listings/{world['secret']}"
    assert client.patch(url, json={"quantity": 1}, headers=headers).status_code == 404
    assert client.delete(url, headers=headers).status_code == 404
    assert client.get("/api/v1/listings/999999", headers=headers).status_code == 404


def test_anonymous_listing_does_not_leak(client: FlaskClient, world: dict) -> None:
    headers = token_for(client, "b@firm-b.example.lu")
    shown = client.get(f"/api/v1/listings/{world['secret']}", headers=headers).json
    assert shown["organisation"] is None
    assert (shown["lat"], shown["lon"]) == (49.586, 6.215)
    assert shown["location_approximate"] is True
    listing = client.get("/api/v1/listings", headers=headers).json["listings"][0]
    assert listing["organisation"] is None
    assert "Firm A" not in client.get("/api/v1/listings", headers=headers).get_data(
        as_text=True
    )
    owner = token_for(client, "a@firm-a.example.lu")
    mine = client.get(f"/api/v1/listings/{world['secret']}", headers=owner).json
    assert mine["organisation"]["name"] == "Firm A"
    assert mine["lat"] == 49.6123


def test_import_endpoint_reports_rows(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    headers = token_for(client, "a@firm-a.example.lu")
    content = b"kind,resource,title,quantity,unit,frequency\noffer,material,Carton,3,t,monthly\noffer,material,Bad,-1,t,monthly\n"
    response = client.post(
        "/api/v1/listings/import",
        headers=headers,
        data={"file": (io.BytesIO(content), "l.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert response.json["errors"] == [
        {"row": 3, "field": "quantity", "reason": response.json["errors"][0]["reason"]}
    ]
    good = content.replace(b"-1", b"1")
    response = client.post(
        "/api/v1/listings/import",
        headers=headers,
        data={"file": (io.BytesIO(good), "l.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201
    assert response.json["created"] == 2
    app.config["IMPORT_MAX_BYTES"] = 10
    response = client.post(
        "/api/v1/listings/import",
        headers=headers,
        data={"file": (io.BytesIO(good), "l.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert response.is_json


def test_ewc_reference_search(client: FlaskClient, world: dict) -> None:
    headers = token_for(client, "a@firm-a.example.lu")
    by_word = client.get(
        "/api/v1/reference/ewc?q=EMBALLAGES BOIS", headers=headers
    ).json["codes"]
    assert [c["code"] for c in by_word] == ["150103"]
    by_german = client.get("/api/v1/reference/ewc?q=holz", headers=headers).json[
        "codes"
    ]
    assert [c["display"] for c in by_german] == ["15 01 03"]
    by_code = client.get("/api/v1/reference/ewc?q=16 06", headers=headers).json["codes"]
    assert by_code == [
        {
            "code": "160601",
            "display": "16 06 01*",
            "label": "accumulateurs au plomb",
            "hazardous": True,
            "chapter": "16",
        }
    ]


def test_browser_session_needs_csrf_for_changes(app: Flask, world: dict) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    with app.app_context():
        login(client, db.session.get(User, world["member"]))
    assert client.get("/api/v1/auth/me").status_code == 200
    response = client.post("/api/v1/listings", json=NEW)
    assert response.status_code == 400
    assert response.is_json
