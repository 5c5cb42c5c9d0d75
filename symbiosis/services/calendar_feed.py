"""A person's calendar: a private address an agenda program subscribes to.

The calendar holds the matchmaking events of one's organisation (every event
for facilitators, who run them), with one's own meetings round by round once
the plan is published; the meetings of one's working groups; the open
actions one owes a group, on their due date; and, of one's organisation's
agreements, the last day to answer a proposal that waits for it and the
first and last days of the exchanges agreed. It reaches back
:data:`PAST_DAYS` days, so that a program keeps the recent past.

The address carries a signed token naming the user and a random key kept on
the account. Making a new address replaces the key, so the old address stops
working at once; turning the calendar off forgets the key. Changing one's
password or e-mail address leaves it alone: an agenda program cannot sign
in again by itself.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import format_time
from sqlalchemy.orm import selectinload

from symbiosis.calendar_ics import Entry, calendar
from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.models import Agreement, Event, EventRegistration, Listing, User
from symbiosis.models.base import as_utc, id_from_text, utcnow
from symbiosis.models.working_group import (
    ActionState,
    GroupAction,
    GroupMeeting,
    WorkingGroup,
)
from symbiosis.services import event_views, events
from symbiosis.services.signed_links import sign, unsign
from symbiosis.services.working_groups import in_groups_of
from symbiosis.workflow.agreement import AgreementState
from symbiosis.workflow.event import PLAN_SHOWN, VISIBLE_TO_ALL

PURPOSE = "calendar"
PAST_DAYS = 90
# Agreements whose exchange is agreed, started or not.
RUNNING = (AgreementState.ACCEPTED, AgreementState.ACTIVE)
# The address does not expire: it works until replaced or turned off.
NO_EXPIRY = 100 * 365 * 24 * 3600


# -- the address ---------------------------------------------------------------
def token(user: User) -> str | None:
    """The token of the user's calendar address; None while it is off."""
    if not user.calendar_key:
        return None
    return sign(PURPOSE, str(user.id), user.calendar_key)


def renew(user: User) -> str:
    """Turn the calendar on, or give it a new address (the old one stops)."""
    user.calendar_key = secrets.token_urlsafe(24)
    db.session.commit()
    found = token(user)
    assert found is not None  # noqa: S101 - the key was just set  # nosec B101
    return found


def turn_off(user: User) -> None:
    user.calendar_key = None
    db.session.commit()


def owner(token_text: str) -> User | None:
    """The active user whose current address carries ``token_text``, else None."""
    found = unsign(PURPOSE, token_text, NO_EXPIRY)
    if found is None or len(found) != 2:
        return None
    user_id, key = found
    number = id_from_text(user_id)
    user = db.session.get(User, number) if number is not None else None
    if user is None or not user.is_active or not user.calendar_key:
        return None
    if not secrets.compare_digest(user.calendar_key, key):
        return None
    return user


# -- what it holds -------------------------------------------------------------
def site_link(endpoint: str, **values: Any) -> str:
    """The page's address on the site's public address (``BASE_URL``, as in
    e-mails): an agenda program keeps it, and behind a proxy the request's
    own scheme and host may be internal ones."""
    base = str(current_app.config.get("BASE_URL") or "").rstrip("/")
    return base + url_for(endpoint, **values)


def _uid(kind: str, number: int) -> str:
    """Unique worldwide, and the same at every download: the kind, the id and
    the site's host name."""
    host = urlsplit(str(current_app.config.get("BASE_URL") or "")).hostname
    return f"{kind}-{number}@{host or 'symbiosis'}"


def _schedule_lines(event: Event, org_id: int) -> list[str]:
    lines = []
    for row in event_views.schedule(event, org_id):
        when = f"{format_time(row.slot.starts_at, 'short')}–" + format_time(
            row.slot.ends_at, "short"
        )
        if row.other is None:
            lines.append(
                gettext("Round %(n)s, %(when)s: break.", n=row.slot.round, when=when)
            )
        else:
            sentence = gettext(
                "Round %(n)s, %(when)s: table %(table)s, with %(org)s.",
                n=row.slot.round,
                when=when,
                table=row.table,
                org=row.other.name,
            )
            lines.append(_one_stop(sentence, row.other.name))
    return lines


def _one_stop(sentence: str, name: str) -> str:
    """The sentence, ending in one full stop where it ends with a name that
    has its own ("Cartonnages de Foetz S.A.", not "S.A..")."""
    if name.endswith(".") and sentence.endswith(f"{name}."):
        return sentence[:-1]
    return sentence


def event_entry(event: Event, org_id: int | None) -> Entry:
    """The evening as one entry; with ``org_id``'s meetings once published."""
    parts = [event.description.strip()] if event.description else []
    registered = org_id is not None and any(
        r.organisation_id == org_id for r in event.registrations
    )
    if registered and event.state in PLAN_SHOWN:
        assert org_id is not None  # noqa: S101 - registered says so  # nosec B101
        parts.append("\n".join(_schedule_lines(event, org_id)))
    link = site_link("events.detail", event_id=event.id)
    parts.append(link)
    return Entry(
        uid=_uid("event", event.id),
        title=event.title,
        start=as_utc(event.starts_at),
        end=events.ends_at(event),
        location=event.place,
        description="\n\n".join(parts),
        url=link,
        sequence=event.version,
        modified=as_utc(event.updated_at) if event.updated_at else None,
    )


# The names of the organisations one meets come with the events: meetings
# name registered organisations, found in the session once these are loaded.
_WITH_PARTICIPANTS = (
    selectinload(Event.registrations).joinedload(EventRegistration.organisation),
    selectinload(Event.meetings),
)


def _events(user: User, since: datetime) -> list[Entry]:
    query = (
        sa.select(Event)
        .where(Event.starts_at >= since)
        .options(*_WITH_PARTICIPANTS)
        .order_by(Event.starts_at, Event.id)
    )
    own = user.organisation_id if user.is_org_member else None
    if not events.can_manage(user):
        if own is None:
            return []
        query = query.where(
            Event.state.in_([str(s) for s in VISIBLE_TO_ALL]),
            Event.id.in_(
                sa.select(EventRegistration.event_id).where(
                    EventRegistration.organisation_id == own
                )
            ),
        )
    return [event_entry(event, own) for event in db.session.scalars(query)]


def _group_meetings(user: User, since: date) -> list[Entry]:
    query = (
        sa.select(GroupMeeting, WorkingGroup.name)
        .join(WorkingGroup, GroupMeeting.group_id == WorkingGroup.id)
        .where(in_groups_of(user.id), GroupMeeting.held_on >= since)
        .order_by(GroupMeeting.held_on, GroupMeeting.id)
    )
    found = []
    for meeting, group_name in db.session.execute(query):
        link = site_link("groups.detail", group_id=meeting.group_id)
        notes = [text.strip() for text in (meeting.decisions, meeting.minutes) if text]
        found.append(
            Entry(
                uid=_uid("group-meeting", meeting.id),
                title=gettext(
                    "%(group)s: %(topic)s", group=group_name, topic=meeting.topic
                ),
                start=meeting.held_on,
                description="\n\n".join([*notes, link]),
                url=link,
            )
        )
    return found


def _actions(user: User) -> list[Entry]:
    """The open actions the user owes, whatever their date: late ones included."""
    query = (
        sa.select(GroupAction, WorkingGroup.name)
        .join(WorkingGroup, GroupAction.group_id == WorkingGroup.id)
        .where(GroupAction.owner_id == user.id, GroupAction.state == ActionState.OPEN)
        .order_by(GroupAction.due_on, GroupAction.id)
    )
    found = []
    for action, group_name in db.session.execute(query):
        link = site_link("groups.detail", group_id=action.group_id)
        found.append(
            Entry(
                uid=_uid("group-action", action.id),
                title=gettext("Due: %(action)s", action=action.title),
                start=action.due_on,
                description=gettext("Working group: %(group)s", group=group_name)
                + "\n\n"
                + link,
                url=link,
            )
        )
    return found


def _day(kind: str, agreement: Agreement, title: str, day: date, text: str) -> Entry:
    link = site_link("agreements.detail", agreement_id=agreement.id)
    return Entry(
        uid=_uid(kind, agreement.id),
        title=title,
        start=day,
        description=f"{text}\n\n{link}",
        url=link,
        sequence=agreement.version,
        modified=as_utc(agreement.updated_at) if agreement.updated_at else None,
    )


def _agreements(user: User, today: date, since: date) -> list[Entry]:
    """Of one's organisation's agreements: the last day to answer a proposal
    that waits for it, and the first and last days of the exchanges agreed."""
    if not user.is_org_member:
        return []
    own = user.organisation_id
    query = (
        sa.select(Agreement, Listing.title)
        .join(Listing, Listing.id == Agreement.request_id)
        .where(
            sa.or_(Agreement.supplier_id == own, Agreement.receiver_id == own),
            sa.or_(
                sa.and_(
                    Agreement.state == AgreementState.PROPOSED,
                    Agreement.proposer_id != own,
                    Agreement.expires_on >= today,
                ),
                sa.and_(
                    Agreement.state.in_(RUNNING),
                    sa.or_(Agreement.start_on >= since, Agreement.end_on >= since),
                ),
            ),
        )
        .order_by(Agreement.id)
    )
    found = []
    for agreement, title in db.session.execute(query):
        if agreement.state == AgreementState.PROPOSED:
            assert agreement.expires_on is not None  # noqa: S101 - as queried  # nosec B101
            found.append(
                _day(
                    "agreement-answer",
                    agreement,
                    gettext("Answer the proposal “%(title)s”", title=title),
                    agreement.expires_on,
                    gettext("Without an answer by this day, the proposal expires."),
                )
            )
            continue
        if agreement.start_on >= since:
            found.append(
                _day(
                    "agreement-start",
                    agreement,
                    gettext("Agreement “%(title)s” starts", title=title),
                    agreement.start_on,
                    gettext("The first day of the exchange agreed."),
                )
            )
        if agreement.end_on is not None and agreement.end_on >= since:
            found.append(
                _day(
                    "agreement-end",
                    agreement,
                    gettext("Agreement “%(title)s” ends", title=title),
                    agreement.end_on,
                    gettext("The last day of the exchange agreed."),
                )
            )
    return found


def entries(user: User, today: date | None = None) -> list[Entry]:
    """What the user's calendar holds, from :data:`PAST_DAYS` days ago on."""
    today = today or date.today()
    since = today - timedelta(days=PAST_DAYS)
    since_moment = datetime.combine(since, datetime.min.time(), tzinfo=utcnow().tzinfo)
    return [
        *_events(user, since_moment),
        *_group_meetings(user, since),
        *_actions(user),
        *_agreements(user, today, since),
    ]


def feed(user: User, today: date | None = None) -> bytes:
    """The iCalendar text of the user's calendar, in the current language."""
    name = gettext("Symbiosis: %(name)s", name=user.full_name)
    return calendar(name, entries(user, today), now=utcnow())


def event_file(event: Event, org_id: int | None) -> bytes:
    """One event as an iCalendar file to open in an agenda program."""
    return calendar(None, [event_entry(event, org_id)], now=utcnow())
