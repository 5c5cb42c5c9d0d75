"""The demo's matchmaking evenings: one held, planned by the rules, and one
still to come with registration open; loaded once."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from symbiosis.extensions import db
from symbiosis.models import Agreement, Event, Notification
from symbiosis.models.base import as_utc, utcnow
from symbiosis.services import event_views, events, seeding, stats_partnerships
from symbiosis.services.demo_events import load_demo_events
from symbiosis.services.stats_sql import Scope

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_the_demo_has_a_past_event_with_a_published_plan(ctx: Flask) -> None:
    seeding.load_reference(SEEDS / "reference")
    seeding.load_demo(SEEDS / "demo")
    seeding.load_demo_listings(SEEDS / "demo")
    event = db.session.scalars(sa.select(Event).where(Event.state == "held")).one()
    assert events.is_past(event)
    assert len(event.registrations) == 15
    assert event.published_at is not None
    summary = event_views.summary(event)
    assert summary["meetings"] == event.rounds * event.tables  # every table full
    assert summary["fewest"] >= 3
    kinds = {r.organisation_id: r.organisation.kind for r in event.registrations}
    pairs = set()
    for number in range(1, event.rounds + 1):
        seated = [
            o
            for m in event.meetings
            if m.round == number
            for o in (m.org_a_id, m.org_b_id)
        ]
        assert len(seated) == len(set(seated))
    for m in event.meetings:
        assert kinds[m.org_a_id] != kinds[m.org_b_id]
        pairs.add(frozenset((m.org_a_id, m.org_b_id)))
    assert len(pairs) == len(event.meetings)
    assert sum(1 for m in event.meetings if m.reasons) > len(event.meetings) / 2
    notes = db.session.scalars(
        sa.select(Notification).where(Notification.link.like("/events/%"))
    ).all()
    assert notes
    assert all(n.read_at is not None for n in notes)
    # Six partnerships were signed that evening, counted on the dashboard.
    signed = db.session.scalars(
        sa.select(Agreement).where(Agreement.event_id == event.id)
    ).all()
    assert len(signed) == 6
    assert {a.kind for a in signed} == {"partnership"}
    assert {a.state for a in signed} == {"accepted"}
    assert all(a.created_at.date() == event.starts_at.date() for a in signed)
    figures = stats_partnerships.partnerships(
        Scope(None, date.today() - timedelta(days=364), date.today())
    )
    assert figures["by_event"][0]["signed"] == 6
    assert figures["total"]["eur"] == Decimal("8600.00")
    assert load_demo_events(SEEDS / "demo").changed == 0
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 2


def test_the_demo_has_an_event_to_come_open_for_registration(ctx: Flask) -> None:
    seeding.load_reference(SEEDS / "reference")
    seeding.load_demo(SEEDS / "demo")
    seeding.load_demo_listings(SEEDS / "demo")
    event = db.session.scalars(sa.select(Event).where(Event.state != "held")).one()
    assert event.state == "open"
    assert not events.is_past(event)
    assert events.local_start(event)[0] == date.today() + timedelta(days=18)
    assert event.zone is not None
    assert event.zone.name.startswith("Belval")
    assert len(event.registrations) == 4
    assert {r.organisation.kind for r in event.registrations} == {
        "company",
        "association",
    }
    assert not event.meetings
    assert event.planned_at is None
    # announced and registered for in the past week, not in the future
    now = utcnow()
    assert all(
        now - timedelta(days=8) < as_utc(r.created_at) < now
        for r in event.registrations
    )
    assert now - timedelta(days=8) < as_utc(event.created_at) < now
