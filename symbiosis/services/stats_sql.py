"""SQL building blocks shared by the statistics: period, zone, durations, units.

Everything here returns SQLAlchemy expressions so that the database does the
counting and summing; nothing loads rows into Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from symbiosis import units
from symbiosis.extensions import db
from symbiosis.models import Organisation

AMOUNT = sa.Numeric(24, 4)


@dataclass(frozen=True)
class Scope:
    """A zone (or every zone, with ``None``) and a period of whole days."""

    zone_id: int | None
    start: date
    end: date  # inclusive

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=UTC)

    @property
    def until(self) -> datetime:
        """The first instant after the period."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UTC)

    def during(self, column: Any) -> sa.ColumnElement[bool]:
        """``column`` (a timestamp) falls inside the period."""
        return sa.and_(column >= self.since, column < self.until)

    def on_days(self, column: Any) -> sa.ColumnElement[bool]:
        """``column`` (a date) falls inside the period."""
        return sa.and_(column >= self.start, column <= self.end)

    def orgs(self) -> sa.Select[Any]:
        """Ids of the organisations of the zone."""
        return sa.select(Organisation.id).where(Organisation.zone_id == self.zone_id)

    def org_in_zone(self, *columns: Any) -> sa.ColumnElement[bool]:
        """One of ``columns`` (organisation ids) is an organisation of the zone."""
        if self.zone_id is None:
            return sa.true()
        orgs = self.orgs().scalar_subquery()
        return sa.or_(*(column.in_(orgs) for column in columns))


def seconds_between(later: Any, earlier: Any) -> sa.ColumnElement[Any]:
    """Seconds from ``earlier`` to ``later``, on PostgreSQL and SQLite alike."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.extract("epoch", later - earlier)
    return (sa.func.julianday(later) - sa.func.julianday(earlier)) * 86400


def earliest(a: Any, b: Any) -> sa.ColumnElement[Any]:
    return sa.case((a <= b, a), else_=b)


def yearly_amount(quantity: Any, unit: Any, frequency: Any) -> sa.ColumnElement[Any]:
    """``units.yearly`` as SQL: quantity × (yearly base amount of one unit)."""
    whens = [
        (
            sa.and_(unit == u.value, frequency == f.value),
            sa.literal(units.yearly(Decimal(1), u, f), AMOUNT),
        )
        for u in units.Unit
        for f in units.Frequency
    ]
    return sa.type_coerce(quantity * sa.case(*whens), AMOUNT)


def base_unit_of(unit: Any) -> sa.ColumnElement[Any]:
    """``units.base_unit`` as SQL."""
    whens = [(unit == u.value, units.base_unit(u).value) for u in units.Unit]
    return sa.case(*whens, else_=unit)


def mean_days(seconds: Any) -> sa.ColumnElement[Any]:
    """Mean of a duration in seconds, as days (NULL when nothing to average)."""
    return sa.type_coerce(sa.func.avg(seconds) / 86400.0, sa.Float)


def counted(rows: Any) -> dict[str, int]:
    """``(key, count)`` rows as a dict; a NULL key becomes ``""``."""
    return {str(key) if key is not None else "": int(n) for key, n in rows}


def match_in_zone(scope: Scope) -> sa.ColumnElement[bool]:
    """A match (``Match``) with a listing of an organisation of the zone."""
    from symbiosis.models import Listing, Match

    if scope.zone_id is None:
        return sa.true()
    ids = (
        sa.select(Listing.id)
        .where(scope.org_in_zone(Listing.organisation_id))
        .scalar_subquery()
    )
    return sa.or_(Match.offer_id.in_(ids), Match.request_id.in_(ids))


def first_accepted(scope: Scope) -> sa.Select[Any]:
    """Ids of the agreements first accepted within the period."""
    from symbiosis.models import AgreementEvent

    return (
        sa.select(AgreementEvent.agreement_id)
        .where(AgreementEvent.to_state == "accepted")
        .group_by(AgreementEvent.agreement_id)
        .having(
            sa.and_(
                sa.func.min(AgreementEvent.created_at) >= scope.since,
                sa.func.min(AgreementEvent.created_at) < scope.until,
            )
        )
    )


def agreement_zones() -> sa.Subquery:
    """(agreement id, zone id) for each zone of either party, once.

    A union of two joins: a join on ``supplier OR receiver`` cannot use an
    index and reads every organisation for every agreement.
    """
    from symbiosis.models import Agreement

    sides = []
    for party in (Agreement.supplier_id, Agreement.receiver_id):
        org = sa.orm.aliased(Organisation)
        sides.append(
            sa.select(Agreement.id.label("agreement_id"), org.zone_id.label("zone_id"))
            .join(org, org.id == party)
            .where(org.zone_id.is_not(None))
        )
    return sa.union(*sides).subquery()
