"""Stored results of the statistics, so that a busy network's dashboard is fast."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from symbiosis.models.base import Base, utcnow


class StatsSnapshot(Base):
    """One figure group (``name``) of one zone and period, as last computed.

    ``key`` names the group, the zone (``*`` for every zone) and both days, so
    one row stands for one call of a statistics function. ``seconds`` is what
    computing it cost, shown to facilitators beside the time it was computed.
    """

    __tablename__ = "stats_snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    zone_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("zone.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[date] = mapped_column(sa.Date)
    end: Mapped[date] = mapped_column(sa.Date)
    computed_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, index=True
    )
    seconds: Mapped[float] = mapped_column(sa.Float, default=0.0)
    payload: Mapped[Any] = mapped_column(sa.JSON)
