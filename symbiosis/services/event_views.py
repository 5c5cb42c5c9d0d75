"""An event as the pages show it: the facilitator's steps, a first draft of a
registration, the plan by round, and one organisation's day.

Reasons are stored as codes with parameters (``planner.model.Reason``); they
are put into words here, in the reader's language, with the organisations'
names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.models import Event, EventMeeting, Listing, Organisation
from symbiosis.models.base import utcnow
from symbiosis.services.events import Slot, can_manage, date_refusal, slots
from symbiosis.workflow.event import EventAction, EventState, allowed_actions
from symbiosis.workflow.listing import ListingState

SUGGESTED = 6  # listing titles offered as a first draft of a registration


@dataclass
class Steps:
    """The steps a facilitator may take now, and why others the state allows
    wait for another date (the evening has begun, or its day has not come)."""

    actions: list[EventAction] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)


def steps(user: Any, event: Event) -> Steps:
    """The facilitator's steps on ``event`` now; none for anyone else."""
    found = Steps()
    if not can_manage(user):
        return found
    now = utcnow()
    for action in allowed_actions(EventState(event.state)):
        refusal = date_refusal(event, action, now)
        if refusal is None:
            found.actions.append(action)
        elif refusal not in found.waiting:
            found.waiting.append(refusal)
    return found


def suggested(organisation_id: int) -> tuple[str, str]:
    """What the organisation offers and seeks, one per line, from its active
    service listings: a first draft of its registration, newest first."""
    lines: dict[str, list[str]] = {"offer": [], "request": []}
    for kind, title in db.session.execute(
        sa.select(Listing.kind, Listing.title)
        .where(
            Listing.organisation_id == organisation_id,
            Listing.resource == "service",
            Listing.state == ListingState.ACTIVE,
        )
        .order_by(Listing.created_at.desc(), Listing.id.desc())
    ):
        if len(lines[kind]) < SUGGESTED:
            lines[kind].append(" ".join(title.split()))
    return "\n".join(lines["offer"]), "\n".join(lines["request"])


def registrable(user: Any) -> list[Organisation]:
    """Organisations ``user`` may register: any for facilitators, else their own."""
    if can_manage(user):
        return list(
            db.session.scalars(sa.select(Organisation).order_by(Organisation.name_key))
        )
    org = user.organisation if user.is_org_member else None
    return [org] if org is not None else []


@dataclass
class Seat:
    """One meeting as a page shows it."""

    meeting: EventMeeting
    reasons: list[str]


@dataclass
class RoundView:
    slot: Slot
    seats: list[Seat]
    waiting: list[Organisation] = field(default_factory=list)


@dataclass
class ScheduleRow:
    """One round of one organisation: whom it meets, where and why (or a pause)."""

    slot: Slot
    table: int | None = None
    other: Organisation | None = None
    score: float | None = None
    reasons: list[str] = field(default_factory=list)


def names(event: Event) -> dict[str, str]:
    """Organisation id (as the planner writes it) → name."""
    found = {str(r.organisation_id): r.organisation.name for r in event.registrations}
    for m in event.meetings:
        found.setdefault(str(m.org_a_id), m.org_a.name)
        found.setdefault(str(m.org_b_id), m.org_b.name)
    return found


def reason_texts(meeting: EventMeeting, known: dict[str, str]) -> list[str]:
    """Why two organisations meet, in the user's language."""
    texts = []
    for reason in meeting.reasons or []:
        params = dict(reason.get("params") or {})
        code = reason.get("code")
        if code == "offer_meets_seek":
            texts.append(
                gettext(
                    "%(giver)s offers “%(offer)s”; %(seeker)s seeks “%(seek)s” "
                    "(%(percent)s %%).",
                    giver=known.get(str(params.get("giver")), "?"),
                    offer=params.get("offer", ""),
                    seeker=known.get(str(params.get("seeker")), "?"),
                    seek=params.get("seek", ""),
                    percent=params.get("percent", ""),
                )
            )
        elif code == "shared_sdgs":
            sdgs = ", ".join(str(s) for s in params.get("sdgs", []))
            texts.append(gettext("Shared SDGs: %(sdgs)s.", sdgs=sdgs))
        elif code == "shared_themes":
            themes = ", ".join(str(t) for t in params.get("themes", []))
            texts.append(gettext("Shared themes: %(themes)s.", themes=themes))
    return texts


def by_round(event: Event) -> list[RoundView]:
    """Every round's tables with the two organisations, and who waits."""
    known = names(event)
    registered = [r.organisation for r in event.registrations]
    views = []
    for slot in slots(event):
        meetings = [m for m in event.meetings if m.round == slot.round]
        seated = {m.org_a_id for m in meetings} | {m.org_b_id for m in meetings}
        views.append(
            RoundView(
                slot,
                [Seat(m, reason_texts(m, known)) for m in meetings],
                [o for o in registered if o.id not in seated],
            )
        )
    return views


def schedule(event: Event, organisation_id: int) -> list[ScheduleRow]:
    """One organisation's evening, round by round (a pause where it waits)."""
    known = names(event)
    rows = []
    for slot in slots(event):
        meeting = next(
            (
                m
                for m in event.meetings
                if m.round == slot.round and organisation_id in (m.org_a_id, m.org_b_id)
            ),
            None,
        )
        if meeting is None:
            rows.append(ScheduleRow(slot))
        else:
            rows.append(
                ScheduleRow(
                    slot,
                    meeting.table_no,
                    meeting.other(organisation_id),
                    meeting.score,
                    reason_texts(meeting, known),
                )
            )
    return rows


def summary(event: Event) -> dict[str, int]:
    """Meetings, total score, the fewest and most meetings of anyone, and
    how many tables the registrations can fill in a round."""
    counts = {r.organisation_id: 0 for r in event.registrations}
    for m in event.meetings:
        for org_id in (m.org_a_id, m.org_b_id):
            counts[org_id] = counts.get(org_id, 0) + 1
    kinds = [r.organisation.kind for r in event.registrations]
    firms = sum(1 for kind in kinds if kind == "company")
    if event.pairs == "mixed":  # each meeting takes a firm and a non-profit
        per_round = min(firms, len(kinds) - firms)
    else:
        per_round = len(kinds) // 2
    return {
        "meetings": len(event.meetings),
        "total": round(sum(m.score for m in event.meetings)),
        "fewest": min(counts.values(), default=0),
        "most": max(counts.values(), default=0),
        "locked": sum(1 for m in event.meetings if m.locked),
        # Tables the registrations can fill in a round, at most.
        "per_round": min(per_round, event.tables),
        "tables": event.tables,
        "firms": firms,
        "nonprofits": len(kinds) - firms,
    }
