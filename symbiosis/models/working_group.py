"""Working groups of a zone: members, meetings and the actions they decide."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from symbiosis.models.base import Base, TimestampMixin, enum_check, utcnow

if TYPE_CHECKING:
    from symbiosis.models.user import User
    from symbiosis.models.zone import Zone

MAX_NAME = 120
MAX_PURPOSE = 2000
MAX_TOPIC = 200
MAX_MINUTES = 20000
MAX_DECISIONS = 10000
MAX_ACTION_TITLE = 200


class MemberRole(StrEnum):
    LEAD = "lead"
    MEMBER = "member"


class ActionState(StrEnum):
    OPEN = "open"
    DONE = "done"


class WorkingGroup(TimestampMixin, Base):
    """A group of people of one zone working on one topic (e.g. mobility)."""

    __tablename__ = "working_group"
    __table_args__ = (sa.UniqueConstraint("zone_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(sa.ForeignKey("zone.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(MAX_NAME))
    purpose: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL")
    )
    archived: Mapped[bool] = mapped_column(default=False)

    zone: Mapped[Zone] = relationship()
    created_by: Mapped[User | None] = relationship()
    members: Mapped[list[WorkingGroupMember]] = relationship(
        back_populates="group",
        order_by="(WorkingGroupMember.role, WorkingGroupMember.joined_at)",
        cascade="all, delete-orphan",
    )
    meetings: Mapped[list[GroupMeeting]] = relationship(
        back_populates="group",
        order_by="(GroupMeeting.held_on.desc(), GroupMeeting.id.desc())",
        cascade="all, delete-orphan",
    )
    actions: Mapped[list[GroupAction]] = relationship(
        back_populates="group",
        order_by="(GroupAction.due_on, GroupAction.id)",
        cascade="all, delete-orphan",
    )

    def member(self, user_id: int) -> WorkingGroupMember | None:
        return next((m for m in self.members if m.user_id == user_id), None)

    def open_actions(self) -> list[GroupAction]:
        return [a for a in self.actions if a.state == ActionState.OPEN]

    def done_actions(self) -> list[GroupAction]:
        """Done actions, the most recently finished first."""
        done = [a for a in self.actions if a.state == ActionState.DONE]
        return sorted(done, key=lambda a: (a.done_at or utcnow(), a.id), reverse=True)

    def overdue_actions(self, today: date | None = None) -> list[GroupAction]:
        return [a for a in self.actions if a.overdue_on(today or date.today())]


class WorkingGroupMember(Base):
    """One person in one group, as its lead or as a member."""

    __tablename__ = "working_group_member"
    __table_args__ = (enum_check("role", tuple(MemberRole)),)

    group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("working_group.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(sa.String(10), default=MemberRole.MEMBER)
    joined_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow
    )

    group: Mapped[WorkingGroup] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class GroupMeeting(TimestampMixin, Base):
    """A meeting of a working group: its date, topic, minutes and decisions.

    Named apart from the matchmaking events' meetings (rounds, tables, pairs).
    """

    __tablename__ = "group_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("working_group.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[date]
    topic: Mapped[str] = mapped_column(sa.String(MAX_TOPIC))
    minutes: Mapped[str | None] = mapped_column(sa.Text)
    decisions: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL")
    )

    group: Mapped[WorkingGroup] = relationship(back_populates="meetings")
    created_by: Mapped[User | None] = relationship()
    actions: Mapped[list[GroupAction]] = relationship(
        back_populates="meeting", order_by="(GroupAction.due_on, GroupAction.id)"
    )


class GroupAction(TimestampMixin, Base):
    """Something a member owes the group by a date, maybe decided in a meeting."""

    __tablename__ = "group_action"
    __table_args__ = (
        enum_check("state", tuple(ActionState)),
        sa.CheckConstraint(
            "(state = 'done') = (done_at IS NOT NULL)", name="done_at_when_done"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("working_group.id", ondelete="CASCADE"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("group_meeting.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(MAX_ACTION_TITLE))
    # Kept when the person leaves the group; None only if the account is deleted.
    owner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL"), index=True
    )
    due_on: Mapped[date]
    state: Mapped[str] = mapped_column(sa.String(8), default=ActionState.OPEN)
    done_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL")
    )

    group: Mapped[WorkingGroup] = relationship(back_populates="actions")
    meeting: Mapped[GroupMeeting | None] = relationship(back_populates="actions")
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    def overdue_on(self, today: date) -> bool:
        """Open and past its due date."""
        return self.state == ActionState.OPEN and self.due_on < today

    @property
    def overdue(self) -> bool:
        return self.overdue_on(date.today())
