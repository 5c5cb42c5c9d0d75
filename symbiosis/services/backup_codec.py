"""Column values to and from the JSON of a backup archive, exactly.

Each column has a kind, named in the manifest, that says how its values are
written: numbers with decimals as text (``"12.3400"``), dates and times in
ISO 8601 (timezone-aware ones in UTC, ``"2026-03-01T08:30:00+00:00"``),
binary as base64, JSON documents as their JSON text (so that SQL ``NULL``,
``null``, stays apart from the JSON value ``null``, ``"null"``), the rest as
JSON's own strings, numbers and booleans.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa

KINDS = (
    "json", "boolean", "float", "decimal", "datetime", "datetime_tz", "date",
    "time", "binary", "integer", "text", "uuid",
)  # fmt: skip


class CodecError(ValueError):
    """A value that does not fit its column; the message says why."""


def kind(column: sa.Column[Any]) -> str:
    """The kind of ``column``; raises CodecError for a type the archive lacks."""
    t = column.type
    checks: list[tuple[type, str]] = [
        (sa.JSON, "json"),
        (sa.Boolean, "boolean"),
        (sa.Float, "float"),  # before Numeric: Float is a Numeric
        (sa.Numeric, "decimal"),
        (sa.Date, "date"),
        (sa.Time, "time"),
        (sa.LargeBinary, "binary"),
        (sa.Integer, "integer"),
        (sa.Uuid, "uuid"),
        (sa.String, "text"),
    ]
    if isinstance(t, sa.DateTime):
        return "datetime_tz" if t.timezone else "datetime"
    for cls, name in checks:
        if isinstance(t, cls):
            return name
    raise CodecError(f"column type {t!r} cannot be backed up")


def selectable(column: sa.Column[Any]) -> sa.ColumnElement[Any]:
    """What to read for ``column``: JSON as its text, the rest as is."""
    if isinstance(column.type, sa.JSON):
        return sa.cast(column, sa.Text).label(column.name)
    return column


def _datetime_out(value: datetime, aware: bool) -> str:
    if aware:  # SQLite gives naive values: they were written in UTC
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value
        return value.astimezone(UTC).isoformat()
    return value.isoformat()


def _float_out(value: float) -> float | str:
    return value if math.isfinite(value) else str(value)


ENCODERS: dict[str, Callable[[Any], Any]] = {
    "json": str,
    "boolean": bool,
    "float": lambda v: _float_out(float(v)),
    "decimal": lambda v: format(Decimal(v), "f"),
    "datetime_tz": lambda v: _datetime_out(v, aware=True),
    "datetime": lambda v: _datetime_out(v, aware=False),
    "date": lambda v: v.isoformat(),
    "time": lambda v: v.isoformat(),
    "binary": lambda v: base64.b64encode(bytes(v)).decode("ascii"),
    "integer": int,
    "text": str,
    "uuid": str,
}


def encode(kind_name: str, value: Any) -> Any:
    return None if value is None else ENCODERS[kind_name](value)


def _expect(value: Any, types: type | tuple[type, ...], what: str) -> Any:
    """``value`` if it has one of ``types`` (a boolean is no number here)."""
    allowed = types if isinstance(types, tuple) else (types,)
    if not isinstance(value, allowed) or (
        isinstance(value, bool) and bool not in allowed
    ):
        raise CodecError(f"expected {what}, got {value!r}")
    return value


def _json_in(value: Any, as_text: bool = False) -> Any:
    text = _expect(value, str, "a JSON document as text")
    try:
        document = json.loads(text)
    except ValueError as error:
        raise CodecError(f"not a JSON document: {error}") from None
    if as_text:  # checked, and given to the database as written
        return text
    return sa.JSON.NULL if document is None else document


def _decimal_in(value: Any) -> Decimal:
    try:
        number = Decimal(_expect(value, str, "a decimal number as text"))
    except InvalidOperation:
        raise CodecError(f"not a decimal number: {value!r}") from None
    if not number.is_finite():
        raise CodecError(f"not a finite decimal number: {value!r}")
    return number


def _datetime_in(value: Any, aware: bool, utc_naive: bool) -> datetime:
    try:
        parsed = datetime.fromisoformat(_expect(value, str, "a date and time"))
    except ValueError:
        raise CodecError(f"not an ISO 8601 date and time: {value!r}") from None
    if aware != (parsed.tzinfo is not None):
        raise CodecError(f"expected a {'timezone-aware' if aware else 'naive'} time")
    if aware:
        parsed = parsed.astimezone(UTC)
        if utc_naive:  # SQLite stores the wall time: give it UTC's
            parsed = parsed.replace(tzinfo=None)
    return parsed


def _iso(parse: Callable[[str], Any], what: str) -> Callable[[Any], Any]:
    def decode(value: Any) -> Any:
        try:
            return parse(_expect(value, str, what))
        except ValueError:
            raise CodecError(f"not {what}: {value!r}") from None

    return decode


def _binary_in(value: Any) -> bytes:
    try:
        return base64.b64decode(_expect(value, str, "base64 text"), validate=True)
    except binascii.Error:
        raise CodecError(f"not base64: {value!r}") from None


def _float_in(value: Any) -> float:
    if isinstance(value, str) and value.lower() in ("nan", "inf", "-inf"):
        return float(value)
    return float(_expect(value, (int, float), "a number"))


def decoders(
    utc_naive: bool, json_text: bool = False
) -> dict[str, Callable[[Any], Any]]:
    """Decoders by kind; ``utc_naive`` for databases without time zones,
    ``json_text`` to keep JSON documents as text (for PostgreSQL's COPY)."""
    import uuid

    return {
        "json": lambda v: _json_in(v, json_text),
        "boolean": lambda v: _expect(v, bool, "true or false"),
        "float": _float_in,
        "decimal": _decimal_in,
        "datetime_tz": lambda v: _datetime_in(v, True, utc_naive),
        "datetime": lambda v: _datetime_in(v, False, utc_naive),
        "date": _iso(date.fromisoformat, "an ISO 8601 date"),
        "time": _iso(time.fromisoformat, "an ISO 8601 time"),
        "binary": _binary_in,
        "integer": lambda v: _expect(v, int, "an integer"),
        "text": lambda v: _expect(v, str, "text"),
        "uuid": _iso(uuid.UUID, "a UUID"),
    }
