"""The agreement table, triple by triple: every state × action × party.

``EXPECTED`` is written out here, independently of the module, from the rules in
its docstring: the counterparty answers proposed terms, either party withdraws
them, reopens accepted terms, starts, completes or terminates; only the system
expires. Each (state, action, party) triple is its own test.
"""

from __future__ import annotations

import itertools

import pytest

from symbiosis.workflow.agreement import (
    FINAL,
    NEEDS_REASON,
    PARTY_ACTIONS,
    REVEALED,
    TRANSITIONS,
    AgreementAction,
    AgreementState,
    NextStep,
    NotYourTurn,
    Party,
    TransitionNotAllowed,
    allowed_actions,
    is_revealed,
    next_state,
    next_step,
    offered_actions,
)

S, A, P = AgreementState, AgreementAction, Party
EITHER = {P.PROPOSER, P.COUNTERPARTY}

Key = tuple[AgreementState, AgreementAction]
EXPECTED: dict[Key, tuple[AgreementState, set[Party]]] = {
    (S.PROPOSED, A.ACCEPT): (S.ACCEPTED, {P.COUNTERPARTY}),
    (S.PROPOSED, A.DECLINE): (S.DECLINED, {P.COUNTERPARTY}),
    (S.PROPOSED, A.COUNTER): (S.PROPOSED, {P.COUNTERPARTY}),
    (S.PROPOSED, A.WITHDRAW): (S.WITHDRAWN, EITHER),
    (S.PROPOSED, A.EXPIRE): (S.EXPIRED, {P.SYSTEM}),
    (S.ACCEPTED, A.COUNTER): (S.PROPOSED, EITHER),
    (S.ACCEPTED, A.START): (S.ACTIVE, EITHER),
    (S.ACTIVE, A.COMPLETE): (S.COMPLETED, EITHER),
    (S.ACTIVE, A.TERMINATE): (S.TERMINATED, EITHER),
}  # fmt: skip

TRIPLES = list(itertools.product(AgreementState, AgreementAction, Party))


def _id(triple: tuple[AgreementState, AgreementAction, Party]) -> str:
    return "-".join(member.value for member in triple)


def test_the_table_is_the_expected_one() -> None:
    assert {k: (t, set(who)) for k, (t, who) in TRANSITIONS.items()} == EXPECTED


def test_every_triple_is_covered() -> None:
    assert len(TRIPLES) == len(AgreementState) * len(AgreementAction) * len(Party)
    assert len({_id(t) for t in TRIPLES}) == len(TRIPLES)


@pytest.mark.parametrize(("state", "action", "party"), TRIPLES, ids=map(_id, TRIPLES))
def test_next_state(
    state: AgreementState, action: AgreementAction, party: Party
) -> None:
    entry = EXPECTED.get((state, action))
    if entry is None:
        with pytest.raises(TransitionNotAllowed) as refused:
            next_state(state, action, party)
        assert (refused.value.state, refused.value.action) == (state, action)
        assert action not in allowed_actions(state, party)
        return
    target, allowed = entry
    if party not in allowed:
        with pytest.raises(NotYourTurn) as refused:
            next_state(state, action, party)
        assert (refused.value.action, refused.value.party) == (action, party)
        assert action not in allowed_actions(state, party)
        return
    assert next_state(state, action, party) is target
    # Offered to the party unless it is the system's (expiry is not a button).
    assert (action in allowed_actions(state, party)) is (action in PARTY_ACTIONS)


def test_refusals_are_value_errors_the_service_catches() -> None:
    assert issubclass(TransitionNotAllowed, ValueError)
    assert issubclass(NotYourTurn, ValueError)
    with pytest.raises(TransitionNotAllowed, match="complete is not possible"):
        next_state(S.PROPOSED, A.COMPLETE, P.PROPOSER)
    with pytest.raises(NotYourTurn, match="the proposer may not accept"):
        next_state(S.PROPOSED, A.ACCEPT, P.PROPOSER)


@pytest.mark.parametrize(
    ("state", "party"),
    list(itertools.product(AgreementState, Party)),
    ids=lambda v: v.value,
)
def test_allowed_actions_follow_the_table_in_display_order(
    state: AgreementState, party: Party
) -> None:
    expected = [
        action
        for action in PARTY_ACTIONS
        if party in EXPECTED.get((state, action), (state, set()))[1]
    ]
    assert allowed_actions(state, party) == expected
    if state in FINAL or party is P.SYSTEM:
        assert expected == []


@pytest.mark.parametrize(
    ("state", "party"),
    list(itertools.product(AgreementState, Party)),
    ids=lambda v: v.value,
)
def test_pages_offer_the_answering_party_decline_not_withdraw(
    state: AgreementState, party: Party
) -> None:
    allowed = allowed_actions(state, party)
    offered = offered_actions(state, party)
    if A.DECLINE in allowed:
        assert offered == [a for a in allowed if a is not A.WITHDRAW]
        assert A.WITHDRAW in allowed  # the API still takes it
    else:
        assert offered == allowed


def test_each_side_of_a_proposal_sees_one_way_to_end_it() -> None:
    assert offered_actions(S.PROPOSED, P.COUNTERPARTY) == [
        A.ACCEPT,
        A.COUNTER,
        A.DECLINE,
    ]
    assert offered_actions(S.PROPOSED, P.PROPOSER) == [A.WITHDRAW]


def test_party_actions_are_every_action_but_expiry_once() -> None:
    assert len(PARTY_ACTIONS) == len(set(PARTY_ACTIONS))
    assert set(PARTY_ACTIONS) == set(AgreementAction) - {A.EXPIRE}
    # Only the system expires, and the system does nothing else.
    for (_, action), (_, who) in TRANSITIONS.items():
        assert (P.SYSTEM in who) is (action is A.EXPIRE)
        assert who == {P.SYSTEM} or P.SYSTEM not in who


@pytest.mark.parametrize("state", sorted(FINAL), ids=str)
def test_final_states_allow_nothing(state: AgreementState) -> None:
    assert not [key for key in TRANSITIONS if key[0] is state]
    for action, party in itertools.product(AgreementAction, Party):
        with pytest.raises(TransitionNotAllowed):
            next_state(state, action, party)
        assert allowed_actions(state, party) == []


def _successors(state: AgreementState) -> set[AgreementState]:
    return {target for (s, _), (target, _) in TRANSITIONS.items() if s is state}


def _reachable(
    start: AgreementState, *, skip: set[AgreementAction]
) -> set[AgreementState]:
    seen, todo = {start}, [start]
    while todo:
        state = todo.pop()
        for (s, action), (target, _) in TRANSITIONS.items():
            if s is state and action not in skip and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_final_is_exactly_the_states_without_a_way_out() -> None:
    assert {s for s in AgreementState if not _successors(s)} == FINAL
    assert {S.PROPOSED, S.ACCEPTED, S.ACTIVE}.isdisjoint(FINAL)


def test_every_state_is_reachable_and_every_open_one_can_end() -> None:
    assert _reachable(S.PROPOSED, skip=set()) == set(AgreementState)
    for state in set(AgreementState) - FINAL:
        assert _reachable(state, skip=set()) & FINAL, state


def test_revealed_states_are_those_after_acceptance() -> None:
    """Anonymous parties learn each other on acceptance and stay known until the
    end, unless accepted terms are reopened (a counter goes back to proposed)."""
    assert _reachable(S.ACCEPTED, skip={A.COUNTER}) == REVEALED
    assert S.PROPOSED not in REVEALED
    assert set(AgreementState) >= REVEALED
    # Ends reachable without acceptance never reveal anyone.
    for state in {S.DECLINED, S.WITHDRAWN, S.EXPIRED}:
        assert state not in REVEALED
    for state in AgreementState:
        assert is_revealed(state) is (state in REVEALED)


def test_reasons_are_asked_for_real_steps_that_end_or_refuse() -> None:
    assert {A.DECLINE, A.TERMINATE} == NEEDS_REASON
    for action in NEEDS_REASON:
        targets = {t for (_, a), (t, _) in TRANSITIONS.items() if a is action}
        assert targets
        assert targets <= FINAL


@pytest.mark.parametrize(
    ("state", "party", "step"),
    [
        (S.PROPOSED, Party.COUNTERPARTY, NextStep.YOUR_ANSWER),
        (S.PROPOSED, Party.PROPOSER, NextStep.AN_ANSWER),
        (S.PROPOSED, None, NextStep.AN_ANSWER),
        (S.ACCEPTED, Party.PROPOSER, NextStep.START),
        (S.ACCEPTED, Party.COUNTERPARTY, NextStep.START),
        (S.ACTIVE, None, NextStep.DELIVER),
        *((final, Party.COUNTERPARTY, NextStep.NOTHING) for final in sorted(FINAL)),
    ],
)
def test_next_step_says_who_acts(
    state: AgreementState, party: Party | None, step: NextStep
) -> None:
    assert next_step(state, party) is step


def test_next_step_is_an_answer_exactly_where_the_counterparty_may_accept() -> None:
    for state in AgreementState:
        awaited = next_step(state, Party.COUNTERPARTY) is NextStep.YOUR_ANSWER
        assert awaited == (A.ACCEPT in allowed_actions(state, Party.COUNTERPARTY))
