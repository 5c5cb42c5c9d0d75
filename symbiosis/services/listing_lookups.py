"""The reference rows a listing names: waste codes, places and SDGs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import sqlalchemy as sa

from symbiosis.extensions import db
from symbiosis.matching.normalise import fold
from symbiosis.models import EwcCode, Locality, Sdg, Zone


class Place(NamedTuple):
    """Where a listing is, from the name a user gave."""

    name: str
    lat: float
    lon: float
    commune: str = ""
    kind: str = ""  # commune, locality or zone


@dataclass
class Lookups:
    """Reference rows needed to check listings.

    ``Lookups()`` reads what one listing names, when it names it (a posted
    listing: one waste code, not the 842); ``Lookups.load()`` reads every
    row at once, for an import of many listings.
    """

    ewc: dict[str, EwcCode] | None = None
    places: dict[str, Place] | None = None
    sdgs: dict[int, Sdg] | None = None

    @classmethod
    def load(cls) -> Lookups:
        return cls(
            ewc={c.code: c for c in db.session.scalars(sa.select(EwcCode))},
            places=places(),
            sdgs=_sdgs(),
        )

    def ewc_code(self, code: str) -> EwcCode | None:
        if self.ewc is not None:
            return self.ewc.get(code)
        return db.session.get(EwcCode, code)

    def locality(self, name: str) -> Place | None:
        """The commune, locality or business zone of that name (any case or
        accents; a zone by its full or its short name)."""
        if self.places is None:
            self.places = places()
        return self.places.get(fold(name))

    def sdg(self, number: int) -> Sdg | None:
        if self.sdgs is None:
            self.sdgs = _sdgs()
        return self.sdgs.get(number)


def listed_places() -> list[tuple[Place, tuple[str, ...]]]:
    """Every place a listing may name, with the names it answers to, in the
    order they claim a name: communes first, so a name shared by a commune
    and a village means the commune; then villages; then business zones, by
    their full and short names ("ZIC Foetz (Mondercange)", "ZIC Foetz") and
    known by the short one."""
    found: list[tuple[Place, tuple[str, ...]]] = [
        (Place(p.name, p.lat, p.lon, p.commune or p.name, p.kind), (p.name,))
        for p in db.session.scalars(
            sa.select(Locality).order_by(Locality.kind, Locality.name)
        )
    ]
    for zone in db.session.scalars(sa.select(Zone).order_by(Zone.name)):
        spot = Place(zone.short_name, zone.lat, zone.lon, zone.commune, "zone")
        found.append((spot, (zone.name, zone.short_name)))
    return found


def places() -> dict[str, Place]:
    """The places of :func:`listed_places` by each of their folded names."""
    found: dict[str, Place] = {}
    for place, names in listed_places():
        for name in names:
            found.setdefault(fold(name), place)
    return found


def _sdgs() -> dict[int, Sdg]:
    return {s.number: s for s in db.session.scalars(sa.select(Sdg))}
