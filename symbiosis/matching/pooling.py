"""Pooling opportunities and combined offers (pure).

Pooling: several organisations of one zone request (or offer) the same
material or service — one shared service could serve them all. Combining: no
single offer covers a request's yearly need, but a few nearby ones together do.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from symbiosis.matching.engine import Matcher
from symbiosis.matching.lexicon import family
from symbiosis.matching.model import Item, Match

MIN_ORGANISATIONS = 3
MIN_MATERIAL = 0.75  # offers close enough in material to add up


@dataclass
class PoolingOpportunity:
    zone_id: int
    kind: str
    key: str
    items: list[Item]

    @property
    def organisations(self) -> int:
        return len({i.organisation_id for i in self.items})

    def total(self, unit: str) -> float:
        return sum(i.yearly or 0.0 for i in self.items if i.base_unit == unit)


def pooling(matcher: Matcher, zone_id: int | None = None) -> list[PoolingOpportunity]:
    """Groups of at least three organisations of one zone sharing a need or offer.

    Each listing joins one group: the most specific material its title names,
    else the one its waste code stands for, else the code itself.
    """
    groups: dict[tuple[int, str, str], dict[int, Item]] = defaultdict(dict)
    for kind, side in matcher.sides.items():
        for item in side.items:
            if item is None or item.zone_id is None or item.organisation_id is None:
                continue
            if zone_id is not None and item.zone_id != zone_id:
                continue
            key = group_key(matcher, item)
            if key:
                groups[(item.zone_id, kind, key)][item.id] = item
    found = [
        PoolingOpportunity(zone, kind, key, sorted(items.values(), key=lambda i: i.id))
        for (zone, kind, key), items in groups.items()
        if len({i.organisation_id for i in items.values()}) >= MIN_ORGANISATIONS
    ]
    return sorted(found, key=lambda g: (-g.organisations, family(g.key), g.key))


GROUP_DEPTH = 2  # "paper.cardboard", "wood.pallets": what one collection serves


def group_key(matcher: Matcher, item: Item) -> str | None:
    """The one material a listing is about, at the depth one service handles."""
    named = matcher.lexicon.keys_in_text(item.title)
    key = max(sorted(named), key=lambda k: k.count(".")) if named else None
    key = key or matcher.lexicon.key_for_ewc(item.ewc_code)
    if key:
        return ".".join(key.split(".")[:GROUP_DEPTH])
    return f"ewc:{item.ewc_code}" if item.ewc_code else None


@dataclass
class Combination:
    request_id: int
    offers: list[Match]
    coverage: float  # 0–1 of the request's yearly need


def combination(matcher: Matcher, request: Item, limit: int = 20) -> Combination | None:
    """Nearby offers that together cover a request no single offer covers,
    among the request's ``limit`` best matches in the index (see :func:`combine`).
    """
    if request.kind != "request" or not request.yearly:
        return None
    offers = matcher.sides["offer"]
    candidates = []
    for m in matcher.match(request, limit):
        item = offers.items[offers.row_of[m.offer_id]]
        if item is not None:
            candidates.append((m, item.yearly, item.base_unit))
    return combine(request.id, request.yearly, request.base_unit, candidates)


def combine(
    request_id: int,
    yearly: float | None,
    base_unit: str | None,
    candidates: Sequence[tuple[Match, float | None, str | None]],
) -> Combination | None:
    """Offers (each match with its offer's yearly amount and unit) that together
    cover a yearly need no single one covers.

    Offers are added nearest first among good material matches until the need
    is covered; ``None`` when one offer suffices or the need is unknown.
    """
    if not yearly:
        return None
    amounts: dict[int, float] = {}
    matches = []
    for m, amount, unit in candidates:
        if m.parts.get("material", 0.0) < MIN_MATERIAL:
            continue
        matches.append(m)
        if amount and unit == base_unit:
            amounts[m.offer_id] = amount
    if not amounts or max(amounts.values()) >= yearly:
        return None
    chosen: list[Match] = []
    total = 0.0
    for m in sorted(
        (m for m in matches if m.offer_id in amounts), key=lambda m: m.distance_km
    ):
        chosen.append(m)
        total += amounts[m.offer_id]
        if total >= yearly:
            break
    if len(chosen) < 2:
        return None
    return Combination(request_id, chosen, min(total / yearly, 1.0))
