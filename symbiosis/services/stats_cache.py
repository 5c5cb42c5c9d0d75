"""The statistics served from stored snapshots when the network is large.

At national scale (a million listings, matches and deliveries) computing every
figure of the dashboard reads millions of rows: tens of seconds. With
``STATS_CACHE_SECONDS`` above 0, each group of figures of a zone and period is
stored once computed (:class:`~symbiosis.models.StatsSnapshot`) and served
from there while it is younger than that many seconds; the worker recomputes
the usual views on a schedule (``flask stats refresh``, :mod:`symbiosis.schedule`)
so that nobody waits for them. With 0, the embedded default, every figure is
computed live, as a small park needs.

The groups hold numbers, codes and names, never text in the reader's language,
so one snapshot serves French, English and German pages alike. Every call of
:func:`get` that is answered from a snapshot notes when that snapshot was
computed (:func:`computed_at`), so the page can say how fresh its figures are.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app, g

from symbiosis.extensions import db
from symbiosis.models import StatsSnapshot, Zone
from symbiosis.models.base import as_utc, utcnow
from symbiosis.services.stats_sql import Scope


def _groups() -> dict[str, Callable[[Scope], Any]]:
    """Each group of figures and the function that computes it."""
    from symbiosis.services import (
        stats,
        stats_flows,
        stats_partnerships,
        stats_series,
    )

    return {
        "kpis": lambda s: stats.kpis(s.zone_id, s.start, s.end),
        "impact": lambda s: stats.impact(s.zone_id, s.start, s.end),
        "monthly": stats_series.monthly,
        "by_zone": stats_series.by_zone,
        "by_material": stats_series.by_material,
        "flow_rows": stats_flows.rows,
        "partnerships": stats_partnerships.partnerships,
    }


def key(name: str, scope: Scope) -> str:
    zone = "*" if scope.zone_id is None else str(scope.zone_id)
    return f"{name}|{zone}|{scope.start.isoformat()}|{scope.end.isoformat()}"


def max_age() -> int:
    return int(current_app.config.get("STATS_CACHE_SECONDS") or 0)


def get(name: str, scope: Scope) -> Any:
    """Group ``name`` of ``scope``: stored if fresh enough, else computed now."""
    compute = _groups()[name]
    seconds = max_age()
    if seconds <= 0:
        return compute(scope)
    row = db.session.scalar(
        sa.select(StatsSnapshot).where(StatsSnapshot.key == key(name, scope))
    )
    if row is not None:
        at = as_utc(row.computed_at)
        if utcnow() - at <= timedelta(seconds=seconds):
            _served(at)
            return decode(row.payload)
    return _store(name, scope, compute)


def begin() -> None:
    """Start a new view: forget which snapshots earlier figures came from."""
    g.pop("stats_computed_at", None)


def computed_at() -> datetime | None:
    """The oldest snapshot served to this request, or None when all was live."""
    value: datetime | None = g.get("stats_computed_at")
    return value


def refresh(scopes: Iterable[Scope]) -> list[tuple[Scope, float]]:
    """Compute and store every group of each scope; the seconds each took."""
    done = []
    for scope in scopes:
        started = time.perf_counter()
        for name in _groups():
            _store(name, scope, _groups()[name])
        done.append((scope, time.perf_counter() - started))
    return done


def usual_scopes(today: date) -> list[Scope]:
    """What people open most: every zone and all zones, over the default year
    (the dashboard's period when none is chosen) and the last calendar year."""
    from symbiosis.services.stats import DEFAULT_DAYS

    zone_ids: list[int | None] = [None]
    zone_ids += list(db.session.scalars(sa.select(Zone.id).order_by(Zone.id)))
    periods = [
        (today - timedelta(days=DEFAULT_DAYS - 1), today),
        (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
    ]
    return [Scope(z, start, end) for z in zone_ids for start, end in periods]


def prune(older_than: timedelta) -> int:
    """Forget snapshots computed longer ago than ``older_than``."""
    cutoff = utcnow() - older_than
    result = db.session.execute(
        sa.delete(StatsSnapshot).where(StatsSnapshot.computed_at < cutoff)
    )
    db.session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def _store(name: str, scope: Scope, compute: Callable[[Scope], Any]) -> Any:
    started = time.perf_counter()
    value = compute(scope)
    values = {
        "key": key(name, scope),
        "name": name,
        "zone_id": scope.zone_id,
        "start": scope.start,
        "end": scope.end,
        "computed_at": utcnow(),
        "seconds": round(time.perf_counter() - started, 3),
        "payload": encode(value),
    }
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    statement = insert(StatsSnapshot).values(**values)
    fresh = {k: statement.excluded[k] for k in ("computed_at", "seconds", "payload")}
    db.session.execute(
        statement.on_conflict_do_update(index_elements=["key"], set_=fresh)
    )
    db.session.commit()
    return value


def _served(at: datetime) -> None:
    oldest = g.get("stats_computed_at")
    g.stats_computed_at = at if oldest is None else min(oldest, at)


# Figures hold decimals, dates and dicts keyed by tuples, which JSON lacks:
# each such value is written as a one-key object naming its type.
def encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, tuple):
        return {"$tuple": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: encode(v) for k, v in value.items()}
        return {"$items": [[encode(k), encode(v)] for k, v in value.items()]}
    return value


def decode(value: Any) -> Any:
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((tag, inner),) = value.items()
        if tag == "$decimal":
            return Decimal(inner)
        if tag == "$datetime":
            return datetime.fromisoformat(inner)
        if tag == "$date":
            return date.fromisoformat(inner)
        if tag == "$tuple":
            return tuple(decode(v) for v in inner)
        if tag == "$items":
            return {_hashable(decode(k)): decode(v) for k, v in inner}
    return {k: decode(v) for k, v in value.items()}


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value
