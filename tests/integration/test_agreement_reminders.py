"""Who must answer a proposal hears of it before it expires."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from symbiosis.extensions import db
from symbiosis.models import Agreement, Notification
from symbiosis.services import agreements as service
from symbiosis.services.agreement_reminders import remind
from tests.builders import (
    agreement_terms,
    make_listing,
    make_org,
    make_reference,
    make_user,
    make_zone,
)


@pytest.fixture
def world(ctx: Flask) -> dict[str, Any]:
    make_reference()
    zone = make_zone()
    supplier, receiver = make_org(zone=zone), make_org(zone=zone)
    ua = make_user(org=supplier, full_name="Anne")
    ua_de = make_user(org=supplier, full_name="Uwe", locale="de")
    ub = make_user(org=receiver, full_name="Bruno")
    offer = make_listing(org=supplier, by=ua, title="Palettes en bois")
    request = make_listing(org=receiver, by=ub, kind="request", title="Palettes")
    # the receiver proposes: the supplier's members must answer
    agreement = service.propose(ub, offer.id, request.id, agreement_terms())
    db.session.query(Notification).delete()
    db.session.commit()
    return {"ua": ua, "ua_de": ua_de, "ub": ub, "agreement": agreement}


def notices() -> list[tuple[str, str, str | None]]:
    """(recipient, subject, link) of every notification, by recipient."""
    rows = db.session.execute(
        sa.select(Notification.user_id, Notification.subject, Notification.link)
    ).all()
    return sorted((str(r.user_id), r.subject, r.link) for r in rows)


def test_who_must_answer_is_reminded_once_before_the_proposal_expires(
    world: dict[str, Any],
) -> None:
    agreement: Agreement = world["agreement"]
    expires = agreement.expires_on
    assert expires is not None
    today = date.today()
    assert remind(today) == 0  # 14 days left
    assert remind(expires - timedelta(days=4)) == 0
    assert remind(expires - timedelta(days=3)) == 1
    link = f"/agreements/{agreement.id}"
    assert notices() == sorted(
        [
            (str(world["ua"].id), "Proposition « Palettes » en attente de votre réponse", link),
            (str(world["ua_de"].id), "Vorschlag „Palettes“ wartet auf Ihre Antwort", link),
        ]
    )  # fmt: skip
    body = db.session.scalar(
        sa.select(Notification.body).where(Notification.user_id == world["ua"].id)
    )
    assert f"{expires.day} " in body
    assert str(expires.year) in body
    # once: the next nights, and the last day, send nothing more
    assert remind(expires - timedelta(days=2)) == 0
    assert remind(expires) == 0
    assert len(notices()) == 2
    # the reminder is no change of the agreement: a party's answer still fits
    db.session.expire_all()
    fresh = db.session.get(Agreement, agreement.id)
    assert fresh is not None
    assert (fresh.version, fresh.reminded_for) == (1, expires)


def test_new_terms_get_their_own_reminder_for_the_other_side(
    world: dict[str, Any],
) -> None:
    agreement: Agreement = world["agreement"]
    expires = agreement.expires_on
    assert expires is not None
    assert remind(expires - timedelta(days=1)) == 1
    service.act(world["ua"], agreement.id, "counter", 1, agreement_terms())
    db.session.query(Notification).delete()
    db.session.commit()
    countered = db.session.get(Agreement, agreement.id)
    assert countered is not None
    assert countered.reminded_for is None
    assert countered.expires_on is not None
    assert remind(countered.expires_on - timedelta(days=1)) == 1
    # now the receiver must answer, and only it hears of it
    assert [n[0] for n in notices()] == [str(world["ub"].id)]


def test_answered_proposals_and_a_zero_setting_get_no_reminder(
    app: Flask, world: dict[str, Any]
) -> None:
    agreement: Agreement = world["agreement"]
    expires = agreement.expires_on
    assert expires is not None
    app.config["AGREEMENT_REMINDER_DAYS"] = 0
    assert remind(expires - timedelta(days=1)) == 0
    app.config["AGREEMENT_REMINDER_DAYS"] = 3
    service.act(world["ua"], agreement.id, "accept", 1)
    told = notices()  # of the acceptance
    assert remind(expires - timedelta(days=1)) == 0
    assert notices() == told


def test_the_reminder_command(app: Flask, world: dict[str, Any]) -> None:
    agreement: Agreement = world["agreement"]
    agreement.expires_on = date.today() + timedelta(days=2)
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["agreements", "remind"])
    assert result.exit_code == 0, result.output
    assert "1 proposals reminded" in result.output
    again = runner.invoke(args=["agreements", "remind"])
    assert "0 proposals reminded" in again.output
