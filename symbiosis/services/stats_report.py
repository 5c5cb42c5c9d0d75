"""The statistics as a flat table, and as a text report or CSV (``flask report``).

Each row is ``(section, figure, evidence level, unit, value)``: impact figures
always carry their evidence level and base unit, so that nobody adds them up.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

from symbiosis.i18n import gettext
from symbiosis.services.stats_impact import FIGURES

Row = tuple[str, str, str, str, Any]


def _kpi_rows(kpis: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    for resource, n in kpis["listings"]["active_by_resource"].items():
        rows.append(("listings", f"active.{resource}", "", "", n))
    rows.append(("listings", "posted", "", "", kpis["listings"]["posted"]))
    found = kpis["matches"]
    rows.append(("matches", "proposed", "", "", found["proposed"]))
    rows.append(("matches", "dismissed", "", "", found["dismissed"]))
    for reason, n in found["dismiss_reasons"].items():
        rows.append(("matches", f"dismissed.reason: {reason or '-'}", "", "", n))
    for state, n in kpis["agreements"]["by_state"].items():
        rows.append(("agreements", state, "", "", n))
    for step in kpis["funnel"]:
        rows.append(("funnel", f"{step['step']}.count", "", "", step["count"]))
        rows.append(("funnel", f"{step['step']}.mean_days", "", "", step["mean_days"]))
    for state, figures in kpis["pooled"].items():
        rows.append(("pooled", f"{state}.services", "", "", figures["services"]))
        rows.append(
            ("pooled", f"{state}.participants", "", "", figures["participants"])
        )
    rows.append(("organisations", "active", "", "", kpis["organisations_active"]))
    for name, value in kpis.get("partnerships", {}).items():
        rows.append(("partnerships", name, "", "", value))
    return rows


def _impact_rows(impact: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    for level, by_unit in impact.items():
        for unit, figures in by_unit.items():
            for name in FIGURES:
                rows.append(("impact", name, level, unit, figures[name]))
            for factor in figures["factors"]:
                sources = "+".join(
                    filter(
                        None,
                        (
                            factor["primary_source_id"],
                            factor["secondary_source_id"],
                            *factor["transport_source_ids"],
                        ),
                    )
                )
                text = f"{factor['factor_set']}: {sources}"
                rows.append(("impact", "factors", level, unit, text))
    return rows


def rows(kpis: dict[str, Any], impact: dict[str, Any]) -> list[Row]:
    return _kpi_rows(kpis) + _impact_rows(impact)


def _text(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def as_csv(table: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("section", "figure", "evidence_level", "unit", "value"))
    for section, name, level, unit, value in table:
        writer.writerow(
            (section, name, level, unit, "" if value is None else _text(value))
        )
    return out.getvalue()


def as_text(table: list[Row], zone: str | None, start: date, end: date) -> str:
    where = zone or gettext("All zones")
    lines = [
        gettext("Network report: %(zone)s", zone=where),
        gettext("Period: %(start)s to %(end)s", start=start, end=end),
    ]
    section = None
    for current, name, level, unit, value in table:
        if current != section:
            section = current
            lines += ["", f"[{section}]"]
        label = f"{name} ({level}, {unit})" if level else name
        lines.append(f"  {label:<48} {_text(value)}")
    if not any(row[0] == "impact" for row in table):
        lines += ["", gettext("No impact figures for this period.")]
    return "\n".join(lines) + "\n"
