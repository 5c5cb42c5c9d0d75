"""Pooled services of a zone, the organisations enrolled, and their waste census."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from symbiosis.models.base import Base, TimestampMixin, enum_check, utcnow
from symbiosis.pooled_fields import COST_SPLITS
from symbiosis.units import Frequency, Unit
from symbiosis.workflow.pooled import PoolAction, PoolState
from symbiosis.workflow.pooled_categories import CATEGORIES

if TYPE_CHECKING:
    from symbiosis.models.organisation import Organisation
    from symbiosis.models.reference import EwcCode
    from symbiosis.models.user import User
    from symbiosis.models.zone import Zone

COMMITMENTS = ("interested", "committed")


class PooledService(TimestampMixin, Base):
    """A service that organisations of one zone share (collection, shuttle...)."""

    __tablename__ = "pooled_service"
    __table_args__ = (
        enum_check("state", tuple(PoolState)),
        enum_check("category", CATEGORIES),
        enum_check("cost_split", COST_SPLITS),
        sa.CheckConstraint(
            "target_participants IS NULL OR target_participants > 0",
            name="target_positive",
        ),
        sa.CheckConstraint(
            "estimated_cost IS NULL OR estimated_cost >= 0", name="cost_positive"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(sa.ForeignKey("zone.id"), index=True)
    category: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str | None] = mapped_column(sa.Text)
    target_participants: Mapped[int | None]
    estimated_cost: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    cost_split: Mapped[str] = mapped_column(sa.String(16), default="equal")
    cost_notes: Mapped[str | None] = mapped_column(sa.Text)
    state: Mapped[str] = mapped_column(
        sa.String(10), default=PoolState.PROPOSED, index=True
    )
    version: Mapped[int] = mapped_column(default=1)
    proposed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL")
    )
    proposer_org_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="SET NULL")
    )
    # The pooling opportunity it came from (material key), if any.
    source_key: Mapped[str | None] = mapped_column(sa.String(80))
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it

    zone: Mapped[Zone] = relationship()
    proposed_by: Mapped[User | None] = relationship()
    proposer_org: Mapped[Organisation | None] = relationship()
    participants: Mapped[list[PoolParticipant]] = relationship(
        back_populates="service",
        order_by="PoolParticipant.id",
        cascade="all, delete-orphan",
    )
    events: Mapped[list[PoolEvent]] = relationship(
        order_by="(PoolEvent.created_at, PoolEvent.id)", cascade="all, delete-orphan"
    )

    def enrolled(self) -> list[PoolParticipant]:
        """Participants that have not left."""
        return [p for p in self.participants if p.left_at is None]


class PoolParticipant(Base):
    """One organisation enrolled in a pooled service (kept after it leaves)."""

    __tablename__ = "pool_participant"
    __table_args__ = (
        sa.UniqueConstraint("service_id", "organisation_id"),
        enum_check("commitment", COMMITMENTS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pooled_service.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    commitment: Mapped[str] = mapped_column(sa.String(12), default="interested")
    enrolled_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL")
    )
    enrolled_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow
    )
    left_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    service: Mapped[PooledService] = relationship(back_populates="participants")
    organisation: Mapped[Organisation] = relationship()
    waste_lines: Mapped[list[PoolWasteLine]] = relationship(
        order_by="PoolWasteLine.id", cascade="all, delete-orphan"
    )


class PoolWasteLine(Base):
    """A waste type and volume declared by a participant (collective collection)."""

    __tablename__ = "pool_waste_line"
    __table_args__ = (
        enum_check("unit", tuple(Unit)),
        enum_check("frequency", tuple(Frequency)),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.UniqueConstraint("participant_id", "ewc_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pool_participant.id", ondelete="CASCADE"), index=True
    )
    ewc_code: Mapped[str] = mapped_column(sa.ForeignKey("ewc_code.code"))
    quantity: Mapped[Decimal] = mapped_column(sa.Numeric(16, 4))
    unit: Mapped[str] = mapped_column(sa.String(10))
    frequency: Mapped[str] = mapped_column(sa.String(12))
    yearly_quantity: Mapped[Decimal] = mapped_column(sa.Numeric(20, 4))
    base_unit: Mapped[str] = mapped_column(sa.String(10))

    ewc: Mapped[EwcCode] = relationship()


class PoolEvent(Base):
    """One step in a pooled service's history: who, when, what, from and to."""

    __tablename__ = "pool_event"
    __table_args__ = (enum_check("action", ("propose", *PoolAction)),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pooled_service.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow
    )
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL")
    )
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(sa.String(10))
    from_state: Mapped[str | None] = mapped_column(sa.String(10))
    to_state: Mapped[str] = mapped_column(sa.String(10))
    comment: Mapped[str | None] = mapped_column(sa.Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    actor: Mapped[User | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
