"""Recording partnerships signed at an event, through the page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from symbiosis.extensions import db
from symbiosis.models import Agreement
from tests.builders import make_org, make_reference, make_user, make_zone
from tests.conftest import as_user
from tests.event_builders import make_planned_event


@pytest.fixture
def evening(app: Flask) -> dict[str, Any]:
    with app.app_context():
        make_reference()
        zone = make_zone()
        firm = make_org(name="Banque du Kirchberg", zone=zone)
        club = make_org(name="FC Hesper", kind="association", zone=zone)
        outsider = make_org(name="Garage Nord", zone=zone)
        facilitator = make_user(facilitator=True, role=None)
        event = make_planned_event(facilitator, [firm, club])
        # Held yesterday: partnerships are recorded from the event's day on.
        event.starts_at = datetime.now(UTC) - timedelta(days=1)
        ids = {
            "event": event.id, "firm": firm.id, "club": club.id,
            "firm_user": make_user(org=firm).id,
            "outsider_user": make_user(org=outsider).id,
            "facilitator": facilitator.id,
        }  # fmt: skip
        db.session.commit()
        return ids


def _form(w: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {"giver": str(w["firm"]), "taker": str(w["club"]),
            "title": "Support informatique", "quantity": "40", "unit": "hours",
            "value_eur": "1 200", "sdgs": ["4", "17"], **changes}  # fmt: skip


def test_a_partner_records_a_partnership_and_everyone_sees_it(app, client, evening):
    w = evening
    with client.session_transaction() as session:
        session["lang"] = "en"
    as_user(app, client, w["firm_user"])
    url = f"/events/{w['event']}/partnerships"
    bad = client.post(url, data=_form(w, title="", value_eur="lots"))
    assert bad.status_code == 422
    assert "Say what is given" in bad.text
    assert "Give an amount in euros" in bad.text
    assert 'aria-invalid="true"' in bad.text
    done = client.post(url, data=_form(w, value_eur="1200"))
    assert done.status_code == 302
    page = client.get(url)
    assert "1 partnership signed" in page.text
    assert "Support informatique" in page.text
    with app.app_context():
        agreement = db.session.scalar(sa.select(Agreement))
        assert (agreement.kind, agreement.event_id) == ("partnership", w["event"])
        assert [s.number for s in agreement.offer.sdgs] == [4, 17]
    # someone of neither partner may read but not record
    as_user(app, client, w["outsider_user"])
    assert client.get(url).status_code == 200
    assert client.post(url, data=_form(w)).status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Agreement.id))) == 1
