"""Listing states: what the owner may do, and what expiry does."""

from __future__ import annotations

from enum import StrEnum


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


class TransitionNotAllowed(ValueError):
    def __init__(self, state: ListingState, action: ListingAction) -> None:
        super().__init__(f"{action} is not possible from {state}")
        self.state = state
        self.action = action
        self.allowed = allowed_actions(state)


def next_state(state: ListingState, action: ListingAction) -> ListingState:
    """Return the state after ``action``.

    :raises TransitionNotAllowed: when the table has no such transition.
    """
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise TransitionNotAllowed(state, action) from None


def allowed_actions(state: ListingState) -> list[ListingAction]:
    """Return the owner's actions possible from ``state``, in display order."""
    return [a for a in OWNER_ACTIONS if (state, a) in TRANSITIONS]


def action_to(state: str, wanted: object) -> ListingAction | None:
    """The owner's action that takes a listing from ``state`` to ``wanted``."""
    for action in OWNER_ACTIONS:
        if TRANSITIONS.get((ListingState(state), action)) == wanted:
            return action
    return None
