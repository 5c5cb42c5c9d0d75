"""Matchmaking evenings: the one table of states and what each state allows.

The facilitator drafts an event, opens registration, plans the meetings
(as often as needed: "plan again" keeps the locked meetings), edits the plan,
publishes it, and marks the event held on its day or later. Reopening registration
sends a planned event back to registration; revising a published plan sends
it back to planning. Every step is the facilitator's, so the table holds no
roles: the service checks that the actor may manage events.
"""

from __future__ import annotations

from enum import StrEnum

from symbiosis.workflow.table import TransitionNotAllowed as TransitionNotAllowed
from symbiosis.workflow.table import open_from, step


class EventState(StrEnum):
    DRAFT = "draft"  # only facilitators see it
    OPEN = "open"  # organisations register
    PLANNED = "planned"  # a plan exists; the facilitator edits it
    PUBLISHED = "published"  # participants see their schedule
    HELD = "held"  # the evening took place


class EventAction(StrEnum):
    OPEN = "open"
    PLAN = "plan"
    REOPEN = "reopen"
    PUBLISH = "publish"
    REVISE = "revise"
    HOLD = "hold"


S, A = EventState, EventAction

TRANSITIONS: dict[tuple[EventState, EventAction], EventState] = {
    (S.DRAFT, A.OPEN): S.OPEN,
    (S.OPEN, A.PLAN): S.PLANNED,
    (S.PLANNED, A.PLAN): S.PLANNED,
    (S.PLANNED, A.REOPEN): S.OPEN,
    (S.PLANNED, A.PUBLISH): S.PUBLISHED,
    (S.PUBLISHED, A.REVISE): S.PLANNED,
    (S.PUBLISHED, A.HOLD): S.HELD,
}

# What each state allows besides its transitions.
REGISTRATION_OPEN = frozenset({S.OPEN})
PLAN_EDITABLE = frozenset({S.PLANNED})  # swap, move, lock, unlock
PLAN_EXISTS = frozenset({S.PLANNED, S.PUBLISHED, S.HELD})
PLAN_SHOWN = frozenset({S.PUBLISHED, S.HELD})  # to the participants
VISIBLE_TO_ALL = frozenset({S.OPEN, S.PLANNED, S.PUBLISHED, S.HELD})
# Rounds, tables and the pair rule shape the plan: fixed once it exists.
STRUCTURE_EDITABLE = frozenset({S.DRAFT, S.OPEN})
DETAILS_EDITABLE = frozenset({S.DRAFT, S.OPEN, S.PLANNED, S.PUBLISHED})
# What the calendar allows: registration (re)opens only for an evening that
# has not begun, and an evening is held on its day or later, never before.
BEFORE_START = frozenset({A.OPEN, A.REOPEN})
FROM_ITS_DAY = frozenset({A.HOLD})


def next_state(state: EventState, action: EventAction) -> EventState:
    """The state after ``action``.

    :raises TransitionNotAllowed: when the table has no such transition.
    """
    return step(TRANSITIONS, state, action, EventAction)


def on_time(action: EventAction, *, begun: bool, its_day: bool) -> bool:
    """Whether the calendar allows ``action``.

    :param begun: the evening's first round has started.
    :param its_day: the evening's day has come (today or earlier).
    """
    if action in BEFORE_START:
        return not begun
    if action in FROM_ITS_DAY:
        return its_day
    return True


def takes_registrations(state: EventState, *, begun: bool) -> bool:
    """Whether organisations may register (or withdraw) now: while
    registration is open and the evening has not begun."""
    return state in REGISTRATION_OPEN and not begun


def allowed_actions(state: EventState) -> list[EventAction]:
    """The steps open from ``state``, in display order."""
    return open_from(TRANSITIONS, state, EventAction)
