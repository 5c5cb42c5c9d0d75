"""A large, realistic data set for the statistics at scale (``flask stats generate``).

Fills a migrated database that holds the reference data (``flask seed
reference``) with organisations spread over the seeded zones (named "Scale
000123 …"), their listings over three years (more in recent months, as a
growing network has), matches between offers and requests of one material
posted about the same time, agreements with their trail of events, deliveries
with their impact records (distance, CO2 with the stored factors, some
verified) and a few pooled services. Same seed and same ``now``: same rows.

The tables are built as numpy columns (:mod:`scale_listings`,
:mod:`scale_agreements`, :mod:`scale_deliveries`) and written in bulk
(:mod:`scale_write`: COPY on PostgreSQL), one commit per step.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple, cast

import numpy as np
import sqlalchemy as sa

from symbiosis.extensions import db
from symbiosis.models import Zone
from symbiosis.services.scale_write import first_id, reset_sequence, write

Array = Any  # a numpy array: its stubs cannot follow the mixed dtypes used here
PREFIX = "Scale"
YEARS = 3
DAY = 86_400


class Family(NamedTuple):
    """A kind of listing: what, its waste code, units and titles in FR/DE/EN."""

    resource: str
    material_key: str | None  # priced in seeds/reference/impact-materials.csv
    ewc: str | None
    units: tuple[str, ...]
    titles: tuple[str, str, str]
    weight: float


# resource | material key | EWC | units | French | German | English | weight
_FAMILIES = """
material|wood|150103|t|Palettes en bois|Holzpaletten|Wood pallets|9
material|paper.cardboard|150101|t kg|Cartons d'emballage|Kartonagen|Cardboard|8
material|plastic.film|150102|t kg|Film plastique|Kunststofffolie|Plastic film|6
material|metal.scrap|170405|t|Ferraille|Stahlschrott|Scrap steel|6
material|glass|150107|t|Verre d'emballage|Altglas|Glass cullet|3
material|construction.concrete|170101|t m3|Béton concassé|Betonbruch|Crushed concrete|6
material|construction.rubble|170107|t|Gravats mélangés|Bauschutt|Mixed rubble|5
material|mineral.gypsum.plasterboard|170802|t|Chutes de plâtre|Gipsreste|Plaster|2
material||200108|t|Biodéchets de cantine|Kantinenabfälle|Canteen food waste|5
material||020304|t|Marc de café|Kaffeesatz|Spent coffee grounds|2
material|wood|030105|t m3|Sciure de bois|Sägemehl|Sawdust|3
material|textile.clothing|200110|t kg|Textiles usagés|Alttextilien|Used clothing|2
material||170504|t m3|Terres d'excavation|Bodenaushub|Excavated soil|5
material||100101|t|Mâchefers|Rostasche|Bottom ash|2
material|||pieces|Conteneurs IBC|IBC-Container|IBC containers|4
material|||pieces|Mobilier de bureau|Büromöbel|Office furniture|4
energy|||MWh|Chaleur fatale|Abwärme|Waste heat|5
energy|||MWh kWh|Vapeur basse pression|Niederdruckdampf|Low-pressure steam|2
energy|||MWh kWh|Surplus solaire|Solarstromüberschuss|Surplus solar power|3
water|||m3|Eau de refroidissement|Kühlwasser|Cooling water|3
water|||m3 L|Eau de pluie|Regenwasser|Rainwater|3
water|||m3|Eau de process traitée|Prozesswasser|Treated process water|2
service|||hours|Transport partagé|Gemeinsamer Transport|Shared transport|4
service|||m2|Espace de stockage|Lagerfläche|Storage space|3
service|||hours|Chariot élévateur|Gabelstapler|Forklift time|3
"""
FAMILIES = tuple(
    Family(r, k or None, e or None, tuple(u.split()), (fr, de, en), float(w))
    for r, k, e, u, fr, de, en, w in (
        line.split("|") for line in _FAMILIES.strip().splitlines()
    )
)


@dataclass
class Sizes:
    listings: int
    agreements: int
    deliveries: int
    organisations: int | None = None  # default: one per 200 listings, at least 10
    matches: int | None = None  # default: one per listing (or per agreement)


@dataclass
class Report:
    counts: dict[str, int] = field(default_factory=dict)
    agreements_by_state: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class World:
    """The generator's state: its random numbers, its clock, the tables so far."""

    rng: np.random.Generator
    now: Array  # numpy datetime64[s]
    start: Array
    orgs: dict[str, Array] = field(default_factory=dict)
    listings: dict[str, Array] = field(default_factory=dict)
    matches: dict[str, Array] = field(default_factory=dict)


def generate(
    sizes: Sizes,
    *,
    seed: int = 1,
    now: datetime | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> Report:
    """Write the data set; return what was written.

    :raises ValueError: without zones (no reference data), or when the sizes
        cannot be met (more agreements than matches, deliveries without any
        agreement that ran).
    """
    from symbiosis.services import scale_agreements, scale_listings

    began = time.perf_counter()
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    stamp = np.datetime64(moment.replace(microsecond=0), "s")
    world = World(np.random.default_rng(seed), stamp, stamp - YEARS * 365 * DAY)
    n_orgs = sizes.organisations or max(10, sizes.listings // 200)
    n_matches = sizes.matches or max(sizes.listings, sizes.agreements)
    if not db.session.scalar(sa.select(sa.func.count(Zone.id))):
        raise ValueError("no zones: load the reference data (flask seed reference)")
    if sizes.agreements > n_matches:
        raise ValueError("more agreements than matches")
    report = Report()
    steps: list[tuple[str, Callable[[], dict[str, int]]]] = [
        ("organisations", lambda: scale_listings.organisations(world, n_orgs)),
        ("listings", lambda: scale_listings.listings(world, sizes.listings)),
        ("matches", lambda: scale_listings.matches(world, n_matches)),
        ("agreements", lambda: scale_agreements.write_all(world, sizes, report)),
        ("pooled services", lambda: scale_listings.pooled(world, sizes.listings)),
    ]
    for label, step in steps:
        clock = time.perf_counter()
        counts = step()
        db.session.commit()
        report.counts.update(counts)
        done = ", ".join(f"{n:,} {name}" for name, n in counts.items())
        progress(f"{label}: {done} in {time.perf_counter() - clock:.1f} s")
    report.seconds = time.perf_counter() - began
    return report


def table(model: Any) -> sa.Table:
    return cast(sa.Table, model.__table__)


def store(model: Any, columns: dict[str, Any]) -> int:
    """Write ``columns`` into the table of ``model``; move its id sequence on."""
    connection = db.session.connection()
    written = write(connection, table(model), columns)
    reset_sequence(connection, table(model))
    return written


def ids(model: Any, n: int) -> Array:
    """``n`` new ids for the table of ``model``, after those it holds."""
    start = first_id(db.session.connection(), table(model))
    return np.arange(start, start + n, dtype=np.int64)


def objects(values: Iterable[Any]) -> Array:
    """A numpy array of Python objects (strings, None)."""
    return np.array(list(values), dtype=object)


def pick(mask: Array, yes: Any, no: Any) -> Array:
    """``yes`` where ``mask``, else ``no`` (np.where, typed loosely)."""
    return np.where(mask, yes, no)


def moments(world: World, n: int, growth: bool = True) -> Array:
    """``n`` sorted instants of the three years, denser lately when ``growth``."""
    share = np.sqrt(world.rng.random(n)) if growth else world.rng.random(n)
    span = (world.now - world.start).astype(np.int64)
    return np.sort(world.start + (share * span).astype(np.int64))


def later(world: World, when: Array, mean_days: float, least: int = 3600) -> Array:
    """``when`` plus a random delay (exponential, at least ``least`` seconds)."""
    delay = world.rng.exponential(mean_days * DAY, len(when)).astype(np.int64)
    return when + delay + least


def capped(world: World, when: Array) -> Array:
    """``when``, but never later than a minute before ``now``."""
    return np.minimum(when, world.now - 60)


def km_between(lat1: Array, lon1: Array, lat2: Array, lon2: Array) -> Array:
    """Great-circle kilometres (haversine: within 0.5 % of geodesic here)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = (
        np.sin((p2 - p1) / 2) ** 2
        + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * np.arcsin(np.sqrt(a))
