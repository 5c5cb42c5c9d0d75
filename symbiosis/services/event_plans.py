"""An event's meeting plan: build it with the planner, edit it, read it back.

:func:`plan` turns the registrations into planner participants (an
organisation's id as text), keeps the locked meetings that still fit, runs
the planner within a time budget and replaces the unlocked meetings. The
facilitator's edits (:func:`swap`, :func:`move`, :func:`set_lock`) go through
:mod:`symbiosis.planner.rules`, so a plan that breaks a constraint is never
written; a refusal names the problem with the organisations' names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from symbiosis.errors import FieldErrors, InvalidTransition
from symbiosis.event_fields import planner_kind
from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.models import Event, EventMeeting, User
from symbiosis.models.base import utcnow
from symbiosis.planner import make_plan, rules
from symbiosis.planner.model import Event as Problem
from symbiosis.planner.model import Meeting, Participant, Plan, PlanError
from symbiosis.planner.scoring import Scorer
from symbiosis.services import events
from symbiosis.services.event_views import names
from symbiosis.services.matching import lexicon
from symbiosis.workflow.event import (
    PLAN_EDITABLE,
    EventAction,
    EventState,
    TransitionNotAllowed,
    next_state,
)

DEFAULT_BUDGET = 2.0  # seconds; EVENT_PLAN_BUDGET overrides it


# -- from the database to the planner and back --------------------------------
def participants(event: Event) -> list[Participant]:
    return [
        Participant(
            id=str(r.organisation_id),
            kind=planner_kind(r.organisation.kind),
            sdgs=tuple(r.sdgs or ()),
            themes=tuple(r.themes or ()),
            offers=tuple(r.offer_lines),
            seeks=tuple(r.seek_lines),
        )
        for r in event.registrations
    ]


def _problem(event: Event, people: list[Participant]) -> Problem:
    locked = [
        Meeting(m.round, m.table_no, str(m.org_a_id), str(m.org_b_id), m.score)
        for m in event.meetings
        if m.locked
    ]
    return Problem(event.rounds, event.tables, people, event.pairs, locked)


def _current(event: Event) -> tuple[Problem, Plan, Scorer]:
    people = participants(event)
    rounds: list[list[Meeting]] = [[] for _ in range(event.rounds)]
    for m in event.meetings:
        if m.round <= event.rounds:
            rounds[m.round - 1].append(
                Meeting(m.round, m.table_no, str(m.org_a_id), str(m.org_b_id), m.score)
            )
    return _problem(event, people), Plan(rounds), Scorer(people, lexicon())


def _reasons(scorer: Scorer, a: str, b: str) -> list[dict[str, Any]]:
    return [{"code": r.code, "params": r.params} for r in scorer.explain(a, b)]


def _store(event: Event, plan: Plan, scorer: Scorer, *, rescore: bool) -> None:
    """Make the event's meetings those of ``plan``; unchanged rows stay.

    Removed rows are flushed before new ones are added, so the unique
    constraints never see two organisations in one seat.
    """
    locks = {
        (m.round, m.table_no, m.org_a_id, m.org_b_id)
        for m in event.meetings
        if m.locked
    }
    existing = {
        (m.round, m.table_no, m.org_a_id, m.org_b_id): m for m in event.meetings
    }
    wanted = {(m.round, m.table, int(m.a), int(m.b)): m for m in plan.meetings()}
    for key, old in existing.items():
        if key not in wanted:
            event.meetings.remove(old)
    db.session.flush()
    for key, m in wanted.items():
        row = existing.get(key)
        if row is None:
            event.meetings.append(
                EventMeeting(
                    round=m.round,
                    table_no=m.table,
                    org_a_id=int(m.a),
                    org_b_id=int(m.b),
                    score=m.score,
                    reasons=_reasons(scorer, m.a, m.b),
                    locked=key in locks,
                )
            )
        elif rescore:
            row.score = m.score
            row.reasons = _reasons(scorer, m.a, m.b)
    event.updated_at = utcnow()  # a new version: other open pages are stale


# -- planning -----------------------------------------------------------------
@dataclass
class PlanReport:
    meetings: int
    total: int
    dropped_locks: int
    without: list[str] = field(default_factory=list)  # organisation ids


def _kept_locks(problem: Problem, event: Event) -> tuple[list[Meeting], int]:
    """The locked meetings a new plan can keep, and how many no longer fit."""
    people = problem.by_id()
    kept: list[Meeting] = []
    dropped = 0
    for lock in problem.locked:
        a, b = people.get(lock.a), people.get(lock.b)
        fits = (
            a is not None
            and b is not None
            and lock.round <= event.rounds
            and lock.table <= event.tables
            and problem.allows(a, b)
        )
        if fits:
            trial = Problem(event.rounds, event.tables, problem.participants,
                            event.pairs, [*kept, lock])  # fmt: skip
            try:
                rules.check_locks(trial)
            except PlanError:
                fits = False
        if fits:
            kept.append(lock)
        else:
            dropped += 1
    return kept, dropped


def plan(actor: User, event_id: int, expected_version: Any = None) -> PlanReport:
    """Plan (or plan again) the event's meetings; locked meetings are kept.

    :raises InvalidTransition: the event is not open or planned.
    :raises FieldErrors: fewer than two organisations registered.
    """
    event = events.managed(actor, event_id)
    state = EventState(event.state)
    try:
        target = next_state(state, EventAction.PLAN)
    except TransitionNotAllowed:
        raise InvalidTransition(
            gettext("The plan can be made only while registration is open or planned.")
        ) from None
    events.check_version(event, expected_version)
    people = participants(event)
    if len(people) < 2:
        raise FieldErrors(
            [("plan", gettext("At least two organisations must register first."))]
        )
    problem = _problem(event, people)
    problem.locked, dropped = _kept_locks(problem, event)
    keep = {(m.round, m.table, int(m.a), int(m.b)) for m in problem.locked}
    for row in event.meetings:
        row.locked = (row.round, row.table_no, row.org_a_id, row.org_b_id) in keep
    budget = float(current_app.config.get("EVENT_PLAN_BUDGET", DEFAULT_BUDGET))
    result, scorer = make_plan(problem, lexicon(), budget)
    broken = rules.validate(problem, result)
    if broken:  # the solver keeps every rule by construction
        raise RuntimeError("; ".join(p.message for p in broken))
    _store(event, result, scorer, rescore=True)
    event.state = target
    event.planned_at = utcnow()
    events.commit()
    counts = result.counts()
    return PlanReport(
        meetings=len(result.meetings()),
        total=round(result.total()),
        dropped_locks=dropped,
        without=[p.id for p in people if p.id not in counts],
    )


# -- the facilitator's edits --------------------------------------------------
def _editable(actor: User, event_id: int, expected_version: Any) -> Event:
    event = events.managed(actor, event_id)
    if event.state not in PLAN_EDITABLE:
        raise InvalidTransition(
            gettext("The plan can be changed only before it is published.")
        )
    events.check_version(event, expected_version)
    return event


def _number(value: Any, name: str, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= high:
        raise FieldErrors(
            [(name, gettext("Enter a whole number from 1 to %(n)d.", n=high))]
        )
    return number


def _organisation(value: Any, name: str, event: Event) -> str:
    ids = {str(r.organisation_id) for r in event.registrations}
    if str(value).strip() not in ids:
        raise FieldErrors([(name, gettext("Choose a registered organisation."))])
    return str(value).strip()


def _apply(event: Event, edit: Callable[[Problem, Plan, Scorer], Plan]) -> None:
    problem, current, scorer = _current(event)
    try:
        changed = edit(problem, current, scorer)
    except rules.EditRefused as refusal:
        raise FieldErrors([("plan", explain(refusal.problems, event))]) from None
    _store(event, changed, scorer, rescore=False)
    events.commit()


def swap(
    actor: User,
    event_id: int,
    raw: dict[str, Any],
    expected_version: Any = None,
) -> None:
    """In one round, two organisations exchange seats (one may be waiting).

    ``raw`` holds ``round``, ``first`` and ``second`` (organisation ids).

    :raises FieldErrors: a bad field, or the swap would break a rule (``plan``).
    """
    event = _editable(actor, event_id, expected_version)
    number = _number(raw.get("round"), "round", event.rounds)
    first = _organisation(raw.get("first"), "first", event)
    second = _organisation(raw.get("second"), "second", event)
    if first == second:
        raise FieldErrors([("second", gettext("Choose two different organisations."))])
    _apply(event, lambda p, c, s: rules.swap(p, c, number, first, second, s.score))


def move(
    actor: User,
    event_id: int,
    raw: dict[str, Any],
    expected_version: Any = None,
) -> None:
    """Move the meeting at ``round``/``table`` to ``to_round``/``to_table``.

    A meeting already there takes the moved one's place.

    :raises FieldErrors: a bad field, or the move would break a rule (``plan``).
    """
    event = _editable(actor, event_id, expected_version)
    where = {
        name: _number(raw.get(name), name, high)
        for name, high in (
            ("round", event.rounds),
            ("table", event.tables),
            ("to_round", event.rounds),
            ("to_table", event.tables),
        )
    }
    _apply(
        event,
        lambda p, c, s: rules.move(
            p, c, where["round"], where["table"], where["to_round"], where["to_table"]
        ),
    )


def set_lock(
    actor: User,
    event_id: int,
    number: int,
    table: int,
    locked: bool,
    expected_version: Any = None,
) -> None:
    """Lock (or unlock) the meeting at ``number``/``table`` for planning again.

    :raises FieldErrors: no meeting there (``plan``).
    """
    event = _editable(actor, event_id, expected_version)
    row = next(
        (m for m in event.meetings if (m.round, m.table_no) == (number, table)), None
    )
    if row is None:
        problem = rules.Problem("no_meeting", {"round": number, "table": table})
        raise FieldErrors([("plan", explain([problem], event))])
    row.locked = locked
    event.updated_at = utcnow()
    events.commit()


# -- reading ------------------------------------------------------------------
def _sentences() -> dict[str, str]:
    return {
        "round": gettext("Round %(round)s does not exist (1 to %(rounds)s)."),
        "table": gettext(
            "Round %(round)s: table %(table)s does not exist (1 to %(tables)s)."
        ),
        "table_twice": gettext("Round %(round)s: table %(table)s holds two meetings."),
        "unknown": gettext(
            "Round %(round)s, table %(table)s: %(id)s is not registered."
        ),
        "self": gettext("Round %(round)s, table %(table)s: %(id)s cannot meet itself."),
        "twice_in_round": gettext(
            "Round %(round)s: %(id)s would sit at tables %(first)s and %(table)s."
        ),
        "repeat": gettext(
            "Round %(round)s, table %(table)s: %(a)s and %(b)s already meet in "
            "round %(first)s."
        ),
        "kind": gettext(
            "Round %(round)s, table %(table)s: %(a)s and %(b)s are both %(kinds)s, "
            "and this event pairs firms with non-profits."
        ),
        "excluded": gettext(
            "Round %(round)s, table %(table)s: %(a)s and %(b)s must not meet."
        ),
        "lock_missing": gettext(
            "Round %(round)s, table %(table)s: the locked meeting of %(a)s and "
            "%(b)s would be lost."
        ),
        "locked": gettext(
            "Round %(round)s, table %(table)s is locked: unlock it first."
        ),
        "not_seated": gettext("Round %(round)s: %(id)s has no table."),
        "same_table": gettext(
            "Round %(round)s: %(a)s and %(b)s already share a table."
        ),
        "no_meeting": gettext("Round %(round)s: table %(table)s holds no meeting."),
    }


def explain(problems: list[rules.Problem], event: Event) -> str:
    """The planner's refusal in the user's language, with organisations' names."""
    known = names(event)
    sentences = _sentences()
    kinds = {"companies": gettext("firms"), "associations": gettext("non-profits")}
    texts = []
    for problem in problems:
        params = dict(problem.params)
        for key in ("id", "a", "b"):
            if key in params:
                params[key] = known.get(str(params[key]), str(params[key]))
        if "kinds" in params:
            params["kinds"] = kinds.get(params["kinds"], params["kinds"])
        template = sentences.get(problem.code)
        texts.append(template % params if template else problem.message)
    return " ".join(texts)
