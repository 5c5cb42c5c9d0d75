"""Read a pooled service's fields and a waste-census line (pure).

The same cell readers as listings, so "1 234,50" or "mensuel" mean the same
in every form and in the API. Messages come back untranslated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from symbiosis.agreement_fields import Parsed, collect_fields
from symbiosis.listing_fields import (
    MAX_DESCRIPTION,
    MAX_TITLE,
    N_,
    Invalid,
    _frequency,
    _unit,
    clean_text,
    parse_choice,
    parse_decimal,
    parse_ewc,
    parse_quantity,
)
from symbiosis.workflow.pooled_categories import CATEGORIES

COST_SPLITS = ("equal", "by_volume", "by_headcount", "sponsored", "other")
MAX_PARTICIPANTS = 10_000
MAX_COST = 10**9


def _participants(value: Any) -> int:
    number = parse_decimal(value)
    if number != number.to_integral_value() or not 1 <= number <= MAX_PARTICIPANTS:
        raise Invalid(N_("Enter a whole number from 1 to %(n)d."), n=MAX_PARTICIPANTS)
    return int(number)


def _cost(value: Any, group: str = "") -> Any:
    cost = parse_decimal(value, group)
    if not 0 <= cost <= MAX_COST:
        raise Invalid(N_("Enter an amount from 0 to one billion euros."))
    if cost.as_tuple().exponent < -2:  # type: ignore[operator]
        raise Invalid(N_("Use at most two decimals."))
    return cost


def parse_service(raw: Mapping[str, Any], group: str = "") -> Parsed:
    """Category, title, description, target, estimated cost and its split;
    ``group``, the reader's thousands mark, reads German "2.400" as 2400."""
    return collect_fields(
        raw,
        {
            "category": lambda v: parse_choice(
                v, {c: c for c in CATEGORIES}, CATEGORIES
            ),
            "title": lambda v: clean_text(v, max_length=MAX_TITLE),
            "description": lambda v: (
                clean_text(v, max_length=MAX_DESCRIPTION, multiline=True) or None
            ),
            "target_participants": _participants,
            "estimated_cost": lambda v: _cost(v, group),
            "cost_split": lambda v: parse_choice(
                v, {c: c for c in COST_SPLITS}, COST_SPLITS
            ),
            "cost_notes": lambda v: (
                clean_text(v, max_length=MAX_DESCRIPTION, multiline=True) or None
            ),
        },
        {"category", "title", "cost_split"},
    )


def parse_waste_line(raw: Mapping[str, Any]) -> Parsed:
    """One waste type of the census: code, quantity, unit, frequency."""
    parsed = collect_fields(
        raw,
        {
            "ewc_code": parse_ewc,
            "quantity": parse_quantity,
            "unit": _unit,
            "frequency": _frequency,
        },
        {"ewc_code", "quantity", "unit", "frequency"},
    )
    return parsed
