"""Units and frequencies: the one place where quantities become comparable.

Every quantity is converted to a yearly amount in the base unit of its
dimension (t, m3, MWh, pieces, hours, m2), so that a "2 t/month" offer and a
"20 t/year" request can be compared: 2 t/month = 24 t/year.

A ``once`` quantity is a single lot and counts as its own size for one year; a
``continuous`` quantity is stated as a yearly total.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum


class Dimension(StrEnum):
    MASS = "mass"
    VOLUME = "volume"
    ENERGY = "energy"
    COUNT = "count"
    TIME = "time"
    AREA = "area"


class Unit(StrEnum):
    T = "t"
    KG = "kg"
    M3 = "m3"
    L = "L"
    MWH = "MWh"
    KWH = "kWh"
    PIECES = "pieces"
    HOURS = "hours"
    M2 = "m2"


class Frequency(StrEnum):
    ONCE = "once"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"
    CONTINUOUS = "continuous"


# unit -> (dimension, base unit, factor to the base unit)
UNITS: dict[Unit, tuple[Dimension, Unit, Decimal]] = {
    Unit.T: (Dimension.MASS, Unit.T, Decimal(1)),
    Unit.KG: (Dimension.MASS, Unit.T, Decimal("0.001")),
    Unit.M3: (Dimension.VOLUME, Unit.M3, Decimal(1)),
    Unit.L: (Dimension.VOLUME, Unit.M3, Decimal("0.001")),
    Unit.MWH: (Dimension.ENERGY, Unit.MWH, Decimal(1)),
    Unit.KWH: (Dimension.ENERGY, Unit.MWH, Decimal("0.001")),
    Unit.PIECES: (Dimension.COUNT, Unit.PIECES, Decimal(1)),
    Unit.HOURS: (Dimension.TIME, Unit.HOURS, Decimal(1)),
    Unit.M2: (Dimension.AREA, Unit.M2, Decimal(1)),
}

PER_YEAR: dict[Frequency, Decimal] = {
    Frequency.ONCE: Decimal(1),
    Frequency.WEEKLY: Decimal(52),
    Frequency.MONTHLY: Decimal(12),
    Frequency.QUARTERLY: Decimal(4),
    Frequency.YEARLY: Decimal(1),
    Frequency.CONTINUOUS: Decimal(1),
}

# Spellings met in French, German and English spreadsheets.
UNIT_ALIASES: dict[str, Unit] = {
    **{u.value.casefold(): u for u in Unit},
    "tonne": Unit.T, "tonnes": Unit.T, "tons": Unit.T, "ton": Unit.T,
    "m³": Unit.M3, "m^3": Unit.M3, "l": Unit.L, "litre": Unit.L, "litres": Unit.L,
    "liter": Unit.L, "liters": Unit.L, "mwh": Unit.MWH, "kwh": Unit.KWH,
    "piece": Unit.PIECES, "pcs": Unit.PIECES, "pièce": Unit.PIECES,
    "pièces": Unit.PIECES, "stück": Unit.PIECES, "stk": Unit.PIECES,
    "h": Unit.HOURS, "hour": Unit.HOURS, "heure": Unit.HOURS, "heures": Unit.HOURS,
    "stunde": Unit.HOURS, "stunden": Unit.HOURS, "m²": Unit.M2, "m^2": Unit.M2,
}  # fmt: skip

FREQUENCY_ALIASES: dict[str, Frequency] = {
    **{f.value: f for f in Frequency},
    "une fois": Frequency.ONCE, "ponctuel": Frequency.ONCE, "einmalig": Frequency.ONCE,
    "hebdomadaire": Frequency.WEEKLY, "wöchentlich": Frequency.WEEKLY,
    "mensuel": Frequency.MONTHLY, "monatlich": Frequency.MONTHLY,
    "trimestriel": Frequency.QUARTERLY, "vierteljährlich": Frequency.QUARTERLY,
    "annuel": Frequency.YEARLY, "jährlich": Frequency.YEARLY,
    "annual": Frequency.YEARLY,
    "continu": Frequency.CONTINUOUS, "kontinuierlich": Frequency.CONTINUOUS,
}  # fmt: skip


class UnitError(ValueError):
    """An unknown unit or frequency, or units of different dimensions."""


def parse_unit(text: str) -> Unit:
    """Return the unit written as ``text`` (``"kg"``, ``"m³"``, ``"Stück"``)."""
    try:
        return UNIT_ALIASES[text.strip().casefold()]
    except KeyError:
        raise UnitError(text) from None


def parse_frequency(text: str) -> Frequency:
    try:
        return FREQUENCY_ALIASES[text.strip().casefold()]
    except KeyError:
        raise UnitError(text) from None


def dimension(unit: Unit) -> Dimension:
    return UNITS[unit][0]


def base_unit(unit: Unit) -> Unit:
    return UNITS[unit][1]


def to_base(quantity: Decimal, unit: Unit) -> Decimal:
    """Convert to the base unit of the dimension: 250 kg → 0.25 t."""
    return quantity * UNITS[unit][2]


def convert(quantity: Decimal, unit: Unit, to: Unit) -> Decimal:
    """Convert between units of one dimension: 2 t → 2000 kg.

    :raises UnitError: when the dimensions differ.
    """
    if dimension(unit) != dimension(to):
        raise UnitError(f"{unit} cannot be converted to {to}")
    return to_base(quantity, unit) / UNITS[to][2]


def yearly(quantity: Decimal, unit: Unit, frequency: Frequency) -> Decimal:
    """Return the yearly amount in the base unit: 2 t monthly → 24 (t/year)."""
    return to_base(quantity, unit) * PER_YEAR[frequency]


def comparable(a: Unit, b: Unit) -> bool:
    return dimension(a) == dimension(b)
