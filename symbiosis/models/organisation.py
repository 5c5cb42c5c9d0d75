"""Organisations: firms, non-profits and public bodies."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from symbiosis.models.base import Base, TimestampMixin, enum_check
from symbiosis.models.reference import Sdg

if TYPE_CHECKING:
    from symbiosis.models.user import User
    from symbiosis.models.zone import Zone, ZoneRequest


class OrgKind(StrEnum):
    COMPANY = "company"
    ASSOCIATION = "association"
    PUBLIC_BODY = "public_body"


organisation_sdgs = sa.Table(
    "organisation_sdg",
    Base.metadata,
    sa.Column(
        "organisation_id",
        sa.ForeignKey("organisation.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("sdg_number", sa.ForeignKey("sdg.number"), primary_key=True),
)


class Organisation(TimestampMixin, Base):
    """A member organisation; users act on its behalf."""

    __tablename__ = "organisation"
    __table_args__ = (enum_check("kind", tuple(OrgKind)),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # Case- and accent-folded name, unique: "Café du Sud" and "CAFE DU SUD" clash.
    name_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    nace_code: Mapped[str | None] = mapped_column(sa.ForeignKey("nace_code.code"))
    description: Mapped[str | None] = mapped_column(sa.Text)
    website: Mapped[str | None] = mapped_column(sa.String(300))
    street: Mapped[str | None] = mapped_column(sa.String(200))
    postcode: Mapped[str | None] = mapped_column(sa.String(10))
    locality: Mapped[str | None] = mapped_column(sa.String(120))
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    zone_id: Mapped[int | None] = mapped_column(sa.ForeignKey("zone.id"), index=True)

    zone: Mapped[Zone | None] = relationship(back_populates="organisations")
    users: Mapped[list[User]] = relationship(back_populates="organisation")
    sdgs: Mapped[list[Sdg]] = relationship(
        secondary=organisation_sdgs, order_by=Sdg.number
    )
    zone_requests: Mapped[list[ZoneRequest]] = relationship(
        back_populates="organisation",
        cascade="all, delete-orphan",
        order_by="ZoneRequest.created_at.desc()",
    )

    @property
    def is_nonprofit(self) -> bool:
        return self.kind == OrgKind.ASSOCIATION

    @property
    def pending_zone_request(self) -> ZoneRequest | None:
        """Return the open request to join a zone, if any."""
        return next((r for r in self.zone_requests if r.state == "pending"), None)
