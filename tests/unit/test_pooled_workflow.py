"""The pooled-service table, checked for every (state, action, role) triple."""

from __future__ import annotations

import itertools

import pytest

from symbiosis.workflow.pooled import (
    TRANSITIONS,
    PoolAction,
    PoolState,
    Role,
    RoleNotAllowed,
    TransitionNotAllowed,
    allowed_actions,
    next_state,
)

S, A, R = PoolState, PoolAction, Role
# Written out again, independently of the module: the rules of the issue.
EXPECTED = {
    (S.PROPOSED, A.APPROVE): (S.OPEN, {R.MANAGER}),
    (S.PROPOSED, A.REJECT): (S.REJECTED, {R.MANAGER}),
    (S.OPEN, A.START): (S.ACTIVE, {R.MANAGER}),
    (S.OPEN, A.CLOSE): (S.CLOSED, {R.MANAGER}),
    (S.ACTIVE, A.CLOSE): (S.CLOSED, {R.MANAGER}),
    (S.OPEN, A.ENROL): (S.OPEN, {R.ZONE_MEMBER}),
    (S.ACTIVE, A.ENROL): (S.ACTIVE, {R.ZONE_MEMBER}),
    (S.OPEN, A.LEAVE): (S.OPEN, {R.ZONE_MEMBER}),
    (S.ACTIVE, A.LEAVE): (S.ACTIVE, {R.ZONE_MEMBER}),
}


def test_the_table_is_the_expected_one() -> None:
    assert {k: (v[0], set(v[1])) for k, v in TRANSITIONS.items()} == EXPECTED


@pytest.mark.parametrize(
    ("state", "action", "role"),
    list(itertools.product(PoolState, PoolAction, Role)),
    ids=lambda v: str(v),
)
def test_every_triple(state: PoolState, action: PoolAction, role: Role) -> None:
    expected = EXPECTED.get((state, action))
    if expected is None:
        with pytest.raises(TransitionNotAllowed):
            next_state(state, action, frozenset({role}))
        assert action not in allowed_actions(state, frozenset({role}))
    elif role in expected[1]:
        assert next_state(state, action, frozenset({role})) == expected[0]
        assert action in allowed_actions(state, frozenset({role}))
    else:
        with pytest.raises(RoleNotAllowed):
            next_state(state, action, frozenset({role}))
        assert action not in allowed_actions(state, frozenset({role}))


def test_final_states_allow_nothing() -> None:
    everyone = frozenset(Role)
    for state in (S.CLOSED, S.REJECTED):
        assert allowed_actions(state, everyone) == []
    with pytest.raises(RoleNotAllowed):
        next_state(S.PROPOSED, A.APPROVE, frozenset())
