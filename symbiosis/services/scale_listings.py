"""Organisations, listings, matches and pooled services of the scale data set.

Part of :mod:`symbiosis.services.scale_data`. Organisations sit around their
zone's point (one in ten outside any zone) and some post far more than
others; listings follow the families of ``scale_data.FAMILIES``, in French,
German or English, with quantities spread around a typical size per unit;
a match pairs an offer with a request of the same family posted about the
same time, by another organisation, as the matcher would.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sqlalchemy as sa

from symbiosis.extensions import db
from symbiosis.matching.normalise import fold
from symbiosis.models import (
    EwcCode,
    Listing,
    Match,
    NaceCode,
    Organisation,
    PooledService,
    PoolParticipant,
    Zone,
)
from symbiosis.services.scale_data import (
    DAY,
    FAMILIES,
    PREFIX,
    Array,
    World,
    capped,
    ids,
    km_between,
    later,
    moments,
    objects,
    pick,
    store,
)
from symbiosis.units import PER_YEAR, UNITS, Frequency, Unit

NAT = np.datetime64("NaT")
LUXEMBOURG = (49.45, 50.15, 5.75, 6.50)  # south, north, west, east
MEDIAN = {"t": 8, "kg": 400, "m3": 60, "L": 4000, "MWh": 300, "kWh": 20000,
          "pieces": 40, "hours": 20, "m2": 250}  # fmt: skip
FREQUENCY_SHARES = {"once": 0.15, "weekly": 0.10, "monthly": 0.35,
                    "quarterly": 0.10, "yearly": 0.22, "continuous": 0.08}  # fmt: skip
SUFFIXES = ("S.A.", "S.à r.l.", "Recycling", "Logistics", "Industries", "Bau",
            "Energie", "Services", "Food", "Métal")  # fmt: skip
DISMISS_REASONS = ("Trop loin", "Quantité insuffisante", "Qualité inadaptée",
                   "Already have a supplier", "Kein Bedarf mehr", None)  # fmt: skip
POOL_CATEGORIES = ("waste_collection", "mobility", "shared_equipment",
                   "joint_purchasing", "energy")  # fmt: skip
POOL_STATES = {"proposed": 0.15, "open": 0.3, "active": 0.4, "closed": 0.1,
               "rejected": 0.05}  # fmt: skip


def organisations(world: World, n: int) -> dict[str, int]:
    rng = world.rng
    zones = db.session.execute(
        sa.select(Zone.id, Zone.lat, Zone.lon, Zone.commune).order_by(Zone.id)
    ).all()
    nace = db.session.scalars(
        sa.select(NaceCode.code)
        .where(NaceCode.level.in_(("class", "division")))
        .order_by(NaceCode.code)
    ).all()
    org_id = ids(Organisation, n)
    south, north, west, east = LUXEMBOURG
    weights = rng.gamma(2.0, 1.0, len(zones))
    at = rng.choice(len(zones), n, p=weights / weights.sum())
    in_zone = rng.random(n) < 0.9
    zone_id = pick(in_zone, np.array([z.id for z in zones])[at], -1)
    zone_lat, zone_lon = (
        np.array([z.lat for z in zones]),
        np.array([z.lon for z in zones]),
    )
    lat = pick(
        in_zone, zone_lat[at] + rng.normal(0, 0.006, n), rng.uniform(south, north, n)
    )
    lon = pick(
        in_zone, zone_lon[at] + rng.normal(0, 0.008, n), rng.uniform(west, east, n)
    )
    names = objects(
        f"{PREFIX} {i:06d} {SUFFIXES[i % len(SUFFIXES)]}" for i in org_id.tolist()
    )
    world.orgs = {"id": org_id, "lat": lat, "lon": lon, "zone_id": zone_id}
    kinds = objects(["company", "association", "public_body"])
    return {
        "organisations": store(
            Organisation,
            {
                "id": org_id,
                "name": names,
                "name_key": objects(fold(name) for name in names.tolist()),
                "slug": objects(f"scale-{i}" for i in org_id.tolist()),
                "kind": rng.choice(kinds, n, p=(0.86, 0.09, 0.05)),
                "nace_code": rng.choice(objects(nace), n)
                if nace
                else objects([None] * n),
                "locality": pick(in_zone, objects(z.commune for z in zones)[at], None),
                "lat": lat.round(6),
                "lon": lon.round(6),
                "zone_id": (zone_id, zone_id < 0),
                "created_at": world.start - rng.integers(DAY, 365 * DAY, n),
            },
        )
    }


def listings(world: World, n: int) -> dict[str, int]:
    rng, orgs = world.rng, world.orgs
    ewc_labels = {
        e.code: " ".join(filter(None, (e.label_en, e.label_fr, e.label_de)))
        for e in db.session.scalars(sa.select(EwcCode))
    }
    shares = np.array([f.weight for f in FAMILIES])
    family = rng.choice(len(FAMILIES), n, p=shares / shares.sum())
    # A few organisations post much more than the others.
    activity = 1.0 / np.arange(1, len(orgs["id"]) + 1) ** 0.7
    ranked = rng.choice(len(orgs["id"]), n, p=activity / activity.sum())
    owner = rng.permutation(len(orgs["id"]))[ranked]
    units = objects([[f.units[k % len(f.units)] for k in range(2)] for f in FAMILIES])
    unit = units[family, rng.integers(0, 2, n)]
    typical = np.array([MEDIAN[u] for u in unit.tolist()])
    quantity = np.maximum(0.01, (typical * rng.lognormal(0, 1, n)).round(2))
    frequency = rng.choice(
        objects(FREQUENCY_SHARES), n, p=list(FREQUENCY_SHARES.values())
    )
    factor = np.array([float(UNITS[Unit(u)][2]) for u in unit.tolist()])
    per_year = np.array([float(PER_YEAR[Frequency(f)]) for f in frequency.tolist()])
    base_unit = objects(UNITS[Unit(u)][1].value for u in unit.tolist())
    created = moments(world, n)
    age = (world.now - created).astype(np.int64) / (world.now - world.start).astype(
        np.int64
    )
    from_day = created.astype("datetime64[D]")
    until = pick(rng.random(n) < 0.4, from_day + rng.integers(60, 720, n), NAT)
    roll = rng.random(n)
    state = pick(
        roll < 0.08 + 0.25 * age, "closed", pick(roll > 0.96, "paused", "active")
    )
    state = state.astype(object)
    state[until < world.now.astype("datetime64[D]")] = "expired"
    kind = pick(rng.random(n) < 0.55, "offer", "request").astype(object)
    title = objects(f.titles for f in FAMILIES)[family, rng.integers(0, 3, n)]
    ewc = objects(f.ewc if f.ewc in ewc_labels else None for f in FAMILIES)[family]
    search = {
        (t, e): fold(f"{t} {ewc_labels.get(e, '') if e else ''}")
        for t, e in set(zip(title.tolist(), ewc.tolist(), strict=True))
    }
    prices = objects(["free", "negotiable", "price_per_unit"])
    price_terms = rng.choice(prices, n, p=(0.3, 0.5, 0.2))
    listing_id = ids(Listing, n)
    lat = orgs["lat"][owner] + rng.normal(0, 0.001, n)
    lon = orgs["lon"][owner] + rng.normal(0, 0.0015, n)
    world.listings = {
        "id": listing_id, "owner": owner, "family": family, "kind": kind,
        "created": created, "quantity": quantity, "unit": unit,
        "frequency": frequency, "lat": lat, "lon": lon, "ewc": ewc,
    }  # fmt: skip
    zone_id = orgs["zone_id"][owner]
    return {
        "listings": store(
            Listing,
            {
                "id": listing_id,
                "organisation_id": orgs["id"][owner],
                "zone_id": (zone_id, zone_id < 0),
                "kind": kind,
                "resource": objects(f.resource for f in FAMILIES)[family],
                "title": title,
                "description": pick(rng.random(n) < 0.5, None, "Sur site / vor Ort"),
                "ewc_code": ewc,
                "quantity": quantity,
                "unit": unit,
                "frequency": frequency,
                "yearly_quantity": (quantity * factor * per_year).round(4),
                "base_unit": base_unit,
                "available_from": from_day,
                "available_until": until,
                "lat": lat.round(6),
                "lon": lon.round(6),
                "max_distance_km": (
                    rng.choice([30, 50, 100], n),
                    (kind == "offer") | (rng.random(n) < 0.5),
                ),
                "price_terms": price_terms,
                "price_per_unit": pick(
                    price_terms == "price_per_unit",
                    rng.uniform(1, 200, n).round(2),
                    np.nan,
                ),
                "anonymous": rng.random(n) < 0.15,
                "accepts_hazardous": np.zeros(n, dtype=bool),
                "state": state,
                "search_text": objects(
                    search[k] for k in zip(title.tolist(), ewc.tolist(), strict=True)
                ),
                "created_at": created,
                "updated_at": created,
            },
        )
    }


def _pairs(world: World, n: int) -> tuple[Array, Array]:
    """``n`` distinct (offer, request) pairs of one family, of two organisations.

    The request is one posted about when the offer was: the matcher pairs
    listings that are on the market together.
    """
    rng, ls = world.rng, world.listings
    kind, family = ls["kind"], ls["family"]
    offers = np.flatnonzero(kind == "offer")
    found_o, found_r = np.empty(0, np.int64), np.empty(0, np.int64)
    for _round in range(8):
        if len(found_o) >= n or len(offers) == 0:
            break
        o = offers[rng.integers(0, len(offers), int((n - len(found_o)) * 1.1) + 10)]
        r = np.full(len(o), -1, dtype=np.int64)
        for f in range(len(FAMILIES)):
            mine = family[o] == f
            pool = np.flatnonzero((family == f) & (kind == "request"))
            if len(pool) == 0 or not mine.any():
                continue
            at = np.searchsorted(ls["created"][pool], ls["created"][o[mine]])
            spread = max(3.0, 0.02 * len(pool))
            near = at + rng.normal(0, spread, int(mine.sum())).round().astype(np.int64)
            r[mine] = pool[np.clip(near, 0, len(pool) - 1)]
        keep = (r >= 0) & (ls["owner"][o] != ls["owner"][np.maximum(r, 0)])
        found_o = np.append(found_o, o[keep])
        found_r = np.append(found_r, r[keep])
        _key, first = np.unique(found_o * (1 << 31) + found_r, return_index=True)
        first = np.sort(first)
        found_o, found_r = found_o[first], found_r[first]
    return found_o[:n], found_r[:n]


def matches(world: World, n: int) -> dict[str, int]:
    rng, ls = world.rng, world.listings
    offer, request = _pairs(world, n)
    newer = np.maximum(ls["created"][offer], ls["created"][request])
    created = capped(world, later(world, newer, 2.0, 60))
    order = np.argsort(created, kind="stable")
    offer, request, created = offer[order], request[order], created[order]
    m = len(offer)
    lat, lon = ls["lat"], ls["lon"]
    km = km_between(lat[offer], lon[offer], lat[request], lon[request]).round(3)
    score = (35 + 60 * rng.beta(2, 2, m)).round(1)
    dismissed = rng.random(m) < 0.12
    dismissed_at = pick(dismissed, capped(world, later(world, created, 10.0)), NAT)
    match_id = ids(Match, m)
    world.matches = {
        "id": match_id, "offer": offer, "request": request,
        "created": created, "dismissed": dismissed,
    }  # fmt: skip
    same_ewc = [
        f', {{"code": "same_ewc", "params": {{"code": "{e}"}}}}' if e else ""
        for e in ls["ewc"][offer].tolist()
    ]
    reasons = [
        f'[{{"code": "distance", "params": {{"km": {k:.1f}}}}}{same}]'
        for k, same in zip(km.tolist(), same_ewc, strict=True)
    ]
    parts = [
        f'{{"material": 1.0, "text": {s / 100:.2f}, '
        f'"distance": {max(0.0, 1 - k / 50):.2f}}}'
        for s, k in zip(score.tolist(), km.tolist(), strict=True)
    ]
    return {
        "matches": store(
            Match,
            {
                "id": match_id,
                "offer_id": ls["id"][offer],
                "request_id": ls["id"][request],
                "score": score,
                "distance_km": km,
                "parts": objects(parts),
                "reasons": objects(reasons),
                "notified": np.ones(m, dtype=bool),
                "dismissed_at": dismissed_at,
                "dismiss_reason": (rng.choice(objects(DISMISS_REASONS), m), ~dismissed),
                "created_at": created,
                "updated_at": pick(dismissed, dismissed_at, created),
            },
        )
    }


def pooled(world: World, listings: int) -> dict[str, int]:
    """One pooled service per 5,000 listings, with organisations of its zone."""
    rng, orgs = world.rng, world.orgs
    n = max(1, listings // 5000)
    zoned = np.flatnonzero(orgs["zone_id"] >= 0)
    if len(zoned) == 0:
        return {"pooled services": 0, "pool participants": 0}
    host = zoned[rng.integers(0, len(zoned), n)]
    zone = orgs["zone_id"][host]
    service_id = ids(PooledService, n)
    created = moments(world, n, growth=False)
    category = rng.choice(objects(POOL_CATEGORIES), n)
    services = store(
        PooledService,
        {
            "id": service_id,
            "zone_id": zone,
            "category": category,
            "title": objects(
                f"{PREFIX} {c.replace('_', ' ')} {i}"
                for c, i in zip(category.tolist(), service_id.tolist(), strict=True)
            ),
            "cost_split": objects(["equal"] * n),
            "state": rng.choice(objects(POOL_STATES), n, p=list(POOL_STATES.values())),
            "version": np.ones(n, dtype=np.int64),
            "proposer_org_id": orgs["id"][host],
            "created_at": created,
            "updated_at": created,
        },
    )
    columns: dict[str, list[Any]] = {"service": [], "org": [], "since": []}
    for k in range(n):
        members = np.flatnonzero(orgs["zone_id"] == zone[k])
        size = min(len(members), int(rng.integers(2, 13)))
        chosen = rng.choice(members, size, replace=False)
        columns["service"] += [int(service_id[k])] * size
        columns["org"] += orgs["id"][chosen].tolist()
        columns["since"] += [created[k]] * size
    p = len(columns["service"])
    enrolled = capped(world, later(world, np.array(columns["since"]), 20.0))
    left = rng.random(p) < 0.1
    participants = store(
        PoolParticipant,
        {
            "id": ids(PoolParticipant, p),
            "service_id": np.array(columns["service"], dtype=np.int64),
            "organisation_id": np.array(columns["org"], dtype=np.int64),
            "commitment": rng.choice(objects(["interested", "committed"]), p),
            "enrolled_at": enrolled,
            "left_at": pick(left, capped(world, later(world, enrolled, 90.0)), NAT),
        },
    )
    return {"pooled services": services, "pool participants": participants}
