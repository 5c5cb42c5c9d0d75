"""An event's date decides what can be done with it.

An event is not created, nor moved, to a day that has passed; registration
does not open once the evening has begun; an event is marked held on its day
or later, never before, and only after a confirmation.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import Flask

from symbiosis.errors import FieldErrors, InvalidTransition
from symbiosis.extensions import db
from symbiosis.models import Event, Organisation, User
from symbiosis.models.base import as_utc, utcnow
from symbiosis.services import event_plans, event_registrations, events
from tests.builders import make_reference
from tests.conftest import as_user
from tests.event_builders import EVENT, make_event_world, register_all


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    with app.app_context():
        make_reference()
        return make_event_world(firms=2, clubs=2)


def _local_today(app: Flask) -> date:
    """Today where the events take place (the app's time zone)."""
    return datetime.now(ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def _event(
    app: Flask, world: dict[str, Any], day: date, *, stage: str = "draft"
) -> int:
    """An event on ``day``, taken to ``stage`` as the demo's past evenings are:
    drafted and opened a month before it."""
    before = datetime.combine(day - timedelta(days=30), time(12), tzinfo=UTC)
    with app.app_context():
        boss = db.session.get(User, world["facilitator"])
        assert boss is not None
        event = events.create(boss, {**EVENT, "date": day.isoformat()}, now=before)
        if stage != "draft":
            events.step(boss, event.id, "open", now=before)
        if stage in ("planned", "published"):
            orgs = [db.session.get(Organisation, i) for i in world["orgs"]]
            register_all(event, boss, orgs, world["forms"], now=before)  # type: ignore[arg-type]
            event_plans.plan(boss, event.id)
        if stage == "published":
            events.step(boss, event.id, "publish")
        return event.id


def _row(app: Flask, event_id: int) -> Event:
    with app.app_context():
        event = db.session.get(Event, event_id)
        assert event is not None
        db.session.expunge(event)
        return event


def _count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Event.id))) or 0


# -- creating and moving -----------------------------------------------------------
def test_an_event_is_not_created_on_a_day_that_has_passed(app, client, world):
    as_user(app, client, world["facilitator"])
    past = client.post("/events/new", data={**EVENT, "date": "2020-01-01"})
    assert past.status_code == 422
    assert 'id="date-error"' in past.text
    assert 'aria-describedby="date-error"' in past.text
    assert 'id="time-error"' not in past.text
    # earlier today: the start time is the one at fault
    today = _local_today(app).isoformat()
    earlier = client.post("/events/new", data={**EVENT, "date": today, "time": "00:00"})
    assert earlier.status_code == 422
    assert 'id="time-error"' in earlier.text
    assert 'id="date-error"' not in earlier.text
    assert _count(app) == 0
    # every error shows at once: a bad field and the past date together
    both = client.post(
        "/events/new", data={**EVENT, "date": "2020-01-01", "tables": "0"}
    )
    assert 'id="date-error"' in both.text
    assert 'id="tables-error"' in both.text
    later = (_local_today(app) + timedelta(days=1)).isoformat()
    assert client.post("/events/new", data={**EVENT, "date": later}).status_code == 302
    assert _count(app) == 1


def test_the_service_refuses_a_past_date_naming_the_field(app, world):
    with app.app_context():
        boss = db.session.get(User, world["facilitator"])
        with pytest.raises(FieldErrors) as refused:
            events.create(boss, {**EVENT, "date": "2020-01-01"}, now=utcnow())
        assert [field for field, _message in refused.value.errors] == ["date"]
    assert _count(app) == 0


def test_an_event_is_not_moved_to_a_day_that_has_passed(app, client, world):
    event_id = _event(app, world, date(2030, 3, 12), stage="open")
    before = _row(app, event_id)
    as_user(app, client, world["facilitator"])
    moved = client.post(
        f"/events/{event_id}/edit",
        data={**EVENT, "date": "2020-01-01", "version": before.version},
    )
    assert moved.status_code == 422
    assert 'id="date-error"' in moved.text
    after = _row(app, event_id)
    assert as_utc(after.starts_at) == as_utc(before.starts_at)
    assert after.version == before.version


def test_an_event_whose_day_has_passed_keeps_its_date_when_edited(app, client, world):
    """Correcting the place of an evening that took place moves nothing."""
    day = _local_today(app) - timedelta(days=3)
    event_id = _event(app, world, day, stage="published")
    as_user(app, client, world["facilitator"])
    saved = client.post(
        f"/events/{event_id}/edit",
        data={**EVENT, "date": day.isoformat(), "place": "Belval"},
    )
    assert saved.status_code == 302
    assert _row(app, event_id).place == "Belval"


# -- opening registration ------------------------------------------------------------
def test_registration_does_not_open_once_the_date_has_passed(app, client, world):
    event_id = _event(app, world, date(2020, 1, 1))
    as_user(app, client, world["facilitator"])
    page = client.get(f"/events/{event_id}").text
    assert "/step/open" not in page  # no button that cannot work
    assert 'class="small text-body-secondary w-100 mb-0 step-waiting"' in page
    refused = client.post(f"/events/{event_id}/step/open", follow_redirects=True)
    assert refused.status_code == 200
    assert "alert-warning" in refused.text
    assert _row(app, event_id).state == "draft"
    with app.app_context():
        boss = db.session.get(User, world["facilitator"])
        with pytest.raises(InvalidTransition):
            events.step(boss, event_id, "open", now=utcnow())


def test_registration_does_not_reopen_once_the_evening_has_begun(app, world):
    event_id = _event(app, world, date(2020, 1, 1), stage="planned")
    with app.app_context():
        boss = db.session.get(User, world["facilitator"])
        with pytest.raises(InvalidTransition):
            events.step(boss, event_id, "reopen", now=utcnow())
    assert _row(app, event_id).state == "planned"


def test_an_upcoming_draft_still_opens(app, client, world):
    event_id = _event(app, world, _local_today(app) + timedelta(days=1))
    as_user(app, client, world["facilitator"])
    assert "/step/open" in client.get(f"/events/{event_id}").text
    assert client.post(f"/events/{event_id}/step/open").status_code == 302
    assert _row(app, event_id).state == "open"


# -- registering ---------------------------------------------------------------
def test_an_evening_that_has_begun_takes_no_more_registrations(app, client, world):
    """Left open by its facilitator, an evening that has begun no longer takes
    registrations, nor withdrawals: its page and the API say it is closed."""
    event_id = _event(app, world, date(2020, 1, 1), stage="open")
    member, org_id = world["members"][0], world["orgs"][0]
    form = world["forms"][0]
    with app.app_context():
        user = db.session.get(User, member)
        with pytest.raises(InvalidTransition):
            event_registrations.register(user, event_id, org_id, form)
    as_user(app, client, member)
    page = client.get(f"/events/{event_id}").text
    assert 'id="register-title"' not in page  # no form that cannot work
    assert "les inscriptions sont closes : la soirée a commencé" in page.lower()
    assert "inscriptions closes" in page
    assert "state-closed" in page
    sent = client.post(
        f"/events/{event_id}/register", data={"organisation": org_id, **form}
    )
    assert sent.status_code in (302, 409)
    assert _registrations(app, event_id) == 0
    listed = client.get("/events/").text
    assert "state-closed" in listed
    assert "state-open" not in listed
    api = client.get(f"/api/v1/events/{event_id}").get_json()
    assert api["registration_open"] is False


def test_before_the_evening_registration_and_withdrawal_still_work(app, world):
    event_id = _event(app, world, _local_today(app) + timedelta(days=1), stage="open")
    with app.app_context():
        user = db.session.get(User, world["members"][0])
        event_registrations.register(
            user, event_id, world["orgs"][0], world["forms"][0]
        )
        assert _registrations(app, event_id) == 1
        evening = as_utc(db.session.get(Event, event_id).starts_at)
        with pytest.raises(InvalidTransition):  # once it has begun, no withdrawal
            event_registrations.unregister(
                user, event_id, world["orgs"][0], now=evening + timedelta(minutes=1)
            )
        assert _registrations(app, event_id) == 1
        event_registrations.unregister(user, event_id, world["orgs"][0])
    assert _registrations(app, event_id) == 0


def _registrations(app: Flask, event_id: int) -> int:
    from symbiosis.models import EventRegistration

    with app.app_context():
        return (
            db.session.scalar(
                sa.select(sa.func.count()).where(EventRegistration.event_id == event_id)
            )
            or 0
        )


# -- marking it held ---------------------------------------------------------------
def test_an_event_is_not_held_before_its_day(app, client, world):
    event_id = _event(
        app, world, _local_today(app) + timedelta(days=1), stage="published"
    )
    with app.app_context():
        boss = db.session.get(User, world["facilitator"])
        with pytest.raises(InvalidTransition):  # the service refuses, clock or not
            events.step(boss, event_id, "hold")
    as_user(app, client, world["facilitator"])
    for path in (f"/events/{event_id}", f"/events/{event_id}/plan"):
        page = client.get(path).text
        assert "/step/hold" not in page, path
        assert "step-waiting" in page, path  # and it says from when
    refused = client.post(f"/events/{event_id}/step/hold", follow_redirects=True)
    assert "alert-warning" in refused.text
    assert _row(app, event_id).state == "published"


@pytest.mark.parametrize("days_ago", [0, 2])
def test_on_its_day_or_later_an_event_is_held_after_a_confirmation(
    app, client, world, days_ago
):
    day = _local_today(app) - timedelta(days=days_ago)
    event_id = _event(app, world, day, stage="published")
    as_user(app, client, world["facilitator"])
    for path in (f"/events/{event_id}", f"/events/{event_id}/plan"):
        page = client.get(path).text
        # the button opens a warning and a second button, as in agreements
        confirm = re.search(r'<details class="step-details" id="confirm-hold">(.*?)</details>',
                            page, re.S)  # fmt: skip
        assert confirm, path
        assert f'action="/events/{event_id}/step/hold"' in confirm.group(1)
        assert 'aria-describedby="hold-help"' in confirm.group(1)
        assert page.count("/step/hold") == 1, path
        assert "step-waiting" not in page, path
    held = client.post(f"/events/{event_id}/step/hold")
    assert held.status_code == 302
    assert _row(app, event_id).state == "held"
    plan = client.get(f"/events/{event_id}/plan").text
    # a held plan is final: the page no longer sends the user back to planning
    assert 'id="plan-frozen"' in plan
    assert "revenez à la planification" not in plan
    assert "/step/" not in plan
