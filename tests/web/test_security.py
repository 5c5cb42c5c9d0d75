"""Security headers, CSRF, cookies and sessions."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from symbiosis import create_app
from symbiosis.extensions import db
from tests.builders import PASSWORD, make_org, make_user
from tests.conftest import TEST_CONFIG


@pytest.fixture
def member(app: Flask) -> str:
    with app.app_context():
        user = make_user(email="m@firm.example.lu", org=make_org())
        db.session.commit()
        return user.email


def test_security_headers(client: FlaskClient) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_session_and_remember_cookies_are_locked_down(
    client: FlaskClient, member: str
) -> None:
    response = client.post(
        "/login", data={"email": member, "password": PASSWORD, "remember": "y"}
    )
    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("symbiosis_session="))
    remember = next(c for c in cookies if c.startswith("symbiosis_remember="))
    for cookie in (session, remember):
        assert "Secure" in cookie
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie


def test_csrf_is_required_on_every_form(database_url: str) -> None:
    app = create_app(
        {
            **TEST_CONFIG,
            "WTF_CSRF_ENABLED": True,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
        }
    )
    with app.app_context():
        db.create_all()
    client = app.test_client()
    for url in ("/login", "/register", "/language"):
        response = client.post(url, data={"email": "x@example.lu", "lang": "en"})
        assert response.status_code == 400, url
    # With the token from the page, the same form goes through.
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login",
        data={"csrf_token": token, "email": "x@example.lu", "password": "whatever-pw"},
    )
    assert response.status_code == 400  # wrong credentials, but CSRF passed
    assert "E-mail" in response.get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()


def test_password_change_signs_out_other_sessions(app: Flask, member: str) -> None:
    first, second = app.test_client(), app.test_client()
    for client in (first, second):
        client.post("/login", data={"email": member, "password": PASSWORD})
        assert client.get("/account/").status_code == 200
    response = first.post(
        "/account/password",
        data={
            "password-current_password": PASSWORD,
            "password-new_password": "a brand new passphrase",
            "password-new_password_confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert first.get("/account/").status_code == 200
    assert second.get("/account/").status_code == 302  # back to the sign-in page


def test_password_change_refuses_a_wrong_current_password(
    app: Flask, client: FlaskClient, member: str
) -> None:
    client.post("/login", data={"email": member, "password": PASSWORD})
    response = client.post(
        "/account/password",
        data={
            "password-current_password": "not my password",
            "password-new_password": "a brand new passphrase",
            "password-new_password_confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 400
    assert 'id="password-current_password-error"' in response.get_data(as_text=True)
    client.post("/logout")
    assert (
        client.post("/login", data={"email": member, "password": PASSWORD}).status_code
        == 302
    )


def test_password_change_refuses_the_current_password_as_the_new_one(
    app: Flask, client: FlaskClient, member: str
) -> None:
    client.post("/login", data={"email": member, "password": PASSWORD})
    response = client.post(
        "/account/password",
        data={
            "password-current_password": PASSWORD,
            "password-new_password": PASSWORD,
            "password-new_password_confirm": PASSWORD,
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="password-new_password-error"' in page
    assert 'id="password-current_password-error"' not in page
    assert client.get("/account/").status_code == 200  # still signed in


def test_registration_is_rate_limited(client: FlaskClient) -> None:
    statuses = [
        client.post("/register", data={"full_name": ""}).status_code for _ in range(11)
    ]
    assert statuses[:10] == [400] * 10
    assert statuses[10] == 429


def test_tiles_are_allowed_only_from_the_configured_server() -> None:
    from symbiosis.app_setup import _csp

    assert _csp("")["img-src"] == ["'self'", "data:"]
    policy = _csp("https://tiles.example.lu/{z}/{x}/{y}.png")
    assert policy["img-src"] == ["'self'", "data:", "https://tiles.example.lu"]
    sub_domains = _csp("https://{s}.tile.example.org/{z}/{x}/{y}.png")
    assert sub_domains["img-src"][-1] == "https://*.tile.example.org"
