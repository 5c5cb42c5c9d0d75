"""Reference tables loaded from ``seeds/reference`` by ``flask seed reference``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from symbiosis.models.base import Base, utcnow


class LabelledMixin:
    """Labels in the three languages of the app; English is the fallback."""

    label_en: Mapped[str] = mapped_column(sa.Text)
    label_fr: Mapped[str | None] = mapped_column(sa.Text)
    label_de: Mapped[str | None] = mapped_column(sa.Text)

    def label(self, locale: str) -> str:
        """Return the label in ``locale``, falling back to English."""
        value = getattr(self, f"label_{locale}", None)
        return value or self.label_en

    @classmethod
    def label_sql(cls, locale: str) -> sa.ColumnElement[str]:
        """:meth:`label` as an SQL expression, for lists read as plain rows."""
        column = getattr(cls, f"label_{locale}", None)
        if column is None:
            return cls.label_en  # type: ignore[return-value]
        return sa.func.coalesce(sa.func.nullif(column, ""), cls.label_en)


class EwcChapter(LabelledMixin, Base):
    """A chapter (2 digits) or sub-chapter (4 digits) of the List of Waste."""

    __tablename__ = "ewc_chapter"

    code: Mapped[str] = mapped_column(sa.String(4), primary_key=True)
    level: Mapped[str] = mapped_column(sa.String(10))


class EwcCode(LabelledMixin, Base):
    """A six-digit entry of the European List of Waste."""

    __tablename__ = "ewc_code"

    code: Mapped[str] = mapped_column(sa.String(6), primary_key=True)
    chapter: Mapped[str] = mapped_column(sa.String(2), index=True)
    subchapter: Mapped[str] = mapped_column(sa.String(4))
    hazardous: Mapped[bool]
    entry_type: Mapped[str] = mapped_column(sa.String(2))

    @property
    def display(self) -> str:
        """Return the code as printed in the list: ``15 01 03`` or ``16 06 01*``."""
        c = self.code
        return f"{c[:2]} {c[2:4]} {c[4:]}" + ("*" if self.hazardous else "")


class NaceCode(LabelledMixin, Base):
    """A NACE Rev. 2 section, division, group or class."""

    __tablename__ = "nace_code"

    code: Mapped[str] = mapped_column(sa.String(5), primary_key=True)
    level: Mapped[str] = mapped_column(sa.String(10))
    parent: Mapped[str | None] = mapped_column(sa.String(5))


class Sdg(LabelledMixin, Base):
    """One of the 17 UN Sustainable Development Goals."""

    __tablename__ = "sdg"

    number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    colour: Mapped[str] = mapped_column(sa.String(7))


class Locality(Base):
    """A place of the offline gazetteer of Luxembourg."""

    __tablename__ = "locality"
    __table_args__ = (sa.UniqueConstraint("kind", "name", "commune"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), index=True)
    commune: Mapped[str | None] = mapped_column(sa.String(120))
    canton: Mapped[str | None] = mapped_column(sa.String(60))
    kind: Mapped[str] = mapped_column(sa.String(10))
    lat: Mapped[float]
    lon: Mapped[float]
    population: Mapped[int | None]
    source: Mapped[str] = mapped_column(sa.String(120))


class EmissionFactor(Base):
    """One published greenhouse-gas conversion factor (kg CO2e per unit)."""

    __tablename__ = "emission_factor"
    __table_args__ = (sa.UniqueConstraint("factor_set", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    factor_set: Mapped[str] = mapped_column(sa.String(40))
    source_id: Mapped[str] = mapped_column(sa.String(60))
    level_1: Mapped[str] = mapped_column(sa.String(120))
    level_2: Mapped[str | None] = mapped_column(sa.String(200))
    level_3: Mapped[str | None] = mapped_column(sa.String(200))
    level_4: Mapped[str | None] = mapped_column(sa.String(200))
    column_text: Mapped[str | None] = mapped_column(sa.String(200))
    unit: Mapped[str] = mapped_column(sa.String(40))
    kg_co2e_per_unit: Mapped[Decimal] = mapped_column(sa.Numeric(14, 6))


class FactorSet(Base):
    """A published set of emission factors, used for exchanges from a day on.

    A newer set never rewrites the past: each impact record keeps the set and
    the factors it was computed with.
    """

    __tablename__ = "factor_set"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40), unique=True)
    valid_from: Mapped[date]
    source: Mapped[str] = mapped_column(sa.Text)
    added_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow
    )
    added_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL")
    )
