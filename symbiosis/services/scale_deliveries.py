"""Deliveries and impact records for the scale data set.

Part of :mod:`symbiosis.services.scale_data`. Agreements that ran get
deliveries in proportion to how long they ran; each delivery gets the impact
record :func:`symbiosis.services.impacts.record` would store (quantity in the
base unit, straight-line and road km, and for tonnes the transport and
avoided CO2 with the factors of the set in force that day); some completed
agreements get a completion record for what was not logged. Records older
than a month are verified four times in ten.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
from flask import current_app

from symbiosis.models import Delivery, ImpactRecord
from symbiosis.services import impacts
from symbiosis.services.scale_data import (
    DAY,
    FAMILIES,
    Array,
    capped,
    ids,
    km_between,
    later,
    objects,
    pick,
    store,
)
from symbiosis.units import UNITS, Unit

if TYPE_CHECKING:
    from symbiosis.services.scale_data import World

NAT = np.datetime64("NaT")


def build(
    world: World,
    a: dict[str, Any],
    at: dict[str, Array],
    done: dict[str, Array],
    n: int,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Deliveries and impact records; sets each agreement's actual quantity."""
    rng = world.rng
    ran = np.flatnonzero(done["start"])
    if n and len(ran) == 0:
        raise ValueError("no agreement has started: add agreements for deliveries")
    length = (a["end"][ran] - at["start"][ran]).astype(np.int64) + DAY
    agreement = ran[rng.choice(len(ran), n, p=length / length.sum())] if n else ran[:0]
    span = (a["end"][agreement] - at["start"][agreement]).astype(np.int64)
    when = at["start"][agreement] + (rng.random(n) * span).astype(np.int64)
    created = capped(world, later(world, when, 0.5, 600))
    order = np.argsort(created, kind="stable")
    agreement, when, created = agreement[order], when[order], created[order]
    share = rng.uniform(0.5, 1.5, n)
    quantity = np.maximum(0.001, (a["quantity"][agreement] * share).round(3))
    delivery_id = ids(Delivery, n)
    deliveries = {
        "id": delivery_id,
        "agreement_id": a["id"][agreement],
        "delivered_on": when.astype("datetime64[D]"),
        "quantity": quantity,
        "unit": a["unit"][agreement],
        "created_at": created,
    }
    # What completed agreements did not log, recorded on completion.
    closing = np.flatnonzero(done["complete"] & (rng.random(len(a["id"])) < 0.4))
    extra = a["quantity"][closing] * rng.uniform(0.1, 1.0, len(closing))
    extra = np.maximum(0.001, extra.round(3))
    actual = np.bincount(agreement, weights=quantity, minlength=len(a["id"]))
    actual[closing] += extra
    a["actual"] = actual.round(4)
    finished = at["complete"][closing]
    records = _records(
        world,
        a,
        np.concatenate([agreement, closing]),
        np.concatenate([quantity, extra]),
        np.concatenate([when, finished]),
        np.concatenate([created, finished]),
        np.concatenate([delivery_id, np.full(len(closing), -1)]),
    )
    return deliveries, records


def write(deliveries: dict[str, Any], records: dict[str, Any]) -> dict[str, int]:
    return {
        "deliveries": store(Delivery, deliveries),
        "impact records": store(ImpactRecord, records),
    }


def _records(
    world: World,
    a: dict[str, Any],
    agreement: Array,
    quantity: Array,
    when: Array,
    created: Array,
    delivery: Array,
) -> dict[str, Any]:
    rng, ls = world.rng, world.listings
    order = np.argsort(created, kind="stable")
    agreement, quantity, when = agreement[order], quantity[order], when[order]
    created, delivery = created[order], delivery[order]
    n = len(agreement)
    unit = a["unit"][agreement].tolist()
    # In the base unit; the database rounds it to its 4 places, as for the app.
    amount = (quantity * np.array([float(UNITS[Unit(u)][2]) for u in unit])).round(7)
    base_unit = objects(UNITS[Unit(u)][1].value for u in unit)
    offer, request = a["offer"][agreement], a["request"][agreement]
    lat, lon = ls["lat"], ls["lon"]
    km = km_between(lat[offer], lon[offer], lat[request], lon[request]).round(3)
    circuity = float(current_app.config["IMPACT_CIRCUITY"])
    road = (km * circuity).round(3)
    day = when.astype("datetime64[D]")
    priced = _priced(
        day, objects(FAMILIES[f].material_key for f in ls["family"][offer])
    )
    mass = base_unit == "t"
    haul = mass & ~np.isnan(priced["per_tkm"])
    material = mass & np.array([k is not None for k in priced["key"].tolist()])
    old = day < (world.now - 30 * DAY).astype("datetime64[D]")
    checked = day.astype("datetime64[s]") + rng.integers(3, 60, n) * DAY
    verified = old & (rng.random(n) < 0.4)
    return {
        "id": ids(ImpactRecord, n),
        "agreement_id": a["id"][agreement],
        "delivery_id": (delivery, delivery < 0),
        "kind": pick(delivery < 0, "completion", "delivery").astype(object),
        "recorded_on": day,
        "quantity": amount,
        "base_unit": base_unit,
        "distance_km": km,
        "road_km": road,
        "circuity": np.full(n, circuity),
        "material_key": pick(material, priced["key"], None),
        "factor_set": pick(haul | material, priced["set"], None),
        "transport_source_ids": pick(haul, "+".join(impacts.TRANSPORT_ROWS), None),
        "transport_factor": pick(haul, priced["per_tkm"], np.nan),
        "transport_kg_co2e": pick(
            haul, (amount * road * priced["per_tkm"]).round(3), np.nan
        ),
        "primary_source_id": pick(material, priced["primary_id"], None),
        "primary_factor": pick(material, priced["primary"], np.nan),
        "secondary_source_id": pick(material, priced["secondary_id"], None),
        "secondary_factor": pick(material, priced["secondary"], np.nan),
        "avoided_kg_co2e": pick(
            material,
            (amount * (priced["primary"] - priced["secondary"])).round(3),
            np.nan,
        ),
        "created_at": created,
        "verified_at": pick(verified, capped(world, checked), NAT),
    }


def _priced(day: Array, keys: Array) -> dict[str, Array]:
    """The factors of each record: the set in force on its day, and its rows."""
    n = len(day)
    out: dict[str, Array] = {
        "set": objects([None] * n), "key": objects([None] * n),
        "per_tkm": np.full(n, np.nan), "primary": np.full(n, np.nan),
        "secondary": np.full(n, np.nan), "primary_id": objects([None] * n),
        "secondary_id": objects([None] * n),
    }  # fmt: skip
    days, where = np.unique(day, return_inverse=True)
    names = objects(impacts.factor_set_for(date.fromisoformat(str(d))) for d in days)
    for name in set(names.tolist()):
        rows = names[where] == name
        out["set"][rows] = name
        transport = impacts.transport_factors(name)
        if transport:
            out["per_tkm"][rows] = float(sum(f.kg_co2e for f in transport))
        for key in {k for k in keys[rows].tolist() if k}:
            pair = impacts.material_factors(key, name)
            if pair is None:
                continue
            mine = rows & (keys == key)
            out["key"][mine] = key
            out["primary"][mine] = float(pair.primary.kg_co2e)
            out["secondary"][mine] = float(pair.secondary.kg_co2e)
            out["primary_id"][mine] = pair.primary.source_id
            out["secondary_id"][mine] = pair.secondary.source_id
    return out
