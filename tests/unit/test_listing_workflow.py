import itertools

import pytest

from symbiosis.workflow.listing import (
    TRANSITIONS,
    ListingAction,
    ListingState,
    TransitionNotAllowed,
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
