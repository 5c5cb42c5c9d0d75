"""Listings: what an organisation offers or requests."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from symbiosis import geo
from symbiosis.listing_words import KINDS, PRICE_TERMS, RESOURCES
from symbiosis.models.base import Base, TimestampMixin, enum_check, utcnow
from symbiosis.models.reference import EwcCode, Sdg
from symbiosis.units import Frequency, Unit
from symbiosis.workflow.listing import ListingState

if TYPE_CHECKING:
    from symbiosis.models.organisation import Organisation
    from symbiosis.models.user import User
    from symbiosis.models.zone import Zone

listing_sdgs = sa.Table(
    "listing_sdg",
    Base.metadata,
    sa.Column(
        "listing_id", sa.ForeignKey("listing.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("sdg_number", sa.ForeignKey("sdg.number"), primary_key=True),
)


class Listing(TimestampMixin, Base):
    """An offer or a request of a material, energy, water or a service."""

    __tablename__ = "listing"
    __table_args__ = (
        enum_check("kind", KINDS),
        enum_check("resource", RESOURCES),
        enum_check("unit", tuple(Unit)),
        enum_check("frequency", tuple(Frequency)),
        enum_check("price_terms", PRICE_TERMS),
        enum_check("state", tuple(ListingState)),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.Index("ix_listing_state_kind", "state", "kind"),
        # Statistics (stats.py): listings of a period, of a zone's organisations,
        # active ones by resource; INCLUDE lets PostgreSQL answer from the index.
        sa.Index(
            "ix_listing_created_at",
            "created_at",
            postgresql_include=["id", "organisation_id"],
        ),
        sa.Index(
            "ix_listing_organisation_created",
            "organisation_id",
            "created_at",
            postgresql_include=["id", "state", "resource"],
        ),
        sa.Index(
            "ix_listing_state_resource",
            "state",
            "resource",
            "created_at",
            postgresql_include=["id"],
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL")
    )
    # The organisation's zone when posted; kept for anonymous display and filters.
    zone_id: Mapped[int | None] = mapped_column(sa.ForeignKey("zone.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    resource: Mapped[str] = mapped_column(sa.String(10))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str | None] = mapped_column(sa.Text)
    ewc_code: Mapped[str | None] = mapped_column(
        sa.ForeignKey("ewc_code.code"), index=True
    )
    quantity: Mapped[Decimal] = mapped_column(sa.Numeric(16, 4))
    unit: Mapped[str] = mapped_column(sa.String(10))
    frequency: Mapped[str] = mapped_column(sa.String(12))
    # Yearly amount in the base unit of the dimension (units.yearly); for matching.
    yearly_quantity: Mapped[Decimal] = mapped_column(sa.Numeric(20, 4))
    base_unit: Mapped[str] = mapped_column(sa.String(10))
    available_from: Mapped[date]
    available_until: Mapped[date | None] = mapped_column(index=True)
    lat: Mapped[float]
    lon: Mapped[float]
    location_label: Mapped[str | None] = mapped_column(sa.String(120))
    max_distance_km: Mapped[int | None]
    price_terms: Mapped[str] = mapped_column(sa.String(16), default="negotiable")
    price_per_unit: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    anonymous: Mapped[bool] = mapped_column(default=False)
    accepts_hazardous: Mapped[bool] = mapped_column(default=False)
    # Keys of the shared list of themes (symbiosis.themes), like an event's.
    themes: Mapped[list[str]] = mapped_column(
        sa.JSON, default=list, server_default="[]"
    )
    state: Mapped[str] = mapped_column(sa.String(10), default=ListingState.ACTIVE)
    # Folded title, description and waste label: accent-insensitive search.
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    # Indexed: each matcher process catches up with the listings changed
    # since it last looked (``services.matching.IndexCache``).
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow, index=True
    )
    expiry_notice_sent_at: Mapped[datetime | None] = mapped_column(
        sa.DateTime(timezone=True)
    )

    organisation: Mapped[Organisation] = relationship()
    zone: Mapped[Zone | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    ewc: Mapped[EwcCode | None] = relationship()
    sdgs: Mapped[list[Sdg]] = relationship(secondary=listing_sdgs, order_by=Sdg.number)

    @property
    def hazardous(self) -> bool:
        return self.ewc is not None and self.ewc.hazardous

    @property
    def is_active(self) -> bool:
        return self.state == ListingState.ACTIVE

    @property
    def public_point(self) -> tuple[float, float]:
        """The point other firms measure distances to: the site, or for an
        anonymous listing an approximate point (:func:`geo.approximate`)."""
        if not self.anonymous:
            return self.lat, self.lon
        zone = self.zone
        return geo.approximate(
            self.lat, self.lon, (zone.lat, zone.lon) if zone else None
        )
