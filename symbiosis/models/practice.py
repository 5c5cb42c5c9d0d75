"""Good-practice sheets: what a firm can do, how, and what others learnt doing it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from symbiosis.models.base import Base, TimestampMixin, enum_check, utcnow
from symbiosis.models.reference import Sdg
from symbiosis.workflow.pooled_categories import CATEGORIES

if TYPE_CHECKING:
    from symbiosis.models.user import User

# The languages a sheet can be written in (the app's languages).
LANGUAGES = ("fr", "en", "de")
# Time, difficulty and cost are each rated 1 (low) to 3 (high).
SCALE = (1, 2, 3)

practice_sdgs = sa.Table(
    "practice_sdg",
    Base.metadata,
    sa.Column(
        "practice_id",
        sa.ForeignKey("practice.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("sdg_number", sa.ForeignKey("sdg.number"), primary_key=True),
)


def _scale_check(column: str) -> sa.CheckConstraint:
    # Quoted: "time" is an SQL keyword.
    return sa.CheckConstraint(f'"{column}" BETWEEN 1 AND 3', name=f"{column}_scale")


class Practice(TimestampMixin, Base):
    """One sheet of the good-practice library."""

    __tablename__ = "practice"
    __table_args__ = (
        enum_check("category", CATEGORIES),
        enum_check("language", LANGUAGES),
        _scale_check("time"),
        _scale_check("difficulty"),
        _scale_check("cost"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text)
    category: Mapped[str] = mapped_column(sa.String(20), index=True)
    # The language the sheet is written in, not the reader's.
    language: Mapped[str] = mapped_column(sa.String(2), default="fr")
    time: Mapped[int] = mapped_column(sa.SmallInteger)
    difficulty: Mapped[int] = mapped_column(sa.SmallInteger)
    cost: Mapped[int] = mapped_column(sa.SmallInteger)
    # Plain text: one step per line; the others keep their paragraphs.
    steps: Mapped[str] = mapped_column(sa.Text)
    known_difficulties: Mapped[str | None] = mapped_column(sa.Text)
    examples: Mapped[str | None] = mapped_column(sa.Text)
    good_to_know: Mapped[str | None] = mapped_column(sa.Text)
    # Folded title and texts: accent-insensitive search.
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    author: Mapped[User | None] = relationship()
    sdgs: Mapped[list[Sdg]] = relationship(secondary=practice_sdgs, order_by=Sdg.number)

    @property
    def step_list(self) -> list[str]:
        """The steps, one per non-empty line, without a leading "1." or "-"."""
        return split_lines(self.steps)


def split_lines(text: str | None) -> list[str]:
    """Non-empty lines of ``text``, with list markers ("1.", "2)", "-", "•") removed."""
    items = []
    for line in (text or "").splitlines():
        item = line.strip()
        head, _sep, rest = item.partition(" ")
        if rest and (head in ("-", "*", "•") or _is_number(head)):
            item = rest.strip()
        if item:
            items.append(item)
    return items


def _is_number(head: str) -> bool:
    return len(head) > 1 and head[-1] in ".)" and head[:-1].isdigit()
