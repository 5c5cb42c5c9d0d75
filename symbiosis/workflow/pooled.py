"""Pooled services of a zone: the one table of states and who may move them.

A member proposes a service for its zone; the zone's manager (or a
facilitator) approves it, which opens it for enrolment, or rejects it with a
reason; organisations of the zone enrol and leave while it is open or under
way; the manager starts it and closes it. Closing keeps its history.
"""

from __future__ import annotations

from enum import StrEnum


class PoolState(StrEnum):
    PROPOSED = "proposed"
    OPEN = "open"  # approved: organisations of the zone may enrol
    ACTIVE = "active"
    CLOSED = "closed"
    REJECTED = "rejected"


class PoolAction(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    START = "start"
    CLOSE = "close"
    ENROL = "enrol"
    LEAVE = "leave"


class Role(StrEnum):
    MANAGER = "manager"  # the zone's manager, or a facilitator
    ZONE_MEMBER = "zone_member"  # a member of an organisation of the zone


S, A = PoolState, PoolAction
MANAGER = frozenset({Role.MANAGER})
ZONE = frozenset({Role.ZONE_MEMBER})

# (state, action) -> (next state, who may take it); enrolment keeps the state.
TRANSITIONS: dict[tuple[PoolState, PoolAction], tuple[PoolState, frozenset[Role]]] = {
    (S.PROPOSED, A.APPROVE): (S.OPEN, MANAGER),
    (S.PROPOSED, A.REJECT): (S.REJECTED, MANAGER),
    (S.OPEN, A.START): (S.ACTIVE, MANAGER),
    (S.OPEN, A.CLOSE): (S.CLOSED, MANAGER),
    (S.ACTIVE, A.CLOSE): (S.CLOSED, MANAGER),
    (S.OPEN, A.ENROL): (S.OPEN, ZONE),
    (S.ACTIVE, A.ENROL): (S.ACTIVE, ZONE),
    (S.OPEN, A.LEAVE): (S.OPEN, ZONE),
    (S.ACTIVE, A.LEAVE): (S.ACTIVE, ZONE),
}

NEEDS_REASON = frozenset({A.REJECT})
STEPS = (A.APPROVE, A.REJECT, A.START, A.CLOSE)  # the manager's buttons
VISIBLE_TO_ALL = frozenset({S.OPEN, S.ACTIVE, S.CLOSED})


class TransitionNotAllowed(ValueError):
    def __init__(self, state: PoolState, action: PoolAction) -> None:
        super().__init__(f"{action} is not possible from {state}")
        self.state = state
        self.action = action


class RoleNotAllowed(ValueError):
    def __init__(self, action: PoolAction, roles: frozenset[Role]) -> None:
        super().__init__(f"{action} needs one of {sorted(roles)}")
        self.action = action


def next_state(
    state: PoolState, action: PoolAction, roles: frozenset[Role]
) -> PoolState:
    """The state after ``action`` by someone holding ``roles``.

    :raises TransitionNotAllowed: when the table has no such transition.
    :raises RoleNotAllowed: when it has, but for other roles.
    """
    try:
        target, allowed = TRANSITIONS[(state, action)]
    except KeyError:
        raise TransitionNotAllowed(state, action) from None
    if not roles & allowed:
        raise RoleNotAllowed(action, allowed)
    return target


def allowed_actions(state: PoolState, roles: frozenset[Role]) -> list[PoolAction]:
    """Actions open to someone holding ``roles`` from ``state``, in display order."""
    return [
        action
        for action in PoolAction
        if (state, action) in TRANSITIONS and roles & TRANSITIONS[(state, action)][1]
    ]
