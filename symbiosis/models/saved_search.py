"""Searches of listings that a person follows, to hear of new listings."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from symbiosis.models.base import Base, TimestampMixin, utcnow

if TYPE_CHECKING:
    from symbiosis.models.user import User

MAX_NAME = 80


class SavedSearch(TimestampMixin, Base):
    """The filters of a listings search, as the list's address carries them
    (``Filters.as_args``), and the moment up to which their listings were
    looked at: listings posted later are new."""

    __tablename__ = "saved_search"
    __table_args__ = (sa.UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(MAX_NAME))
    filters: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    seen_until: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow
    )
    # When the last notice of new listings went out (None: never yet).
    alerted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    user: Mapped[User] = relationship()
