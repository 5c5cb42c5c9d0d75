"""Demo matchmaking events, replayed through the event services.

Each event of ``seeds/demo/events.json`` is created by its facilitator
``days_ago`` days before the load (after it, when negative), registration
opens and each organisation is registered by one of its people. An event
whose ``stage`` is ``open`` stays there, still to come; for the others the
meetings are planned, the plan is published and the event is marked held, all through
:mod:`symbiosis.services.events` and :mod:`symbiosis.services.event_plans`, so
the demo obeys the rules users do. The rows and the notifications publishing
sent are back-dated to the evening (the notifications read: the evening is
over).

An event already present (same title) is skipped: loading again changes
nothing.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from symbiosis.extensions import db
from symbiosis.models import Agreement, Event, Notification, Organisation, User
from symbiosis.models.base import as_utc
from symbiosis.services import event_plans, event_registrations, events, partnerships
from symbiosis.services.seeding import LoadReport


def _user(email: str) -> User:
    user: User | None = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        raise RuntimeError(f"demo events: no user {email}")
    return user


def _organisation(name: str) -> Organisation:
    org = db.session.scalar(sa.select(Organisation).where(Organisation.name == name))
    if org is None:
        raise RuntimeError(f"demo events: no organisation {name}")
    return org


def _zone_id(name: str | None) -> int:
    if not name:
        return 0
    from symbiosis.models import Zone

    zone_id = db.session.scalar(sa.select(Zone.id).where(Zone.name == name))
    if zone_id is None:
        raise RuntimeError(f"demo events: no zone {name}")
    return zone_id


def _replay(script: dict[str, Any], today: date) -> None:
    facilitator = _user(script["by"])
    day = today - timedelta(days=script["days_ago"])
    # The evening is replayed at its own dates: drafted and opened a month
    # before it, held the day after.
    before = datetime.combine(day - timedelta(days=30), time(12), tzinfo=UTC)
    after = datetime.combine(day + timedelta(days=1), time(12), tzinfo=UTC)
    event = events.create(
        facilitator,
        {
            **{k: script[k] for k in ("title", "description", "time", "place")},
            **{k: script[k] for k in ("tables", "rounds", "minutes_per_round")},
            "date": day.isoformat(),
            "zone_id": _zone_id(script.get("zone")),
            "themes": script.get("themes", []),
            "pairs": script.get("pairs", "mixed"),
        },
        now=before,
    )
    events.step(facilitator, event.id, "open", now=before)
    for entry in script["registrations"]:
        org = _organisation(entry["organisation"])
        event_registrations.register(
            _user(entry["by"]), event.id, org.id, entry, now=before
        )
    if script.get("stage") == "open":  # still to come: registration stays open
        _back_date_open(event.id, today)
        return
    event_plans.plan(facilitator, event.id)
    events.step(facilitator, event.id, "publish", now=after)
    events.step(facilitator, event.id, "hold", now=after)
    for deal in script.get("partnerships", []):
        partnerships.record(
            facilitator,
            event.id,
            {
                **deal,
                "giver": _organisation(deal["giver"]).id,
                "taker": _organisation(deal["taker"]).id,
                "sdgs": [str(n) for n in deal.get("sdgs", [])],
            },
        )
    _back_date(event.id, script)


def _back_date_open(event_id: int, today: date) -> None:
    """An evening still to come: announced a week ago, registrations since."""
    event = db.session.get(Event, event_id)
    assert event is not None  # noqa: S101 - just created  # nosec B101
    announced = as_utc(datetime.combine(today, time(9)) - timedelta(days=7))
    event.created_at = event.updated_at = announced
    for n, registration in enumerate(event.registrations, start=1):
        registration.created_at = registration.updated_at = announced + timedelta(
            days=n
        )
    db.session.commit()


def _back_date(event_id: int, script: dict[str, Any]) -> None:
    """Put the event's history on the days before the evening."""
    event = db.session.get(Event, event_id)
    assert event is not None  # noqa: S101 - just created  # nosec B101
    evening = as_utc(event.starts_at)
    event.created_at = evening - timedelta(days=28)
    event.planned_at = evening - timedelta(days=3)
    event.published_at = evening - timedelta(days=2)
    for registration in event.registrations:
        registration.created_at = registration.updated_at = evening - timedelta(days=14)
    # Partnerships were signed during the evening.
    for deal in db.session.scalars(
        sa.select(Agreement).where(Agreement.event_id == event_id)
    ):
        deal.created_at = deal.updated_at = evening + timedelta(hours=2)
        for step in deal.events:
            step.created_at = evening + timedelta(hours=2)
    notes = db.session.scalars(
        sa.select(Notification).where(Notification.link.like(f"/events/{event_id}/%"))
    )
    for note in notes:
        note.created_at = evening - timedelta(days=2)
        note.read_at = evening - timedelta(days=1)
    db.session.commit()


def load_demo_events(root: Path, today: date | None = None) -> LoadReport:
    """Replay ``root/events.json``; events already there are skipped."""
    report = LoadReport()
    path = root / "events.json"
    if not path.exists():
        return report
    present = set(db.session.scalars(sa.select(Event.title)))
    created = 0
    for script in json.loads(path.read_text(encoding="utf-8")):
        if script["title"] in present:
            continue
        _replay(script, today or date.today())
        created += 1
    report.add("event", created, 0)
    return report
