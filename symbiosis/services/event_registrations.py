"""Registration to a matchmaking event: organisations sign up with what they
offer and seek, update it, or withdraw, while registration is open and the
evening has not begun (``workflow.event.takes_registrations``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from symbiosis import event_fields
from symbiosis.authz import Perm, can
from symbiosis.errors import FieldErrors, InvalidTransition, NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.models import Event, EventMeeting, EventRegistration, Organisation, User
from symbiosis.models.base import as_utc, utcnow
from symbiosis.services.events import commit, get
from symbiosis.services.listings import translate
from symbiosis.workflow.event import EventState, takes_registrations


def is_open(event: Event, now: datetime | None = None) -> bool:
    """Whether organisations may register to ``event`` at ``now`` (the clock)."""
    begun = as_utc(event.starts_at) <= (now or utcnow())
    return takes_registrations(EventState(event.state), begun=begun)


def registration_of(
    event: Event, organisation_id: int | None
) -> EventRegistration | None:
    return next(
        (r for r in event.registrations if r.organisation_id == organisation_id),
        None,
    )


def _registering(
    actor: User, event_id: int, organisation_id: int, now: datetime | None
) -> Event:
    event = get(actor, event_id)
    org = db.session.get(Organisation, organisation_id)
    if org is None or not can(actor, Perm.REGISTER_EVENT, org):
        raise NotAllowed(gettext("You may only register your own organisation."))
    if not is_open(event, now):
        raise InvalidTransition(gettext("Registration for this event is closed."))
    return event


def register(
    actor: User,
    event_id: int,
    organisation_id: int,
    raw: Mapping[str, Any],
    *,
    now: datetime | None = None,
) -> EventRegistration:
    """Register an organisation (or update what it offers and seeks).

    :param now: when the actor registers (the clock by default; the demo
        replays its past evening at that evening's dates).
    :raises NotAllowed: not one's own organisation (facilitators: any).
    :raises InvalidTransition: registration is not open, or the evening has
        begun.
    :raises FieldErrors: on bad fields; nothing is written.
    """
    event = _registering(actor, event_id, organisation_id, now)
    parsed = event_fields.parse_registration(raw, event.themes or [])
    if parsed.problems:
        raise FieldErrors(translate(parsed.problems))
    values = parsed.values
    registration = registration_of(event, organisation_id)
    if registration is None:
        registration = EventRegistration(
            event=event, organisation_id=organisation_id, registered_by=actor
        )
        db.session.add(registration)
    registration.offers = "\n".join(values.get("offers") or [])
    registration.seeks = "\n".join(values.get("seeks") or [])
    registration.sdgs = list(values.get("sdgs") or [])
    registration.themes = list(values.get("themes") or [])
    commit()
    return registration


def unregister(
    actor: User, event_id: int, organisation_id: int, *, now: datetime | None = None
) -> None:
    """Withdraw an organisation, with its locked meetings if it had any.

    :raises NotAllowed: not one's own organisation.
    :raises InvalidTransition: registration is not open, or the evening has
        begun.
    :raises FieldErrors: the organisation is not registered.
    """
    event = _registering(actor, event_id, organisation_id, now)
    registration = registration_of(event, organisation_id)
    if registration is None:
        raise FieldErrors(
            [("organisation", gettext("This organisation is not registered."))]
        )
    event.registrations.remove(registration)
    for meeting in list(event.meetings):
        if organisation_id in (meeting.org_a_id, meeting.org_b_id):
            event.meetings.remove(meeting)
    commit()


def meetings_of(event: Event, organisation_id: int) -> list[EventMeeting]:
    """An organisation's meetings, round by round."""
    return [m for m in event.meetings if organisation_id in (m.org_a_id, m.org_b_id)]
