"""Impact records: each delivery and each completion, priced with stored factors."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from geopy.distance import geodesic

from symbiosis import impact, units
from symbiosis.errors import NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.models import (
    Agreement,
    Delivery,
    EmissionFactor,
    FactorSet,
    ImpactRecord,
)
from symbiosis.models.base import utcnow
from symbiosis.services import activity
from symbiosis.services.matching import lexicon
from symbiosis.units import Unit

FACTOR_SET = "DESNZ-2025"  # the seeded set (seeds/reference/emission-factors.csv)
SEEDED_SOURCE = (
    "UK Government GHG Conversion Factors for Company Reporting 2025 "
    "(DESNZ/DEFRA), Open Government Licence v3.0"
)
# Freighting goods › HGV (all diesel) › All HGVs › Average laden, tonne.km,
# and its well-to-tank row (DESNZ/DEFRA 2025, seeds/reference/emission-factors.csv).
TRANSPORT_ROWS = ("27_304_3140_14_1", "28_907_3140_14_1")
PRIMARY = "Primary material production"


@cache
def _material_table(folder: str) -> dict[str, tuple[str, str]]:
    """material key -> (DESNZ level_3, secondary column), from the seeds."""
    path = Path(folder) / "impact-materials.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        return {
            row["material_key"]: (row["level_3"], row["secondary"])
            for row in csv.DictReader(handle)
        }


def material_table() -> dict[str, tuple[str, str]]:
    """material key -> (DESNZ level_3, secondary column) of the priced materials."""
    return _material_table(str(Path(current_app.config["SEEDS_PATH"]) / "reference"))


def _factor(row: EmissionFactor) -> impact.Factor:
    label = " › ".join(filter(None, (row.level_2, row.level_3, row.column_text)))
    return impact.Factor(row.factor_set, row.source_id, row.kg_co2e_per_unit, label)


def factor_rows(
    keys: set[tuple[str, str]],
) -> dict[tuple[str, str], impact.Factor]:
    """The published factors named by (factor set, row id), with their labels."""
    if not keys:
        return {}
    rows = db.session.scalars(
        sa.select(EmissionFactor).where(
            sa.tuple_(EmissionFactor.factor_set, EmissionFactor.source_id).in_(
                list(keys)
            )
        )
    )
    return {(row.factor_set, row.source_id): _factor(row) for row in rows}


def factor_set_for(day: date) -> str:
    """The set that applies on ``day``: the latest to start on or before it.

    Before the first set starts, the first one applies; without any set
    (a database seeded before sets existed), the seeded set's name.
    """
    starts = sa.select(FactorSet.name)
    name = db.session.scalar(
        starts.where(FactorSet.valid_from <= day)
        .order_by(FactorSet.valid_from.desc(), FactorSet.id.desc())
        .limit(1)
    ) or db.session.scalar(starts.order_by(FactorSet.valid_from, FactorSet.id).limit(1))
    return name or FACTOR_SET


def transport_factors(factor_set: str = FACTOR_SET) -> tuple[impact.Factor, ...]:
    rows = db.session.scalars(
        sa.select(EmissionFactor).where(
            EmissionFactor.factor_set == factor_set,
            EmissionFactor.source_id.in_(TRANSPORT_ROWS),
        )
    )
    return tuple(_factor(row) for row in rows)


def material_key(agreement: Agreement) -> str | None:
    """The most precise material of the offer that has a priced production."""
    offer = agreement.offer
    lex = lexicon()
    keys = sorted(lex.keys_in_text(offer.title))
    ewc_key = lex.key_for_ewc(offer.ewc_code)
    if ewc_key:
        keys.append(ewc_key)
    return impact.material_for(keys, {key: key for key in material_table()})


def material_factors(
    key: str | None, factor_set: str = FACTOR_SET
) -> impact.MaterialFactors | None:
    if key is None:
        return None
    level_3, secondary = material_table()[key]
    rows = {
        row.column_text: row
        for row in db.session.scalars(
            sa.select(EmissionFactor).where(
                EmissionFactor.factor_set == factor_set,
                EmissionFactor.level_1 == "Material use",
                EmissionFactor.level_3 == level_3,
                EmissionFactor.column_text.in_((PRIMARY, secondary)),
            )
        )
    }
    if PRIMARY not in rows or secondary not in rows:
        return None
    return impact.MaterialFactors(_factor(rows[PRIMARY]), _factor(rows[secondary]))


def distance_km(agreement: Agreement) -> float:
    offer, request = agreement.offer, agreement.request
    return float(geodesic((offer.lat, offer.lon), (request.lat, request.lon)).km)


def record(
    agreement: Agreement,
    quantity: Decimal,
    unit: str,
    *,
    kind: str,
    on: date,
    delivery: Delivery | None = None,
) -> ImpactRecord:
    """Add the impact of ``quantity`` ``unit`` moved under ``agreement`` (no commit)."""
    base = units.base_unit(units.Unit(unit)).value
    amount = units.to_base(quantity, units.Unit(unit))
    # The seeded factors are per tonne: other flows keep their quantity only.
    key = material_key(agreement) if base == "t" else None
    factor_set = factor_set_for(on)
    material = material_factors(key, factor_set)
    transport = transport_factors(factor_set) if base == "t" else ()
    circuity = Decimal(str(current_app.config["IMPACT_CIRCUITY"]))
    result = impact.estimate(
        amount,
        base,
        distance_km(agreement),
        transport=transport,
        material=material,
        circuity=circuity,
    )
    entry = ImpactRecord(
        agreement_id=agreement.id,
        delivery=delivery,
        kind=kind,
        recorded_on=on,
        quantity=amount,
        base_unit=base,
        distance_km=result.distance_km,
        road_km=result.road_km,
        circuity=circuity,
        material_key=key if material else None,
        factor_set=factor_set if (transport or material) else None,
        transport_source_ids="+".join(f.source_id for f in transport) or None,
        transport_factor=sum((f.kg_co2e for f in transport), Decimal(0))
        if transport
        else None,
        transport_kg_co2e=result.transport_kg_co2e,
        primary_source_id=material.primary.source_id if material else None,
        primary_factor=material.primary.kg_co2e if material else None,
        secondary_source_id=material.secondary.source_id if material else None,
        secondary_factor=material.secondary.kg_co2e if material else None,
        avoided_kg_co2e=result.avoided_kg_co2e,
    )
    db.session.add(entry)
    agreement.impacts.append(entry)
    return entry


def totals(agreement: Agreement) -> dict[str, Decimal | str | None]:
    """Sums over the agreement's records (quantity in its base unit)."""
    records = agreement.impacts
    if not records:
        return {}

    def total(name: str) -> Decimal | None:
        values = [getattr(r, name) for r in records if getattr(r, name) is not None]
        return sum(values, Decimal(0)) if values else None

    return {
        "quantity": total("quantity"),
        "base_unit": records[0].base_unit,
        "transport_kg_co2e": total("transport_kg_co2e"),
        "avoided_kg_co2e": total("avoided_kg_co2e"),
    }


def moved(agreement: Agreement, found: dict[str, Any]) -> tuple[Any, str]:
    """The quantity of :func:`totals` in the agreement's own unit when it
    converts (3 900,5 kg rather than 3,9005 t), else in the base unit."""
    quantity, base = found.get("quantity"), str(found.get("base_unit"))
    if quantity is not None and units.comparable(Unit(base), Unit(agreement.unit)):
        return units.convert(quantity, Unit(base), Unit(agreement.unit)), agreement.unit
    return quantity, base


def verify_impact(actor: Any, record_id: int) -> ImpactRecord:
    """Mark an impact record as checked against evidence (facilitators only).

    Verifying twice keeps the first verification.

    :raises NotAllowed: for anyone but a facilitator, and for unknown ids.
    """
    if not getattr(actor, "is_facilitator", False):
        raise NotAllowed(gettext("Only a facilitator verifies impact records."))
    entry = db.session.get(ImpactRecord, record_id)
    if entry is None:
        raise NotAllowed(gettext("No such impact record."))
    if entry.verified_at is None:
        entry.verified_at = utcnow()
        entry.verified_by_id = actor.id
        activity.record(
            "impact.verified",
            actor=actor,
            subject=db.session.get(Agreement, entry.agreement_id),
            record_id=entry.id,
            kind=entry.kind,
        )
        db.session.commit()
    return entry
