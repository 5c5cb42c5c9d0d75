"""Read an agreement's terms, a delivery and a message from form or JSON values.

Pure, like :mod:`symbiosis.listing_fields` whose cell readers it reuses, so the
pages and the API accept the same spellings. Messages come back untranslated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from symbiosis import units
from symbiosis.listing_fields import (
    N_,
    Invalid,
    Problem,
    _frequency,
    _price,
    _text,
    _unit,
    clean_text,
    parse_choice,
    parse_date,
    parse_quantity,
    price_problems,
)
from symbiosis.listing_words import PRICE_ALIASES, PRICE_TERMS

TRANSPORT_BY = ("supplier", "receiver", "third_party")
TRANSPORT_ALIASES = {
    "supplier": "supplier", "fournisseur": "supplier", "lieferant": "supplier",
    "receiver": "receiver", "receveur": "receiver", "destinataire": "receiver",
    "empfänger": "receiver", "third_party": "third_party", "tiers": "third_party",
    "dritter": "third_party",
}  # fmt: skip
TERMS = (
    "quantity", "unit", "frequency", "start", "end", "price_terms",
    "price_per_unit", "transport_by", "conditions",
)  # fmt: skip
MAX_CONDITIONS = 5000
MAX_MESSAGE = 5000
MAX_REASON = 1000


@dataclass
class Parsed:
    values: dict[str, Any]
    problems: list[Problem]


def collect_fields(
    raw: Mapping[str, Any], parsers: dict[str, Any], required: set[str]
) -> Parsed:
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, parse in parsers.items():
        value = raw.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if name in required:
                problems.append(Problem(name, N_("This field is required.")))
            else:
                values[name] = None
            continue
        try:
            values[name] = parse(value)
        except Invalid as error:
            problems.append(Problem(name, error.message, error.params))
    return Parsed(values, problems)


def parse_terms(raw: Mapping[str, Any]) -> Parsed:
    """Quantity, unit, frequency, dates, price, transport and conditions."""
    parsed = collect_fields(
        raw,
        {
            "quantity": parse_quantity,
            "unit": _unit,
            "frequency": _frequency,
            "start": parse_date,
            "end": parse_date,
            "price_terms": lambda v: parse_choice(v, PRICE_ALIASES, PRICE_TERMS),
            "price_per_unit": _price,
            "transport_by": lambda v: parse_choice(v, TRANSPORT_ALIASES, TRANSPORT_BY),
            "conditions": lambda v: (
                clean_text(v, max_length=MAX_CONDITIONS, multiline=True) or None
            ),
        },
        {"quantity", "unit", "frequency", "start", "price_terms", "transport_by"},
    )
    values, problems = parsed.values, parsed.problems
    start, end = values.get("start"), values.get("end")
    if start and end and end < start:
        problems.append(Problem("end", N_("The end comes before the start.")))
    problems.extend(price_problems(values))
    return parsed


def parse_delivery(raw: Mapping[str, Any]) -> Parsed:
    return collect_fields(
        raw,
        {
            "delivered_on": parse_date,
            "quantity": parse_quantity,
            "unit": _unit,
            "note": lambda v: (
                clean_text(v, max_length=MAX_REASON, multiline=True) or None
            ),
        },
        {"delivered_on", "quantity", "unit"},
    )


def parse_totals(raw: Mapping[str, Any]) -> Parsed:
    """The actual totals asked for when an agreement is completed."""
    return collect_fields(
        raw,
        {"actual_quantity": parse_quantity, "actual_unit": _unit},
        {"actual_quantity", "actual_unit"},
    )


def parse_text(value: Any, field: str, *, max_length: int) -> Parsed:
    """A required free text (message, reason): not empty, not too long."""
    try:
        text = clean_text(value, max_length=max_length, multiline=True)
    except Invalid as error:
        return Parsed({}, [Problem(field, error.message, error.params)])
    if not text:
        return Parsed({}, [Problem(field, N_("Write something first."))])
    return Parsed({field: text}, [])


def same_dimension(unit: str, other: str) -> bool:
    return units.dimension(units.Unit(unit)) == units.dimension(units.Unit(other))


def in_base(quantity: Decimal, unit: str) -> Decimal:
    """``quantity`` of ``unit`` in the base unit of its dimension (t, m3, MWh...)."""
    return units.to_base(quantity, units.Unit(unit))


def yearly(quantity: Decimal, unit: str, frequency: str) -> Decimal:
    return units.yearly(quantity, units.Unit(unit), units.Frequency(frequency))


def as_text(value: Any) -> str:
    return _text(value)


def later_than(day: date | None, other: date | None) -> bool:
    return day is not None and other is not None and day > other
