"""Matchmaking evenings: the event, the organisations registered, the meetings."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from symbiosis.event_fields import PAIRS
from symbiosis.models.base import Base, TimestampMixin, enum_check, utcnow
from symbiosis.workflow.event import EventState

if TYPE_CHECKING:
    from symbiosis.models.organisation import Organisation
    from symbiosis.models.user import User
    from symbiosis.models.zone import Zone


class Event(TimestampMixin, Base):
    """A matchmaking evening: short meetings in rounds, at numbered tables."""

    __tablename__ = "event"
    __table_args__ = (
        enum_check("state", tuple(EventState)),
        enum_check("pairs", PAIRS),
        sa.CheckConstraint("tables >= 1", name="tables_positive"),
        sa.CheckConstraint("rounds >= 1", name="rounds_positive"),
        sa.CheckConstraint("minutes_per_round >= 1", name="minutes_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str | None] = mapped_column(sa.Text)
    # The first round's start, in UTC; pages show it in the app's time zone.
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), index=True)
    place: Mapped[str] = mapped_column(sa.String(200))
    zone_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("zone.id", ondelete="SET NULL"), index=True
    )
    themes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    tables: Mapped[int]
    rounds: Mapped[int]
    minutes_per_round: Mapped[int]
    pairs: Mapped[str] = mapped_column(sa.String(5), default="mixed")
    state: Mapped[str] = mapped_column(
        sa.String(10), default=EventState.DRAFT, index=True
    )
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL")
    )
    planned_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it

    zone: Mapped[Zone | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    registrations: Mapped[list[EventRegistration]] = relationship(
        back_populates="event",
        order_by="EventRegistration.id",
        cascade="all, delete-orphan",
    )
    meetings: Mapped[list[EventMeeting]] = relationship(
        back_populates="event",
        order_by="(EventMeeting.round, EventMeeting.table_no)",
        cascade="all, delete-orphan",
    )


class EventRegistration(Base):
    """One organisation at the evening, and what it offers and seeks there."""

    __tablename__ = "event_registration"
    __table_args__ = (sa.UniqueConstraint("event_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unique constraints below start with event_id: they serve as its index.
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    registered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL")
    )
    offers: Mapped[str] = mapped_column(sa.Text, default="")  # one per line
    seeks: Mapped[str] = mapped_column(sa.Text, default="")  # one per line
    sdgs: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    themes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow
    )
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    event: Mapped[Event] = relationship(back_populates="registrations")
    organisation: Mapped[Organisation] = relationship()
    registered_by: Mapped[User | None] = relationship()

    @property
    def offer_lines(self) -> list[str]:
        return [line for line in self.offers.splitlines() if line.strip()]

    @property
    def seek_lines(self) -> list[str]:
        return [line for line in self.seeks.splitlines() if line.strip()]


class EventMeeting(Base):
    """Organisations ``a`` and ``b`` at table ``table_no`` in ``round`` (from 1).

    The database keeps a table to one meeting per round and an organisation to
    one seat per side; the planner's rules (:mod:`symbiosis.planner.rules`)
    check the rest before anything is written.
    """

    __tablename__ = "event_meeting"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "round", "table_no"),
        sa.UniqueConstraint("event_id", "round", "org_a_id"),
        sa.UniqueConstraint("event_id", "round", "org_b_id"),
        sa.CheckConstraint("round >= 1", name="round_positive"),
        sa.CheckConstraint("table_no >= 1", name="table_positive"),
        sa.CheckConstraint("org_a_id <> org_b_id", name="two_organisations"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unique constraints below start with event_id: they serve as its index.
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    round: Mapped[int]
    table_no: Mapped[int]
    org_a_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    org_b_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[float] = mapped_column(default=0.0)
    # Why they meet: [{"code": ..., "params": {...}}] (planner.model.Reason).
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    locked: Mapped[bool] = mapped_column(default=False)

    event: Mapped[Event] = relationship(back_populates="meetings")
    org_a: Mapped[Organisation] = relationship(foreign_keys=[org_a_id])
    org_b: Mapped[Organisation] = relationship(foreign_keys=[org_b_id])

    def other(self, organisation_id: int) -> Organisation:
        """The organisation ``organisation_id`` meets here."""
        return self.org_b if self.org_a_id == organisation_id else self.org_a
