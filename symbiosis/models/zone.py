"""Business zones, their managers and organisations' requests to join them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from symbiosis.models.base import Base, TimestampMixin, enum_check, utcnow

if TYPE_CHECKING:
    from symbiosis.models.organisation import Organisation
    from symbiosis.models.user import User

zone_managers = sa.Table(
    "zone_manager",
    Base.metadata,
    sa.Column(
        "zone_id", sa.ForeignKey("zone.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "user_id", sa.ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    ),
)


class Zone(TimestampMixin, Base):
    """A business park; its point centres maps and locates firms by default."""

    __tablename__ = "zone"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    commune: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[str | None] = mapped_column(sa.String(120))
    lat: Mapped[float]
    lon: Mapped[float]
    confidence: Mapped[str | None] = mapped_column(sa.String(1))

    managers: Mapped[list[User]] = relationship(
        secondary=zone_managers, back_populates="managed_zones"
    )
    organisations: Mapped[list[Organisation]] = relationship(back_populates="zone")

    @property
    def short_name(self) -> str:
        """Return the name without its parenthesised details."""
        return self.shorten(self.name)

    @staticmethod
    def shorten(name: str) -> str:
        """A zone's name without its parenthesised details."""
        return name.split(" (")[0]


class ZoneRequestState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class ZoneRequest(TimestampMixin, Base):
    """An organisation's request to join a zone, decided by the zone's manager."""

    __tablename__ = "zone_request"
    __table_args__ = (enum_check("state", tuple(ZoneRequestState)),)

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(sa.ForeignKey("zone.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(sa.String(10), default=ZoneRequestState.PENDING)
    requested_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL")
    )
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(sa.Text)

    zone: Mapped[Zone] = relationship()
    organisation: Mapped[Organisation] = relationship(back_populates="zone_requests")
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    def decide(self, *, by: User, approve: bool, reason: str | None) -> None:
        """Record the manager's decision."""
        self.state = ZoneRequestState.APPROVED if approve else ZoneRequestState.REJECTED
        self.decided_by = by
        self.decided_at = utcnow()
        self.reason = reason
