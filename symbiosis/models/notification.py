"""In-app notifications and API tokens of users."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from symbiosis.models.base import Base, TimestampMixin

if TYPE_CHECKING:
    from symbiosis.models.user import User


class Notification(TimestampMixin, Base):
    """A message for one user, shown in the app (and mailed when sent)."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="CASCADE"), index=True
    )
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    link: Mapped[str | None] = mapped_column(sa.String(300))
    read_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # The subject and body in every language of the site, written with the
    # notice ({"de": [subject, body], ...}): shown in the reader's language
    # of the day. None for notices written before 2026-11-28.
    texts: Mapped[dict[str, list[str]] | None] = mapped_column(sa.JSON)

    user: Mapped[User] = relationship()

    def read_in(self, lang: str) -> tuple[str, str]:
        """The subject and body in ``lang``, else as first written."""
        found = (self.texts or {}).get(lang)
        if found and len(found) == 2:
            return found[0], found[1]
        return self.subject, self.body


class ApiToken(TimestampMixin, Base):
    """A bearer token for the JSON API; only its SHA-256 digest is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(80))
    digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(8))
    last_used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    user: Mapped[User] = relationship()
