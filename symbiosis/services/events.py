"""Matchmaking events: create and edit, registration, the steps to publishing.

The facilitator runs the event; organisations register themselves (their
members and admins) or are registered by the facilitator. Planning and the
facilitator's edits of the plan live in :mod:`symbiosis.services.event_plans`.
Every state change asks the pure table of ``workflow/event.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date
from sqlalchemy.orm.exc import StaleDataError

from symbiosis import event_fields
from symbiosis.authz import Perm, can
from symbiosis.errors import FieldErrors, InvalidTransition, NotAllowed, StaleObject
from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.models import (
    Event,
    User,
    Zone,
)
from symbiosis.models.base import as_utc, utcnow
from symbiosis.services import notify
from symbiosis.services.listings import translate
from symbiosis.workflow.event import (
    BEFORE_START,
    DETAILS_EDITABLE,
    STRUCTURE_EDITABLE,
    VISIBLE_TO_ALL,
    EventAction,
    EventState,
    TransitionNotAllowed,
    allowed_actions,
    next_state,
    on_time,
)

STRUCTURE = ("tables", "rounds", "pairs")  # fixed once a plan exists
STEPS = (EventAction.OPEN, EventAction.REOPEN, EventAction.PUBLISH,
         EventAction.REVISE, EventAction.HOLD)  # fmt: skip


# -- who sees what -----------------------------------------------------------
def can_manage(user: Any) -> bool:
    return can(user, Perm.MANAGE_EVENTS)


def can_view(user: Any, event: Event) -> bool:
    """Signed-in people see events past the draft; facilitators see drafts too."""
    if not (user and user.is_authenticated):
        return False
    return event.state in VISIBLE_TO_ALL or can_manage(user)


def get(user: Any, event_id: int) -> Event:
    """:raises NotAllowed: unknown, or a draft for a non-facilitator (404 alike)."""
    event = db.session.get(Event, event_id)
    if event is None or not can_view(user, event):
        raise NotAllowed(gettext("No such event."))
    return event


def managed(user: Any, event_id: int) -> Event:
    """The event, for its facilitator. :raises NotAllowed: for anyone else."""
    event = get(user, event_id)
    if not can_manage(user):
        raise NotAllowed(gettext("Only facilitators run events."))
    return event


def _tz() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "UTC")


def local_day(moment: datetime | None = None) -> date:
    """The day it is (or was at ``moment``) where the events take place."""
    return (moment or utcnow()).astimezone(_tz()).date()


def local_start(event: Event) -> tuple[date, time]:
    """The event's date and start time in the app's time zone (for forms)."""
    local = as_utc(event.starts_at).astimezone(_tz())
    return local.date(), local.time().replace(second=0, microsecond=0)


def ends_at(event: Event) -> datetime:
    return as_utc(event.starts_at) + timedelta(
        minutes=event.rounds * event.minutes_per_round
    )


@dataclass
class Slot:
    """One round: its number and when it starts and ends (UTC)."""

    round: int
    starts_at: datetime
    ends_at: datetime


def slots(event: Event) -> list[Slot]:
    start = as_utc(event.starts_at)
    step = timedelta(minutes=event.minutes_per_round)
    return [
        Slot(r, start + step * (r - 1), start + step * r)
        for r in range(1, event.rounds + 1)
    ]


def date_refusal(
    event: Event, action: EventAction, now: datetime | None = None
) -> str | None:
    """Why the event's date forbids ``action`` at ``now``, in words; else None."""
    now = now or utcnow()
    day = local_start(event)[0]
    begun = as_utc(event.starts_at) <= now
    if on_time(action, begun=begun, its_day=day <= local_day(now)):
        return None
    if action in BEFORE_START:
        return gettext(
            "The event's date has passed: move it to a later date to open registration."
        )
    return gettext(
        "The event takes place on %(day)s: mark it as held on that day or later.",
        day=format_date(day, "long"),
    )


def is_past(event: Event, now: datetime | None = None) -> bool:
    return event.state == EventState.HELD or ends_at(event) < (now or utcnow())


def visible(user: Any) -> tuple[list[Event], list[Event]]:
    """Upcoming events (soonest first) and past ones (latest first)."""
    query = sa.select(Event).order_by(Event.starts_at, Event.id)
    if not can_manage(user):
        query = query.where(Event.state.in_([str(s) for s in VISIBLE_TO_ALL]))
    events = list(db.session.scalars(query))
    now = utcnow()
    upcoming = [e for e in events if not is_past(e, now)]
    past = [e for e in reversed(events) if is_past(e, now)]
    return upcoming, past


# -- the event ---------------------------------------------------------------
def commit() -> None:
    """Commit the event's change; two people saving at once: the second one
    is told to reload (:class:`StaleObject`)."""
    try:
        db.session.commit()
    except (StaleDataError, sa.exc.IntegrityError):
        # Two people saving the same registration or seat at once: the second
        # reloads and sees the first one's change.
        db.session.rollback()
        raise StaleObject(
            gettext("This event changed in the meantime; reload the page.")
        ) from None
    except Exception:
        db.session.rollback()
        raise


def check_version(event: Event, expected_version: Any) -> None:
    if expected_version not in (None, "") and str(expected_version) != str(
        event.version
    ):
        raise StaleObject(
            gettext("This event changed in the meantime; reload the page.")
        )


def _parse_event(
    raw: Mapping[str, Any], now: datetime, was: datetime | None = None
) -> dict[str, Any]:
    """The event's values; a start moved (from ``was``) before ``now`` is
    refused on the date, or on the time when it is today's."""
    parsed = event_fields.parse_event(raw)
    problems = translate(parsed.problems)
    values = parsed.values
    zone_id = values.get("zone_id")
    if zone_id is not None and db.session.get(Zone, zone_id) is None:
        problems.append(("zone_id", gettext("No such zone.")))
    day, start = values.pop("date", None), values.pop("time", None)
    if day is not None and start is not None:
        moment = datetime.combine(day, start, tzinfo=_tz()).astimezone(UTC)
        values["starts_at"] = moment
        moved = was is None or moment != as_utc(was)
        if moved and moment <= now:
            problems.append(
                ("date", gettext("This day has passed: choose today or a later day."))
                if day < local_day(now)
                else ("time", gettext("This time has passed: choose a later one."))
            )
    if problems:
        raise FieldErrors(problems)
    return values


def create(
    actor: User, raw: Mapping[str, Any], *, now: datetime | None = None
) -> Event:
    """A new draft event.

    :param now: when the facilitator acts (the clock by default; the demo
        replays its past evening at that evening's dates): the event must
        start later.
    :raises NotAllowed: for anyone but a facilitator.
    :raises FieldErrors: on bad fields, or a start before ``now``; nothing is
        written.
    """
    if not can_manage(actor):
        raise NotAllowed(gettext("Only facilitators run events."))
    values = _parse_event(raw, now or utcnow())
    event = Event(created_by=actor, state=EventState.DRAFT, **values)
    db.session.add(event)
    commit()
    return event


def edit(
    actor: User,
    event_id: int,
    raw: Mapping[str, Any],
    expected_version: Any = None,
    *,
    now: datetime | None = None,
) -> Event:
    """Change an event's fields; the plan's shape only before planning.

    :param now: as for :func:`create`; a start left as it was may have passed.
    :raises FieldErrors: bad fields, rounds, tables or pairs once planned, or
        a start moved before ``now``.
    :raises InvalidTransition: the event was held.
    """
    event = managed(actor, event_id)
    state = EventState(event.state)
    if state not in DETAILS_EDITABLE:
        raise InvalidTransition(gettext("A held event can no longer be changed."))
    check_version(event, expected_version)
    values = _parse_event(raw, now or utcnow(), event.starts_at)
    if state not in STRUCTURE_EDITABLE:
        changed = [n for n in STRUCTURE if values[n] != getattr(event, n)]
        if changed:
            message = gettext(
                "The plan depends on this: reopen registration to change it."
            )
            raise FieldErrors([(name, message) for name in changed])
    for name, value in values.items():
        setattr(event, name, value)
    commit()
    return event


def step(
    actor: User,
    event_id: int,
    action: str,
    expected_version: Any = None,
    *,
    now: datetime | None = None,
) -> Event:
    """The facilitator's steps: open, reopen, publish, revise, hold.

    Planning is :func:`symbiosis.services.event_plans.plan`. Reopening
    registration drops the unlocked meetings; publishing tells the
    registered organisations' members where to sit.

    :param now: as for :func:`create`: registration does not (re)open once
        the evening has begun. An event is never held before its day.
    :raises InvalidTransition: not possible at this stage, or on this date.
    """
    event = managed(actor, event_id)
    state = EventState(event.state)
    try:
        wanted = EventAction(action)
        if wanted not in STEPS:
            raise TransitionNotAllowed(state, wanted)
        target = next_state(state, wanted)
    except (ValueError, TransitionNotAllowed):
        raise InvalidTransition(
            gettext("This step is not possible at this stage."),
            [a.value for a in allowed_actions(state) if a in STEPS],
        ) from None
    check_version(event, expected_version)
    refusal = date_refusal(event, wanted, now)
    if refusal:
        raise InvalidTransition(refusal)
    event.state = target
    if wanted is EventAction.REOPEN:
        for meeting in [m for m in event.meetings if not m.locked]:
            event.meetings.remove(meeting)
    if wanted is EventAction.PUBLISH:
        event.published_at = utcnow()
        _tell_participants(event)
    commit()
    return event


def _tell_participants(event: Event) -> None:
    def write() -> tuple[str, str]:
        return gettext("Your meetings at “%(title)s”", title=event.title), gettext(
            "The plan of the evening is published: see whom your organisation "
            "meets, at which table and why."
        )

    for registration in event.registrations:
        org_id = registration.organisation_id
        notify.tell(
            notify.members_of(org_id),
            write,
            link=f"/events/{event.id}/schedule?org={org_id}",
        )
