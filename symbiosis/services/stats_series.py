"""The dashboard's chart data: figures by month, by zone and by material.

Like :mod:`symbiosis.services.stats`, the database groups and counts; Python
only fills in the months without any row so that every series has the same
length. Delivered quantities are tonnes only (records in ``t``): other units
are not added to them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from symbiosis.config import LANGUAGES
from symbiosis.extensions import db
from symbiosis.models import (
    Agreement,
    EwcChapter,
    ImpactRecord,
    Listing,
    Match,
    Organisation,
    Zone,
)
from symbiosis.services.stats_sql import Scope, agreement_zones, match_in_zone

SERIES = ("listings", "matches", "agreements", "delivered_t")


def months(start: date, end: date) -> list[str]:
    """``YYYY-MM`` of every month the period touches, in order."""
    result = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        result.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def month_of(column: Any, *, timestamp: bool = True) -> sa.ColumnElement[str]:
    """``YYYY-MM`` of a timestamp (in UTC) or date column, on both databases."""
    if db.session.get_bind().dialect.name == "postgresql":
        value = sa.func.timezone("UTC", column) if timestamp else column
        return sa.func.to_char(value, "YYYY-MM")
    return sa.func.strftime("%Y-%m", column)


def _per_month(query: sa.Select[Any], column: Any, **kw: Any) -> dict[str, Any]:
    month = month_of(column, **kw).label("month")
    rows = db.session.execute(
        query.add_columns(month).group_by(month).order_by(month)
    ).all()
    return {row.month: row[0] for row in rows}


def monthly(scope: Scope) -> dict[str, Any]:
    """``{"months": [...], series: [value per month]}`` for :data:`SERIES`."""
    in_agreement_zone = scope.org_in_zone(Agreement.supplier_id, Agreement.receiver_id)
    found = {
        "listings": _per_month(
            sa.select(sa.func.count(Listing.id)).where(
                scope.org_in_zone(Listing.organisation_id),
                scope.during(Listing.created_at),
            ),
            Listing.created_at,
        ),
        "matches": _per_month(
            sa.select(sa.func.count(Match.id)).where(
                match_in_zone(scope), scope.during(Match.created_at)
            ),
            Match.created_at,
        ),
        "agreements": _per_month(
            sa.select(sa.func.count(Agreement.id)).where(
                in_agreement_zone, scope.during(Agreement.created_at)
            ),
            Agreement.created_at,
        ),
        "delivered_t": _per_month(
            sa.select(sa.func.sum(ImpactRecord.quantity))
            .join(Agreement, Agreement.id == ImpactRecord.agreement_id)
            .where(
                in_agreement_zone,
                scope.on_days(ImpactRecord.recorded_on),
                ImpactRecord.base_unit == "t",
            ),
            ImpactRecord.recorded_on,
            timestamp=False,
        ),
    }
    axis = months(scope.start, scope.end)
    result: dict[str, Any] = {"months": axis}
    for name in SERIES:
        values = found[name]
        result[name] = [_number(values.get(month)) for month in axis]
    return result


def _number(value: Any) -> float | int:
    if value is None:
        return 0
    return value if isinstance(value, int) else round(float(value), 3)


def by_zone(scope: Scope) -> list[dict[str, Any]]:
    """Per zone: listings posted, agreements proposed, tonnes delivered.

    An exchange between two zones counts in both, as on each zone's own
    dashboard. With a zone chosen, only that zone is listed.
    """
    links = agreement_zones()
    agreements: dict[int, int] = dict(
        db.session.execute(
            sa.select(links.c.zone_id, sa.func.count(links.c.agreement_id))
            .join(Agreement, Agreement.id == links.c.agreement_id)
            .where(scope.during(Agreement.created_at))
            .group_by(links.c.zone_id)
        ).all()
    )
    delivered: dict[int, Any] = dict(
        db.session.execute(
            sa.select(links.c.zone_id, sa.func.sum(ImpactRecord.quantity))
            .join(ImpactRecord, ImpactRecord.agreement_id == links.c.agreement_id)
            .where(
                scope.on_days(ImpactRecord.recorded_on),
                ImpactRecord.base_unit == "t",
            )
            .group_by(links.c.zone_id)
        ).all()
    )
    posted = dict(
        db.session.execute(
            sa.select(Organisation.zone_id, sa.func.count(Listing.id))
            .join(Organisation, Organisation.id == Listing.organisation_id)
            .where(scope.during(Listing.created_at))
            .group_by(Organisation.zone_id)
        ).all()
    )
    zones = sa.select(Zone.id, Zone.slug, Zone.name).order_by(Zone.name)
    if scope.zone_id is not None:
        zones = zones.where(Zone.id == scope.zone_id)
    rows = []
    for zone_id, slug, name in db.session.execute(zones):
        row = {
            "zone": slug,
            "name": name,
            "listings": int(posted.get(zone_id, 0)),
            "agreements": int(agreements.get(zone_id, 0)),
            "delivered_t": _number(delivered.get(zone_id)),
        }
        if row["listings"] or row["agreements"] or row["delivered_t"]:
            rows.append(row)
    return rows


def material_key(listing: Any) -> sa.ColumnElement[str]:
    """The material group of a listing: its waste chapter, else its resource."""
    return sa.case(
        (listing.ewc_code.is_not(None), sa.func.substr(listing.ewc_code, 1, 2)),
        else_=sa.literal("resource:") + listing.resource,
    )


def _labels(chapter: EwcChapter | None) -> dict[str, str] | None:
    """The chapter's label in each language (rows are stored; see stats_cache)."""
    if chapter is None:
        return None
    return {locale: chapter.label(locale) for locale in LANGUAGES}


def by_material(scope: Scope) -> list[dict[str, Any]]:
    """Agreements proposed and tonnes delivered by material group of the offer.

    The group is the European waste chapter (two digits) of the offer when it
    has a waste code, otherwise its kind of resource (``resource:energy``...).
    """
    offer = sa.orm.aliased(Listing)
    key = material_key(offer).label("key")
    in_zone = scope.org_in_zone(Agreement.supplier_id, Agreement.receiver_id)
    counts = dict(
        db.session.execute(
            sa.select(key, sa.func.count(Agreement.id))
            .join(offer, offer.id == Agreement.offer_id)
            .where(in_zone, scope.during(Agreement.created_at))
            .group_by(key)
        ).all()
    )
    tonnes = dict(
        db.session.execute(
            sa.select(key, sa.func.sum(ImpactRecord.quantity))
            .join(Agreement, Agreement.id == ImpactRecord.agreement_id)
            .join(offer, offer.id == Agreement.offer_id)
            .where(
                in_zone,
                scope.on_days(ImpactRecord.recorded_on),
                ImpactRecord.base_unit == "t",
            )
            .group_by(key)
        ).all()
    )
    chapters = {
        row.code: row
        for row in db.session.scalars(
            sa.select(EwcChapter).where(EwcChapter.code.in_(list(counts | tonnes)))
        )
    }
    rows: list[dict[str, Any]] = [
        {
            "key": k,
            "chapter": _labels(chapters.get(k)),
            "agreements": int(counts.get(k, 0)),
            "delivered_t": _number(tonnes.get(k)),
        }
        for k in set(counts) | set(tonnes)
    ]
    rows.sort(key=lambda r: (-r["delivered_t"], -r["agreements"], r["key"]))
    return rows
