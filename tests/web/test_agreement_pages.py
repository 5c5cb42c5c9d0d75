"""Agreement pages: propose, answer, follow up — through the test client."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.models import Agreement, Delivery, Listing, Match
from tests.builders import (
    agreement_terms,
    make_listing,
    make_org,
    make_reference,
    make_user,
    make_zone,
)
from tests.conftest import as_user, repeated_ids


def _terms_form() -> dict[str, Any]:
    """The terms as the form sends them, starting today (read at each call)."""
    return {**agreement_terms(), "conditions": "Palettes triées"}


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    with app.app_context():
        make_reference()
        zone = make_zone(name="Contern (Contern)")
        supplier, receiver, third = (make_org(zone=zone) for _ in range(3))
        ua, ub, uc = (make_user(org=o) for o in (supplier, receiver, third))
        offer = make_listing(org=supplier, by=ua, anonymous=True)
        request = make_listing(org=receiver, by=ub, kind="request", title="Pallets")
        db.session.commit()
        return {
            "ua": ua.id, "ub": ub.id, "uc": uc.id, "offer": offer.id,
            "request": request.id, "supplier_name": supplier.name,
        }  # fmt: skip


def _propose(app: Flask, client: FlaskClient, w: dict[str, Any], **form: Any) -> Any:
    as_user(app, client, w["ub"])
    return client.post(
        f"/agreements/new?listing={w['offer']}",
        data={"mine": w["request"], "submission": "k1", **_terms_form(), **form},
    )


def _agreement(app: Flask) -> Agreement:
    with app.app_context():
        agreement = db.session.scalars(sa.select(Agreement)).one()
        db.session.expunge(agreement)
        return agreement


def test_propose_from_a_listing(app, client, world):
    as_user(app, client, world["ub"])
    page = client.get(f"/agreements/new?listing={world['offer']}")
    assert page.status_code == 200
    assert b'name="mine"' in page.data
    response = _propose(app, client, world)
    assert response.status_code == 302
    agreement = _agreement(app)
    assert response.headers["Location"] == f"/agreements/{agreement.id}"
    detail = client.get(response.headers["Location"]).data.decode()
    assert "Palettes triées" in detail
    # The offer is anonymous: its firm stays hidden until the terms are accepted.
    assert world["supplier_name"] not in detail
    assert world["supplier_name"] not in client.get(f"/listings/{world['offer']}").text
    again = _propose(app, client, world)  # the same form sent twice
    assert again.headers["Location"] == f"/agreements/{agreement.id}"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Agreement.id))) == 1


def test_bad_terms_are_shown_next_to_their_fields(app, client, world):
    response = _propose(app, client, world, quantity="abc", start="", end="")
    assert response.status_code == 422
    html = response.data.decode()
    assert 'id="quantity-error"' in html
    assert 'id="start-error"' in html
    assert 'aria-invalid="true"' in html
    # nothing asks more than the offer: no box to confirm that it does
    assert 'name="confirm"' not in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Agreement.id))) == 0


def test_terms_from_a_match_start_in_the_offers_kind_of_unit(app, client, world):
    """A request counted in pieces against an offer in tonnes: the form
    starts from the offer's quantity, which the terms can then use."""
    with app.app_context():
        receiver = db.session.get(Listing, world["request"])
        assert receiver is not None
        pieces = make_listing(
            org=receiver.organisation, kind="request", title="Palettes",
            quantity=Decimal("40"), unit="pieces",
        )  # fmt: skip
        db.session.commit()
        match_id = db.session.scalar(  # posting the request matched it
            sa.select(Match.id).where(
                Match.offer_id == world["offer"], Match.request_id == pieces.id
            )
        )
    as_user(app, client, world["ub"])
    form = client.get(f"/agreements/new?match={match_id}").text
    assert '<option selected value="t">' in form


def test_too_much_asks_for_confirmation(app, client, world):
    response = _propose(app, client, world, quantity="50")
    assert response.status_code == 422
    assert b'name="confirm"' in response.data
    confirmed = _propose(app, client, world, quantity="50", confirm="y")
    assert confirmed.status_code == 302


def test_accept_start_deliver_complete(app, client, world):
    _propose(app, client, world)
    agreement = _agreement(app)
    as_user(app, client, world["ua"])
    detail = client.get(f"/agreements/{agreement.id}").data.decode()
    assert "Accepter les conditions" in detail  # French by default
    url = f"/agreements/{agreement.id}/step"
    assert client.post(f"{url}/accept", data={"version": "1"}).status_code == 302
    # The other member's page was loaded at version 1: reload, nothing changed.
    stale = client.post(f"{url}/decline", data={"version": "1", "reason": "x"})
    assert stale.status_code == 302
    assert _agreement(app).state == "accepted"
    as_user(app, client, world["ub"])
    assert world["supplier_name"] in client.get(f"/agreements/{agreement.id}").text
    # Accepted terms reveal the anonymous listing's firm on its page too.
    assert world["supplier_name"] in client.get(f"/listings/{world['offer']}").text
    assert client.post(f"{url}/start", data={"version": "2"}).status_code == 302
    bad = client.post(
        f"/agreements/{agreement.id}/deliveries",
        data={"delivered_on": (date.today() + timedelta(days=3)).isoformat(),
              "quantity": "1", "unit": "t", "submission": "d1"},
    )  # fmt: skip
    assert bad.status_code == 422
    assert 'id="delivered_on-error"' in bad.text
    good = client.post(
        f"/agreements/{agreement.id}/deliveries",
        data={"delivered_on": date.today().isoformat(), "quantity": "1",
              "unit": "t", "submission": "d2"},
    )  # fmt: skip
    assert good.status_code == 302
    # in progress: the steps, a delivery and a message each have their form
    assert repeated_ids(app, client, f"/agreements/{agreement.id}") == []
    no_totals = client.post(f"{url}/complete", data={"version": "3"})
    assert no_totals.status_code == 422
    assert 'id="actual_quantity-complete-error"' in no_totals.text
    done = client.post(
        f"{url}/complete",
        data={"version": "3", "actual_quantity": "1", "actual_unit": "t"},
    )
    assert done.status_code == 302
    page = client.get(f"/agreements/{agreement.id}").text
    assert "CO₂" in page
    # an ended exchange says when it ended, no longer "open-ended"
    assert "sans date de fin" not in page
    assert "(terminé)" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Delivery.id))) == 1
    printable = client.get(f"/agreements/{agreement.id}/print")
    assert printable.status_code == 200
    assert "SYM-" in printable.text
    assert (
        'name="viewport" content="width=device-width, initial-scale=1"'
        in printable.text
    )  # phones


def test_decline_needs_a_reason_next_to_the_field(app, client, world):
    _propose(app, client, world)
    agreement = _agreement(app)
    as_user(app, client, world["ua"])
    response = client.post(
        f"/agreements/{agreement.id}/step/decline", data={"version": "1"}
    )
    assert response.status_code == 422
    assert 'id="reason-decline-error"' in response.text
    assert _agreement(app).state == "proposed"


def test_counter_and_messages(app, client, world):
    _propose(app, client, world)
    agreement = _agreement(app)
    as_user(app, client, world["ua"])
    form = client.get(f"/agreements/{agreement.id}/counter")
    assert 'value="2"' in form.text
    countered = client.post(
        f"/agreements/{agreement.id}/counter",
        data={
            **_terms_form(),
            "quantity": "1",
            "version": "1",
            "comment": "Un peu moins",
        },
    )
    assert countered.status_code == 302
    assert _agreement(app).proposer_id != agreement.proposer_id
    client.post("/language", data={"lang": "de"})
    history = client.get(f"/agreements/{agreement.id}").text
    # German nouns keep their capital; new terms leave the state as it was
    assert "<strong>Neue Bedingungen vorgeschlagen</strong>" in history
    assert "Vorgeschlagen → Vorgeschlagen" not in history
    assert "vorgeschlagen → vorgeschlagen" not in history
    client.post("/language", data={"lang": "fr"})
    # a tab still showing the first terms accepts them: it is told the
    # agreement changed, not that it is the other party's turn
    stale = client.post(f"/agreements/{agreement.id}/step/accept",
                        data={"version": "1"}, follow_redirects=True)  # fmt: skip
    assert "modifié entre-temps" in stale.text
    assert "l'autre partie de répondre" not in stale.text.replace("&#39;", "'")
    empty = client.post(f"/agreements/{agreement.id}/messages", data={"body": " "})
    assert empty.status_code == 422
    assert 'id="body-error"' in empty.text
    huge = client.post(
        f"/agreements/{agreement.id}/messages", data={"body": "x" * 100_000}
    )
    assert huge.status_code == 422
    # The errors showed at the form's address: reloading it as a page, or
    # switching language there, leads back to the agreement, not to a 405.
    again = client.get(f"/agreements/{agreement.id}/messages")
    assert (again.status_code, again.location) == (303, f"/agreements/{agreement.id}")
    switched = client.post(
        "/language",
        data={"lang": "en", "next": f"/agreements/{agreement.id}/messages"},
        follow_redirects=True,
    )
    assert switched.status_code == 200
    assert switched.request.path == f"/agreements/{agreement.id}"
    client.post("/language", data={"lang": "fr"})
    # the API keeps its 405
    token_by_get = client.get("/api/v1/auth/token")
    assert (token_by_get.status_code, token_by_get.is_json) == (405, True)
    sent = client.post(f"/agreements/{agreement.id}/messages", data={"body": "Merci"})
    assert sent.status_code == 302
    assert "Merci" in client.get(f"/agreements/{agreement.id}").text


def test_third_firm_gets_404(app, client, world):
    _propose(app, client, world)
    agreement = _agreement(app)
    as_user(app, client, world["uc"])
    assert client.get(f"/agreements/{agreement.id}").status_code == 404
    step = client.post(f"/agreements/{agreement.id}/step/accept", data={"version": 1})
    assert step.status_code == 404
    assert _agreement(app).state == "proposed"
    assert f"/agreements/{agreement.id}" not in client.get("/agreements/").text


def test_withdrawing_asks_first_and_may_say_why(app, client, world):
    _propose(app, client, world)
    agreement = _agreement(app)
    as_user(app, client, world["ub"])
    page = client.get(f"/agreements/{agreement.id}").text
    # behind a second button, with what it does and an optional reason
    assert 'id="reason-withdraw"' in page
    assert "ne peut pas être annulé" in page
    done = client.post(
        f"/agreements/{agreement.id}/step/withdraw",
        data={"version": "1", "reason": "Notre besoin est couvert."},
    )
    assert done.status_code == 302
    with app.app_context():
        found = db.session.get(Agreement, agreement.id)
        assert found is not None
        assert found.state == "withdrawn"
        assert found.events[-1].comment == "Notre besoin est couvert."


def test_the_answering_firm_is_offered_to_decline_not_also_to_withdraw(
    app, client, world
):
    _propose(app, client, world)
    agreement = _agreement(app)
    as_user(app, client, world["ua"])
    page = client.get(f"/agreements/{agreement.id}").text
    assert f"/agreements/{agreement.id}/step/decline" in page
    assert f"/agreements/{agreement.id}/step/withdraw" not in page
    # the step itself stays open to both parties (the API offers it too)
    step = client.post(
        f"/agreements/{agreement.id}/step/withdraw",
        data={"version": "1", "reason": ""},
    )
    assert step.status_code == 302
    with app.app_context():
        found = db.session.get(Agreement, agreement.id)
        assert found is not None
        assert found.state == "withdrawn"


def test_terms_from_a_match_start_from_what_the_offer_holds(app, client, world):
    """A request wanting more than the offer holds: the form starts from the
    offer's quantity, so that it does not trip its own warning."""
    with app.app_context():
        receiver = db.session.get(Listing, world["request"])
        assert receiver is not None
        big = make_listing(org=receiver.organisation, kind="request",
                           title="Palettes", quantity="50")  # fmt: skip
        db.session.commit()
        match_id = db.session.scalar(
            sa.select(Match.id).where(
                Match.offer_id == world["offer"], Match.request_id == big.id
            )
        )
    as_user(app, client, world["ub"])
    form = client.get(f"/agreements/new?match={match_id}").text
    field = re.search(r'<input[^>]*name="quantity"[^>]*>', form)
    assert field, "no quantity field"
    assert 'value="2,5"' in field.group(0)


def test_what_moved_is_shown_in_the_agreements_unit(app, client, world):
    _propose(app, client, world, quantity="900", unit="kg")
    agreement = _agreement(app)
    as_user(app, client, world["ua"])
    url = f"/agreements/{agreement.id}/step"
    assert client.post(f"{url}/accept", data={"version": "1"}).status_code == 302
    assert client.post(f"{url}/start", data={"version": "2"}).status_code == 302
    logged = client.post(
        f"/agreements/{agreement.id}/deliveries",
        data={"delivered_on": date.today().isoformat(), "quantity": "900,5",
              "unit": "kg", "submission": "d1"},
    )  # fmt: skip
    assert logged.status_code == 302
    for path in (f"/agreements/{agreement.id}", f"/agreements/{agreement.id}/print"):
        page = client.get(path).text
        assert "900,5\xa0kg" in page or "900,5 kg" in page, path
        assert "0,9005" not in page, path
    # completing starts from what was logged, in the agreement's unit
    field = re.search(r'<input[^>]*id="actual_quantity-complete"[^>]*>',
                      client.get(f"/agreements/{agreement.id}").text)  # fmt: skip
    assert field, "no total field"
    assert 'value="900,5"' in field.group(0)


def test_an_anonymous_party_is_named_in_lower_case_inside_a_sentence(
    app, client, world
):
    _propose(app, client, world)
    agreement = _agreement(app)
    as_user(app, client, world["ub"])
    page = client.get(f"/agreements/{agreement.id}").text
    assert "Fournisseur :" in page
    assert "d'une organisation de" in page or "d&#39;une organisation de" in page
    assert "d'Une organisation" not in page
    assert "d&#39;Une organisation" not in page
