"""Build the schedule: R rounds of at most T tables, fair and high-scoring.

The plan maximises ``J = Σ scores of its meetings + Σ_i g_i(meetings of i)``
where ``g_i`` is concave: the k-th meeting of participant i is worth
``BASE + FAIR · max(0, target_i − k + 1)``, so a meeting for someone behind
their fair share (``target_i``: the meetings the tables and the other side
allow, evenly spread, at most R) outweighs a better score for someone ahead.

A mixed event (firms meet non-profits) starts from the best J over the whole
evening at once (:mod:`flow`: a min-cost flow, exact, then shared out into
rounds), when its size lets the flow finish within ``FLOW_SHARE`` of the
budget; an open event, or a mixed one too large, starts round by round: with
the other rounds fixed, J of one round is a sum over its meetings of
``score(a, b) + v_a + v_b``, a maximum-weight matching, built greedily on those
weights and improved by local search (:mod:`matching`: alternating paths seat
whoever can still be seated, two meetings exchange partners, someone waiting
takes a seat). Then every round is improved again, the others fixed, until a
pass gains nothing or the time budget is spent. J never decreases, so the
result is at least a local optimum (the global one where the flow placed every
meeting it chose), and it respects every constraint by construction: pairs
that may not meet, or met in another round, have no weight at all.

``greedy`` is the baseline: round by round, the highest-scoring allowed pair
of two free participants first, until the tables are full.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from symbiosis.planner import flow
from symbiosis.planner.matching import EPS, NEG, Matrix, Pairs, improve, take
from symbiosis.planner.model import Event, Meeting, Plan
from symbiosis.planner.rules import check_locks

BASE = 20.0  # a meeting, any meeting, beats an empty seat
FAIR = 60.0  # per meeting still missing to one's fair share
DEFAULT_BUDGET = 3.0  # seconds for the improvement passes
FLOW_SHARE = 0.75  # of the budget the whole-evening flow may take
FLOW_WORK = 3e7  # meetings × firms × non-profits past which it is not tried


class Board:
    """Indices, allowed pairs and locks of one event (shared by both solvers)."""

    def __init__(self, event: Event, scores: Matrix) -> None:
        check_locks(event)
        self.event = event
        self.scores = scores
        people = event.participants
        self.n = n = len(people)
        self.index = {p.id: i for i, p in enumerate(people)}
        company = np.array([p.kind == "company" for p in people], dtype=bool)
        self.company = company
        allowed = np.ones((n, n), dtype=bool)
        if event.pairs == "mixed":
            allowed = company[:, None] != company[None, :]
        np.fill_diagonal(allowed, False)
        for pair in event.excluded:
            a, b = (self.index.get(x, -1) for x in sorted(pair))
            if a >= 0 and b >= 0:
                allowed[a, b] = allowed[b, a] = False
        self.allowed = allowed
        self.rounds: list[Pairs] = [[] for _ in range(event.rounds)]
        self.locked: list[Pairs] = [[] for _ in range(event.rounds)]
        self.busy = np.zeros((event.rounds, n), dtype=bool)  # locked seats
        self.used = np.zeros((n, n), dtype=bool)
        self.count = np.zeros(n)
        for m in event.locked:
            a, b = self.index[m.a], self.index[m.b]
            self.locked[m.round - 1].append((a, b))
            self.busy[m.round - 1, [a, b]] = True
            self._mark((a, b), 1)
        self.free_tables = [
            event.tables - len(self.locked[r]) for r in range(event.rounds)
        ]
        self.target = self._targets()

    def _mark(self, pair: tuple[int, int], step: int) -> None:
        a, b = pair
        self.used[a, b] = self.used[b, a] = step > 0
        self.count[[a, b]] += step

    def _targets(self) -> NDArray[np.float64]:
        """Each participant's fair share of the meetings the event can hold."""
        total = 0
        sizes = np.ones(self.n)
        for r in range(self.event.rounds):
            free = ~self.busy[r]
            seats = int(free.sum()) // 2
            if self.event.pairs == "mixed":
                seats = min(
                    int((free & self.company).sum()), int((free & ~self.company).sum())
                )
            total += min(self.free_tables[r], seats)
        locked_meetings = sum(len(pairs) for pairs in self.locked)
        if self.event.pairs == "mixed":
            sizes[self.company] = max(int(self.company.sum()), 1)
            sizes[~self.company] = max(int((~self.company).sum()), 1)
            share = (total + locked_meetings) / sizes
        else:
            share = np.full(self.n, 2 * (total + locked_meetings) / max(self.n, 1))
        partners = self.allowed.sum(axis=1)
        target: NDArray[np.float64] = np.minimum(
            np.minimum(share, self.event.rounds), partners
        )
        return target

    def weights(self, r: int) -> Matrix:
        """Round ``r``'s pair weights, the other rounds as they stand."""
        own = self.rounds[r]
        for pair in own:
            self._mark(pair, -1)
        value = BASE + FAIR * np.maximum(0.0, self.target - self.count)
        ok = self.allowed & ~self.used
        ok &= ~self.busy[r][:, None] & ~self.busy[r][None, :]
        for pair in own:
            self._mark(pair, 1)
        w: Matrix = np.where(ok, self.scores + value[:, None] + value[None, :], NEG)
        return w

    def gains(self) -> Matrix:
        """What each one's next meeting adds to J, by unlocked meetings had.

        ``gains[i, k]``: i's meeting after k unlocked ones (and its locked
        ones); ``-inf`` past R meetings in all. Non-increasing in k.
        """
        rounds = self.event.rounds
        had = self.count[:, None] + np.arange(rounds)[None, :]
        value = BASE + FAIR * np.maximum(0.0, self.target[:, None] - had)
        result: Matrix = np.where(had < rounds, value, -np.inf)
        return result

    def set_round(self, r: int, pairs: Pairs) -> None:
        for pair in self.rounds[r]:
            self._mark(pair, -1)
        self.rounds[r] = pairs
        for pair in pairs:
            self._mark(pair, 1)

    def plan(self) -> Plan:
        """Meetings with tables: a participant keeps its table where it can."""
        people = self.event.participants
        rounds: list[list[Meeting]] = []
        last: dict[int, int] = {}
        for r in range(self.event.rounds):
            meetings = [  # as given, table and all
                replace(m, score=float(self.scores[self.index[m.a], self.index[m.b]]))
                for m in self.event.locked
                if m.round == r + 1
            ]
            taken = {m.table for m in meetings}
            seat: dict[tuple[int, int], int] = {}
            pairs = [self._orient(p) for p in self.rounds[r]]
            for a, b in sorted(pairs, key=lambda p: (-self.scores[p], p)):
                for t in (last.get(b), last.get(a)):
                    if t is not None and t not in taken:
                        seat[(a, b)] = t
                        taken.add(t)
                        break
            spare = (t for t in range(1, self.event.tables + 1) if t not in taken)
            for a, b in pairs:
                if (a, b) not in seat:
                    seat[(a, b)] = next(spare)
            for (a, b), t in seat.items():
                meetings.append(
                    Meeting(
                        r + 1, t, people[a].id, people[b].id, float(self.scores[a, b])
                    )
                )
            last = {self.index[x]: m.table for m in meetings for x in (m.a, m.b)}
            rounds.append(sorted(meetings, key=lambda m: m.table))
        return Plan(rounds)

    def _orient(self, pair: tuple[int, int]) -> tuple[int, int]:
        """Company first in a mixed pair; else the participant listed first."""
        a, b = pair
        if self.company[b] and not self.company[a]:
            return b, a
        if self.company[a] == self.company[b] and b < a:
            return b, a
        return a, b


def plan(event: Event, scores: Matrix, budget: float = DEFAULT_BUDGET) -> Plan:
    """The optimised plan (see the module docstring); locks are kept as given."""
    board = Board(event, scores)
    mixed = board.company if event.pairs == "mixed" else None
    start = time.perf_counter()
    deadline = start + budget
    if mixed is None or not _whole_evening(board, start + FLOW_SHARE * budget):
        for r in range(event.rounds):
            w = board.weights(r)
            board.set_round(r, improve(w, [], board.free_tables[r], mixed))
    for _ in range(50):
        gained = 0.0
        for r in range(event.rounds):
            if time.perf_counter() > deadline:
                return board.plan()
            w = board.weights(r)
            before = _value(w, board.rounds[r])
            pairs = improve(w, board.rounds[r], board.free_tables[r], mixed)
            gained += _value(w, pairs) - before
            board.set_round(r, pairs)
        if gained <= EPS:
            break
    return board.plan()


def _whole_evening(board: Board, deadline: float) -> bool:
    """Seat a mixed event's best meetings (:mod:`flow`); False if out of time."""
    firms = np.nonzero(board.company)[0]
    others = np.nonzero(~board.company)[0]
    if sum(board.free_tables) * len(firms) * len(others) > FLOW_WORK:
        return False  # about 2 s per 10⁷ here (2 cores): local search instead
    ok = (board.allowed & ~board.used)[np.ix_(firms, others)]
    gains = board.gains()
    used = flow.best_edges(
        board.scores[np.ix_(firms, others)],
        ok,
        gains[firms],
        gains[others],
        sum(board.free_tables),
        deadline,
    )
    if used is None:
        return False
    rows, cols = np.nonzero(used)
    edges = [(int(firms[i]), int(others[j])) for i, j in zip(rows, cols, strict=True)]
    edges = [(min(e), max(e)) for e in edges]
    shared = flow.rounds(edges, board.busy, board.free_tables, board.scores)
    for r, pairs in enumerate(shared):
        board.set_round(r, pairs)
    return True


def greedy(event: Event, scores: Matrix) -> Plan:
    """The baseline: each round, the best allowed pair of free people first."""
    board = Board(event, scores)
    upper = np.triu(board.allowed, 1)
    a, b = np.nonzero(upper)
    order = np.argsort(-scores[a, b], kind="stable")
    a, b = a[order], b[order]
    for r in range(event.rounds):
        fresh = ~board.used[a, b]
        pairs = take(a[fresh], b[fresh], board.busy[r].copy(), [], board.free_tables[r])
        board.set_round(r, pairs)
    return board.plan()


def _value(w: Matrix, pairs: Pairs) -> float:
    return float(sum(w[p] for p in pairs))
