"""A notice reads in the language its reader uses today, not the one it
was written in."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.labels import action_label
from symbiosis.models import Notification, User
from symbiosis.services import notify
from tests.builders import make_org, make_reference, make_user
from tests.conftest import as_user


@pytest.fixture
def reader(app: Flask) -> int:
    with app.app_context():
        make_reference()
        user = make_user(org=make_org())
        user.locale = "fr"

        def write() -> tuple[str, str]:
            return gettext(
                "Agreement “%(title)s”: %(action)s",
                title="Palettes",
                action=action_label("accept"),
            ), gettext("Open the agreement to see the terms and the history.")

        notify.tell([user], write, link="/agreements/1")
        db.session.commit()
        return user.id


def test_a_notice_follows_the_readers_language(
    app: Flask, client: FlaskClient, reader: int
) -> None:
    as_user(app, client, reader)
    page = client.get("/notifications").text
    assert "Accord « Palettes » : accepté" in page
    client.post("/language", data={"lang": "de"})
    page = client.get("/notifications").text
    assert "Vereinbarung „Palettes“: angenommen" in page
    assert "Accord « Palettes »" not in page
    client.post("/language", data={"lang": "en"})
    assert "Agreement “Palettes”: accepted" in client.get("/notifications").text


def test_the_api_reads_it_in_the_accounts_language(
    app: Flask, client: FlaskClient, reader: int
) -> None:
    from symbiosis.services.tokens import create_token

    with app.app_context():
        user = db.session.get(User, reader)
        user.locale = "de"
        secret, _token = create_token(user, "script")
        db.session.commit()
    found = client.get(
        "/api/v1/notifications", headers={"Authorization": f"Bearer {secret}"}
    ).get_json()
    assert found["notifications"][0]["subject"] == "Vereinbarung „Palettes“: angenommen"


def test_older_notices_keep_the_language_they_were_written_in(
    app: Flask, client: FlaskClient, reader: int
) -> None:
    with app.app_context():
        db.session.add(Notification(user_id=reader, subject="Ancien avis", body="x"))
        db.session.commit()
    as_user(app, client, reader)
    client.post("/language", data={"lang": "de"})
    assert "Ancien avis" in client.get("/notifications").text


def _texts(app: Flask, reader: int) -> Any:
    with app.app_context():
        return db.session.query(Notification.texts).filter_by(user_id=reader).scalar()


def test_every_language_is_stored_with_the_notice(app: Flask, reader: int) -> None:
    assert sorted(_texts(app, reader)) == ["de", "en", "fr"]
