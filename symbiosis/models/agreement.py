"""Agreements between two organisations, their trail, messages and deliveries."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from symbiosis.listing_words import PRICE_TERMS
from symbiosis.models.base import Base, TimestampMixin, enum_check, utcnow
from symbiosis.models.listing import Listing
from symbiosis.units import Frequency, Unit
from symbiosis.workflow.agreement import AgreementAction, AgreementState

if TYPE_CHECKING:
    from symbiosis.models.match import Match
    from symbiosis.models.organisation import Organisation
    from symbiosis.models.user import User

TRANSPORT_BY = ("supplier", "receiver", "third_party")
# An exchange moves a resource; a partnership (firm and non-profit, often signed
# at a matchmaking evening) gives skills, services or goods, counted in hours,
# pieces or euros rather than tonnes.
AGREEMENT_KINDS = ("exchange", "partnership")
OPEN_STATES = "state IN ('proposed', 'accepted', 'active')"
IMPACT_KINDS = ("delivery", "completion")


class Agreement(TimestampMixin, Base):
    """Terms agreed (or being agreed) between a supplier and a receiver."""

    __tablename__ = "agreement"
    __table_args__ = (
        enum_check("state", tuple(AgreementState)),
        enum_check("kind", AGREEMENT_KINDS),
        enum_check("unit", tuple(Unit)),
        enum_check("frequency", tuple(Frequency)),
        enum_check("price_terms", PRICE_TERMS),
        enum_check("transport_by", TRANSPORT_BY),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("end_on IS NULL OR end_on >= start_on", name="dates"),
        sa.CheckConstraint("supplier_id <> receiver_id", name="two_parties"),
        # At most one agreement under way per pair of listings, even when both
        # parties propose at the same moment.
        sa.Index(
            "uq_agreement_open_pair",
            "offer_id",
            "request_id",
            unique=True,
            sqlite_where=sa.text(OPEN_STATES),
            postgresql_where=sa.text(OPEN_STATES),
        ),
        # Statistics: agreements proposed in a period, by state and party.
        sa.Index(
            "ix_agreement_created_at",
            "created_at",
            postgresql_include=[
                "id",
                "state",
                "supplier_id",
                "receiver_id",
                "match_id",
            ],
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(
        sa.String(12), default="exchange", server_default="exchange"
    )
    # A partnership signed at an event counts for that event.
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("event.id", ondelete="SET NULL"), index=True
    )
    # What a partnership is worth in money (a donation, a sponsorship), if said.
    value_eur: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    match_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("match.id", ondelete="SET NULL"), index=True
    )
    offer_id: Mapped[int] = mapped_column(sa.ForeignKey("listing.id"), index=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("listing.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id"), index=True
    )
    receiver_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id"), index=True
    )
    # The organisation whose terms are on the table; the other one answers.
    proposer_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL")
    )
    state: Mapped[str] = mapped_column(
        sa.String(12), default=AgreementState.PROPOSED, index=True
    )
    version: Mapped[int] = mapped_column(default=1)
    quantity: Mapped[Decimal] = mapped_column(sa.Numeric(16, 4))
    unit: Mapped[str] = mapped_column(sa.String(10))
    frequency: Mapped[str] = mapped_column(sa.String(12))
    start_on: Mapped[date]
    end_on: Mapped[date | None]
    price_terms: Mapped[str] = mapped_column(sa.String(16))
    price_per_unit: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    transport_by: Mapped[str] = mapped_column(sa.String(12))
    conditions: Mapped[str | None] = mapped_column(sa.Text)
    # The proposer confirmed terms above what the offer makes available.
    over_availability: Mapped[bool] = mapped_column(default=False)
    hazardous: Mapped[bool] = mapped_column(default=False)
    expires_on: Mapped[date | None] = mapped_column(index=True)
    # The expiry day a reminder went out for (services/agreement_reminders.py).
    reminded_for: Mapped[date | None]
    # First acceptance: from then on anonymous parties know each other.
    revealed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    actual_quantity: Mapped[Decimal | None] = mapped_column(sa.Numeric(16, 4))
    actual_unit: Mapped[str | None] = mapped_column(sa.String(10))
    # One form submission creates at most one agreement.
    submission_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it

    match: Mapped[Match | None] = relationship()
    offer: Mapped[Listing] = relationship(foreign_keys=[offer_id])
    request: Mapped[Listing] = relationship(foreign_keys=[request_id])
    supplier: Mapped[Organisation] = relationship(foreign_keys=[supplier_id])
    receiver: Mapped[Organisation] = relationship(foreign_keys=[receiver_id])
    created_by: Mapped[User | None] = relationship()
    events: Mapped[list[AgreementEvent]] = relationship(
        back_populates="agreement",
        order_by="(AgreementEvent.created_at, AgreementEvent.id)",
        cascade="all, delete-orphan",
    )
    deliveries: Mapped[list[Delivery]] = relationship(
        back_populates="agreement",
        order_by="(Delivery.delivered_on, Delivery.id)",
        cascade="all, delete-orphan",
    )
    checks: Mapped[list[AgreementCheck]] = relationship(cascade="all, delete-orphan")
    impacts: Mapped[list[ImpactRecord]] = relationship(
        order_by="ImpactRecord.id", cascade="all, delete-orphan"
    )

    def party_ids(self) -> tuple[int, int]:
        return self.supplier_id, self.receiver_id

    def other_party_id(self, organisation_id: int) -> int:
        return (
            self.receiver_id
            if organisation_id == self.supplier_id
            else self.supplier_id
        )


class AgreementEvent(Base):
    """One transition: who took which action, when, from and to which state."""

    __tablename__ = "agreement_event"
    __table_args__ = (
        # 'retract': a party withdrew a delivery entry (services/delivery_corrections)
        enum_check("action", ("propose", *AgreementAction, "retract")),
        # Statistics: the first time each state was reached, per agreement,
        # and the agreements first accepted in a period.
        sa.Index("ix_agreement_event_steps", "agreement_id", "to_state", "created_at"),
        sa.Index(
            "ix_agreement_event_to_state", "to_state", "agreement_id", "created_at"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow
    )
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL")
    )  # None: the system (expiry)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id")
    )
    action: Mapped[str] = mapped_column(sa.String(12))
    from_state: Mapped[str | None] = mapped_column(sa.String(12))
    to_state: Mapped[str] = mapped_column(sa.String(12))
    comment: Mapped[str | None] = mapped_column(sa.Text)
    terms: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    agreement: Mapped[Agreement] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class AgreementMessage(Base):
    """A message between the two parties (facilitators read along)."""

    __tablename__ = "agreement_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL")
    )
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id")
    )
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow
    )

    author: Mapped[User | None] = relationship()


class AgreementCheck(Base):
    """One item of the hazardous-waste checklist, ticked by one party."""

    __tablename__ = "agreement_check"

    agreement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agreement.id", ondelete="CASCADE"), primary_key=True
    )
    item: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id"), primary_key=True
    )
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow
    )


class Delivery(Base):
    """One logged delivery of an active agreement."""

    __tablename__ = "delivery"
    __table_args__ = (
        enum_check("unit", tuple(Unit)),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    delivered_on: Mapped[date]
    quantity: Mapped[Decimal] = mapped_column(sa.Numeric(16, 4))
    unit: Mapped[str] = mapped_column(sa.String(10))
    note: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow
    )
    # One form submission logs at most one delivery.
    submission_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    agreement: Mapped[Agreement] = relationship(back_populates="deliveries")
    created_by: Mapped[User | None] = relationship()


class ImpactRecord(Base):
    """What really moved, how far, and its CO2, with the factors used."""

    __tablename__ = "impact_record"
    __table_args__ = (
        enum_check("kind", IMPACT_KINDS),
        sa.Index("ix_impact_record_recorded_on", "recorded_on"),  # statistics
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    delivery_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("delivery.id", ondelete="CASCADE"), unique=True
    )
    kind: Mapped[str] = mapped_column(sa.String(12))
    recorded_on: Mapped[date]
    quantity: Mapped[Decimal] = mapped_column(sa.Numeric(18, 4))  # in base_unit
    base_unit: Mapped[str] = mapped_column(sa.String(10))
    distance_km: Mapped[Decimal] = mapped_column(sa.Numeric(10, 3))
    road_km: Mapped[Decimal] = mapped_column(sa.Numeric(10, 3))
    circuity: Mapped[Decimal] = mapped_column(sa.Numeric(5, 3))
    material_key: Mapped[str | None] = mapped_column(sa.String(80))
    factor_set: Mapped[str | None] = mapped_column(sa.String(40))
    transport_source_ids: Mapped[str | None] = mapped_column(sa.String(200))
    transport_factor: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 6))
    transport_kg_co2e: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 3))
    primary_source_id: Mapped[str | None] = mapped_column(sa.String(60))
    primary_factor: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 6))
    secondary_source_id: Mapped[str | None] = mapped_column(sa.String(60))
    secondary_factor: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 6))
    avoided_kg_co2e: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 3))
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow
    )
    # A facilitator checked the record against evidence (evidence level "verified").
    verified_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    verified_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL")
    )

    delivery: Mapped[Delivery | None] = relationship()
    agreement: Mapped[Agreement] = relationship(viewonly=True)
