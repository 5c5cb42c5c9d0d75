"""What the matcher reads and writes: plain values, no ORM."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

RESOURCES = ("material", "energy", "water", "service")
OTHER = {"offer": "request", "request": "offer"}  # the side a listing looks at


@dataclass(frozen=True)
class Item:
    """The matcher's view of one listing."""

    id: int
    kind: str  # offer | request
    resource: str
    title: str
    description: str = ""
    ewc_code: str | None = None
    # A request may name the waste codes its permit or process accepts.
    accepted_ewc: tuple[str, ...] = ()
    hazardous: bool = False
    accepts_hazardous: bool = False
    lat: float = 49.61
    lon: float = 6.13
    yearly: float | None = None  # yearly quantity in base_unit
    base_unit: str | None = None
    available_from: date | None = None
    available_until: date | None = None
    max_distance_km: float | None = None
    organisation_id: int | None = None
    zone_id: int | None = None
    sdgs: tuple[int, ...] = ()
    themes: tuple[str, ...] = ()  # keys of the shared list (symbiosis.themes)

    @property
    def codes(self) -> list[str]:
        """Its own waste code and the codes it accepts, without repeats."""
        return sorted({c for c in (self.ewc_code, *self.accepted_ewc) if c})


@dataclass
class Reason:
    """One plain-words reason for a match; ``code`` picks the sentence."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The reason as stored (JSON), without dataclasses.asdict's deep copy
        (a tenth of a matching job's time): nothing changes stored params."""
        return {"code": self.code, "params": dict(self.params)}


@dataclass
class Match:
    offer_id: int
    request_id: int
    score: float  # 0–100
    distance_km: float
    parts: dict[str, float]
    reasons: list[Reason]

    @property
    def pair(self) -> tuple[int, int]:
        return self.offer_id, self.request_id
