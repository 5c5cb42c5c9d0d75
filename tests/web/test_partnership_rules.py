"""The partnership form's rules, through the page: when it opens, how amounts
are read and shown, a form sent twice, and every error at once."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.models import Agreement, Event, Listing
from tests.builders import make_org, make_reference, make_user, make_zone
from tests.conftest import as_user
from tests.event_builders import make_planned_event


def _local_evening(day_offset: int) -> datetime:
    """18:30 in Luxembourg, ``day_offset`` days from today there."""
    here = ZoneInfo("Europe/Luxembourg")
    day = datetime.now(here).date() + timedelta(days=day_offset)
    return datetime.combine(day, time(18, 30), tzinfo=here).astimezone(UTC)


@pytest.fixture
def evening(app: Flask) -> dict[str, Any]:
    """An evening tonight (Luxembourg time) with a firm and a club registered."""
    with app.app_context():
        make_reference()
        zone = make_zone()
        firm = make_org(name="Banque du Kirchberg", zone=zone)
        club = make_org(name="FC Hesper", kind="association", zone=zone)
        facilitator = make_user(facilitator=True, role=None)
        event = make_planned_event(facilitator, [firm, club])
        event.starts_at = _local_evening(0)
        ids = {"event": event.id, "firm": firm.id, "club": club.id,
               "firm_user": make_user(org=firm).id}  # fmt: skip
        db.session.commit()
        return ids


def _url(w: dict[str, Any]) -> str:
    return f"/events/{w['event']}/partnerships"


def _form(w: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {"giver": str(w["firm"]), "taker": str(w["club"]),
            "title": "Support informatique", "quantity": "40", "unit": "hours",
            "value_eur": "", "sdgs": ["4"], **changes}  # fmt: skip


def _signed_in(app: Flask, client: FlaskClient, w: dict[str, Any], lang: str) -> None:
    as_user(app, client, w["firm_user"])
    with client.session_transaction() as session:
        session["lang"] = lang


def _counts(app: Flask) -> tuple[int | None, int | None]:
    with app.app_context():
        return (
            db.session.scalar(sa.select(sa.func.count(Agreement.id))),
            db.session.scalar(sa.select(sa.func.count(Listing.id))),
        )


def _values(app: Flask) -> list[Decimal | None]:
    with app.app_context():
        return list(
            db.session.scalars(sa.select(Agreement.value_eur).order_by(Agreement.id))
        )


def _last_flash(client: FlaskClient) -> str:
    with client.session_transaction() as session:
        return str(session.get("_flashes", [("", "")])[-1][0])


def test_before_the_event_the_page_says_when_recording_opens(app, client, evening):
    w = evening
    with app.app_context():
        event = db.session.get(Event, w["event"])
        event.starts_at = _local_evening(18)
        db.session.commit()
    _signed_in(app, client, w, "fr")
    page = client.get(_url(w))
    assert page.status_code == 200
    assert 'id="recording-opens"' in page.text
    assert 'name="giver"' not in page.text
    refused = client.post(_url(w), data=_form(w))
    assert refused.status_code == 422
    assert 'id="recording-opens"' in refused.text
    assert _counts(app) == (0, 0)


def test_on_the_day_of_the_event_the_form_is_there(app, client, evening):
    w = evening
    _signed_in(app, client, w, "fr")
    page = client.get(_url(w))
    assert 'name="giver"' in page.text
    assert 'id="recording-opens"' not in page.text
    assert client.post(_url(w), data=_form(w)).status_code == 302
    assert _counts(app) == (1, 2)


@pytest.mark.parametrize(
    ("lang", "typed", "stored"),
    [
        ("fr", "2 400", "2400.00"),
        ("fr", "2\u202f400", "2400.00"),
        ("fr", "2\u00a0400,50", "2400.50"),
        ("de", "2.400,50", "2400.50"),
        ("de", "2.400", "2400.00"),
        ("en", "2,400", "2400.00"),
    ],
)
def test_euros_are_read_as_typed_in_the_readers_language(
    app, client, evening, lang, typed, stored
):
    w = evening
    _signed_in(app, client, w, lang)
    response = client.post(_url(w), data=_form(w, value_eur=typed))
    assert response.status_code == 302, response.text[:2000]
    assert _values(app) == [Decimal(stored)]


@pytest.mark.parametrize(
    ("lang", "with_cents", "whole"),
    [
        ("fr", "2\u202f400,50\xa0€", "2\u202f400\xa0€"),
        ("de", "2.400,50\xa0€", "2.400\xa0€"),
        ("en", "€2,400.50", "€2,400<"),
    ],
)
def test_euros_are_shown_with_cents_only_when_there_are_some(
    app, client, evening, lang, with_cents, whole
):
    w = evening
    _signed_in(app, client, w, "en")
    for typed in ("2400.50", "2400"):
        assert client.post(_url(w), data=_form(w, value_eur=typed)).status_code == 302
    with client.session_transaction() as session:
        session["lang"] = lang
    page = client.get(_url(w)).text
    assert with_cents in page
    assert whole in page
    assert "2\u202f400,5<" not in page
    assert "2.400,5<" not in page


def test_a_form_sent_twice_records_once_and_says_so(app, client, evening):
    w = evening
    _signed_in(app, client, w, "fr")
    page = client.get(_url(w)).text
    assert 'name="submission"' in page
    data = _form(w, submission="one-form")
    assert client.post(_url(w), data=data).status_code == 302
    assert _last_flash(client) == "success"
    again = client.post(_url(w), data=data)
    assert again.status_code == 302
    assert _last_flash(client) == "info"
    assert _counts(app) == (1, 2)
    assert client.post(_url(w), data=_form(w, submission="next")).status_code == 302
    assert _counts(app) == (2, 4)


@pytest.mark.parametrize("quantity", ["-3", "0", "abc", ""])
def test_every_field_error_shows_on_the_first_submit(app, client, evening, quantity):
    w = evening
    _signed_in(app, client, w, "fr")
    bad = _form(w, taker="", title="", quantity=quantity, unit="t",
                value_eur="lots", sdgs=["99"])  # fmt: skip
    response = client.post(_url(w), data=bad)
    assert response.status_code == 422
    for name in ("taker", "title", "quantity", "unit", "value_eur", "sdgs"):
        assert f'id="{name}-error"' in response.text, name
    assert _counts(app) == (0, 0)


def test_the_partnership_page_gives_its_worth_as_the_list_does(
    app: Flask, client: FlaskClient, evening: dict[str, Any]
) -> None:
    w = evening
    _signed_in(app, client, w, "fr")
    assert client.post(_url(w), data=_form(w, value_eur="2400,50")).status_code == 302
    with app.app_context():
        signed = db.session.scalars(sa.select(Agreement.id)).one()
    page = client.get(f"/agreements/{signed}").text
    assert "2\u202f400,50\xa0€" in page
    assert "2\u202f400,5 €" not in page
