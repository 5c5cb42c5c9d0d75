"""Language switch, error pages and the JSON errors under /api/."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.models import User
from tests.builders import PASSWORD, make_org, make_user, make_zone


def test_french_is_the_default(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(
        as_text=True
    )
    assert '<html lang="fr">' in page
    assert "Se connecter" in page


@pytest.mark.parametrize(
    ("lang", "word"), [("en", "Sign in"), ("de", "Anmelden"), ("fr", "Se connecter")]
)
def test_language_switch(client: FlaskClient, lang: str, word: str) -> None:
    response = client.post("/language", data={"lang": lang, "next": "/login"})
    assert response.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    assert word in page


def test_unknown_language_and_foreign_next_are_ignored(client: FlaskClient) -> None:
    response = client.post(
        "/language", data={"lang": "xx", "next": "https://evil.example/"}
    )
    assert response.headers["Location"] == "/"
    assert '<html lang="fr">' in client.get("/").get_data(as_text=True)


def test_language_choice_is_kept_on_the_account(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        user = make_user(email="de@example.lu", org=make_org(), locale="fr")
        db.session.commit()
        user_id = user.id
    client.post("/login", data={"email": "de@example.lu", "password": PASSWORD})
    client.post("/language", data={"lang": "de"})
    with app.app_context():
        assert db.session.get(User, user_id).locale == "de"
    client.post("/logout")
    fresh = app.test_client()
    fresh.post("/login", data={"email": "de@example.lu", "password": PASSWORD})
    assert '<html lang="de">' in fresh.get("/").get_data(as_text=True)


def test_friendly_404(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "<h1>" in response.get_data(as_text=True)


def test_api_errors_are_json(client: FlaskClient) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.is_json
    assert response.json["errors"][0]["reason"]
    response = client.post("/api/v1/zones")
    assert response.status_code == 405
    assert response.is_json


def test_api_lists_zones(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_zone(name="Contern (Weiergewan/Rolach)", lat=49.586, lon=6.215)
        db.session.commit()
    zones = client.get("/api/v1/zones").json["zones"]
    assert zones[0]["name"] == "Contern (Weiergewan/Rolach)"
    assert zones[0]["lat"] == 49.586


def test_unexpected_error_gets_a_friendly_500(app: Flask) -> None:
    from symbiosis.authz import public

    @app.get("/boom")
    @public
    def boom() -> str:
        raise RuntimeError("kaboom")

    @app.get("/api/v1/boom")
    @public
    def api_boom() -> str:
        raise RuntimeError("kaboom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    response = client.get("/boom")
    assert response.status_code == 500
    assert "kaboom" not in response.get_data(as_text=True)
    assert "<h1>" in response.get_data(as_text=True)
    api = client.get("/api/v1/boom")
    assert api.status_code == 500
    assert api.is_json


def test_healthz(client: FlaskClient) -> None:
    assert client.get("/healthz").json == {"status": "ok"}


def test_organisation_directory_pages_and_filters(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        zone = make_zone(name="Contern (Weiergewan/Rolach)")
        for n in range(30):
            make_org(name=f"Entreprise {n:02d}", zone=zone if n % 2 else None)
        make_org(name="Épicerie Solidaire", kind="association")
        make_user(email="viewer@example.lu", org=make_org(name="Viewer"))
        db.session.commit()
        zone_id = zone.id
    client.post("/login", data={"email": "viewer@example.lu", "password": PASSWORD})
    first = client.get("/organisations/").get_data(as_text=True)
    assert "Entreprise 00" in first
    assert 'rel="next"' in first
    second = client.get("/organisations/?page=2").get_data(as_text=True)
    assert "Viewer" in second
    assert "Entreprise 00" not in second
    # Accents and case do not matter in the search.
    found = client.get("/organisations/?q=EPICERIE").get_data(as_text=True)
    assert "Épicerie Solidaire" in found
    assert "Entreprise 01" not in found
    by_zone = client.get(f"/organisations/?zone={zone_id}").get_data(as_text=True)
    assert "Entreprise 01" in by_zone
    assert "Entreprise 02" not in by_zone
    by_kind = client.get("/organisations/?kind=association").get_data(as_text=True)
    assert "Épicerie Solidaire" in by_kind
    assert "Entreprise 01" not in by_kind
    # Nonsense parameters are ignored, not errors.
    assert client.get("/organisations/?page=abc&zone=x&kind=<b>").status_code == 200
    assert client.get("/organisations/?page=999").status_code == 200


def test_oversized_request_gets_413(client: FlaskClient) -> None:
    response = client.post("/login", data={"email": "x" * (17 * 1024 * 1024)})
    assert response.status_code == 413
    assert "<h1>" in response.get_data(as_text=True)


def test_file_database_uses_wal(tmp_path) -> None:
    from symbiosis import create_app
    from tests.conftest import TEST_CONFIG

    app = create_app(
        {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"}
    )
    with app.app_context(), db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        db.engine.dispose()
