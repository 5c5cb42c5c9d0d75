"""People who sign in, and what they may do through their role."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from symbiosis.models.base import Base, TimestampMixin, enum_check
from symbiosis.models.zone import zone_managers

if TYPE_CHECKING:
    from symbiosis.models.organisation import Organisation
    from symbiosis.models.zone import Zone


class OrgRole(StrEnum):
    PENDING = "pending"  # asked to join; an admin of the organisation decides
    MEMBER = "member"
    ADMIN = "admin"


class MailNotices(StrEnum):
    """What a user's notices send by e-mail (they are always on the site)."""

    EACH = "each"  # one e-mail per notice, as it comes
    DAILY = "daily"  # one summary a day of the notices still unread
    WEEKLY = "weekly"  # one summary a week (Monday morning)
    NEVER = "never"


class User(UserMixin, TimestampMixin, Base):  # type: ignore[misc]
    """An account; belongs to at most one organisation."""

    __tablename__ = "app_user"
    __table_args__ = (
        enum_check("org_role", tuple(OrgRole)),
        enum_check("mail_notices", tuple(MailNotices)),
        sa.CheckConstraint(
            "(organisation_id IS NULL) = (org_role IS NULL)", name="org_role_with_org"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    locale: Mapped[str] = mapped_column(sa.String(2), default="fr")
    active: Mapped[bool] = mapped_column(default=True)
    is_facilitator: Mapped[bool] = mapped_column(default=False)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    org_role: Mapped[str | None] = mapped_column(sa.String(10))
    # Bumped when the password changes: invalidates sessions and remember cookies.
    session_token: Mapped[str] = mapped_column(sa.String(64))
    last_login_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    mail_notices: Mapped[str] = mapped_column(
        sa.String(8), default=MailNotices.EACH, server_default=MailNotices.EACH.value
    )
    # When the last summary of notices went out (daily and weekly summaries).
    digest_sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # The key in the address of one's calendar feed; None while it is off.
    calendar_key: Mapped[str | None] = mapped_column(sa.String(64))

    organisation: Mapped[Organisation | None] = relationship(back_populates="users")
    managed_zones: Mapped[list[Zone]] = relationship(
        secondary=zone_managers, back_populates="managers", order_by="Zone.name"
    )
    # Unread notifications, counted in the statement that loads the signed-in
    # user (services.accounts.load_user); None when loaded any other way, or
    # once a commit has expired it.
    unread_notifications: Mapped[int | None] = query_expression()

    def get_id(self) -> str:
        """Identify the session by user and token, so a reset logs others out."""
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_org_member(self) -> bool:
        """True for accepted members and admins (not for pending requests)."""
        return self.org_role in (OrgRole.MEMBER, OrgRole.ADMIN)

    @property
    def is_org_admin(self) -> bool:
        return self.org_role == OrgRole.ADMIN

    @property
    def is_zone_manager(self) -> bool:
        return bool(self.managed_zones)

    def manages(self, zone_id: int | None) -> bool:
        return zone_id is not None and any(z.id == zone_id for z in self.managed_zones)
