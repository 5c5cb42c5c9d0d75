"""Invitations to join an organisation, one per organisation and address."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from symbiosis.models.base import Base, TimestampMixin, as_utc

if TYPE_CHECKING:
    from symbiosis.models.organisation import Organisation
    from symbiosis.models.user import User


class InvitationState(StrEnum):
    PENDING = "pending"
    EXPIRED = "expired"
    ACCEPTED = "accepted"
    WITHDRAWN = "withdrawn"


class Invitation(TimestampMixin, Base):
    """An administrator asked this address to join the organisation.

    Inviting the same address again reuses the row: a pending invitation is
    sent again and lasts longer, one that was accepted or withdrawn starts
    anew with a new ``key``, which spends the links mailed before.
    """

    __tablename__ = "invitation"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(sa.String(254))
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL"), index=True
    )
    # carried by the links; a new one spends every link mailed before
    key: Mapped[str] = mapped_column(sa.String(32))
    sent_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    withdrawn_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped[User | None] = relationship()

    def state(self, now: datetime) -> InvitationState:
        if self.accepted_at is not None:
            return InvitationState.ACCEPTED
        if self.withdrawn_at is not None:
            return InvitationState.WITHDRAWN
        if as_utc(self.expires_at) <= now:
            return InvitationState.EXPIRED
        return InvitationState.PENDING
