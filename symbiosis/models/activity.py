"""The activity log: important actions, for facilitators to read."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from symbiosis.models.base import Base, utcnow

if TYPE_CHECKING:
    from symbiosis.models.organisation import Organisation
    from symbiosis.models.user import User
    from symbiosis.models.zone import Zone


class ActivityEntry(Base):
    """One important action: who did what to which object, when, in which zone.

    The actor is empty for the system (scheduler, command line). Entries are
    written in the transaction of the action they record, so a failed action
    leaves none.
    """

    __tablename__ = "activity_log"
    __table_args__ = (
        sa.Index("ix_activity_log_subject", "subject_type", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, index=True
    )
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL"), index=True
    )
    # The actor's organisation at the time of the action.
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    zone_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("zone.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(40), index=True)
    subject_type: Mapped[str | None] = mapped_column(sa.String(30))
    subject_id: Mapped[int | None]
    details: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    actor: Mapped[User | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    zone: Mapped[Zone | None] = relationship()

    @property
    def kind(self) -> str:
        """The family of the action: ``agreement`` for ``agreement.accepted``."""
        return self.action.split(".", 1)[0]
