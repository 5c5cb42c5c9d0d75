"""Working groups through the services: who sees and runs them, what they accept."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from symbiosis.authz import Perm, can
from symbiosis.errors import FieldErrors, Forbidden, InvalidTransition, NotAllowed
from symbiosis.extensions import db
from symbiosis.models import GroupAction, Notification, WorkingGroup
from symbiosis.services import working_groups as service
from tests.builders import make_org, make_user, make_zone


@pytest.fixture
def world(ctx: Flask) -> dict[str, Any]:
    zone, other_zone = make_zone(name="Cloche d'Or (Luxembourg)"), make_zone()
    org_a, org_b = make_org(zone=zone), make_org(zone=zone)
    org_c = make_org(zone=other_zone)
    network = make_org(name="Network", kind="association")
    w = {
        "zone": zone,
        "other_zone": other_zone,
        "ua": make_user(org=org_a, full_name="Anna A"),
        "ub": make_user(org=org_b, role="admin", full_name="Bruno B"),
        "uc": make_user(org=org_c, full_name="Carla C"),
        "pending": make_user(org=org_a, role="pending"),
        "nobody": make_user(),
        "manager": make_user(org=network, manages=[zone], full_name="Manon M"),
        "manager2": make_user(org=network, manages=[other_zone]),
        "facilitator": make_user(org=network, facilitator=True),
    }
    db.session.commit()
    return w


def group_of(w: dict[str, Any], *members: str, name: str = "Mobilité") -> WorkingGroup:
    group = service.create_group(w["manager"], w["zone"].id, {"name": name})
    for key in members:
        service.add_member(w["manager"], group.id, {"user_id": w[key].id})
    return group


def fields(error: pytest.ExceptionInfo[FieldErrors]) -> dict[str, str]:
    return dict(error.value.errors)


# -- creating and seeing -----------------------------------------------------
def test_the_manager_creates_a_group_and_leads_it(world):
    group = service.create_group(
        world["manager"],
        world["zone"].id,
        {"name": "  Groupe mobilité ", "purpose": "Navettes et covoiturage"},
    )
    assert (group.name, group.purpose, group.archived) == (
        "Groupe mobilité",
        "Navettes et covoiturage",
        False,
    )
    assert group.created_by_id == world["manager"].id
    [lead] = group.members
    assert (lead.user_id, lead.role) == (world["manager"].id, "lead")


def test_a_facilitator_creates_a_group_in_any_zone(world):
    group = service.create_group(
        world["facilitator"], world["other_zone"].id, {"name": "Déchets"}
    )
    assert group.zone_id == world["other_zone"].id


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("ua", Forbidden),  # of the zone, but does not run it
        ("uc", NotAllowed),  # another zone: the zone's groups are not theirs
        ("manager2", NotAllowed),
        ("nobody", NotAllowed),
    ],
)
def test_only_the_zones_manager_or_a_facilitator_creates(world, who, error):
    with pytest.raises(error):
        service.create_group(world[who], world["zone"].id, {"name": "X"})
    assert db.session.scalar(sa.select(sa.func.count(WorkingGroup.id))) == 0


def test_unknown_zone_is_not_allowed(world):
    with pytest.raises(NotAllowed):
        service.create_group(world["facilitator"], 999999, {"name": "X"})


def test_name_is_required_short_and_unique_in_its_zone(world):
    with pytest.raises(FieldErrors) as missing:
        service.create_group(world["manager"], world["zone"].id, {"name": "  "})
    assert "name" in fields(missing)
    with pytest.raises(FieldErrors) as long:
        service.create_group(
            world["manager"],
            world["zone"].id,
            {"name": "x" * 121, "purpose": "y" * 2001},
        )
    assert set(fields(long)) == {"name", "purpose"}
    group_of(world, name="Mobilité")
    with pytest.raises(FieldErrors) as taken:
        service.create_group(world["manager"], world["zone"].id, {"name": "MOBILITÉ"})
    assert "name" in fields(taken)
    # The same name in another zone is another group.
    service.create_group(
        world["facilitator"], world["other_zone"].id, {"name": "Mobilité"}
    )


def test_who_sees_a_group(world):
    group = group_of(world, "ua")
    for key in ("ua", "manager", "facilitator"):
        assert service.get(world[key], group.id) is group
    for key in ("ub", "uc", "manager2", "pending", "nobody"):
        with pytest.raises(NotAllowed):
            service.get(world[key], group.id)
    with pytest.raises(NotAllowed):
        service.get(world["facilitator"], 999999)


def test_groups_for_zone_lists_what_each_person_sees(world):
    mobility = group_of(world, "ua", name="Mobilité")
    waste = group_of(world, "ub", name="Déchets")
    zone = world["zone"].id
    assert service.groups_for_zone(world["manager"], zone) == [waste, mobility]
    assert service.groups_for_zone(world["facilitator"], zone) == [waste, mobility]
    assert service.groups_for_zone(world["ua"], zone) == [mobility]
    assert service.groups_for_zone(world["uc"], zone) == []
    assert service.groups_for_zone(None, zone) == []
    assert service.groups_for_user(world["ub"]) == [waste]
    assert service.groups_for_user(world["manager2"]) == []


def test_the_zones_list_is_for_people_of_the_zone(world):
    for key in ("ua", "ub", "manager", "facilitator"):
        assert service.zone_for(world[key], world["zone"].id) == world["zone"]
    for key in ("uc", "manager2", "pending", "nobody"):
        with pytest.raises(NotAllowed):
            service.zone_for(world[key], world["zone"].id)
    assert can(world["ua"], Perm.VIEW_WORKING_GROUP, world["zone"])
    assert not can(world["uc"], Perm.VIEW_WORKING_GROUP, world["zone"])


# -- members -----------------------------------------------------------------
def test_members_come_from_the_zone_its_managers_and_facilitators(world):
    group = group_of(world)
    for key in ("ua", "ub", "facilitator"):
        service.add_member(world["manager"], group.id, {"user_id": world[key].id})
    assert {m.user_id for m in group.members} == {
        world[k].id for k in ("manager", "ua", "ub", "facilitator")
    }
    for key in ("uc", "pending", "nobody", "manager2"):
        with pytest.raises(FieldErrors) as refused:
            service.add_member(world["manager"], group.id, {"user_id": world[key].id})
        assert "user_id" in fields(refused)
    for bad in ("", "abc", 999999):
        with pytest.raises(FieldErrors):
            service.add_member(world["manager"], group.id, {"user_id": bad})
    with pytest.raises(FieldErrors) as role:
        service.add_member(
            world["manager"], group.id, {"user_id": world["ua"].id, "role": "boss"}
        )
    assert "role" in fields(role)


def test_candidates_are_the_eligible_people_not_yet_in(world):
    group = group_of(world, "ua")
    names = {u.id for u in service.candidates(group)}
    assert names == {world["ub"].id, world["facilitator"].id}


def test_adding_again_changes_the_role_and_the_new_member_hears(world):
    group = group_of(world, "ua")
    member = service.add_member(
        world["manager"], group.id, {"user_id": world["ua"].id, "role": "lead"}
    )
    assert member.role == "lead"
    assert len(group.members) == 2
    [note] = db.session.scalars(
        sa.select(Notification).where(Notification.user_id == world["ua"].id)
    )
    assert note.link == f"/groups/{group.id}"
    assert "Mobilité" in note.subject


def test_members_do_not_choose_members(world):
    group = group_of(world, "ua")
    with pytest.raises(Forbidden):
        service.add_member(world["ua"], group.id, {"user_id": world["ub"].id})
    with pytest.raises(Forbidden):
        service.remove_member(world["ua"], group.id, world["manager"].id)
    with pytest.raises(NotAllowed):
        service.add_member(world["manager2"], group.id, {"user_id": world["ub"].id})


def test_removing_a_member_keeps_the_actions_they_own(world, today):
    group = group_of(world, "ua")
    action = service.add_action(
        world["manager"],
        group.id,
        {"title": "Sondage", "owner_id": world["ua"].id, "due_on": today},
    )
    service.remove_member(world["manager"], group.id, world["ua"].id)
    assert group.member(world["ua"].id) is None
    assert db.session.get(GroupAction, action.id).owner_id == world["ua"].id
    with pytest.raises(NotAllowed):
        service.remove_member(world["manager"], group.id, world["ua"].id)
    with pytest.raises(NotAllowed):
        service.get(world["ua"], group.id)


# -- meetings ----------------------------------------------------------------
def test_any_member_records_a_meeting(world, today):
    group = group_of(world, "ua")
    meeting = service.record_meeting(
        world["ua"],
        group.id,
        {
            "held_on": (today - timedelta(days=3)).isoformat(),
            "topic": "Lancement",
            "minutes": "Tour de table.\nChaque firme présente ses navettes.",
            "decisions": "Enquête mobilité en mars.",
        },
    )
    assert meeting.held_on == today - timedelta(days=3)
    assert meeting.created_by_id == world["ua"].id
    assert group.meetings == [meeting]


def test_meetings_are_listed_newest_first(world, today):
    group = group_of(world)
    for days in (30, 2, 60):
        service.record_meeting(
            world["manager"],
            group.id,
            {"held_on": today - timedelta(days=days), "topic": f"J-{days}"},
        )
    db.session.expire_all()
    assert [m.topic for m in group.meetings] == ["J-2", "J-30", "J-60"]


@pytest.mark.parametrize(
    ("days", "raw", "bad"),
    [
        (None, {}, {"held_on", "topic"}),
        (None, {"held_on": "not a date", "topic": "x"}, {"held_on"}),
        (-6 * 366, {"topic": "x"}, {"held_on"}),
        (6 * 366, {"topic": "x"}, {"held_on"}),
        (0, {"topic": "x" * 201}, {"topic"}),
        (0, {"topic": "x", "minutes": "m" * 20001}, {"minutes"}),
        (0, {"topic": "x", "decisions": "d" * 10001}, {"decisions"}),
        (0, {"topic": "a\x00b"}, {"topic"}),
    ],
)
def test_meeting_input_is_checked(world, today, days, raw, bad):
    if days is not None:  # held that many days from today
        raw = {"held_on": today + timedelta(days=days), **raw}
    group = group_of(world)
    with pytest.raises(FieldErrors) as refused:
        service.record_meeting(world["manager"], group.id, raw)
    assert set(fields(refused)) == bad
    assert group.meetings == []


def test_a_meeting_may_be_planned_and_lie_years_back(world, today):
    group = group_of(world)
    for days in (4 * 365, -4 * 365):
        service.record_meeting(
            world["manager"],
            group.id,
            {"held_on": today + timedelta(days=days), "topic": "ok"},
        )


def test_others_record_nothing(world, today):
    group = group_of(world, "ua")
    for key in ("ub", "uc", "manager2"):
        with pytest.raises(NotAllowed):
            service.record_meeting(
                world[key], group.id, {"held_on": today, "topic": "x"}
            )
        with pytest.raises(NotAllowed):
            service.add_action(world[key], group.id, {"title": "x"})


# -- actions -----------------------------------------------------------------
def test_an_action_from_a_meeting_tells_its_owner(world, today):
    group = group_of(world, "ua", "ub")
    meeting = service.record_meeting(
        world["ua"], group.id, {"held_on": today, "topic": "Lancement"}
    )
    action = service.add_action(
        world["ua"],
        group.id,
        {
            "title": "Enquête auprès des salariés",
            "owner_id": str(world["ub"].id),
            "due_on": today + timedelta(days=30),
            "meeting_id": str(meeting.id),
        },
    )
    assert (action.state, action.done_at, action.meeting_id) == (
        "open",
        None,
        meeting.id,
    )
    notes = db.session.scalars(
        sa.select(Notification).where(Notification.user_id == world["ub"].id)
    ).all()
    assert any("Enquête" in n.body for n in notes)


def test_action_input_is_checked(world, today):
    group = group_of(world, "ua")
    other = group_of(world, "ub", name="Déchets")
    meeting = service.record_meeting(
        world["manager"], group.id, {"held_on": today, "topic": "x"}
    )
    elsewhere = service.record_meeting(
        world["manager"], other.id, {"held_on": today, "topic": "y"}
    )
    cases = [
        ({}, {"title", "owner_id", "due_on"}),
        ({"title": "t", "owner_id": world["ub"].id, "due_on": today}, {"owner_id"}),
        (
            {
                "title": "t",
                "owner_id": world["ua"].id,
                "due_on": today - timedelta(days=1),
                "meeting_id": meeting.id,
            },
            {"due_on"},
        ),
        (
            {
                "title": "t",
                "owner_id": world["ua"].id,
                "due_on": today,
                "meeting_id": elsewhere.id,
            },
            {"meeting_id"},
        ),
        (
            {"title": "t" * 201, "owner_id": world["ua"].id, "due_on": "31/02/2026"},
            {"title", "due_on"},
        ),
    ]
    for raw, bad in cases:
        with pytest.raises(FieldErrors) as refused:
            service.add_action(world["manager"], group.id, raw)
        assert set(fields(refused)) == bad, raw
    assert group.actions == []


def test_actions_are_done_and_open_again_and_overdue_ones_flagged(world, today):
    group = group_of(world, "ua")
    late = service.add_action(
        world["manager"],
        group.id,
        {"title": "Late", "owner_id": world["ua"].id, "due_on": today - timedelta(1)},
    )
    soon = service.add_action(
        world["manager"],
        group.id,
        {"title": "Soon", "owner_id": world["ua"].id, "due_on": today},
    )
    assert group.overdue_actions() == [late]
    assert late.overdue
    assert not soon.overdue
    done = service.set_action_state(world["ua"], group.id, late.id, "done")
    first = done.done_at
    assert first is not None
    assert not done.overdue
    service.set_action_state(world["ua"], group.id, late.id, "done")
    assert late.done_at == first  # twice done: nothing more changes
    assert group.done_actions() == [late]
    assert group.open_actions() == [soon]
    service.set_action_state(world["manager"], group.id, late.id, "open")
    assert (late.state, late.done_at) == ("open", None)
    with pytest.raises(FieldErrors):
        service.set_action_state(world["ua"], group.id, late.id, "lost")
    with pytest.raises(NotAllowed):
        service.set_action_state(world["ub"], group.id, late.id, "done")
    with pytest.raises(NotAllowed):
        service.set_action_state(world["ua"], group.id, 999999, "done")


# -- archiving ---------------------------------------------------------------
def test_an_archived_group_is_read_only_until_restored(world, today):
    group = group_of(world, "ua")
    with pytest.raises(Forbidden):
        service.set_archived(world["ua"], group.id, True)
    service.set_archived(world["manager"], group.id, True)
    assert service.get(world["ua"], group.id).archived
    with pytest.raises(InvalidTransition):
        service.record_meeting(world["ua"], group.id, {"held_on": today, "topic": "x"})
    with pytest.raises(InvalidTransition):
        service.add_member(world["manager"], group.id, {"user_id": world["ub"].id})
    service.set_archived(world["facilitator"], group.id, False)
    service.record_meeting(world["ua"], group.id, {"held_on": today, "topic": "x"})
