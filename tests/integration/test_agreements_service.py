"""Agreements through the services: the table applied, the trail, the impact."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from symbiosis.errors import (
    FieldErrors,
    Forbidden,
    InvalidTransition,
    NotAllowed,
    StaleObject,
)
from symbiosis.extensions import db
from symbiosis.models import Agreement, AgreementEvent, ImpactRecord, Notification
from symbiosis.services import agreement_thread as thread
from symbiosis.services import agreements as service
from symbiosis.services.agreement_terms import HAZARDOUS_CHECKLIST
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
    supplier, receiver, third = (make_org(zone=zone) for _ in range(3))
    supplier.lat, supplier.lon = 49.60, 6.15
    receiver.lat, receiver.lon = 49.50, 6.00
    ua, ub, uc = (make_user(org=o) for o in (supplier, receiver, third))
    offer = make_listing(org=supplier, by=ua, quantity="3", frequency="monthly")
    request = make_listing(
        org=receiver,
        by=ub,
        kind="request",
        title="Holzpaletten gesucht",
        quantity="20",
        frequency="yearly",
    )
    return {
        "supplier": supplier, "receiver": receiver, "third": third, "ua": ua,
        "ub": ub, "uc": uc, "offer": offer, "request": request,
        "facilitator": make_user(facilitator=True, role=None),
    }  # fmt: skip


def propose(w: dict[str, Any], **terms: Any) -> Agreement:
    return service.propose(
        w["ub"], w["offer"].id, w["request"].id, {**agreement_terms(), **terms}
    )


def test_proposal_records_the_first_event_and_tells_the_other_party(world):
    agreement = propose(world)
    assert agreement.state == "proposed"
    assert agreement.version == 1
    assert agreement.proposer_id == world["receiver"].id
    assert agreement.expires_on == date.today() + timedelta(days=14)
    [event] = agreement.events
    assert (event.action, event.from_state, event.to_state) == (
        "propose",
        None,
        "proposed",
    )
    assert event.terms["quantity"] == 2.0
    notes = db.session.scalars(
        sa.select(Notification).where(Notification.link.like("/agreements/%"))
    ).all()
    assert [n.user_id for n in notes] == [world["ua"].id]


def test_each_member_is_told_in_their_own_language(world):
    german = make_user(org=world["supplier"], locale="de")
    english = make_user(org=world["supplier"], locale="en")
    agreement = propose(world)  # by a French-speaking member of the receiver
    told = {
        n.user_id: n
        for n in db.session.scalars(
            sa.select(Notification).where(
                Notification.link == f"/agreements/{agreement.id}"
            )
        )
    }
    title = world["request"].title
    assert told[world["ua"].id].subject.startswith(f"Accord « {title} » : ")
    assert told[german.id].subject.startswith(f"Vereinbarung „{title}“: ")
    assert told[english.id].subject.startswith(f"Agreement “{title}”: ")
    assert told[german.id].body != told[world["ua"].id].body


def test_only_the_counterparty_accepts(world):
    agreement = propose(world)
    with pytest.raises(Forbidden) as refused:
        service.act(world["ub"], agreement.id, "accept", agreement.version)
    assert refused.value.allowed == ["withdraw"]
    accepted = service.act(world["ua"], agreement.id, "accept", 1)
    assert accepted.state == "accepted"
    assert accepted.version == 2


def test_a_third_firm_sees_nothing(world):
    agreement = propose(world)
    with pytest.raises(NotAllowed):
        service.act(world["uc"], agreement.id, "accept", 1)
    with pytest.raises(NotAllowed):
        thread.post_message(world["uc"], agreement.id, "hello")
    assert service.get(world["facilitator"], agreement.id) is agreement
    with pytest.raises(NotAllowed):  # facilitators read, the parties act
        service.act(world["facilitator"], agreement.id, "accept", 1)


def test_steps_outside_the_table_name_the_allowed_ones(world):
    agreement = propose(world)
    with pytest.raises(InvalidTransition) as refused:
        service.act(world["ua"], agreement.id, "complete", 1)
    assert refused.value.allowed == ["accept", "counter", "decline", "withdraw"]
    with pytest.raises(InvalidTransition):
        service.act(world["ua"], agreement.id, "fly", 1)
    assert db.session.get(Agreement, agreement.id).state == "proposed"


def test_a_stale_version_changes_nothing(world):
    agreement = propose(world)
    service.act(world["ua"], agreement.id, "accept", 1)
    with pytest.raises(StaleObject):
        service.act(world["ub"], agreement.id, "start", 1)
    assert db.session.get(Agreement, agreement.id).state == "accepted"


def test_counter_swaps_who_answers(world):
    agreement = propose(world)
    countered = service.act(
        world["ua"],
        agreement.id,
        "counter",
        1,
        {**agreement_terms(), "quantity": "1.5"},
    )
    assert countered.state == "proposed"
    assert countered.proposer_id == world["supplier"].id
    assert countered.quantity == Decimal("1.5")
    with pytest.raises(Forbidden):
        service.act(world["ua"], agreement.id, "accept", countered.version)
    assert service.act(
        world["ub"], agreement.id, "accept", countered.version
    ).state == ("accepted")


def test_decline_and_terminate_need_a_reason(world):
    agreement = propose(world)
    with pytest.raises(FieldErrors) as errors:
        service.act(world["ua"], agreement.id, "decline", 1, {"reason": "  "})
    assert errors.value.errors[0][0] == "reason"
    declined = service.act(
        world["ua"], agreement.id, "decline", 1, {"reason": "No storage room"}
    )
    assert declined.state == "declined"
    assert declined.events[-1].comment == "No storage room"


def test_quantity_above_the_offer_needs_confirmation(world):
    with pytest.raises(FieldErrors) as errors:
        propose(world, quantity="10")  # 120 t a year; the offer has 36
    assert errors.value.errors[0][0] == "quantity"
    assert db.session.scalar(sa.select(sa.func.count(Agreement.id))) == 0
    agreement = service.propose(
        world["ub"], world["offer"].id, world["request"].id,
        {**agreement_terms(), "quantity": "10"}, confirm=True,
    )  # fmt: skip
    assert agreement.over_availability


def test_bad_terms_are_all_reported(world):
    with pytest.raises(FieldErrors) as errors:
        propose(
            world,
            quantity="-1",
            unit="MWh",
            start="2027-02-01",
            end="2027-01-01",
            price_terms="price_per_unit",
        )
    fields = {name for name, _ in errors.value.errors}
    assert fields == {"quantity", "end", "price_per_unit"}
    with pytest.raises(FieldErrors) as errors:
        propose(world, unit="MWh")
    assert errors.value.errors[0][0] == "unit"


def test_one_form_sent_twice_makes_one_agreement(world):
    terms = agreement_terms()
    first = service.propose(
        world["ub"], world["offer"].id, world["request"].id, terms,
        submission_key="key-1",
    )  # fmt: skip
    again = service.propose(
        world["ub"], world["offer"].id, world["request"].id, terms,
        submission_key="key-1",
    )  # fmt: skip
    assert again.id == first.id
    assert db.session.scalar(sa.select(sa.func.count(Agreement.id))) == 1
    with pytest.raises(FieldErrors):  # another form: one agreement per pair at once
        propose(world)


def _active(world: dict[str, Any]) -> Agreement:
    agreement = propose(world, start=(date.today() - timedelta(days=30)).isoformat())
    service.act(world["ua"], agreement.id, "accept", 1)
    return service.act(world["ub"], agreement.id, "start", 2)


def test_deliveries_feed_impact_records_with_their_factors(world):
    agreement = _active(world)
    delivery = thread.log_delivery(
        world["ua"],
        agreement.id,
        {"delivered_on": date.today().isoformat(), "quantity": "2000", "unit": "kg"},
    )
    [record] = agreement.impacts
    assert record.delivery_id == delivery.id
    assert record.quantity == Decimal("2")
    assert record.base_unit == "t"
    assert record.material_key == "wood"
    assert record.primary_source_id == "19_500_5048_15_1"
    assert record.secondary_source_id == "19_500_5049_15_1"
    assert record.transport_source_ids == "27_304_3140_14_1+28_907_3140_14_1"
    # 2 t × (269.50416 − 38.54288) kg CO2e/t
    assert record.avoided_kg_co2e == Decimal("461.923")
    expected = Decimal(2) * record.road_km * Decimal("0.12522")
    assert abs(record.transport_kg_co2e - expected) < Decimal("0.01")
    assert record.road_km == (record.distance_km * Decimal("1.3")).quantize(
        Decimal("0.001")
    )


def test_deliveries_outside_the_exchange_are_refused(world):
    agreement = propose(world)
    raw = {"delivered_on": date.today().isoformat(), "quantity": "1", "unit": "t"}
    with pytest.raises(FieldErrors):  # not started
        thread.log_delivery(world["ua"], agreement.id, raw)
    agreement = _active_from(world, agreement)
    before = {**raw, "delivered_on": (date.today() - timedelta(days=60)).isoformat()}
    with pytest.raises(FieldErrors) as errors:
        thread.log_delivery(world["ua"], agreement.id, before)
    assert errors.value.errors[0][0] == "delivered_on"
    service.act(
        world["ua"], agreement.id, "complete", agreement.version,
        {"actual_quantity": "1", "actual_unit": "t"},
    )  # fmt: skip
    with pytest.raises(FieldErrors):  # completed
        thread.log_delivery(world["ua"], agreement.id, raw)
    assert db.session.scalar(sa.select(sa.func.count(ImpactRecord.id))) == 1


def test_an_exchange_started_early_runs_from_that_day(world):
    """Starting before the agreed day takes deliveries from today on, and the
    history says which day had been agreed."""
    agreed = date.today() + timedelta(days=7)
    agreement = propose(world, start=agreed.isoformat())
    agreement = _active_from(world, agreement)
    assert agreement.start_on == date.today()
    started = agreement.events[-1]
    assert started.action == "start"
    assert started.comment is not None
    assert agreed.isoformat() not in started.comment  # a date for people to read
    assert str(agreed.day) in started.comment
    thread.log_delivery(
        world["ua"],
        agreement.id,
        {"delivered_on": date.today().isoformat(), "quantity": "1", "unit": "t"},
    )
    assert len(agreement.deliveries) == 1


def test_an_exchange_started_on_its_day_keeps_it_and_says_nothing(world):
    agreement = _active_from(world, propose(world))
    assert agreement.start_on == date.today()
    assert agreement.events[-1].comment is None


def _active_from(world: dict[str, Any], agreement: Agreement) -> Agreement:
    service.act(world["ua"], agreement.id, "accept", agreement.version)
    return service.act(world["ub"], agreement.id, "start", agreement.version)


def test_completion_records_what_deliveries_did_not(world):
    agreement = _active(world)
    thread.log_delivery(
        world["ub"], agreement.id,
        {"delivered_on": date.today().isoformat(), "quantity": "2", "unit": "t"},
        submission_key="d-1",
    )  # fmt: skip
    thread.log_delivery(  # the same form again: still one delivery
        world["ub"], agreement.id,
        {"delivered_on": date.today().isoformat(), "quantity": "2", "unit": "t"},
        submission_key="d-1",
    )  # fmt: skip
    with pytest.raises(FieldErrors) as errors:
        service.act(world["ua"], agreement.id, "complete", agreement.version, {})
    assert {f for f, _ in errors.value.errors} == {"actual_quantity", "actual_unit"}
    before = agreement.version
    done = service.act(
        world["ua"], agreement.id, "complete", agreement.version,
        {"actual_quantity": "5", "actual_unit": "t"},
    )  # fmt: skip
    assert done.state == "completed"
    assert done.version == before + 1  # one versioned UPDATE per step
    assert [(r.kind, r.quantity) for r in done.impacts] == [
        ("delivery", Decimal("2")),
        ("completion", Decimal("3")),
    ]


def test_hazardous_agreements_start_only_with_the_checklist(world):
    request = make_listing(
        org=world["receiver"], by=world["ub"], kind="request",
        title="Batteries au plomb", ewc_code="160601", accepts_hazardous=True,
    )  # fmt: skip
    offer = make_listing(
        org=world["supplier"], by=world["ua"], title="Batteries usagées",
        ewc_code="160601",
    )  # fmt: skip
    agreement = service.propose(world["ub"], offer.id, request.id, agreement_terms())
    assert agreement.hazardous
    service.act(world["ua"], agreement.id, "accept", 1)
    with pytest.raises(FieldErrors) as errors:
        service.act(world["ub"], agreement.id, "start", 2)
    assert errors.value.errors[0][0] == "checklist"
    items = list(HAZARDOUS_CHECKLIST)
    thread.tick(world["ub"], agreement.id, items)
    with pytest.raises(FieldErrors):  # one party is not enough
        service.act(world["ub"], agreement.id, "start", 2)
    thread.tick(world["ua"], agreement.id, items)
    assert service.act(world["ub"], agreement.id, "start", 2).state == "active"


def test_messages_are_checked_and_notified(world):
    agreement = propose(world)
    for body in ("", "   ", "x" * 100_000):
        with pytest.raises(FieldErrors):
            thread.post_message(world["ua"], agreement.id, body)
    thread.post_message(world["ua"], agreement.id, "Bonjour, which pallets?")
    assert [m.body for m in thread.messages(agreement.id)] == [
        "Bonjour, which pallets?"
    ]
    last = db.session.scalars(
        sa.select(Notification).order_by(Notification.id.desc())
    ).first()
    assert last.user_id == world["ub"].id


def test_anonymous_parties_are_revealed_on_acceptance(world):
    world["offer"].anonymous = True
    db.session.commit()
    agreement = propose(world)
    assert not service.shows_party(world["ub"], agreement, world["supplier"].id)
    assert service.shows_party(world["ua"], agreement, world["receiver"].id)
    assert service.shows_party(world["facilitator"], agreement, world["supplier"].id)
    service.act(world["ua"], agreement.id, "accept", 1)
    assert service.shows_party(world["ub"], agreement, world["supplier"].id)
    # Reopening the terms does not hide again a firm already known.
    service.act(world["ub"], agreement.id, "counter", 2, agreement_terms())
    assert agreement.state == "proposed"
    assert service.shows_party(world["ub"], agreement, world["supplier"].id)


def test_unanswered_proposals_expire(world, app):
    agreement = propose(world)
    later = date.today() + timedelta(days=15)
    assert thread.expire(date.today()) == 0
    assert thread.expire(later) == 1
    assert db.session.get(Agreement, agreement.id).state == "expired"
    event = db.session.scalars(
        sa.select(AgreementEvent).order_by(AgreementEvent.id.desc())
    ).first()
    assert (event.action, event.actor_id) == ("expire", None)
    assert thread.expire(later) == 0


def test_the_expiry_command_and_its_nightly_schedule(world, app):
    agreement = propose(world)
    agreement.expires_on = date.today() - timedelta(days=1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["agreements", "expire"])
    assert result.exit_code == 0, result.output
    assert "1 proposals expired" in result.output
    assert db.session.get(Agreement, agreement.id).state == "expired"

    from redis import Redis
    from rq.cron import CronScheduler

    scheduler = CronScheduler(connection=Redis.from_url("redis://127.0.0.1:1/0"))
    scheduler.load_config_from_file("symbiosis.schedule")
    jobs = {job.func.__name__: job.cron for job in scheduler.get_jobs()}
    assert set(jobs) == {
        "remind_agreements",
        "expire_agreements",
        "expire_listings",
        "refresh_stats",
        "send_daily_digests",
        "send_weekly_digests",
        "alert_saved_searches",
    }
    assert jobs["alert_saved_searches"] == "40 5 * * *"  # before the summaries
    assert jobs["refresh_stats"] == "*/15 * * * *"
    assert jobs["remind_agreements"] == "0 2 * * *"  # before the expiry run
    assert jobs["send_weekly_digests"] == "0 6 * * 1"  # Monday morning


def test_volume_flows_keep_their_quantity_without_co2(world):
    offer = make_listing(
        org=world["supplier"], by=world["ua"], title="Huiles usagées",
        ewc_code="", quantity="800", unit="L",
    )  # fmt: skip
    request = make_listing(
        org=world["receiver"], by=world["ub"], kind="request", title="Used oil",
        ewc_code="", quantity="800", unit="L",
    )  # fmt: skip
    start = (date.today() - timedelta(days=5)).isoformat()
    agreement = service.propose(
        world["ub"],
        offer.id,
        request.id,
        {**agreement_terms(), "unit": "L", "start": start},
    )
    agreement = _active_from(world, agreement)
    thread.log_delivery(
        world["ua"], agreement.id,
        {"delivered_on": date.today().isoformat(), "quantity": "800", "unit": "L"},
    )  # fmt: skip
    [record] = agreement.impacts
    assert (record.quantity, record.base_unit) == (Decimal("0.8"), "m3")
    assert record.transport_kg_co2e is None
    assert record.avoided_kg_co2e is None
    assert record.factor_set is None
    assert record.primary_source_id is None


def test_each_step_mails_the_other_party_after_the_commit(world, caplog):
    caplog.set_level(logging.INFO, logger="symbiosis")
    agreement = propose(world)
    service.act(world["ua"], agreement.id, "accept", 1)
    mails = [
        r.getMessage() for r in caplog.records if r.getMessage().startswith("mail to")
    ]
    assert len(mails) == 2
    assert mails[0].startswith(f"mail to {world['ua'].email}:")
    assert mails[1].startswith(f"mail to {world['ub'].email}:")
    assert f"/agreements/{agreement.id}" in mails[1]
