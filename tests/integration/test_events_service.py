"""Matchmaking events through the services: create, register, plan, edit, publish."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import combinations
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from symbiosis.errors import FieldErrors, InvalidTransition, NotAllowed, StaleObject
from symbiosis.extensions import db
from symbiosis.models import Event, EventMeeting, EventRegistration, Notification
from symbiosis.models.base import as_utc
from symbiosis.services import event_plans, event_registrations, event_views, events
from tests.builders import make_org, make_reference, make_user, make_zone
from tests.event_builders import EVENT, make_event, make_people, register_all


@pytest.fixture
def world(ctx: Flask) -> dict[str, Any]:
    make_reference()
    zone = make_zone()
    orgs, members, forms = make_people(zone=zone)
    network = make_org(name="Réseau", kind="association")
    facilitator = make_user(org=network, facilitator=True)
    db.session.commit()
    return {
        "zone": zone,
        "orgs": orgs,
        "members": members,
        "forms": forms,
        "facilitator": facilitator,
    }


def planned(w: dict[str, Any], **fields: Any) -> Event:
    event = make_event(w["facilitator"], **fields)
    register_all(event, w["facilitator"], w["orgs"], w["forms"])
    event_plans.plan(w["facilitator"], event.id)
    return db.session.get(Event, event.id)  # type: ignore[return-value]


def grid(event: Event) -> set[tuple[int, int, int, int]]:
    return {(m.round, m.table_no, m.org_a_id, m.org_b_id) for m in event.meetings}


def assert_valid(event: Event) -> None:
    kinds = {r.organisation_id: r.organisation.kind for r in event.registrations}
    met: set[frozenset[int]] = set()
    for number in range(1, event.rounds + 1):
        meetings = [m for m in event.meetings if m.round == number]
        seated = [o for m in meetings for o in (m.org_a_id, m.org_b_id)]
        assert len(seated) == len(set(seated)), f"round {number}: someone sits twice"
        assert len(meetings) <= event.tables
        assert all(1 <= m.table_no <= event.tables for m in meetings)
        for m in meetings:
            pair = frozenset((m.org_a_id, m.org_b_id))
            assert pair not in met, f"{pair} meet twice"
            met.add(pair)
            if event.pairs == "mixed":
                assert kinds[m.org_a_id] != kinds[m.org_b_id]


# -- the event ----------------------------------------------------------------
def test_a_facilitator_creates_a_draft_only_facilitators_see(world):
    event = events.create(world["facilitator"], EVENT)
    assert (event.state, event.version, event.tables, event.rounds) == (
        "draft",
        1,
        3,
        4,
    )
    assert event.themes == ["Sport", "Éducation", "Inclusion"]
    # 18:30 in Luxembourg in March is 17:30 UTC; the form gets 18:30 back.
    assert as_utc(event.starts_at) == datetime(2030, 3, 12, 17, 30, tzinfo=UTC)
    assert events.local_start(event)[1].isoformat() == "18:30:00"
    with pytest.raises(NotAllowed):
        events.get(world["members"][0], event.id)
    assert events.visible(world["members"][0]) == ([], [])
    events.step(world["facilitator"], event.id, "open")
    assert events.visible(world["members"][0])[0] == [event]


def test_only_facilitators_create_and_run_events(world):
    with pytest.raises(NotAllowed):
        events.create(world["members"][0], EVENT)
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0
    event = make_event(world["facilitator"])
    for call in (
        lambda: events.step(world["members"][0], event.id, "publish"),
        lambda: events.edit(world["members"][0], event.id, EVENT),
        lambda: event_plans.plan(world["members"][0], event.id),
    ):
        with pytest.raises(NotAllowed):
            call()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("tables", "0"),
        ("rounds", "deux"),
        ("minutes_per_round", "2"),
        ("date", "31/02/2030"),
        ("time", "25:00"),
        ("title", ""),
        ("pairs", "firms"),
        ("zone_id", "999999"),
        ("themes", ", ".join(f"theme {n}" for n in range(11))),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(world, name, value):
    with pytest.raises(FieldErrors) as caught:
        events.create(world["facilitator"], {**EVENT, name: value})
    assert [f for f, _m in caught.value.errors] == [name]
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0


def test_the_plan_shape_is_fixed_once_planned(world):
    event = planned(world)
    with pytest.raises(FieldErrors) as caught:
        events.edit(world["facilitator"], event.id, {**EVENT, "tables": "5"})
    assert [f for f, _m in caught.value.errors] == ["tables"]
    events.edit(world["facilitator"], event.id, {**EVENT, "place": "Belval"})
    assert db.session.get(Event, event.id).place == "Belval"  # type: ignore[union-attr]


# -- registration ---------------------------------------------------------------
def test_members_register_their_own_organisation(world):
    event = make_event(world["facilitator"], open_=False)
    member, org = world["members"][0], world["orgs"][0]
    form = world["forms"][0]
    with pytest.raises(NotAllowed):  # a draft: not even visible
        event_registrations.register(member, event.id, org.id, form)
    events.step(world["facilitator"], event.id, "open")
    registration = event_registrations.register(member, event.id, org.id, form)
    assert registration.offer_lines == ["Journées de bénévolat", "Salle de réunion"]
    assert (registration.sdgs, registration.themes) == ([4, 8], ["Éducation"])
    with pytest.raises(NotAllowed):
        event_registrations.register(member, event.id, world["orgs"][1].id, form)
    # Registering again updates; the facilitator registers anyone.
    event_registrations.register(
        member, event.id, org.id, {**form, "seeks": "Mentoring"}
    )
    event_registrations.register(
        world["facilitator"], event.id, world["orgs"][1].id, form
    )
    rows = db.session.scalars(sa.select(EventRegistration)).all()
    assert len(rows) == 2
    assert rows[0].seek_lines == ["Mentoring"]
    event_registrations.unregister(member, event.id, org.id)
    assert db.session.scalar(sa.select(sa.func.count(EventRegistration.id))) == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"offers": "", "seeks": ""}, "offers"),
        ({"themes": "Cuisine"}, "themes"),
        ({"sdgs": "18"}, "sdgs"),
        ({"seeks": "x" * 201}, "seeks"),
    ],
)
def test_bad_registration_names_the_field(world, fields, field):
    event = make_event(world["facilitator"])
    with pytest.raises(FieldErrors) as caught:
        event_registrations.register(
            world["members"][0], event.id, world["orgs"][0].id,
            {**world["forms"][0], **fields},
        )  # fmt: skip
    assert [f for f, _m in caught.value.errors] == [field]
    assert db.session.scalar(sa.select(sa.func.count(EventRegistration.id))) == 0


def test_registration_closes_when_planned(world):
    event = planned(world)
    with pytest.raises(InvalidTransition):
        event_registrations.register(
            world["members"][0], event.id, world["orgs"][0].id, world["forms"][0]
        )


# -- planning -------------------------------------------------------------------
def test_the_plan_respects_every_rule(world):
    event = planned(world)
    assert event.state == "planned"
    assert event.meetings
    assert_valid(event)
    # 6 firms and 5 non-profits, 3 tables, 4 rounds: every table full.
    assert len(event.meetings) == 12
    summary = event_views.summary(event)
    assert summary["fewest"] >= 2
    assert all(m.reasons for m in event.meetings if m.score > 0)


def test_any_pairs_may_meet_firms_with_firms(world):
    event = planned(world, pairs="any", tables="5", rounds="6")
    assert_valid(event)
    assert len(event.meetings) == 30
    assert len({frozenset((m.org_a_id, m.org_b_id)) for m in event.meetings}) == 30


def test_locked_meetings_survive_planning_again(world):
    event = planned(world)
    first = next(m for m in event.meetings if m.round == 2)
    key = (first.round, first.table_no, first.org_a_id, first.org_b_id)
    event_plans.set_lock(world["facilitator"], event.id, 2, first.table_no, True)
    for _ in range(2):
        event_plans.plan(world["facilitator"], event.id)
        event = db.session.get(Event, event.id)  # type: ignore[assignment]
        locked = [m for m in event.meetings if m.locked]
        assert [(m.round, m.table_no, m.org_a_id, m.org_b_id) for m in locked] == [key]
        assert_valid(event)
    event_plans.set_lock(world["facilitator"], event.id, 2, first.table_no, False)
    assert not any(m.locked for m in db.session.get(Event, event.id).meetings)  # type: ignore[union-attr]


def test_reopening_keeps_the_locks_and_unregistering_drops_them(world):
    event = planned(world)
    meeting = event.meetings[0]
    event_plans.set_lock(world["facilitator"], event.id, meeting.round, meeting.table_no, True)  # fmt: skip
    events.step(world["facilitator"], event.id, "reopen")
    event = db.session.get(Event, event.id)  # type: ignore[assignment]
    assert [m.locked for m in event.meetings] == [True]
    event_registrations.unregister(world["facilitator"], event.id, meeting.org_a_id)
    assert db.session.scalar(sa.select(sa.func.count(EventMeeting.id))) == 0


def test_too_few_registrations_cannot_be_planned(world):
    event = make_event(world["facilitator"])
    event_registrations.register(world["facilitator"], event.id, world["orgs"][0].id, world["forms"][0])  # fmt: skip
    with pytest.raises(FieldErrors) as caught:
        event_plans.plan(world["facilitator"], event.id)
    assert caught.value.errors[0][0] == "plan"
    assert db.session.get(Event, event.id).state == "open"  # type: ignore[union-attr]


# -- the facilitator's edits -----------------------------------------------------
def _seated(event: Event, number: int) -> list[EventMeeting]:
    return sorted(
        (m for m in event.meetings if m.round == number), key=lambda m: m.table_no
    )


def test_a_swap_of_two_firms_is_kept(world):
    event = planned(world)
    met = {frozenset((m.org_a_id, m.org_b_id)) for m in event.meetings}
    number, one, two = next(
        (r, x, y)
        for r in range(1, event.rounds + 1)
        for x, y in combinations(_seated(event, r), 2)
        if not {
            frozenset((x.org_a_id, y.org_b_id)),
            frozenset((y.org_a_id, x.org_b_id)),
        }
        & met
    )
    raw = {"round": str(number), "first": one.org_a_id, "second": two.org_a_id}
    event_plans.swap(world["facilitator"], event.id, raw)
    event = db.session.get(Event, event.id)  # type: ignore[assignment]
    after = {m.table_no: m for m in _seated(event, number)}
    assert (after[one.table_no].org_a_id, after[one.table_no].org_b_id) == (
        two.org_a_id,
        one.org_b_id,
    )
    assert after[one.table_no].reasons is not None
    assert_valid(event)


def test_a_swap_that_breaks_a_rule_is_refused_and_changes_nothing(world):
    event = planned(world)
    before, version = grid(event), event.version
    one, two = _seated(event, 1)[:2]
    # A firm takes a non-profit's seat: two firms would meet.
    raw = {"round": "1", "first": one.org_a_id, "second": two.org_b_id}
    with pytest.raises(FieldErrors) as caught:
        event_plans.swap(world["facilitator"], event.id, raw)
    field, message = caught.value.errors[0]
    assert field == "plan"
    assert one.org_a.name in message
    db.session.rollback()
    event = db.session.get(Event, event.id)  # type: ignore[assignment]
    assert (grid(event), event.version) == (before, version)


def test_locked_meetings_cannot_be_swapped_or_moved(world):
    event = planned(world)
    one = _seated(event, 1)[0]
    event_plans.set_lock(world["facilitator"], event.id, 1, one.table_no, True)
    other = _seated(event, 1)[1]
    with pytest.raises(FieldErrors) as caught:
        event_plans.swap(world["facilitator"], event.id,
                         {"round": 1, "first": one.org_a_id, "second": other.org_a_id})  # fmt: skip
    assert (
        "locked" in caught.value.errors[0][1]
        or "verrouill" in caught.value.errors[0][1]
    )
    with pytest.raises(FieldErrors):
        event_plans.move(world["facilitator"], event.id,
                         {"round": 1, "table": one.table_no, "to_round": 2, "to_table": 1})  # fmt: skip


def test_bad_edit_input_names_the_field(world):
    event = planned(world)
    cases = [
        (event_plans.swap, {"round": "9", "first": "1", "second": "2"}, "round"),
        (event_plans.swap, {"round": "1", "first": "999", "second": "2"}, "first"),
        (event_plans.move, {"round": "1", "table": "1", "to_round": "1", "to_table": "x"}, "to_table"),
    ]  # fmt: skip
    for call, raw, field in cases:
        with pytest.raises(FieldErrors) as caught:
            call(world["facilitator"], event.id, raw)
        assert caught.value.errors[0][0] == field


def test_a_stale_page_is_refused(world):
    event = planned(world)
    old = event.version
    event_plans.set_lock(world["facilitator"], event.id, 1, 1, True)
    with pytest.raises(StaleObject):
        event_plans.set_lock(world["facilitator"], event.id, 1, 1, False, old)
    with pytest.raises(StaleObject):
        events.step(world["facilitator"], event.id, "publish", old)


# -- publishing ---------------------------------------------------------------------
def test_publishing_tells_each_member_and_freezes_the_plan(world):
    event = planned(world)
    events.step(world["facilitator"], event.id, "publish")
    event = db.session.get(Event, event.id)  # type: ignore[assignment]
    assert event.state == "published"
    notes = db.session.scalars(sa.select(Notification)).all()
    assert len(notes) == len(world["members"])
    assert all(n.link.startswith(f"/events/{event.id}/schedule?org=") for n in notes)
    with pytest.raises(InvalidTransition):
        event_plans.set_lock(world["facilitator"], event.id, 1, 1, True)
    member, org = world["members"][0], world["orgs"][0]
    rows = event_views.schedule(event, org.id)
    assert len(rows) == event.rounds
    mine = [r for r in rows if r.other is not None]
    assert len(mine) == len(event_registrations.meetings_of(event, org.id))
    assert all(r.other.id != org.id for r in mine)
    assert events.get(member, event.id) is event
    with pytest.raises(InvalidTransition):  # not before its day
        events.step(world["facilitator"], event.id, "hold")
    the_day_after = as_utc(event.starts_at) + timedelta(days=1)
    events.step(world["facilitator"], event.id, "hold", now=the_day_after)
    assert events.visible(member)[1] == [event]


def test_every_pair_in_the_plan_is_new(world):
    event = planned(world, tables="5", rounds="5")
    pairs = [frozenset((m.org_a_id, m.org_b_id)) for m in event.meetings]
    assert len(pairs) == len(set(pairs))
    firms = [o.id for o in world["orgs"] if o.kind == "company"]
    assert not any(frozenset(p) in set(pairs) for p in combinations(firms, 2))
