"""The plan's constraints, and the facilitator's edits that keep them.

:func:`validate` lists every broken constraint of a plan; :func:`swap`,
:func:`move`, :func:`lock` and :func:`unlock` are what a facilitator page calls
before publishing. An edit returns a new plan (or event) and leaves its input
alone; an edit that would break a constraint raises :class:`EditRefused`,
whose problems say which and where.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from symbiosis.planner.model import Event, Meeting, Plan, PlanError

MESSAGES = {
    "rounds": "the plan has {found} rounds, the event {expected}",
    "round": "round {round} does not exist (1 to {rounds})",
    "table": "round {round}: table {table} does not exist (1 to {tables})",
    "table_twice": "round {round}: table {table} holds two meetings",
    "unknown": "round {round}, table {table}: no participant {id}",
    "self": "round {round}, table {table}: {id} cannot meet itself",
    "twice_in_round": "round {round}: {id} sits at tables {first} and {table}",
    "repeat": "round {round}, table {table}: {a} and {b} already meet in round {first}",
    "kind": "round {round}, table {table}: {a} and {b} are both {kinds} "
    "(this event pairs companies with associations)",
    "excluded": "round {round}, table {table}: {a} and {b} must not meet",
    "lock_missing": "round {round}, table {table}: the locked meeting of {a} and "
    "{b} is not in the plan",
    "locked": "round {round}, table {table} is locked",
    "not_seated": "round {round}: {id} has no table",
    "same_table": "round {round}: {a} and {b} already share a table",
    "no_meeting": "round {round}: table {table} holds no meeting",
}


@dataclass(frozen=True)
class Problem:
    """One broken constraint; ``code`` picks the sentence of :data:`MESSAGES`."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return MESSAGES[self.code].format(**self.params)


class EditRefused(PlanError):
    """An edit would break the plan; ``problems`` say how."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("plan", "; ".join(p.message for p in problems))
        self.problems = problems


def validate(event: Event, plan: Plan, *, locks: bool = True) -> list[Problem]:
    """Every broken constraint of ``plan`` for ``event`` (empty: the plan is valid)."""
    problems: list[Problem] = []
    people = event.by_id()
    if len(plan.rounds) != event.rounds:
        problems.append(
            Problem("rounds", {"found": len(plan.rounds), "expected": event.rounds})
        )
    first_met: dict[frozenset[str], int] = {}
    for number, meetings in enumerate(plan.rounds, start=1):
        seated: dict[str, int] = {}
        tables: set[int] = set()
        for m in meetings:
            where = {"round": number, "table": m.table}
            if not 1 <= m.table <= event.tables:
                problems.append(Problem("table", {**where, "tables": event.tables}))
            elif m.table in tables:
                problems.append(Problem("table_twice", where))
            tables.add(m.table)
            for pid in (m.a, m.b):
                if pid not in people:
                    problems.append(Problem("unknown", {**where, "id": pid}))
                elif pid in seated:
                    problems.append(
                        Problem(
                            "twice_in_round", {**where, "id": pid, "first": seated[pid]}
                        )
                    )
                else:
                    seated[pid] = m.table
            if m.a == m.b:
                problems.append(Problem("self", {**where, "id": m.a}))
                continue
            pair = {**where, "a": m.a, "b": m.b}
            if m.pair in first_met:
                problems.append(Problem("repeat", {**pair, "first": first_met[m.pair]}))
            else:
                first_met[m.pair] = number
            if m.pair in event.excluded:
                problems.append(Problem("excluded", pair))
            a, b = people.get(m.a), people.get(m.b)
            if a and b and event.pairs == "mixed" and a.kind == b.kind:
                kinds = "companies" if a.kind == "company" else "associations"
                problems.append(Problem("kind", {**pair, "kinds": kinds}))
    if locks:
        problems += _missing_locks(event, plan)
    return problems


def _missing_locks(event: Event, plan: Plan) -> list[Problem]:
    missing = []
    for lock in event.locked:
        meetings = plan.rounds[lock.round - 1] if lock.round <= len(plan.rounds) else []
        if not any(m.table == lock.table and m.pair == lock.pair for m in meetings):
            missing.append(
                Problem(
                    "lock_missing",
                    {
                        "round": lock.round,
                        "table": lock.table,
                        "a": lock.a,
                        "b": lock.b,
                    },
                )
            )
    return missing


def check_locks(event: Event) -> None:
    """Refuse locks that no plan could keep (they are planned around as given)."""
    rounds: list[list[Meeting]] = [[] for _ in range(event.rounds)]
    for lock in event.locked:
        if not 1 <= lock.round <= event.rounds:
            problem = Problem("round", {"round": lock.round, "rounds": event.rounds})
            raise PlanError("locked", problem.message)
        rounds[lock.round - 1].append(lock)
    problems = validate(event, Plan(rounds), locks=False)
    if problems:
        raise PlanError("locked", "; ".join(p.message for p in problems))


Score = Callable[[str, str], float]


def _at(plan: Plan, number: int, table: int) -> Meeting | None:
    if not 1 <= number <= len(plan.rounds):
        return None
    return next((m for m in plan.rounds[number - 1] if m.table == table), None)


def _is_locked(event: Event, m: Meeting) -> bool:
    return any(
        lock.round == m.round and lock.table == m.table and lock.pair == m.pair
        for lock in event.locked
    )


def _refuse_locked(event: Event, *meetings: Meeting | None) -> None:
    problems = [
        Problem("locked", {"round": m.round, "table": m.table})
        for m in meetings
        if m is not None and _is_locked(event, m)
    ]
    if problems:
        raise EditRefused(problems)


def _checked(event: Event, plan: Plan) -> Plan:
    problems = validate(event, plan)
    if problems:
        raise EditRefused(problems)
    return plan


def _with(plan: Plan, number: int, old: list[Meeting], new: list[Meeting]) -> Plan:
    rounds = [list(meetings) for meetings in plan.rounds]
    kept = [m for m in rounds[number - 1] if m not in old]
    rounds[number - 1] = sorted(kept + new, key=lambda m: m.table)
    return Plan(rounds)


def swap(event: Event, plan: Plan, number: int, x: str, y: str, score: Score) -> Plan:
    """In round ``number``, ``x`` and ``y`` exchange seats (one may be waiting).

    :raises EditRefused: a seat is locked, or the new pairs break a constraint.
    """
    if not 1 <= number <= len(plan.rounds):
        raise EditRefused([Problem("round", {"round": number, "rounds": event.rounds})])
    meetings = plan.rounds[number - 1]
    mx = next((m for m in meetings if x in (m.a, m.b)), None)
    my = next((m for m in meetings if y in (m.a, m.b)), None)
    if mx is None and my is None:
        raise EditRefused([Problem("not_seated", {"round": number, "id": x})])
    if mx is not None and mx is my:
        raise EditRefused([Problem("same_table", {"round": number, "a": x, "b": y})])
    _refuse_locked(event, mx, my)

    def seat(m: Meeting, old: str, new: str) -> Meeting:
        a, b = (new, m.b) if m.a == old else (m.a, new)
        return replace(m, a=a, b=b, score=score(a, b))

    old = [m for m in (mx, my) if m is not None]
    new = ([seat(mx, x, y)] if mx else []) + ([seat(my, y, x)] if my else [])
    return _checked(event, _with(plan, number, old, new))


def move(
    event: Event, plan: Plan, number: int, table: int, to_round: int, to_table: int
) -> Plan:
    """Move the meeting at (``number``, ``table``) to (``to_round``, ``to_table``).

    A meeting already there takes the moved one's place.

    :raises EditRefused: no meeting there, a locked one, or a broken constraint.
    """
    moved = _at(plan, number, table)
    if moved is None:
        raise EditRefused([Problem("no_meeting", {"round": number, "table": table})])
    if not 1 <= to_round <= len(plan.rounds):
        problem = Problem("round", {"round": to_round, "rounds": event.rounds})
        raise EditRefused([problem])
    other = _at(plan, to_round, to_table)
    _refuse_locked(event, moved, other)
    there = replace(moved, round=to_round, table=to_table)
    result = _with(plan, number, [moved], [])
    if other is not None:
        back = replace(other, round=number, table=table)
        result = _with(result, number, [], [back])
        result = _with(result, to_round, [other], [there])
    else:
        result = _with(result, to_round, [], [there])
    return _checked(event, result)


def lock(event: Event, plan: Plan, number: int, table: int) -> Event:
    """The event with the meeting at (``number``, ``table``) locked for re-planning."""
    meeting = _at(plan, number, table)
    if meeting is None:
        raise EditRefused([Problem("no_meeting", {"round": number, "table": table})])
    if _is_locked(event, meeting):
        return event
    return replace(event, locked=[*event.locked, meeting])


def unlock(event: Event, number: int, table: int) -> Event:
    """The event without the lock at (``number``, ``table``), if there was one."""
    kept = [m for m in event.locked if (m.round, m.table) != (number, table)]
    return replace(event, locked=kept)
