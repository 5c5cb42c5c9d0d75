"""Declarative base, naming convention and shared column helpers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


# The largest key an integer column holds (PostgreSQL's integer).
MAX_ID = 2**31 - 1
# Ids per IN list read at once: PostgreSQL takes at most 65,535 parameters.
IN_CHUNK = 5000


def in_chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    """The distinct ``ids``, sorted, in lists of at most ``IN_CHUNK``."""
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), IN_CHUNK):
        yield wanted[start : start + IN_CHUNK]


def as_id(value: Any) -> int | None:
    """``value`` when it can be a row's key (a positive integer in range)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 < value <= MAX_ID else None


def id_from_text(text: str) -> int | None:
    """The key written in ``text`` ("42"), or None.

    Only ASCII digits count: ``str.isdigit`` also accepts "²" and "٣",
    which ``int`` refuses or reads as another number.
    """
    if not (0 < len(text) <= 10 and text.isascii() and text.isdecimal()):
        return None
    return as_id(int(text))


# Indexes that only some databases have (PostgreSQL's trigram index for the
# word search), made by migrations and not declared on the models.
DATABASE_ONLY_INDEX = "ix_trgm_"


def declared_on_models(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic's ``include_object``: leave the database-only indexes alone."""
    return not (type_ == "index" and (name or "").startswith(DATABASE_ONLY_INDEX))


def utcnow() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC: SQLite gives stored UTC times back without a zone."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow
    )


def enum_check(column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    """Return a CHECK constraint keeping a string column inside ``values``."""
    allowed = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=f"{column}_allowed")
