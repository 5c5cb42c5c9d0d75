import itertools

import pytest

from symbiosis.workflow.listing import (
    TRANSITIONS,
    ListingAction,
    ListingState,
    TransitionNotAllowed,
    action_to,
    allowed_actions,
    next_state,
)

EXPECTED = {
    ("active", "pause"): "paused",
    ("paused", "resume"): "active",
    ("active", "close"): "closed",
    ("paused", "close"): "closed",
    ("closed", "reopen"): "active",
    ("expired", "reopen"): "active",
    ("active", "expire"): "expired",
    ("paused", "expire"): "expired",
}


@pytest.mark.parametrize(
    ("state", "action"), list(itertools.product(ListingState, ListingAction))
)
def test_every_state_and_action(state: ListingState, action: ListingAction) -> None:
    expected = EXPECTED.get((state.value, action.value))
    if expected is None:
        with pytest.raises(TransitionNotAllowed) as error:
            next_state(state, action)
        assert action not in error.value.allowed
    else:
        assert next_state(state, action) == expected


def test_table_is_what_the_tests_expect() -> None:
    assert {
        (s.value, a.value): t.value for (s, a), t in TRANSITIONS.items()
    } == EXPECTED


def test_owner_actions_never_include_expiry() -> None:
    assert allowed_actions(ListingState.ACTIVE) == [
        ListingAction.PAUSE,
        ListingAction.CLOSE,
    ]
    assert allowed_actions(ListingState.EXPIRED) == [ListingAction.REOPEN]


def test_action_to_a_wanted_state_comes_from_the_table() -> None:
    assert action_to("active", "paused") is ListingAction.PAUSE
    assert action_to("expired", "active") is ListingAction.REOPEN
    assert action_to("active", "expired") is None  # expiry is not the owner's
    assert action_to("closed", "paused") is None
    assert action_to("active", ["paused"]) is None
