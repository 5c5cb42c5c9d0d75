"""Property test: for any event, no plan and no accepted edit breaks a constraint.

The checks here are written out again rather than taken from ``validate``, so a
bug in the validator cannot hide one in the solver.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symbiosis.planner.model import KINDS, PAIR_RULES, Event, Meeting, Participant, Plan
from symbiosis.planner.rules import EditRefused, move, swap, validate
from symbiosis.planner.solver import greedy, plan

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    database=None,  # no .hypothesis/ directory in the working tree
    suppress_health_check=[HealthCheck.too_slow],
)


@st.composite
def events(draw: st.DrawFn) -> tuple[Event, np.ndarray]:
    n = draw(st.integers(0, 12))
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=n, max_size=n))
    people = [Participant(f"p{i}", kind) for i, kind in enumerate(kinds)]
    event = Event(
        rounds=draw(st.integers(1, 5)),
        tables=draw(st.integers(1, 7)),
        participants=people,
        pairs=draw(st.sampled_from(PAIR_RULES)),
    )
    seed = draw(st.integers(0, 2**32 - 1))
    scores = np.round(np.random.default_rng(seed).uniform(0, 100, (n, n)), 1)
    scores = np.triu(scores, 1) + np.triu(scores, 1).T
    if n >= 2:
        index = st.integers(0, n - 1)
        for i, j in draw(st.lists(st.tuples(index, index), max_size=6)):
            if i != j:
                event.excluded.add(frozenset((f"p{i}", f"p{j}")))
        wanted = st.tuples(
            st.integers(1, event.rounds), st.integers(1, event.tables), index, index
        )
        for r, t, i, j in draw(st.lists(wanted, max_size=6)):
            lock = Meeting(r, t, f"p{i}", f"p{j}")
            rounds: list[list[Meeting]] = [[] for _ in range(event.rounds)]
            for m in [*event.locked, lock]:
                rounds[m.round - 1].append(m)
            if not validate(event, Plan(rounds), locks=False):
                event.locked.append(lock)
    return event, scores


def assert_keeps_every_rule(event: Event, result: Plan) -> None:
    kinds = {p.id: p.kind for p in event.participants}
    assert len(result.rounds) == event.rounds
    met: set[frozenset[str]] = set()
    for number, meetings in enumerate(result.rounds, start=1):
        assert len(meetings) <= event.tables
        tables = [m.table for m in meetings]
        assert len(set(tables)) == len(tables)
        assert all(1 <= t <= event.tables for t in tables)
        seated = [x for m in meetings for x in (m.a, m.b)]
        assert len(set(seated)) == len(seated), "someone sits at two tables"
        for m in meetings:
            assert {m.a, m.b} <= kinds.keys()
            assert m.a != m.b
            assert m.pair not in met, "a pair meets twice"
            met.add(m.pair)
            assert m.pair not in event.excluded
            if event.pairs == "mixed":
                assert kinds[m.a] != kinds[m.b]
        for lock in event.locked:
            if lock.round == number:
                assert any(
                    m.table == lock.table and m.pair == lock.pair for m in meetings
                ), "a lock was lost"


@SETTINGS
@given(events())
def test_plans_never_break_a_constraint(drawn: tuple[Event, np.ndarray]) -> None:
    event, scores = drawn
    for result in (plan(event, scores, budget=0.5), greedy(event, scores)):
        assert_keeps_every_rule(event, result)
        assert validate(event, result) == []


@SETTINGS
@given(events(), st.data())
def test_accepted_edits_never_break_a_constraint(
    drawn: tuple[Event, np.ndarray], data: st.DataObject
) -> None:
    event, scores = drawn
    result = plan(event, scores, budget=0.5)
    index = {p.id: i for i, p in enumerate(event.participants)}

    def score(a: str, b: str) -> float:
        return float(scores[index[a], index[b]])

    for _ in range(3):
        number = data.draw(st.integers(1, event.rounds))
        try:
            if data.draw(st.booleans()) and len(event.participants) >= 2:
                x, y = data.draw(
                    st.lists(
                        st.sampled_from(sorted(index)),
                        min_size=2,
                        max_size=2,
                        unique=True,
                    )
                )
                result = swap(event, result, number, x, y, score)
            else:
                table = data.draw(st.integers(1, event.tables))
                to = (
                    data.draw(st.integers(1, event.rounds)),
                    data.draw(st.integers(1, event.tables)),
                )
                result = move(event, result, number, table, *to)
        except EditRefused as refused:
            problems = refused.problems
        else:
            problems = []
        assert problems or validate(event, result) == []
        assert_keeps_every_rule(event, result)


@SETTINGS
@given(st.integers(1, 7), st.data())
def test_a_balanced_evening_seats_everyone_every_round(
    k: int, data: st.DataObject
) -> None:
    """k firms, k non-profits, k tables: any scores, R ≤ k rounds, all meet R times."""
    rounds = data.draw(st.integers(1, k))
    people = [Participant(f"c{i}", "company") for i in range(k)]
    people += [Participant(f"a{i}", "association") for i in range(k)]
    event = Event(rounds, data.draw(st.integers(k, k + 2)), people, "mixed")
    seed = data.draw(st.integers(0, 2**32 - 1))
    scores = np.round(np.random.default_rng(seed).uniform(0, 100, (2 * k, 2 * k)), 1)
    scores = np.triu(scores, 1) + np.triu(scores, 1).T
    result = plan(event, scores, budget=0.5)
    assert_keeps_every_rule(event, result)
    assert result.counts() == {p.id: rounds for p in people}
