"""Stored statistics: served while fresh, recomputed when stale, same figures.

The world is the one of ``test_stats_service`` (zone 1 trades wood, zone 2
used oil).
"""

# ruff: noqa: F811  (the `world` fixture is imported from test_stats_service)

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from symbiosis.extensions import db
from symbiosis.models import StatsSnapshot
from symbiosis.services import stats, stats_cache, stats_tables
from symbiosis.services.stats_sql import Scope
from tests.builders import make_listing
from tests.integration.test_stats_service import (  # noqa: F401 - the fixtures
    _deliver,
    world,
    year_ago,
)

GROUPS = {"kpis", "impact", "monthly", "by_zone", "by_material", "flow_rows",
          "partnerships"}  # fmt: skip


def _snapshots() -> list[StatsSnapshot]:
    return list(db.session.scalars(sa.select(StatsSnapshot)))


def _posted(report: stats_tables.Report) -> int:
    return int(report.kpis["listings"]["posted"])


def test_codec_keeps_decimals_dates_and_tuple_keys():
    value = {
        "t": {"quantity": Decimal("12.3400"), "factors": [], "n": 3, "none": None},
        "when": datetime(2026, 3, 1, 8, 30, tzinfo=UTC),
        "day": date(2026, 3, 1),
        "rows": {("A", 1, 2, None): {"agreements": 2, "delivered_t": 1.5}},
    }
    stored = json.loads(json.dumps(stats_cache.encode(value)))
    assert stats_cache.decode(stored) == value
    assert str(stats_cache.decode(stored)["t"]["quantity"]) == "12.3400"


def test_without_a_cache_every_figure_is_live(world, app, today, year_ago):
    assert app.config["STATS_CACHE_SECONDS"] == 0
    first = stats_tables.build(None, year_ago, today)
    make_listing(org=world["offer"].organisation, by=world["us"])
    again = stats_tables.build(None, year_ago, today)
    assert _posted(again) == _posted(first) + 1
    assert again.computed_at is None
    assert _snapshots() == []


def test_fresh_snapshots_are_served_and_stale_ones_recomputed(
    world, app, today, year_ago
):
    app.config["STATS_CACHE_SECONDS"] = 600
    _deliver(world["us"], world["wood"], "2", "t", on=today)
    live = stats_tables.build(None, year_ago, today)
    assert live.computed_at is None  # computed now, nothing stored was read
    assert {s.name for s in _snapshots()} == GROUPS
    make_listing(org=world["offer"].organisation, by=world["us"])

    served = stats_tables.build(None, year_ago, today)
    assert _posted(served) == _posted(live)  # the stored figure, not yet the new one
    assert served.computed_at is not None
    assert served.kpis == live.kpis
    assert served.impact == live.impact
    assert served.flows == live.flows
    assert served.by_material == live.by_material
    assert [t.rows for t in served.tables.values()] == [
        t.rows for t in live.tables.values()
    ]

    db.session.execute(
        sa.update(StatsSnapshot).values(
            computed_at=datetime.now(UTC) - timedelta(seconds=601)
        )
    )
    db.session.commit()
    recomputed = stats_tables.build(None, year_ago, today)
    assert _posted(recomputed) == _posted(live) + 1
    assert recomputed.computed_at is None


def test_each_zone_and_period_has_its_own_snapshot(world, app, today, year_ago):
    app.config["STATS_CACHE_SECONDS"] = 600
    everywhere = stats_tables.build(None, year_ago, today)
    zone2 = stats_tables.build(world["zone2"], year_ago, today)
    assert zone2.kpis != everywhere.kpis
    assert (
        stats_tables.build(world["zone2"], year_ago, today).kpis == zone2.kpis
    )  # served
    keys = {s.key for s in _snapshots()}
    assert stats_cache.key("kpis", Scope(None, year_ago, today)) in keys
    assert stats_cache.key("kpis", Scope(world["zone2"].id, year_ago, today)) in keys
    assert len(keys) == 2 * len(GROUPS)


def test_refresh_computes_the_usual_views_and_prune_forgets_old_ones(world, app, today):
    app.config["STATS_CACHE_SECONDS"] = 600
    scopes = stats_cache.usual_scopes(today)
    # every zone and all zones, over the default year and last calendar year
    assert len(scopes) == 2 * 3
    assert Scope(None, *stats.period(None, None)) in scopes  # the page's default
    done = stats_cache.refresh(scopes)
    assert [scope for scope, _seconds in done] == scopes
    assert len(_snapshots()) == len(scopes) * len(GROUPS)
    db.session.execute(
        sa.update(StatsSnapshot)
        .where(StatsSnapshot.zone_id == world["zone1"].id)
        .values(computed_at=datetime.now(UTC) - timedelta(days=8))
    )
    assert stats_cache.prune(timedelta(days=7)) == 2 * len(GROUPS)
    assert len(_snapshots()) == (len(scopes) - 2) * len(GROUPS)


def test_refresh_command(world, app):
    app.config["STATS_CACHE_SECONDS"] = 600
    runner = app.test_cli_runner()
    result = runner.invoke(args=["stats", "refresh"])
    assert result.exit_code == 0, result.output
    assert "6 views recomputed" in result.output
    one = runner.invoke(
        args=["stats", "refresh", "--zone", world["zone1"].slug, "--from", "2026-01-01"]
    )
    assert one.exit_code == 0, one.output
    assert "1 views recomputed" in one.output
    bad = runner.invoke(args=["stats", "refresh", "--zone", "nowhere"])
    assert bad.exit_code == 2
    assert "nowhere" in bad.output
    wrong = runner.invoke(args=["stats", "refresh", "--from", "26-01-01"])
    assert wrong.exit_code == 2
    assert "--from" in wrong.output


def test_the_scheduled_job_keeps_stored_figures_fresh_only_when_on(world, app, today):
    from symbiosis import jobs

    assert jobs.refresh_stats() == 0  # live figures: nothing to do
    assert _snapshots() == []
    app.config["STATS_CACHE_SECONDS"] = 600
    assert jobs.refresh_stats() == len(stats_cache.usual_scopes(today))
    assert len(_snapshots()) == 6 * len(GROUPS)
