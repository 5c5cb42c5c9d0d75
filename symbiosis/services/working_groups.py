"""Working groups of a zone: who sees them, who runs them, what they record.

The zone's manager and facilitators create a group and choose its members:
people of the zone's organisations, the zone's managers, facilitators. Every
member (and whoever runs the group) records meetings and actions and marks
actions done. Anyone else gets :class:`NotAllowed`, which views turn into a
404 so that other zones' groups never show. Each write commits once, or not
at all when it raises.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import sqlalchemy as sa
from flask_babel import format_date

from symbiosis.authz import Perm, can
from symbiosis.errors import FieldErrors, Forbidden, InvalidTransition, NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.models import User, Zone, zone_managers
from symbiosis.models.base import utcnow
from symbiosis.models.working_group import (
    MAX_ACTION_TITLE,
    MAX_DECISIONS,
    MAX_MINUTES,
    MAX_NAME,
    MAX_PURPOSE,
    MAX_TOPIC,
    ActionState,
    GroupAction,
    GroupMeeting,
    MemberRole,
    WorkingGroup,
    WorkingGroupMember,
)
from symbiosis.services import notify
from symbiosis.services.group_fields import FieldReader

T = TypeVar("T")


# -- seeing ------------------------------------------------------------------
def runs(user: Any, obj: WorkingGroup | Zone) -> bool:
    """Does ``user`` run this group (or the groups of this zone)?"""
    return can(user, Perm.MANAGE_ZONE, obj)


def zone_for(user: Any, zone_id: int) -> Zone:
    """The zone if ``user`` may open its list of working groups.

    :raises NotAllowed: for unknown zones and zones the user is not part of.
    """
    zone = db.session.get(Zone, zone_id)
    if zone is None or not can(user, Perm.VIEW_WORKING_GROUP, zone):
        raise NotAllowed(gettext("No such zone."))
    return zone


def groups_for_zone(user: Any, zone_id: int) -> list[WorkingGroup]:
    """The zone's groups that ``user`` sees: all for who runs them, else one's own."""
    if user is None or not user.is_authenticated:
        return []
    query = (
        sa.select(WorkingGroup)
        .where(WorkingGroup.zone_id == zone_id)
        .order_by(WorkingGroup.archived, sa.func.lower(WorkingGroup.name))
    )
    if not (user.is_facilitator or user.manages(zone_id)):
        query = query.where(in_groups_of(user.id))
    return list(db.session.scalars(query))


def groups_for_user(user: Any) -> list[WorkingGroup]:
    """Every group ``user`` sees, zone by zone (facilitators: all of them)."""
    query = sa.select(WorkingGroup).join(Zone, WorkingGroup.zone_id == Zone.id)
    if not user.is_facilitator:
        managed = [z.id for z in user.managed_zones]
        query = query.where(
            sa.or_(WorkingGroup.zone_id.in_(managed), in_groups_of(user.id))
        )
    query = query.order_by(
        WorkingGroup.archived, Zone.name, sa.func.lower(WorkingGroup.name)
    )
    return list(db.session.scalars(query))


def in_groups_of(user_id: int) -> sa.ColumnElement[bool]:
    """The groups ``user_id`` is a member of (a condition on ``WorkingGroup``)."""
    return WorkingGroup.id.in_(
        sa.select(WorkingGroupMember.group_id).where(
            WorkingGroupMember.user_id == user_id
        )
    )


def get(user: Any, group_id: int) -> WorkingGroup:
    """The group if ``user`` may see it.

    :raises NotAllowed: for unknown ids and other people's groups alike.
    """
    group = db.session.get(WorkingGroup, group_id)
    if group is None or not can(user, Perm.VIEW_WORKING_GROUP, group):
        raise NotAllowed(gettext("No such working group."))
    return group


def _to_run(user: User, group_id: int) -> WorkingGroup:
    group = get(user, group_id)
    if not runs(user, group):
        raise Forbidden(
            gettext("Only the zone's manager or a facilitator may do this.")
        )
    return group


def _to_work_in(user: User, group_id: int, *, run: bool = False) -> WorkingGroup:
    group = _to_run(user, group_id) if run else get(user, group_id)
    if group.archived:
        raise InvalidTransition(
            gettext("This group is archived: restore it to record anything new.")
        )
    return group


def eligible(user: User, zone_id: int) -> bool:
    """May ``user`` belong to a group of this zone?"""
    return user.active and (
        user.is_facilitator
        or user.manages(zone_id)
        or (
            user.is_org_member
            and user.organisation is not None
            and user.organisation.zone_id == zone_id
        )
    )


def candidates(group: WorkingGroup) -> list[User]:
    """People who may join ``group`` and are not in it yet, by name."""
    from symbiosis.models import Organisation

    in_zone = User.organisation_id.in_(
        sa.select(Organisation.id).where(Organisation.zone_id == group.zone_id)
    )
    manages = User.id.in_(
        sa.select(zone_managers.c.user_id).where(
            zone_managers.c.zone_id == group.zone_id
        )
    )
    query = (
        sa.select(User)
        .where(
            User.active,
            sa.or_(
                User.is_facilitator,
                manages,
                sa.and_(in_zone, User.org_role.in_(["member", "admin"])),
            ),
            User.id.not_in([m.user_id for m in group.members] or [-1]),
        )
        .order_by(User.full_name, User.id)
    )
    return list(db.session.scalars(query))


# -- writing -----------------------------------------------------------------
def _commit(work: Callable[[], T]) -> T:
    try:
        result = work()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result


def _link(group: WorkingGroup) -> str:
    return f"/groups/{group.id}"


def create_group(actor: User, zone_id: int, raw: Mapping[str, Any]) -> WorkingGroup:
    """Open a working group in a zone; its creator becomes its lead.

    :raises NotAllowed: the zone is unknown or not the actor's.
    :raises Forbidden: the actor may see the zone but does not run it.
    :raises FieldErrors: a missing or taken name, a text too long.
    """
    zone = zone_for(actor, zone_id)
    if not runs(actor, zone):
        raise Forbidden(
            gettext("Only the zone's manager or a facilitator may do this.")
        )
    read = FieldReader(raw)
    name = read.text("name", MAX_NAME, required=gettext("Give the group a name."))
    purpose = read.text("purpose", MAX_PURPOSE, multiline=True)
    if name and db.session.scalar(
        sa.select(WorkingGroup.id).where(
            WorkingGroup.zone_id == zone.id,
            sa.func.lower(WorkingGroup.name) == name.lower(),
        )
    ):
        read.fail("name", gettext("This zone already has a group with this name."))
    read.done()

    def work() -> WorkingGroup:
        group = WorkingGroup(zone=zone, name=name, purpose=purpose, created_by=actor)
        group.members.append(WorkingGroupMember(user=actor, role=MemberRole.LEAD))
        db.session.add(group)
        db.session.flush()
        return group

    return _commit(work)


def add_member(
    actor: User, group_id: int, raw: Mapping[str, Any]
) -> WorkingGroupMember:
    """Add a person to the group, or change the role of one already in it."""
    group = _to_work_in(actor, group_id, run=True)
    read = FieldReader(raw)
    wrong_person = gettext(
        "Choose a person of an organisation of this zone, its manager or a facilitator."
    )
    user_id = read.number("user_id", wrong_person)
    role = str(raw.get("role") or MemberRole.MEMBER)
    if role not in tuple(MemberRole):
        read.fail("role", gettext("Choose lead or member."))
    person = db.session.get(User, user_id) if user_id is not None else None
    if user_id is not None and (person is None or not eligible(person, group.zone_id)):
        read.fail("user_id", wrong_person)
    read.done()
    assert person is not None  # noqa: S101 - read.done() raised otherwise  # nosec B101

    def work() -> WorkingGroupMember:
        member = group.member(person.id)
        if member is not None:
            member.role = role
            return member
        member = WorkingGroupMember(user=person, role=role)
        group.members.append(member)
        if person.id != actor.id:
            notify.tell(
                [person],
                lambda: (
                    gettext(
                        "Working group “%(name)s”: you are a member", name=group.name
                    ),
                    gettext(
                        "%(actor)s added you to this working group of %(zone)s.",
                        actor=actor.full_name,
                        zone=group.zone.short_name,
                    ),
                ),
                link=_link(group),
            )
        return member

    return _commit(work)


def remove_member(actor: User, group_id: int, user_id: int) -> None:
    """Take a person out of the group; the actions they own keep their name.

    :raises NotAllowed: the person is not in the group.
    """
    group = _to_work_in(actor, group_id, run=True)
    member = group.member(user_id)
    if member is None:
        raise NotAllowed(gettext("This person is not in the group."))
    _commit(lambda: group.members.remove(member))


def record_meeting(actor: User, group_id: int, raw: Mapping[str, Any]) -> GroupMeeting:
    """Record a meeting: its date, topic, minutes and decisions."""
    group = _to_work_in(actor, group_id)
    read = FieldReader(raw)
    held_on = read.day("held_on", required=gettext("Enter the date of the meeting."))
    topic = read.text(
        "topic", MAX_TOPIC, required=gettext("Say what the meeting was about.")
    )
    minutes = read.text("minutes", MAX_MINUTES, multiline=True)
    decisions = read.text("decisions", MAX_DECISIONS, multiline=True)
    read.done()

    def work() -> GroupMeeting:
        meeting = GroupMeeting(
            group=group,
            held_on=held_on,
            topic=topic,
            minutes=minutes,
            decisions=decisions,
            created_by=actor,
        )
        db.session.add(meeting)
        db.session.flush()
        return meeting

    return _commit(work)


def add_action(actor: User, group_id: int, raw: Mapping[str, Any]) -> GroupAction:
    """Give a member something to do by a date, maybe decided in a meeting."""
    group = _to_work_in(actor, group_id)
    read = FieldReader(raw)
    title = read.text(
        "title", MAX_ACTION_TITLE, required=gettext("Say what has to be done.")
    )
    not_member = gettext("Choose a member of the group.")
    owner_id = read.number("owner_id", not_member)
    owner = group.member(owner_id) if owner_id is not None else None
    if owner_id is not None and owner is None:
        read.fail("owner_id", not_member)
    wrong_meeting = gettext("Choose a meeting of this group.")
    meeting_id = read.number("meeting_id", wrong_meeting, required=False)
    meeting = None
    if meeting_id is not None:
        meeting = next((m for m in group.meetings if m.id == meeting_id), None)
        if meeting is None:
            read.fail("meeting_id", wrong_meeting)
    due_on = read.day("due_on", required=gettext("Enter a due date."))
    if due_on is not None and meeting is not None and due_on < meeting.held_on:
        read.fail(
            "due_on",
            gettext(
                "The due date cannot be before the meeting (%(date)s).",
                date=format_date(meeting.held_on),
            ),
        )
    read.done()
    assert owner is not None  # noqa: S101 - read.done() raised otherwise  # nosec B101

    def work() -> GroupAction:
        action = GroupAction(
            group=group,
            meeting=meeting,
            title=title,
            owner=owner.user,
            due_on=due_on,
            created_by=actor,
        )
        db.session.add(action)
        db.session.flush()
        if owner.user_id != actor.id:
            notify.tell(
                [owner.user],
                lambda: (
                    gettext(
                        "Working group “%(name)s”: an action for you", name=group.name
                    ),
                    gettext(
                        "“%(title)s”, due on %(date)s.",
                        title=title,
                        date=format_date(due_on),
                    ),
                ),
                link=_link(group),
            )
        return action

    return _commit(work)


def set_action_state(
    actor: User, group_id: int, action_id: int, state: str
) -> GroupAction:
    """Mark an action done (or open again); doing it twice changes nothing more.

    :raises NotAllowed: the action is not one of this group's.
    """
    group = _to_work_in(actor, group_id)
    action = next((a for a in group.actions if a.id == action_id), None)
    if action is None:
        raise NotAllowed(gettext("No such action."))
    if state not in tuple(ActionState):
        raise FieldErrors([("state", gettext("Choose open or done."))])

    def work() -> GroupAction:
        if action.state != state:
            action.state = state
            action.done_at = utcnow() if state == ActionState.DONE else None
        return action

    return _commit(work)


def set_archived(actor: User, group_id: int, archived: bool) -> WorkingGroup:
    """Archive a group (its history stays readable) or restore it."""
    group = _to_run(actor, group_id)

    def work() -> WorkingGroup:
        group.archived = archived
        return group

    return _commit(work)
