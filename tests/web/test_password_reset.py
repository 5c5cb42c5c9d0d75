"""A forgotten password: a link by e-mail, good once and for an hour."""

from __future__ import annotations

import logging
import re
import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner

from symbiosis.extensions import db
from symbiosis.models import User
from tests.builders import PASSWORD, make_org, make_user
from tests.conftest import login

EMAIL = "membre@boulangerie.example.lu"
NEW = "un tout nouveau mot de passe"
LINK = re.compile(r"https?://[^\s]*(/password/reset/[^\s]+)")


@pytest.fixture
def member(app: Flask) -> int:
    with app.app_context():
        user = make_user(email=EMAIL, org=make_org(), locale="de", full_name="Anne")
        db.session.commit()
        return user.id


def mails(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.getMessage().startswith("mail to ")
    ]


def ask(client: FlaskClient, caplog: pytest.LogCaptureFixture, email: str) -> str:
    """Ask for a link for ``email``; the path of the link mailed, or ""."""
    caplog.clear()
    response = client.post("/password/forgot", data={"email": email})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    sent = mails(caplog)
    assert len(sent) <= 1
    found = LINK.search(sent[0]) if sent else None
    return found.group(1) if found else ""


def signs_in(client: FlaskClient, password: str) -> bool:
    response = client.post("/login", data={"email": EMAIL, "password": password})
    client.post("/logout")
    return response.status_code == 302


def test_the_sign_in_page_leads_to_the_forgotten_password_page(
    client: FlaskClient,
) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in page
    form = client.get("/password/forgot").get_data(as_text=True)
    assert '<label class="form-label" for="email"' in form


def test_a_link_by_mail_sets_a_new_password_once(
    app: Flask, client: FlaskClient, member: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="symbiosis")
    link = ask(client, caplog, " Membre@Boulangerie.example.lu ")
    assert link
    [mail] = mails(caplog)
    # in the user's language, to the user's address
    assert mail.startswith(f"mail to {EMAIL}: Neues Passwort für Symbiosis")
    assert "60 Minuten" in mail

    page = client.get(link)
    assert page.status_code == 200
    # other sites that the page links to see no path, so no token
    assert page.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert EMAIL in page.get_data(as_text=True)

    # bad input: an error next to the field, nothing changed
    differ = client.post(link, data={"password": NEW, "password_confirm": NEW + "x"})
    assert differ.status_code == 400
    assert 'id="password_confirm-error"' in differ.get_data(as_text=True)
    weak = client.post(link, data={"password": "court", "password_confirm": "court"})
    assert weak.status_code == 400
    assert 'id="password-error"' in weak.get_data(as_text=True)
    # every rule broken is named at once, each next to its field
    both = client.post(link, data={"password": "court", "password_confirm": "autre"})
    assert 'id="password-error"' in both.get_data(as_text=True)
    assert 'id="password_confirm-error"' in both.get_data(as_text=True)
    mine = client.post(link, data={"password": EMAIL, "password_confirm": EMAIL})
    assert "ne doit pas être votre adresse" in mine.get_data(as_text=True)
    assert signs_in(client, PASSWORD)

    done = client.post(link, data={"password": NEW, "password_confirm": NEW})
    assert done.status_code == 302
    assert done.headers["Location"] == "/login"
    assert signs_in(client, NEW)
    assert not signs_in(client, PASSWORD)

    # the link is spent: it says so and offers to ask again
    again = client.get(link)
    assert again.status_code == 400
    assert 'role="alert"' in again.get_data(as_text=True)
    assert (
        client.post(
            link, data={"password": PASSWORD, "password_confirm": PASSWORD}
        ).status_code
        == 400
    )
    assert signs_in(client, NEW)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    client: FlaskClient, member: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="symbiosis")
    known = client.post(
        "/password/forgot", data={"email": EMAIL}, follow_redirects=True
    )
    unknown_email = "personne@example.lu"
    caplog.clear()
    unknown = client.post(
        "/password/forgot", data={"email": unknown_email}, follow_redirects=True
    )
    assert mails(caplog) == []
    # the same page, but for the address it repeats
    assert unknown.get_data(as_text=True).replace(unknown_email, EMAIL) == (
        known.get_data(as_text=True)
    )


def test_a_new_password_signs_every_session_out_and_spends_older_links(
    app: Flask, client: FlaskClient, member: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="symbiosis")
    first = ask(client, caplog, EMAIL)
    second = ask(client, caplog, EMAIL)
    elsewhere = app.test_client()
    with app.app_context():
        login(elsewhere, db.session.get(User, member))
    assert elsewhere.get("/account/").status_code == 200

    assert (
        client.post(second, data={"password": NEW, "password_confirm": NEW}).status_code
        == 302
    )
    assert elsewhere.get("/account/").status_code == 302  # signed out
    assert client.get(first).status_code == 400


def test_a_link_lasts_an_hour(
    client: FlaskClient,
    member: int,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.INFO, logger="symbiosis")
    with monkeypatch.context() as past:
        past.setattr(
            TimestampSigner, "get_timestamp", lambda _s: int(time.time()) - 3590
        )
        fresh = ask(client, caplog, EMAIL)
        past.setattr(
            TimestampSigner, "get_timestamp", lambda _s: int(time.time()) - 3610
        )
        stale = ask(client, caplog, EMAIL)
    assert client.get(fresh).status_code == 200
    assert client.get(stale).status_code == 400


@pytest.mark.parametrize(
    "token", ["x", "not.a.token", "W10.aaaa.bbbb", "²", "a" * 5000]
)
def test_a_forged_link_is_refused_plainly(
    client: FlaskClient, member: int, token: str
) -> None:
    assert client.get(f"/password/reset/{token}").status_code == 400


def test_a_deactivated_account_gets_no_link(
    app: Flask, client: FlaskClient, member: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="symbiosis")
    link = ask(client, caplog, EMAIL)
    with app.app_context():
        db.session.get(User, member).active = False
        db.session.commit()
    assert ask(client, caplog, EMAIL) == ""
    assert client.get(link).status_code == 400


def test_bad_addresses_get_an_error_next_to_the_field(client: FlaskClient) -> None:
    for value in ("", "pas une adresse", "a" * 300 + "@example.lu"):
        response = client.post("/password/forgot", data={"email": value})
        assert response.status_code == 400
        assert 'id="email-error"' in response.get_data(as_text=True)


def test_links_asked_for_one_address_are_limited(
    client: FlaskClient, member: int
) -> None:
    statuses = [
        client.post("/password/forgot", data={"email": EMAIL}).status_code
        for _ in range(4)
    ]
    assert statuses == [302, 302, 302, 429]
    other = client.post("/password/forgot", data={"email": "autre@example.lu"})
    assert other.status_code == 302


def test_a_signed_in_user_is_sent_to_the_account_page(
    app: Flask, client: FlaskClient, member: int
) -> None:
    with app.app_context():
        login(client, db.session.get(User, member))
    response = client.get("/password/forgot")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/"
