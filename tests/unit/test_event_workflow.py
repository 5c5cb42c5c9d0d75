"""The event state table, and the event and registration field readers."""

from __future__ import annotations

from datetime import date, time

import pytest

from symbiosis.event_fields import parse_event, parse_registration, planner_kind
from symbiosis.workflow.event import (
    TRANSITIONS,
    EventAction,
    EventState,
    TransitionNotAllowed,
    allowed_actions,
    next_state,
    on_time,
    takes_registrations,
)

S, A = EventState, EventAction
EXPECTED = {
    (S.DRAFT, A.OPEN): S.OPEN,
    (S.OPEN, A.PLAN): S.PLANNED,
    (S.PLANNED, A.PLAN): S.PLANNED,
    (S.PLANNED, A.REOPEN): S.OPEN,
    (S.PLANNED, A.PUBLISH): S.PUBLISHED,
    (S.PUBLISHED, A.REVISE): S.PLANNED,
    (S.PUBLISHED, A.HOLD): S.HELD,
}


@pytest.mark.parametrize("state", list(EventState))
@pytest.mark.parametrize("action", list(EventAction))
def test_every_state_and_action(state: EventState, action: EventAction) -> None:
    if (state, action) in EXPECTED:
        assert next_state(state, action) == EXPECTED[(state, action)]
    else:
        with pytest.raises(TransitionNotAllowed):
            next_state(state, action)


def test_the_table_is_the_expected_one() -> None:
    assert TRANSITIONS == EXPECTED
    assert allowed_actions(S.PLANNED) == [A.PLAN, A.REOPEN, A.PUBLISH]
    assert allowed_actions(S.HELD) == []


@pytest.mark.parametrize("action", list(EventAction))
@pytest.mark.parametrize("begun", [False, True])
@pytest.mark.parametrize("its_day", [False, True])
def test_the_calendar_allows_each_step_at_its_time(
    action: EventAction, begun: bool, its_day: bool
) -> None:
    """Registration (re)opens only before the evening begins; an evening is
    held on its day or later; the other steps take any date."""
    if action in (A.OPEN, A.REOPEN):
        expected = not begun
    elif action is A.HOLD:
        expected = its_day
    else:
        expected = True
    assert on_time(action, begun=begun, its_day=its_day) is expected


@pytest.mark.parametrize("state", list(EventState))
@pytest.mark.parametrize("begun", [False, True])
def test_registrations_are_taken_while_open_and_before_the_evening(
    state: EventState, begun: bool
) -> None:
    expected = state is S.OPEN and not begun
    assert takes_registrations(state, begun=begun) is expected


EVENT = {
    "title": "Soirée",
    "date": "12/03/2030",
    "time": "18h30",
    "place": "Kirchberg",
    "tables": "10",
    "rounds": "6",
    "minutes_per_round": "12",
}


def test_an_event_reads_french_cells() -> None:
    parsed = parse_event({**EVENT, "themes": "Sport, sport ; Éducation"})
    assert parsed.problems == []
    values = parsed.values
    assert (values["date"], values["time"]) == (date(2030, 3, 12), time(18, 30))
    assert values["themes"] == ["Sport", "Éducation"]
    assert values["pairs"] == "mixed"
    assert values["zone_id"] is None


def test_every_bad_field_is_named() -> None:
    parsed = parse_event({**EVENT, "tables": "1,5", "rounds": "", "time": "18"})
    assert sorted(p.field for p in parsed.problems) == ["rounds", "tables", "time"]


def test_a_registration_keeps_lines_and_the_events_themes() -> None:
    parsed = parse_registration(
        {"offers": "Salle de réunion\n\n  IT support ", "sdgs": ["4", "8"],
         "themes": ["sport"]},
        ["Sport", "Éducation"],
    )  # fmt: skip
    assert parsed.problems == []
    assert parsed.values["offers"] == ["Salle de réunion", "IT support"]
    assert parsed.values["seeks"] == []
    assert parsed.values["themes"] == ["Sport"]
    assert parsed.values["sdgs"] == [4, 8]


def test_public_bodies_sit_with_the_non_profits() -> None:
    assert [planner_kind(k) for k in ("company", "association", "public_body")] == [
        "company",
        "association",
        "association",
    ]
