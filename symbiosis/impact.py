"""Impact of one exchange: what moved, how far, the CO2 of the haul and avoided.

Pure arithmetic on published factors (kg CO2e per unit), so that the same
figures come out of the web pages, the API and the reports. The caller looks
the factors up and stores them beside the result: a newer factor set never
rewrites a past record.

- transport = tonnes × road km × (tank-to-wheel + well-to-tank factor per t·km),
  with road km = straight-line km × circuity;
- avoided = tonnes × (primary production − secondary source), the difference
  between making the material new and taking it from this exchange.

Only mass flows get CO2 figures: the seeded factors are per tonne, and a cubic
metre or a piece has no known mass here; energy and water flows keep their
quantity without a CO2 figure rather than a guessed one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

DEFAULT_CIRCUITY = Decimal("1.3")  # road distance / straight-line distance
THREE = Decimal("0.001")


@dataclass(frozen=True)
class Factor:
    """One published factor: its set, its row id in the publication, its value."""

    factor_set: str
    source_id: str
    kg_co2e: Decimal
    label: str = ""


@dataclass(frozen=True)
class MaterialFactors:
    """Production of the material new, and from a secondary source."""

    primary: Factor
    secondary: Factor

    @property
    def saving_per_tonne(self) -> Decimal:
        return self.primary.kg_co2e - self.secondary.kg_co2e


@dataclass(frozen=True)
class Impact:
    quantity: Decimal  # in ``base_unit``
    base_unit: str
    distance_km: Decimal  # straight line
    road_km: Decimal
    transport_kg_co2e: Decimal | None
    avoided_kg_co2e: Decimal | None

    @property
    def net_kg_co2e(self) -> Decimal | None:
        """Avoided minus transport: what the exchange saved overall."""
        if self.avoided_kg_co2e is None:
            return None
        return self.avoided_kg_co2e - (self.transport_kg_co2e or Decimal(0))


def estimate(
    quantity: Decimal,
    base_unit: str,
    distance_km: float | Decimal,
    *,
    transport: tuple[Factor, ...] = (),
    material: MaterialFactors | None = None,
    circuity: Decimal = DEFAULT_CIRCUITY,
) -> Impact:
    """The impact of moving ``quantity`` (in ``base_unit``) over ``distance_km``.

    ``transport`` holds the per-t·km factors to add up (e.g. tank-to-wheel and
    well-to-tank); ``material`` the pair that prices the avoided production.
    """
    if quantity < 0:
        raise ValueError("quantity must not be negative")
    straight = Decimal(str(distance_km)).quantize(THREE)
    road = (straight * circuity).quantize(THREE)
    mass = base_unit == "t"
    haul = None
    if mass and transport:
        per_tkm = sum((f.kg_co2e for f in transport), Decimal(0))
        haul = (quantity * road * per_tkm).quantize(THREE)
    avoided = None
    if mass and material is not None:
        avoided = (quantity * material.saving_per_tonne).quantize(THREE)
    return Impact(
        quantity=quantity,
        base_unit=base_unit,
        distance_km=straight,
        road_km=road,
        transport_kg_co2e=haul,
        avoided_kg_co2e=avoided,
    )


def material_for(keys: list[str], table: dict[str, str]) -> str | None:
    """The entry of ``table`` for the most precise of ``keys``.

    Material keys are dotted paths ("plastic.film.agricultural"); the table
    may name a parent ("plastic.film"). The longest match wins.
    """
    best: str | None = None
    best_depth = -1
    for key in keys:
        parts = key.split(".")
        for depth in range(len(parts), 0, -1):
            prefix = ".".join(parts[:depth])
            if prefix in table:
                if depth > best_depth:
                    best, best_depth = table[prefix], depth
                break
    return best


def net_kg_co2e(avoided: Decimal | None, transport: Decimal | None) -> Decimal | None:
    """Avoided minus transport CO2 of a set of exchanges; None without avoided.

    All of the haul counts against the saving, even the part of flows whose
    material has no avoided figure: the net figure never flatters.
    """
    if avoided is None:
        return None
    return avoided - (transport or Decimal(0))
