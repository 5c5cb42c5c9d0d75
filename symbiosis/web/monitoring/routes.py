"""The monitoring dashboard: key figures and impact of a zone or the network.

The dashboard, its exports (a CSV per table, a workbook of every table), the
printable one-page report and the records behind each figure all read the
same selection (zone, from, to) and the same :mod:`stats_tables` report.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import current_user

from symbiosis import labels
from symbiosis.authz import Perm, can, requires
from symbiosis.errors import FieldErrors
from symbiosis.extensions import db
from symbiosis.models import Zone
from symbiosis.services import (
    activity,
    stats,
    stats_cache,
    stats_csv,
    stats_report,
    stats_tables,
    stats_xlsx,
)
from symbiosis.services import zones as zone_service
from symbiosis.services.stats_sql import Scope

bp = Blueprint("monitoring", __name__, url_prefix="/monitoring")
LEVELS = stats.EVIDENCE_LEVELS
# The map and its table show the largest flows between zones (the exports all).
MAP_PAIRS = 40
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def zones() -> list[Zone]:
    """Zones the user may look at: every zone for facilitators, else theirs."""
    if current_user.is_facilitator:
        return list(db.session.scalars(sa.select(Zone).order_by(Zone.name)))
    return sorted(current_user.managed_zones, key=lambda z: z.name)


def selection() -> tuple[Zone | None, date, date, list[tuple[str, str]]]:
    """The zone and period asked for; bad dates come back as field errors."""
    errors: list[tuple[str, str]] = []
    zone = None
    raw = request.args.get("zone", "")
    if raw:
        zone = zone_service.find(raw)
        if zone is None or not can(current_user, Perm.VIEW_STATS, zone):
            abort(404)
    elif not current_user.is_facilitator:
        mine = zones()
        if not mine:
            abort(403)
        zone = mine[0]
    try:
        start, end = stats.period(request.args.get("from"), request.args.get("to"))
    except FieldErrors as problems:
        errors = problems.errors
        start, end = stats.period(None, None)
    return zone, start, end, errors


def selection_args(zone: Zone | None, start: date, end: date) -> dict[str, Any]:
    """Query arguments that select the same zone and period again."""
    args = {"from": start.isoformat(), "to": end.isoformat()}
    if zone is not None:
        args["zone"] = zone.slug
    return args


def _file_name(zone: Zone | None, start: date, end: date, ext: str) -> str:
    return f"symbiosis-{zone.slug if zone else 'network'}-{start}-{end}.{ext}"


def _attachment(
    body: str | bytes, mimetype: str, name: str, zone: Zone | None, table: str
) -> Response:
    """The download, logged in the activity log (who exported what)."""
    activity.record_export(
        current_user,
        name.rsplit(".", 1)[-1],
        table,
        zone_id=zone.id if zone else None,
        file=name,
    )
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _charts(report: stats_tables.Report) -> dict[str, Any]:
    """What the chart script draws (see static/js/monitoring-charts.js)."""
    flows = report.flows
    return {
        "monthly": report.monthly,
        "funnel": [
            {"step": str(labels.FUNNEL_STEP[s["step"]]), "count": s["count"]}
            for s in report.kpis["funnel"]
        ],
        "by_zone": report.by_zone,
        "by_material": [
            {
                "label": stats_tables.material_label(row),
                "agreements": row["agreements"],
                "delivered_t": row["delivered_t"],
            }
            for row in report.by_material[:12]
        ],
        "sankey": {
            "measure": flows["measure"],
            "nodes": flows["nodes"],
            "links": flows["links"],
        },
        "zone_pairs": flows["zone_pairs"][:MAP_PAIRS],
    }


@bp.get("/")
@requires(Perm.VIEW_STATS)
def dashboard() -> ResponseReturnValue:
    zone, start, end, errors = selection()
    report = stats_tables.build(zone, start, end)
    return render_template(
        "monitoring/dashboard.html",
        zones=zones(),
        zone=zone,
        start=start,
        end=end,
        errors=dict(errors),
        levels=LEVELS,
        labels=labels,
        report=report,
        tables=report.tables,
        charts=_charts(report),
        map_pairs=MAP_PAIRS,
        args=selection_args(zone, start, end),
    ), (422 if errors else 200)


@bp.get("/report.csv")
@requires(Perm.VIEW_STATS)
def report_csv() -> ResponseReturnValue:
    """Every figure as one long table (section, figure, level, unit, value)."""
    zone, start, end, errors = selection()
    if errors:
        abort(422)
    zone_id = zone.id if zone else None
    table = stats_report.rows(
        stats_cache.get("kpis", Scope(zone_id, start, end)),
        stats_cache.get("impact", Scope(zone_id, start, end)),
    )
    return _attachment(
        stats_report.as_csv(table),
        "text/csv",
        _file_name(zone, start, end, "csv"),
        zone,
        "monitoring.report",
    )


@bp.get("/report.xlsx")
@requires(Perm.VIEW_STATS)
def report_xlsx() -> ResponseReturnValue:
    zone, start, end, errors = selection()
    if errors:
        abort(422)
    report = stats_tables.build(zone, start, end)
    return _attachment(
        stats_xlsx.workbook(report),
        XLSX,
        _file_name(zone, start, end, "xlsx"),
        zone,
        "monitoring.tables",
    )


@bp.get("/tables/<name>.csv")
@requires(Perm.VIEW_STATS)
def table_csv(name: str) -> ResponseReturnValue:
    zone, start, end, errors = selection()
    if errors:
        abort(422)
    if name not in stats_tables.TITLES:
        abort(404)
    table = stats_tables.build(zone, start, end).tables[name]
    body = stats_csv.as_csv(table, str(get_locale() or "fr"))
    return _attachment(
        body,
        "text/csv",
        _file_name(zone, start, end, f"{name}.csv"),
        zone,
        f"monitoring.{name}",
    )


@bp.get("/print")
@requires(Perm.VIEW_STATS)
def printable() -> ResponseReturnValue:
    """One page to hand out at a meeting (the browser prints it)."""
    zone, start, end, errors = selection()
    if errors:
        abort(422)
    report = stats_tables.build(zone, start, end)
    return render_template(
        "monitoring/print.html",
        zone=zone,
        start=start,
        end=end,
        report=report,
        tables=report.tables,
        labels=labels,
        today=date.today(),
        back=url_for("monitoring.dashboard", **selection_args(zone, start, end)),
    )


from symbiosis.web.monitoring import factors, records  # noqa: E402,F401  (routes on bp)
