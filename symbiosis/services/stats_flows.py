"""Who supplies whom: flows between sectors (NACE sections) and zones.

GROUP BYs give, per (supplier sector, supplier zone, receiver zone,
receiver sector), the agreed exchanges proposed in the period and the tonnes
delivered in it. From these rows come the Sankey of the dashboard (supplier
sector → supplier zone → receiver zone → receiver sector) and the national
map (zone to zone). Organisations are never named: a flow is sectors and
zones only.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale

from symbiosis.extensions import db
from symbiosis.models import Agreement, ImpactRecord, NaceCode, Organisation, Zone
from symbiosis.models.base import id_from_text
from symbiosis.services.stats_impact import AGREED_STATES
from symbiosis.services.stats_sql import Scope

UNKNOWN = "?"
Side = tuple[Any, Any]  # (section, zone), (zone, zone) or (zone, section)
Folded = dict[str, dict[Side, dict[str, float]]]
PARTS = ("supplier", "pairs", "receiver")


def _zero() -> dict[str, float]:
    return {"agreements": 0, "delivered_t": 0.0}


def rows(scope: Scope) -> Folded:
    """Agreements and tonnes delivered, by (supplier's NACE section, its zone),
    by (supplier's zone, receiver's zone) and by (receiver's zone, its NACE
    section): the three steps of the Sankey. None: no known sector or zone.

    The database groups by NACE code and zone of both sides (a hundred
    thousand rows at national scale); they are folded into the three steps
    here, so that what is stored and drawn stays small.
    """
    section_of, _names = _sections()
    supplier, receiver = sa.orm.aliased(Organisation), sa.orm.aliased(Organisation)
    keys = (
        supplier.nace_code,
        supplier.zone_id,
        receiver.zone_id,
        receiver.nace_code,
    )

    def grouped(query: Any) -> Any:
        return db.session.execute(
            query.join(supplier, supplier.id == Agreement.supplier_id)
            .join(receiver, receiver.id == Agreement.receiver_id)
            .where(scope.org_in_zone(Agreement.supplier_id, Agreement.receiver_id))
            .group_by(*keys)
        )

    found: dict[str, dict[Side, dict[str, float]]] = {
        part: defaultdict(_zero) for part in PARTS
    }

    def add(key: list[Any], figure: str, value: float) -> None:
        s_code, s_zone, r_zone, r_code = key
        s_section = section_of.get(s_code) if s_code else None
        r_section = section_of.get(r_code) if r_code else None
        found["supplier"][(s_section, s_zone)][figure] += value
        found["pairs"][(s_zone, r_zone)][figure] += value
        found["receiver"][(r_zone, r_section)][figure] += value

    for *key, n in grouped(
        sa.select(*keys, sa.func.count(Agreement.id)).where(
            Agreement.state.in_([s.value for s in AGREED_STATES]),
            scope.during(Agreement.created_at),
        )
    ):
        add(key, "agreements", int(n))
    for *key, tonnes in grouped(
        sa.select(*keys, sa.func.sum(ImpactRecord.quantity))
        .select_from(ImpactRecord)
        .join(Agreement, Agreement.id == ImpactRecord.agreement_id)
        .where(scope.on_days(ImpactRecord.recorded_on), ImpactRecord.base_unit == "t")
    ):
        add(key, "delivered_t", float(tonnes or 0))
    for part in found.values():
        for figures in part.values():
            figures["delivered_t"] = round(figures["delivered_t"], 3)
    return {name: dict(part) for name, part in found.items()}


def _sections() -> tuple[dict[str, str], dict[str, str]]:
    """NACE code → its section letter (walking up the parents, ~1,000 rows),
    and each section's label in the current language."""
    locale = str(get_locale() or "fr")
    parent: dict[str, str | None] = {}
    names: dict[str, str] = {}
    for code, up, en, fr, de in db.session.execute(
        sa.select(
            NaceCode.code,
            NaceCode.parent,
            NaceCode.label_en,
            NaceCode.label_fr,
            NaceCode.label_de,
        )
    ):
        parent[code] = up
        if up is None:
            names[code] = {"fr": fr, "de": de}.get(locale) or en
    result: dict[str, str] = {}
    for code in parent:
        top = code
        while (up := parent.get(top)) is not None:
            top = up
        result[code] = top
    return result, names


def _zones() -> dict[int, Zone]:
    return {zone.id: zone for zone in db.session.scalars(sa.select(Zone))}


def flows(found: Folded) -> dict[str, Any]:
    """Sankey nodes and links, and the zone-to-zone flows of the map.

    The Sankey weighs links by tonnes delivered when the period has any,
    otherwise by agreed exchanges (``measure`` says which).
    """
    zones = _zones()
    _sections_of, section_names = _sections()
    pairs = found["pairs"]
    measure = (
        "delivered_t" if any(r["delivered_t"] for r in pairs.values()) else "agreements"
    )
    steps = (
        ("supplier", "supplier-sector", "supplier-zone"),
        ("pairs", "supplier-zone", "receiver-zone"),
        ("receiver", "receiver-zone", "receiver-sector"),
    )
    links: dict[tuple[str, str], float] = defaultdict(float)
    for part, source_role, target_role in steps:
        for (source, target), figures in found[part].items():
            if figures[measure]:
                link = (
                    f"{source_role}:{source or UNKNOWN}",
                    f"{target_role}:{target or UNKNOWN}",
                )
                links[link] += figures[measure]
    nodes = sorted({name for link in links for name in link})
    return {
        "measure": measure,
        "nodes": [{"id": name, **_node(name, zones, section_names)} for name in nodes],
        "links": [
            {"source": s, "target": t, "value": round(v, 3)}
            for (s, t), v in sorted(links.items())
        ],
        "zone_pairs": _zone_pairs(pairs, zones),
    }


def _node(
    name: str, zones: dict[int, Zone], sections: dict[str, str]
) -> dict[str, str]:
    role, _, value = name.partition(":")
    if role.endswith("zone"):
        key = id_from_text(value)
        zone = zones.get(key) if key else None
        return {
            "role": role,
            "code": zone.slug if zone else UNKNOWN,
            "label": zone.name if zone else UNKNOWN,
        }
    label = f"{value} · {sections[value]}" if value in sections else value
    return {"role": role, "code": value, "label": label}


def _zone_pairs(
    pairs: dict[tuple[int | None, int | None], dict[str, float]],
    zones: dict[int, Zone],
) -> list[dict[str, Any]]:
    """Zone-to-zone flows with both points, for the map; largest first."""
    result: list[dict[str, Any]] = []
    for (s, r), figures in pairs.items():
        a, b = zones.get(s or 0), zones.get(r or 0)
        if a is None or b is None:
            continue
        result.append(
            {
                "from": {"zone": a.slug, "name": a.name, "lat": a.lat, "lon": a.lon},
                "to": {"zone": b.slug, "name": b.name, "lat": b.lat, "lon": b.lon},
                "agreements": int(figures["agreements"]),
                "delivered_t": round(figures["delivered_t"], 3),
            }
        )
    result.sort(key=lambda p: (-p["delivered_t"], -p["agreements"], p["from"]["zone"]))
    return result
