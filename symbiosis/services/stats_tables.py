"""The monitoring figures as named tables: one shape for the page and exports.

Every table of the dashboard is built here once, with translated headers, and
then drawn as HTML, written as CSV (one table, ``stats_csv``) or as a
workbook (every table, one sheet each, ``stats_xlsx``). A cell that sums or
counts records may name the figure behind it (``Cell.drill``) so that the
page can link to those records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import get_locale

from symbiosis import labels
from symbiosis.i18n import gettext, lazy_gettext
from symbiosis.services import impacts, stats, stats_cache, stats_flows
from symbiosis.services.stats_sql import Scope

NUMBER = "number"
MONEY = "money"  # a number of euros, shown as an amount on the pages
TEXT = "text"


@dataclass(frozen=True)
class Cell:
    value: Any
    drill: tuple[str, str | None] | None = None  # (figure, key) of stats_records


@dataclass
class Table:
    key: str
    title: str
    columns: list[tuple[str, str]]  # (label, NUMBER, MONEY or TEXT)
    rows: list[list[Cell]] = field(default_factory=list)
    # Decimals shown on the pages per column (None: as stored); the CSV and
    # XLSX exports keep every figure as stored.
    places: list[int | None] = field(default_factory=list)

    def add(self, *cells: Any) -> None:
        self.rows.append([c if isinstance(c, Cell) else Cell(c) for c in cells])


@dataclass
class Report:
    zone: Any
    start: date
    end: date
    kpis: dict[str, Any]
    impact: dict[str, Any]
    monthly: dict[str, Any]
    by_zone: list[dict[str, Any]]
    by_material: list[dict[str, Any]]
    flows: dict[str, Any]
    partnerships: dict[str, Any]
    tables: dict[str, Table]
    computed_at: datetime | None = None  # the oldest stored figures shown, if any


TITLES = {
    "key_figures": lazy_gettext("Key figures"),
    "funnel": lazy_gettext("From listing to completed exchange"),
    "agreements": lazy_gettext("Agreements by state"),
    "pooled": lazy_gettext("Pooled services by state"),
    "dismissed": lazy_gettext("Why matches were dismissed"),
    "impact": lazy_gettext("Impact by evidence level"),
    "factors": lazy_gettext("Emission factors behind the CO₂ figures"),
    "monthly": lazy_gettext("Month by month"),
    "by_zone": lazy_gettext("By zone"),
    "by_material": lazy_gettext("By material"),
    "flows": lazy_gettext("Flows between zones"),
    "partnerships_by_event": lazy_gettext("Partnerships signed, by event"),
    "partnerships_by_sdg": lazy_gettext("Partnerships signed, by SDG"),
}


def build(zone: Any, start: date, end: date) -> Report:
    """Every figure of the dashboard for ``zone`` (None: all) and the period."""
    zone_id = zone.id if zone else None
    scope = Scope(zone_id, start, end)
    stats_cache.begin()
    report = Report(
        zone=zone,
        start=start,
        end=end,
        kpis=stats_cache.get("kpis", scope),
        impact=stats_cache.get("impact", scope),
        monthly=stats_cache.get("monthly", scope),
        by_zone=stats_cache.get("by_zone", scope),
        by_material=stats_cache.get("by_material", scope),
        flows=stats_flows.flows(stats_cache.get("flow_rows", scope)),
        partnerships=stats_cache.get("partnerships", scope),
        computed_at=stats_cache.computed_at(),
        tables={},
    )
    for maker in (
        _key_figures,
        _funnel,
        _agreements,
        _pooled,
        _dismissed,
        _impact,
        _factors,
        _monthly,
        _by_zone,
        _by_material,
        _flows,
        _partnerships_by_event,
        _partnerships_by_sdg,
    ):
        table = maker(report)
        report.tables[table.key] = table
    return report


def _table(key: str, *columns: tuple[Any, ...]) -> Table:
    """Columns as (label, kind) or (label, NUMBER, decimals shown)."""
    return Table(
        key,
        str(TITLES[key]),
        [(str(column[0]), column[1]) for column in columns],
        places=[column[2] if len(column) > 2 else None for column in columns],
    )


def _key_figures(r: Report) -> Table:
    t = _table("key_figures", (gettext("Figure"), TEXT), (gettext("Value"), NUMBER))
    for resource, n in r.kpis["listings"]["active_by_resource"].items():
        t.add(
            gettext(
                "Active listings: %(resource)s", resource=labels.RESOURCE[resource]
            ),
            Cell(n, ("listings.active", resource)),
        )
    t.add(
        gettext("Listings posted"),
        Cell(r.kpis["listings"]["posted"], ("listings.posted", None)),
    )
    found = r.kpis["matches"]
    t.add(
        gettext("Matches proposed"), Cell(found["proposed"], ("matches.proposed", None))
    )
    t.add(
        gettext("Matches dismissed"),
        Cell(found["dismissed"], ("matches.dismissed", None)),
    )
    t.add(gettext("Organisations active"), r.kpis["organisations_active"])
    return t


def _funnel(r: Report) -> Table:
    t = _table(
        "funnel",
        (gettext("Step"), TEXT),
        (gettext("Count"), NUMBER),
        (gettext("Mean days since the step before"), NUMBER, 1),
    )
    drills = {
        "listing": ("listings.posted", None),
        "match": ("matches.proposed", None),
        "proposal": ("agreements", None),
    }
    for step in r.kpis["funnel"]:
        t.add(
            str(labels.FUNNEL_STEP.get(step["step"], step["step"])),
            Cell(step["count"], drills.get(step["step"])),
            step["mean_days"],
        )
    return t


def _agreements(r: Report) -> Table:
    t = _table("agreements", (gettext("State"), TEXT), (gettext("Count"), NUMBER))
    for state, n in r.kpis["agreements"]["by_state"].items():
        t.add(str(labels.AGREEMENT_STATE[state]), Cell(n, ("agreements", state)))
    return t


def _pooled(r: Report) -> Table:
    t = _table(
        "pooled",
        (gettext("State"), TEXT),
        (gettext("Services"), NUMBER),
        (gettext("Participants"), NUMBER),
    )
    for state, row in r.kpis["pooled"].items():
        t.add(str(labels.POOL_STATE[state]), row["services"], row["participants"])
    return t


def _dismissed(r: Report) -> Table:
    t = _table("dismissed", (gettext("Reason"), TEXT), (gettext("Count"), NUMBER))
    for reason, n in r.kpis["matches"]["dismiss_reasons"].items():
        t.add(
            reason or gettext("No reason given"), Cell(n, ("matches.dismissed", reason))
        )
    return t


def _impact(r: Report) -> Table:
    t = _table(
        "impact",
        (gettext("Evidence level"), TEXT),
        (gettext("Unit"), TEXT),
        (gettext("Records"), NUMBER),
        (gettext("Quantity per year or delivered"), NUMBER, 2),
        (gettext("Distance (km)"), NUMBER, 1),
        (gettext("Transport CO₂ (kg)"), NUMBER, 0),
        (gettext("CO₂ avoided (kg)"), NUMBER, 0),
        (gettext("Net CO₂ (kg)"), NUMBER, 0),
        (gettext("Factors"), TEXT),
    )
    for level in stats.EVIDENCE_LEVELS:
        for unit, row in r.impact.get(level, {}).items():
            sets = ", ".join(sorted({f["factor_set"] for f in row["factors"]}))
            note = sets
            if row.get("estimated") and sets:
                note = gettext("%(sets)s, estimate", sets=sets)
            t.add(
                str(labels.EVIDENCE_LEVEL[level]),
                str(labels.UNIT[unit]),
                Cell(row["count"], (f"impact.{level}", unit)),
                row["quantity"],
                row["distance_km"],
                row["transport_kg_co2e"],
                row["avoided_kg_co2e"],
                row["net_kg_co2e"],
                note,
            )
    return t


def _factors(r: Report) -> Table:
    """Each emission factor behind the CO2 figures, with its published row."""
    t = _table(
        "factors",
        (gettext("Evidence level"), TEXT),
        (gettext("Unit"), TEXT),
        (gettext("Factor set"), TEXT),
        (gettext("Role"), TEXT),
        (gettext("Row in the publication"), TEXT),
        (gettext("What it measures"), TEXT),
        (gettext("kg CO₂e per unit"), NUMBER),
    )
    roles = {
        "primary_source_id": gettext("new material (avoided)"),
        "secondary_source_id": gettext("secondary material"),
        "transport_source_ids": gettext("haulage per t·km"),
    }
    wanted: dict[tuple[str, str, str, str, str], None] = {}
    for level in stats.EVIDENCE_LEVELS:
        for unit, row in r.impact.get(level, {}).items():
            for f in row["factors"]:
                for role in roles:
                    ids = f[role] if role == "transport_source_ids" else [f[role]]
                    for source_id in ids:
                        if source_id:
                            wanted[(level, unit, f["factor_set"], role, source_id)] = (
                                None
                            )
    published = impacts.factor_rows({(k[2], k[4]) for k in wanted})
    for level, unit, factor_set, role, source_id in wanted:
        row = published.get((factor_set, source_id))
        t.add(
            str(labels.EVIDENCE_LEVEL[level]),
            str(labels.UNIT[unit]),
            factor_set,
            roles[role],
            source_id,
            row.label if row else "",
            row.kg_co2e if row else None,
        )
    return t


def _monthly(r: Report) -> Table:
    t = _table(
        "monthly",
        (gettext("Month"), TEXT),
        (gettext("Listings posted"), NUMBER),
        (gettext("Matches proposed"), NUMBER),
        (gettext("Agreements proposed"), NUMBER),
        (gettext("Tonnes delivered"), NUMBER),
    )
    m = r.monthly
    for i, month in enumerate(m["months"]):
        t.add(
            month,
            m["listings"][i],
            m["matches"][i],
            m["agreements"][i],
            m["delivered_t"][i],
        )
    return t


def _by_zone(r: Report) -> Table:
    t = _table(
        "by_zone",
        (gettext("Zone"), TEXT),
        (gettext("Listings posted"), NUMBER),
        (gettext("Agreements proposed"), NUMBER),
        (gettext("Tonnes delivered"), NUMBER),
    )
    for row in r.by_zone:
        t.add(row["name"], row["listings"], row["agreements"], row["delivered_t"])
    return t


def material_label(row: dict[str, Any]) -> str:
    key = row["key"]
    if key.startswith("resource:"):
        resource = key.partition(":")[2]
        return str(labels.RESOURCE.get(resource, resource))
    labels_by_locale = row.get("chapter") or {}
    locale = str(get_locale() or "fr")
    text = labels_by_locale.get(locale) or labels_by_locale.get("en", "")
    return f"{key} {text}".strip()


def _by_material(r: Report) -> Table:
    t = _table(
        "by_material",
        (gettext("Material (waste chapter or resource)"), TEXT),
        (gettext("Agreements proposed"), NUMBER),
        (gettext("Tonnes delivered"), NUMBER),
    )
    for row in r.by_material:
        t.add(material_label(row), row["agreements"], row["delivered_t"])
    return t


def _flows(r: Report) -> Table:
    t = _table(
        "flows",
        (gettext("From zone"), TEXT),
        (gettext("To zone"), TEXT),
        (gettext("Agreed exchanges"), NUMBER),
        (gettext("Tonnes delivered"), NUMBER),
    )
    for pair in r.flows["zone_pairs"]:
        t.add(
            pair["from"]["name"],
            pair["to"]["name"],
            pair["agreements"],
            pair["delivered_t"],
        )
    return t


def _partnership_columns(key: str, first: str) -> Table:
    return _table(
        key,
        (first, TEXT),
        (gettext("Partnerships signed"), NUMBER),
        (gettext("Hours"), NUMBER),
        (gettext("Pieces"), NUMBER),
        (gettext("Euros"), MONEY),
    )


def _partnerships_by_event(r: Report) -> Table:
    t = _partnership_columns("partnerships_by_event", gettext("Event"))
    for row in r.partnerships["by_event"]:
        t.add(row["title"], row["signed"], row["hours"], row["pieces"], row["eur"])
    total = r.partnerships["total"]
    if total["signed"]:
        t.add(gettext("All partnerships of the period"), total["signed"],
              total["hours"], total["pieces"], total["eur"])  # fmt: skip
    return t


def _partnerships_by_sdg(r: Report) -> Table:
    t = _partnership_columns("partnerships_by_sdg", gettext("Goal"))
    for row in r.partnerships["by_sdg"]:
        t.add(gettext("SDG %(number)d", number=row["sdg"]), row["signed"],
              row["hours"], row["pieces"], row["eur"])  # fmt: skip
    return t
