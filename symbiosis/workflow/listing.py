"""Listing states: what the owner may do, and what expiry does."""

from __future__ import annotations

from enum import StrEnum

from symbiosis.workflow.table import TransitionNotAllowed as TransitionNotAllowed
from symbiosis.workflow.table import open_from, step


class ListingState(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"
    EXPIRED = "expired"


class ListingAction(StrEnum):
    PAUSE = "pause"
    RESUME = "resume"
    CLOSE = "close"
    REOPEN = "reopen"
    EXPIRE = "expire"  # done by the system when the availability window ends


TRANSITIONS: dict[tuple[ListingState, ListingAction], ListingState] = {
    (ListingState.ACTIVE, ListingAction.PAUSE): ListingState.PAUSED,
    (ListingState.PAUSED, ListingAction.RESUME): ListingState.ACTIVE,
    (ListingState.ACTIVE, ListingAction.CLOSE): ListingState.CLOSED,
    (ListingState.PAUSED, ListingAction.CLOSE): ListingState.CLOSED,
    (ListingState.CLOSED, ListingAction.REOPEN): ListingState.ACTIVE,
    (ListingState.EXPIRED, ListingAction.REOPEN): ListingState.ACTIVE,
    (ListingState.ACTIVE, ListingAction.EXPIRE): ListingState.EXPIRED,
    (ListingState.PAUSED, ListingAction.EXPIRE): ListingState.EXPIRED,
}

OWNER_ACTIONS = (
    ListingAction.PAUSE,
    ListingAction.RESUME,
    ListingAction.CLOSE,
    ListingAction.REOPEN,
)


def next_state(state: ListingState, action: ListingAction) -> ListingState:
    """Return the state after ``action``.

    :raises TransitionNotAllowed: when the table has no such transition.
    """
    return step(TRANSITIONS, state, action, OWNER_ACTIONS)


def allowed_actions(state: ListingState) -> list[ListingAction]:
    """Return the owner's actions possible from ``state``, in display order."""
    return open_from(TRANSITIONS, state, OWNER_ACTIONS)


def action_to(state: str, wanted: object) -> ListingAction | None:
    """The owner's action that takes a listing from ``state`` to ``wanted``."""
    for action in OWNER_ACTIONS:
        if TRANSITIONS.get((ListingState(state), action)) == wanted:
            return action
    return None
