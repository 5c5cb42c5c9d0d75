"""Matches proposed by the matcher between an offer and a request."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from symbiosis.models.base import Base, TimestampMixin, utcnow
from symbiosis.models.listing import Listing

if TYPE_CHECKING:
    from symbiosis.models.user import User


class Match(TimestampMixin, Base):
    """One proposed pair, with its score, parts and reasons (JSON)."""

    __tablename__ = "match"
    __table_args__ = (
        sa.UniqueConstraint("offer_id", "request_id"),
        sa.CheckConstraint("score >= 0 AND score <= 100", name="score_range"),
        # Statistics: matches proposed, and dismissed, in a period.
        sa.Index(
            "ix_match_created_at",
            "created_at",
            postgresql_include=[
                "id",
                "offer_id",
                "request_id",
                "dismissed_at",
                "distance_km",
            ],
        ),
        sa.Index(
            "ix_match_dismissed_at",
            "dismissed_at",
            postgresql_include=["id", "dismiss_reason"],
            postgresql_where=sa.text("dismissed_at IS NOT NULL"),
            sqlite_where=sa.text("dismissed_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("listing.id", ondelete="CASCADE"), index=True
    )
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("listing.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[float]
    distance_km: Mapped[float]
    parts: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    notified: Mapped[bool] = mapped_column(default=False)
    dismissed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    dismissed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL")
    )
    dismiss_reason: Mapped[str | None] = mapped_column(sa.Text)

    offer: Mapped[Listing] = relationship(foreign_keys=[offer_id])
    request: Mapped[Listing] = relationship(foreign_keys=[request_id])
    dismissed_by: Mapped[User | None] = relationship()

    def other(self, listing_id: int) -> Listing:
        """The listing on the other side from ``listing_id``."""
        return self.request if listing_id == self.offer_id else self.offer
