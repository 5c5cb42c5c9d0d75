"""A zone's flows, added up (pure: no Flask, no database).

The diagnostic of a zone answers two questions: what goes out of its
organisations and what they need, by material (:func:`by_material`); and what
moves, or could move, between organisations (:func:`sankey`). Quantities are
yearly amounts in the base unit of their dimension (``units.yearly``), and
amounts in different units are never added together: every total is per unit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from symbiosis.matching.lexicon import Lexicon

DEPTH = 2  # "paper.cardboard", "wood.pallets": the grain one service handles
OUTSIDE = "outside"  # node of every organisation outside the zone
ANONYMOUS = "anonymous"  # node of the organisations the viewer may not see


def material_key(
    lexicon: Lexicon, title: str, ewc_code: str | None, resource: str
) -> str:
    """The one material a listing is about.

    The most specific material its title names, else the one its waste code
    stands for (both cut to :data:`DEPTH`), else its waste chapter
    (``chapter:15``), else its resource (``resource:energy``).
    """
    named = lexicon.keys_in_text(title)
    key = max(sorted(named), key=lambda k: k.count(".")) if named else None
    key = key or lexicon.key_for_ewc(ewc_code)
    if key:
        return ".".join(key.split(".")[:DEPTH])
    if ewc_code:
        return f"chapter:{ewc_code[:2]}"
    return f"resource:{resource}"


@dataclass(frozen=True)
class Entry:
    """One active listing, reduced to what the material table needs."""

    kind: str  # offer (goes out) | request (comes in)
    key: str
    unit: str  # base unit of the yearly amount
    yearly: Decimal
    organisation_id: int


@dataclass
class Side:
    listings: int = 0
    yearly: Decimal = Decimal(0)
    organisations: set[int] = field(default_factory=set)

    def add(self, entry: Entry) -> None:
        self.listings += 1
        self.yearly += entry.yearly
        self.organisations.add(entry.organisation_id)


@dataclass
class MaterialRow:
    """Out (offers) and in (requests) of one material, in one unit."""

    key: str
    unit: str
    out: Side = field(default_factory=Side)
    into: Side = field(default_factory=Side)


def by_material(entries: Iterable[Entry]) -> list[MaterialRow]:
    """One row per (material, unit): a material stated in t and in m3 is two rows.

    Rows come biggest first within each unit: by the larger of out and in.
    """
    rows: dict[tuple[str, str], MaterialRow] = {}
    for entry in entries:
        row = rows.setdefault(
            (entry.key, entry.unit), MaterialRow(entry.key, entry.unit)
        )
        (row.out if entry.kind == "offer" else row.into).add(entry)
    return sorted(
        rows.values(),
        key=lambda r: (r.unit, -max(r.out.yearly, r.into.yearly), r.key),
    )


def totals(rows: Iterable[MaterialRow]) -> dict[str, tuple[Decimal, Decimal]]:
    """Yearly (out, in) per base unit, units in alphabetical order."""
    found: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in rows:
        found[row.unit][0] += row.out.yearly
        found[row.unit][1] += row.into.yearly
    return {unit: (out, into) for unit, (out, into) in sorted(found.items())}


@dataclass(frozen=True)
class Party:
    """One side of a flow as the viewer may see it."""

    id: int | None  # None: anonymous to the viewer
    name: str | None
    in_zone: bool

    @property
    def node(self) -> str:
        if not self.in_zone:
            return OUTSIDE
        if self.id is None:
            return ANONYMOUS
        return f"org:{self.id}"


@dataclass(frozen=True)
class Flow:
    """A flow between two organisations: agreed (agreement) or potential (match)."""

    kind: str  # agreement | match
    ref: int  # id of the agreement or of the match
    supplier: Party
    receiver: Party
    key: str  # material key of what moves
    unit: str  # base unit
    yearly: Decimal
    state: str | None = None  # agreements
    score: float | None = None  # matches


def potential_amount(
    offered: Decimal, offer_unit: str, requested: Decimal, request_unit: str
) -> Decimal | None:
    """What a match could move in a year: the smaller side; None across units."""
    if offer_unit != request_unit:
        return None
    return min(offered, requested)


def units_of(flows: Iterable[Flow]) -> list[str]:
    return sorted({f.unit for f in flows})


def sankey(
    flows: Iterable[Flow],
    unit: str,
    names: Mapping[str, str],
    materials: Mapping[str, str],
) -> dict[str, Any]:
    """Nodes and links of one Sankey chart: the flows in ``unit`` only.

    Suppliers sit on the left and receivers on the right, each organisation
    once per side (``s:`` and ``r:`` node ids), so that an organisation that
    both gives and takes never makes a cycle. Flows of one pair add up into
    one link that lists its materials. ``names`` labels the nodes (by
    :attr:`Party.node`) and ``materials`` the material keys.
    """
    links: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(
        lambda: defaultdict(Decimal)
    )
    labels: dict[str, str] = {}
    for flow in flows:
        if flow.unit != unit or flow.yearly <= 0:
            continue
        source, target = f"s:{flow.supplier.node}", f"r:{flow.receiver.node}"
        labels[source] = _name(flow.supplier, names)
        labels[target] = _name(flow.receiver, names)
        links[(source, target)][flow.key] += flow.yearly
    nodes = [
        {"id": node, "name": labels[node], "side": node[0]}
        for node in sorted(labels, key=lambda n: (n[0] != "s", labels[n], n))
    ]
    return {
        "unit": unit,
        "nodes": nodes,
        "links": [
            {
                "source": source,
                "target": target,
                "value": float(sum(parts.values())),
                "materials": [
                    {"label": materials.get(key, key), "value": float(amount)}
                    for key, amount in sorted(parts.items(), key=lambda p: -p[1])
                ],
            }
            for (source, target), parts in sorted(
                links.items(), key=lambda item: -sum(item[1].values())
            )
        ],
    }


def _name(party: Party, names: Mapping[str, str]) -> str:
    return names.get(party.node) or party.name or party.node
