"""Agreement states: the one table of transitions and who may take each.

An agreement is between two organisations: the one whose terms are on the
table (the *proposer*) and the one that must answer them (the *counterparty*).
Countering swaps the roles: the new terms must be answered by the other side.
Once terms are accepted both parties are equal (*either* may act); the
*system* expires proposals nobody answered.
"""

from __future__ import annotations

from enum import StrEnum


class AgreementState(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    ACTIVE = "active"
    COMPLETED = "completed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    TERMINATED = "terminated"


class AgreementAction(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    COUNTER = "counter"
    WITHDRAW = "withdraw"
    START = "start"
    COMPLETE = "complete"
    TERMINATE = "terminate"
    EXPIRE = "expire"


class Party(StrEnum):
    PROPOSER = "proposer"  # the organisation whose terms are on the table
    COUNTERPARTY = "counterparty"  # the organisation that must answer them
    SYSTEM = "system"  # the scheduler (expiry)


S, A = AgreementState, AgreementAction
BOTH = frozenset({Party.PROPOSER, Party.COUNTERPARTY})
ANSWER = frozenset({Party.COUNTERPARTY})
SYSTEM = frozenset({Party.SYSTEM})

# (state, action) -> (next state, who may take it)
TRANSITIONS: dict[tuple[AgreementState, AgreementAction], tuple[AgreementState, frozenset[Party]]] = {  # noqa: E501
    (S.PROPOSED, A.ACCEPT): (S.ACCEPTED, ANSWER),
    (S.PROPOSED, A.DECLINE): (S.DECLINED, ANSWER),
    (S.PROPOSED, A.COUNTER): (S.PROPOSED, ANSWER),
    (S.PROPOSED, A.WITHDRAW): (S.WITHDRAWN, BOTH),
    (S.PROPOSED, A.EXPIRE): (S.EXPIRED, SYSTEM),
    # Accepted terms may still be reopened before the exchange starts.
    (S.ACCEPTED, A.COUNTER): (S.PROPOSED, BOTH),
    (S.ACCEPTED, A.START): (S.ACTIVE, BOTH),
    (S.ACTIVE, A.COMPLETE): (S.COMPLETED, BOTH),
    (S.ACTIVE, A.TERMINATE): (S.TERMINATED, BOTH),
}  # fmt: skip

FINAL = frozenset({S.COMPLETED, S.DECLINED, S.WITHDRAWN, S.EXPIRED, S.TERMINATED})
# The states still open; lists filter on them under the name OPEN.
OPEN_STATES = frozenset(AgreementState) - FINAL
OPEN = "open"
# From these states on, anonymous parties know each other.
REVEALED = frozenset({S.ACCEPTED, S.ACTIVE, S.COMPLETED, S.TERMINATED})
# Actions that need a written reason.
NEEDS_REASON = frozenset({A.DECLINE, A.TERMINATE})
# Display order of the actions offered to a party.
PARTY_ACTIONS = (
    A.ACCEPT,
    A.COUNTER,
    A.DECLINE,
    A.WITHDRAW,
    A.START,
    A.COMPLETE,
    A.TERMINATE,
)


class TransitionNotAllowed(ValueError):
    """The table has no such transition from this state."""

    def __init__(self, state: AgreementState, action: AgreementAction) -> None:
        super().__init__(f"{action} is not possible from {state}")
        self.state = state
        self.action = action


class NotYourTurn(ValueError):
    """The transition exists, but this party may not take it."""

    def __init__(self, action: AgreementAction, party: Party) -> None:
        super().__init__(f"the {party} may not {action}")
        self.action = action
        self.party = party


def next_state(
    state: AgreementState, action: AgreementAction, party: Party
) -> AgreementState:
    """Return the state after ``party`` takes ``action`` from ``state``.

    :raises TransitionNotAllowed: when the table has no such transition.
    :raises NotYourTurn: when it has, but not for this party.
    """
    try:
        target, allowed = TRANSITIONS[(state, action)]
    except KeyError:
        raise TransitionNotAllowed(state, action) from None
    if party not in allowed:
        raise NotYourTurn(action, party)
    return target


def allowed_actions(state: AgreementState, party: Party) -> list[AgreementAction]:
    """The actions ``party`` may take from ``state``, in display order."""
    return [
        action
        for action in PARTY_ACTIONS
        if party in TRANSITIONS.get((state, action), (state, frozenset()))[1]
    ]


def offered_actions(state: AgreementState, party: Party) -> list[AgreementAction]:
    """The actions a page offers ``party``: those allowed, except that whoever
    must answer terms is offered to decline them, not also to withdraw (both
    end the proposal; the API still takes either)."""
    actions = allowed_actions(state, party)
    if AgreementAction.DECLINE in actions:
        actions.remove(AgreementAction.WITHDRAW)
    return actions


def is_revealed(state: AgreementState) -> bool:
    return state in REVEALED


class NextStep(StrEnum):
    """What the agreement waits for, as a party (or an onlooker) reads it."""

    YOUR_ANSWER = "your_answer"  # the counterparty answers the terms
    AN_ANSWER = "an_answer"  # someone else must answer them
    START = "start"  # accepted terms: either party starts the exchange
    DELIVER = "deliver"  # under way: deliveries, then completion
    NOTHING = "nothing"  # a final state


def next_step(state: AgreementState, party: Party | None) -> NextStep:
    """What comes next from ``state`` for ``party`` (None: not a party)."""
    if state is AgreementState.PROPOSED:
        return (
            NextStep.YOUR_ANSWER if party is Party.COUNTERPARTY else NextStep.AN_ANSWER
        )
    if state is AgreementState.ACCEPTED:
        return NextStep.START
    if state is AgreementState.ACTIVE:
        return NextStep.DELIVER
    return NextStep.NOTHING
