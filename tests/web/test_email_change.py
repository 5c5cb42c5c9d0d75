"""A new e-mail address, confirmed from that address and told to the old one."""

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
from symbiosis.services import email_change, signed_links
from tests.builders import PASSWORD, make_org, make_user
from tests.conftest import as_user

OLD = "lea@boulangerie.lu"
NEW = "lea.martins@boulangerie.lu"
LINK = re.compile(r"https?://[^\s]*(/account/email/confirm/[^\s]+)")


@pytest.fixture
def member(app: Flask) -> int:
    with app.app_context():
        user = make_user(email=OLD, org=make_org(), full_name="Léa Martins")
        make_user(email="paul@boulangerie.lu")
        db.session.commit()
        return user.id


def signed_in(app: Flask, user_id: int) -> FlaskClient:
    return as_user(app, app.test_client(), user_id)


def mails(caplog: pytest.LogCaptureFixture) -> dict[str, str]:
    """The e-mails logged, by address."""
    found = {}
    for record in caplog.records:
        text = record.getMessage()
        if text.startswith("mail to "):
            to, _sep, rest = text[len("mail to ") :].partition(": ")
            found[to] = rest
    return found


def ask(client: FlaskClient, email: str, password: str = PASSWORD):
    return client.post(
        "/account/email", data={"email-new_email": email, "email-password": password}
    )


def email_of(app: Flask, user_id: int) -> str:
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        return user.email


def test_the_new_address_confirms_and_the_old_one_is_told(
    app: Flask, member: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="symbiosis")
    client = signed_in(app, member)
    asked = ask(client, " Lea.Martins@Boulangerie.lu ")
    assert asked.status_code == 302
    sent = mails(caplog)
    assert set(sent) == {NEW, OLD}
    assert sent[NEW].startswith("Confirmez votre nouvelle adresse")
    assert NEW in sent[OLD]
    link = LINK.search(sent[NEW])
    assert link is not None
    assert email_of(app, member) == OLD  # nothing changed yet

    # opening the link (a mail scanner may) shows, and changes nothing
    anonymous = app.test_client()
    page = anonymous.get(link.group(1))
    assert page.status_code == 200
    assert NEW in page.get_data(as_text=True)
    assert email_of(app, member) == OLD

    done = anonymous.post(link.group(1))
    assert done.status_code == 302
    assert done.headers["Location"] == "/login"
    assert email_of(app, member) == NEW
    assert (
        anonymous.post("/login", data={"email": NEW, "password": PASSWORD}).status_code
        == 302
    )
    # the link is spent
    assert app.test_client().get(link.group(1)).status_code == 400
    # and the session that asked goes on
    assert client.get("/account/").status_code == 200


@pytest.mark.parametrize(
    ("email", "password", "field"),
    [
        (NEW, "not my password", "email-password"),
        (OLD, PASSWORD, "email-new_email"),
        ("PAUL@boulangerie.lu", PASSWORD, "email-new_email"),
        ("pas une adresse", PASSWORD, "email-new_email"),
        ("", PASSWORD, "email-new_email"),
    ],
)
def test_bad_input_gets_an_error_next_to_the_field_and_sends_nothing(
    app: Flask,
    member: int,
    caplog: pytest.LogCaptureFixture,
    email: str,
    password: str,
    field: str,
) -> None:
    caplog.set_level(logging.INFO, logger="symbiosis")
    response = ask(signed_in(app, member), email, password)
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert mails(caplog) == {}
    assert email_of(app, member) == OLD


def test_a_link_lasts_a_day_and_yields_to_an_address_taken_since(
    app: Flask,
    member: int,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.INFO, logger="symbiosis")
    client = signed_in(app, member)
    # a link made a day and ten seconds ago (the session cookie keeps its time)
    with app.test_request_context(), monkeypatch.context() as past:
        past.setattr(
            TimestampSigner, "get_timestamp", lambda _s: int(time.time()) - 86410
        )
        user = db.session.get(User, member)
        assert user is not None
        stale = signed_links.token_for(email_change.PURPOSE, user, NEW)
    assert client.get(f"/account/email/confirm/{stale}").status_code == 400

    assert ask(client, NEW).status_code == 302
    fresh = LINK.search(mails(caplog)[NEW])
    assert fresh is not None
    with app.app_context():
        make_user(email=NEW)  # someone registered with it meanwhile
        db.session.commit()
    taken = client.post(fresh.group(1), follow_redirects=True)
    assert "Un autre compte utilise cette adresse" in taken.get_data(as_text=True)
    assert email_of(app, member) == OLD


@pytest.mark.parametrize("token", ["x", "W10.aaaa.bbbb", "²", "a" * 5000])
def test_a_forged_link_is_refused_plainly(app: Flask, token: str) -> None:
    client = app.test_client()
    assert client.get(f"/account/email/confirm/{token}").status_code == 400
    assert client.post(f"/account/email/confirm/{token}").status_code == 400


def test_a_password_reset_link_does_not_change_an_address(
    app: Flask, member: int
) -> None:
    """Tokens are signed for one purpose: a reset token is no e-mail link."""
    from symbiosis.services import password_reset

    with app.test_request_context():
        user = db.session.get(User, member)
        assert user is not None
        token = password_reset.token_for(user)
    assert app.test_client().get(f"/account/email/confirm/{token}").status_code == 400
