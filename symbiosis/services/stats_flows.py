"""Who supplies whom: flows between sectors (NACE sections) and zones.

One GROUP BY gives, per (supplier section code, supplier zone, receiver zone,
receiver code), the agreed exchanges proposed in the period and the tonnes
delivered in it. From these rows come the Sankey of the dashboard (supplier
sector → supplier zone → receiver zone → receiver sector) and the national
map (zone to zone). Organisations are never named: a flow is sectors and
zones only.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale

from symbiosis.extensions import db
from symbiosis.models import Agreement, ImpactRecord, NaceCode, Organisation, Zone
from symbiosis.services.stats_impact import AGREED_STATES
from symbiosis.services.stats_sql import Scope

UNKNOWN = "?"
Key = tuple[str | None, int | None, int | None, str | None]


def _rows(scope: Scope) -> dict[Key, dict[str, float]]:
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

    found: dict[Key, dict[str, float]] = defaultdict(
        lambda: {"agreements": 0, "delivered_t": 0.0}
    )
    for *key, n in grouped(
        sa.select(*keys, sa.func.count(Agreement.id)).where(
            Agreement.state.in_([s.value for s in AGREED_STATES]),
            scope.during(Agreement.created_at),
        )
    ):
        found[tuple(key)]["agreements"] = int(n)
    for *key, tonnes in grouped(
        sa.select(*keys, sa.func.sum(ImpactRecord.quantity))
        .select_from(ImpactRecord)
        .join(Agreement, Agreement.id == ImpactRecord.agreement_id)
        .where(scope.on_days(ImpactRecord.recorded_on), ImpactRecord.base_unit == "t")
    ):
        found[tuple(key)]["delivered_t"] = round(float(tonnes or 0), 3)
    return found


def _sections() -> tuple[dict[str, str], dict[str, str]]:
    """NACE code → its section letter (walking up the parents, ~1,000 rows),
    and each section's label in the current language."""
    locale = str(get_locale() or "fr")
    parent: dict[str, str | None] = {}
    names: dict[str, str] = {}
    for row in db.session.scalars(sa.select(NaceCode)):
        parent[row.code] = row.parent
        if row.parent is None:
            names[row.code] = row.label(locale)
    result: dict[str, str] = {}
    for code in parent:
        top = code
        while (up := parent.get(top)) is not None:
            top = up
        result[code] = top
    return result, names


def _zones() -> dict[int, Zone]:
    return {zone.id: zone for zone in db.session.scalars(sa.select(Zone))}


def flows(scope: Scope) -> dict[str, Any]:
    """Sankey nodes and links, and the zone-to-zone flows of the map.

    The Sankey weighs links by tonnes delivered when the period has any,
    otherwise by agreed exchanges (``measure`` says which).
    """
    rows = _rows(scope)
    zones = _zones()
    sections, section_names = _sections()

    def section_of(code: str | None) -> str:
        return sections.get(code, UNKNOWN) if code else UNKNOWN

    measure = (
        "delivered_t" if any(r["delivered_t"] for r in rows.values()) else "agreements"
    )
    links: dict[tuple[str, str], float] = defaultdict(float)
    pairs: dict[tuple[int | None, int | None], dict[str, float]] = defaultdict(
        lambda: {"agreements": 0, "delivered_t": 0.0}
    )
    for (s_code, s_zone, r_zone, r_code), figures in rows.items():
        pair = pairs[(s_zone, r_zone)]
        pair["agreements"] += figures["agreements"]
        pair["delivered_t"] += figures["delivered_t"]
        weight = figures[measure]
        if not weight:
            continue
        chain = (
            f"supplier-sector:{section_of(s_code)}",
            f"supplier-zone:{s_zone or UNKNOWN}",
            f"receiver-zone:{r_zone or UNKNOWN}",
            f"receiver-sector:{section_of(r_code)}",
        )
        for source, target in itertools.pairwise(chain):
            links[(source, target)] += weight
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
        zone = zones.get(int(value)) if value.isdigit() else None
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
