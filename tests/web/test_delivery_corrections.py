"""A delivery logged by mistake is withdrawn by a party, with its impact,
while the exchange is under way; the history and the other party say so."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.models import (
    Agreement,
    AgreementEvent,
    Delivery,
    ImpactRecord,
    Notification,
)
from tests.builders import (
    agreement_terms,
    make_listing,
    make_org,
    make_reference,
    make_user,
    make_zone,
)
from tests.conftest import as_user


@pytest.fixture
def world(app: Flask, client: FlaskClient) -> dict[str, Any]:
    with app.app_context():
        make_reference()
        zone = make_zone()
        supplier, receiver, third = (make_org(zone=zone) for _ in range(3))
        ua, ub, uc = (make_user(org=o) for o in (supplier, receiver, third))
        offer = make_listing(org=supplier, by=ua)
        request = make_listing(org=receiver, by=ub, kind="request", title="Pallets")
        db.session.commit()
        ids = {"ua": ua.id, "ub": ub.id, "uc": uc.id}
        offer_id, request_id = offer.id, request.id
    as_user(app, client, ids["ub"])
    client.post(
        f"/agreements/new?listing={offer_id}",
        data={"mine": request_id, "submission": "k1", **agreement_terms()},
    )
    with app.app_context():
        agreement_id = db.session.scalar(sa.select(Agreement.id))
    as_user(app, client, ids["ua"])
    url = f"/agreements/{agreement_id}/step"
    assert client.post(f"{url}/accept", data={"version": "1"}).status_code == 302
    assert client.post(f"{url}/start", data={"version": "2"}).status_code == 302
    for key, quantity in (("d1", "1"), ("d2", "2400,5")):
        logged = client.post(
            f"/agreements/{agreement_id}/deliveries",
            data={"delivered_on": date.today().isoformat(), "quantity": quantity,
                  "unit": "t", "submission": key},
        )  # fmt: skip
        assert logged.status_code == 302
    with app.app_context():
        wrong = db.session.scalar(sa.select(Delivery.id).where(Delivery.quantity > 2))
    return {**ids, "agreement": agreement_id, "wrong": wrong}


def _count(app: Flask, model: Any) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def _withdraw(
    client: FlaskClient, w: dict[str, Any], delivery: int | None = None
) -> Any:
    return client.post(
        f"/agreements/{w['agreement']}/deliveries/{delivery or w['wrong']}/withdraw"
    )


def test_a_party_withdraws_a_wrong_entry_and_its_impact(app, client, world):
    page = client.get(f"/agreements/{world['agreement']}").text
    assert page.count("delivery-withdraw") == 2  # one per entry
    assert _count(app, Delivery) == 2
    assert _count(app, ImpactRecord) == 2
    as_user(app, client, world["ub"])  # the other party may correct it too
    done = _withdraw(client, world)
    assert done.status_code == 302
    assert _count(app, Delivery) == 1
    assert _count(app, ImpactRecord) == 1
    with app.app_context():
        said = db.session.scalar(
            sa.select(AgreementEvent.comment).where(AgreementEvent.action == "retract")
        )
        told = db.session.scalars(
            sa.select(Notification.subject).where(Notification.user_id == world["ua"])
        ).all()
    assert said is not None
    assert "2\u202f400,5" in said or "2 400,5" in said
    assert any("retir" in subject for subject in told), told
    page = client.get(f"/agreements/{world['agreement']}").text
    assert "2\u202f400,5" not in page.split('id="deliveries"')[1].split("</table>")[0]
    assert "Entrée de livraison retirée" in page  # the history says it


def test_withdrawing_twice_or_a_stranger_changes_nothing(app, client, world):
    assert _withdraw(client, world).status_code == 302
    assert _withdraw(client, world).status_code == 404  # already gone
    assert _withdraw(client, world, 999999).status_code == 404
    as_user(app, client, world["uc"])  # not a party: the agreement is not theirs
    with app.app_context():
        other = db.session.scalar(sa.select(Delivery.id))
    assert _withdraw(client, world, other).status_code == 404
    assert _count(app, Delivery) == 1


def test_a_checked_or_completed_exchange_keeps_its_entries(app, client, world):
    with app.app_context():
        record = db.session.scalar(
            sa.select(ImpactRecord).where(ImpactRecord.delivery_id == world["wrong"])
        )
        record.verified_at = sa.func.now()
        db.session.commit()
    refused = _withdraw(client, world)
    assert refused.status_code == 302
    assert "alert-warning" in client.get(refused.headers["Location"]).text
    assert _count(app, Delivery) == 2
    url = f"/agreements/{world['agreement']}/step/complete"
    done = client.post(url, data={"version": "3", "actual_quantity": "3",
                                  "actual_unit": "t"})  # fmt: skip
    assert done.status_code == 302
    with app.app_context():
        first = db.session.scalar(sa.select(Delivery.id).where(Delivery.quantity == 1))
    _withdraw(client, world, first)
    assert _count(app, Delivery) == 2
    assert (
        "delivery-withdraw" not in client.get(f"/agreements/{world['agreement']}").text
    )


def test_the_api_withdraws_a_delivery_with_the_same_rules(app, client, world):
    from symbiosis.services.tokens import create_token

    with app.app_context():
        from symbiosis.models import User

        secret, _token = create_token(db.session.get(User, world["ub"]), "script")
        db.session.commit()
    api = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    url = f"/api/v1/agreements/{world['agreement']}/deliveries/{world['wrong']}"
    assert api.delete(url, headers=headers).status_code == 204
    assert api.delete(url, headers=headers).status_code == 404
    assert _count(app, Delivery) == 1
    detail = api.get(f"/api/v1/agreements/{world['agreement']}", headers=headers)
    assert [e["action"] for e in detail.get_json()["events"]][-1] == "retract"
