"""The demo working groups: members of the zone, meetings, actions, loaded once."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from symbiosis.extensions import db
from symbiosis.models import (
    GroupAction,
    GroupMeeting,
    Notification,
    User,
    WorkingGroup,
    WorkingGroupMember,
)
from symbiosis.services import seeding
from symbiosis.services.demo_groups import DemoScriptError, load_demo_groups

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture
def demo(ctx: Flask, today: date) -> seeding.LoadReport:
    """Reference data, demo organisations and accounts, then the groups (dated
    from the test's ``today``)."""
    seeding.load_reference(SEEDS / "reference")
    seeding.load_demo(SEEDS / "demo")
    return load_demo_groups(SEEDS / "demo", today)


def counts() -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(
            sa.select(sa.func.count()).select_from(model)
        )
        for model in (
            WorkingGroup,
            WorkingGroupMember,
            GroupMeeting,
            GroupAction,
            Notification,
        )
    }


def mobility() -> WorkingGroup:
    return db.session.scalars(
        sa.select(WorkingGroup).where(
            WorkingGroup.name == "Groupe mobilité Cloche d'Or"
        )
    ).one()


def test_a_second_load_changes_nothing(demo):
    assert demo.inserted["working_group"] == 2
    assert demo.inserted["group_meeting"] == 5
    assert demo.inserted["group_action"] >= 10
    before = counts()
    again = load_demo_groups(SEEDS / "demo")
    assert again.changed == 0
    assert counts() == before


def test_the_mobility_group_tells_a_story(demo, today):
    group = mobility()
    assert group.zone.name.startswith("Cloche d'Or")
    assert group.created_by.email == "gestionnaire.clochedor@symbiose.example.lu"
    people = [m.user for m in group.members]
    from_zone = [u for u in people if u.organisation.zone_id == group.zone_id]
    assert 4 <= len(from_zone) <= 6
    assert all(
        u.organisation.zone_id == group.zone_id or u.manages(group.zone_id)
        for u in people
    )
    assert {m.role for m in group.members} == {"lead", "member"}

    assert len(group.meetings) == 3
    dates = [m.held_on for m in group.meetings]
    assert dates == sorted(dates, reverse=True)  # newest first
    assert all(today - timedelta(days=200) < d < today for d in dates)
    assert all(m.minutes and m.decisions for m in group.meetings)

    assert len(group.actions) >= 5
    assert group.done_actions()
    assert group.open_actions()
    assert len(group.overdue_actions()) == 1
    for action in group.actions:
        assert group.member(action.owner_id) is not None
        assert action.meeting is not None
        assert action.due_on >= action.meeting.held_on
        if action.state == "done":
            assert action.done_at.date() < today


def test_history_is_dated_over_the_past_months(demo, today):
    group = mobility()
    assert group.created_at.date() == today - timedelta(days=132)
    for meeting in group.meetings:
        assert meeting.created_at.date() == meeting.held_on
    joined = sorted(m.joined_at for m in group.members)
    assert joined[0].date() == today - timedelta(days=132)
    notes = db.session.scalars(
        sa.select(Notification).where(Notification.link == f"/groups/{group.id}")
    ).all()
    assert notes  # members and action owners were told
    now = datetime.now(UTC)
    for note in notes:
        created = note.created_at.replace(tzinfo=note.created_at.tzinfo or UTC)
        assert created < now - timedelta(days=3)
        assert note.read_at is not None


def test_a_foetz_demo_account_sees_its_group(demo):
    from symbiosis.services import working_groups

    member = db.session.scalar(
        sa.select(User).where(User.email == "membre@boulangerie-sud.example.lu")
    )
    [group] = working_groups.groups_for_user(member)
    assert group.zone.name == "ZIC Foetz (Mondercange)"
    assert any(a.owner_id == member.id for a in group.overdue_actions())


def test_a_refused_step_stops_and_leaves_nothing(ctx, tmp_path):
    seeding.load_reference(SEEDS / "reference")
    seeding.load_demo(SEEDS / "demo")
    [script, *_] = json.loads(
        (SEEDS / "demo" / "working_groups.json").read_text(encoding="utf-8")
    )
    # An action owned by someone outside the group: the service refuses it.
    script["meetings"][0]["actions"][0]["owner"] = (
        "frank.zimmer@stahl-minett.example.lu"
    )
    (tmp_path / "working_groups.json").write_text(json.dumps([script]), "utf-8")
    before = counts()
    with pytest.raises(DemoScriptError, match="Groupe mobilité"):
        load_demo_groups(tmp_path)
    assert counts() == before


def test_no_file_loads_nothing(ctx, tmp_path):
    assert load_demo_groups(tmp_path).changed == 0
