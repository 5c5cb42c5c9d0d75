"""The dashboard's charts, flows, estimates, exports and drill-down, on the DB.

The world is the one of ``test_stats_service``: zone 1 trades wood (t), zone
2 used oil (L → m3).
"""

# ruff: noqa: F811  (the `world` fixture is imported from test_stats_service)

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from symbiosis.services import (
    stats,
    stats_csv,
    stats_records,
    stats_tables,
    stats_xlsx,
)
from symbiosis.services.impacts import verify_impact
from symbiosis.services.stats_flows import flows, rows
from symbiosis.services.stats_series import by_material, by_zone, monthly, months
from symbiosis.services.stats_sql import Scope
from tests.integration.test_stats_service import (  # noqa: F401 - the fixtures
    _deliver,
    world,
    year_ago,
)

SAVING = Decimal("269.50416") - Decimal("38.54288")  # wood, kg CO2e per t


def test_potential_and_agreed_co2_are_estimates_with_todays_factors(
    world, today, year_ago
):
    figures = stats.impact(None, year_ago, today)
    potential, agreed = figures["potential"]["t"], figures["agreed"]["t"]
    # 25 t/y could move (20 + 5 against 36 offered); 24 t/y are agreed.
    assert potential["avoided_kg_co2e"] == (25 * SAVING).quantize(Decimal("0.001"))
    assert agreed["avoided_kg_co2e"] == (24 * SAVING).quantize(Decimal("0.001"))
    for row in (potential, agreed):
        assert row["estimated"] is True
        assert row["transport_kg_co2e"] > 0
        assert row["net_kg_co2e"] == row["avoided_kg_co2e"] - row["transport_kg_co2e"]
        [factor] = row["factors"]
        assert factor["primary_source_id"] == "19_500_5048_15_1"
    # m3 flows have no mass: no CO2 at any level
    assert figures["potential"]["m3"].get("avoided_kg_co2e") is None
    assert figures["delivered"] == {}


def test_monthly_series_add_up_to_the_key_figures(world, today, year_ago):
    _deliver(world["us"], world["wood"], "2", "t", on=today)
    _deliver(world["ux"], world["oil"], "800", "L", on=today)  # m3: not in the tonnes
    scope = Scope(None, year_ago, today)
    series = monthly(scope)
    assert series["months"] == months(year_ago, today)
    assert len(series["months"]) in (12, 13)
    kpis = stats.kpis(None, year_ago, today)
    assert sum(series["listings"]) == kpis["listings"]["posted"] == 5
    assert sum(series["matches"]) == kpis["matches"]["proposed"]
    assert sum(series["agreements"]) == 2
    assert sum(series["delivered_t"]) == 2
    assert series["delivered_t"][-1] == 2  # delivered this month


def test_months_cover_the_period_across_a_year_end():
    from datetime import date

    assert months(date(2025, 11, 15), date(2026, 2, 1)) == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]


def test_by_zone_and_by_material(world, today, year_ago):
    _deliver(world["us"], world["wood"], "3", "t", on=today)
    scope = Scope(None, year_ago, today)
    rows = {row["zone"]: row for row in by_zone(scope)}
    z1, z2 = world["zone1"].slug, world["zone2"].slug
    assert rows[z1]["agreements"] == rows[z2]["agreements"] == 1
    assert (rows[z1]["listings"], rows[z2]["listings"]) == (3, 2)
    assert (rows[z1]["delivered_t"], rows[z2]["delivered_t"]) == (3, 0)
    only = by_zone(Scope(world["zone2"].id, year_ago, today))
    assert [row["zone"] for row in only] == [z2]
    materials = {row["key"]: row for row in by_material(scope)}
    wood = materials[world["offer"].ewc_code[:2]]
    assert (wood["agreements"], wood["delivered_t"]) == (1, 3)
    assert wood["chapter"] is not None


def test_flows_between_sectors_and_zones(world, today, year_ago):
    _deliver(world["us"], world["wood"], "3", "t", on=today)
    found = flows(rows(Scope(None, year_ago, today)))
    assert found["measure"] == "delivered_t"
    # Each step of the Sankey carries the same 3 t.
    by_step: dict[str, float] = {}
    for link in found["links"]:
        step = link["source"].partition(":")[0]
        by_step[step] = by_step.get(step, 0) + link["value"]
    assert by_step == {"supplier-sector": 3, "supplier-zone": 3, "receiver-zone": 3}
    pairs = {(p["from"]["zone"], p["to"]["zone"]): p for p in found["zone_pairs"]}
    z1, z2 = world["zone1"].slug, world["zone2"].slug
    assert pairs[(z1, z1)]["delivered_t"] == 3
    assert pairs[(z1, z1)]["agreements"] == pairs[(z2, z2)]["agreements"] == 1
    # No tonnes in the period: widths count agreed exchanges.
    assert (
        flows(rows(Scope(world["zone2"].id, year_ago, today)))["measure"]
        == "agreements"
    )


def test_every_linked_figure_opens_the_records_it_counts(world, today, year_ago):
    record = _deliver(world["us"], world["wood"], "2", "t", on=today)
    _deliver(world["ux"], world["oil"], "800", "L", on=today)
    verify_impact(world["facilitator"], record.id)
    for zone in (None, world["zone1"]):
        report = stats_tables.build(zone, year_ago, today)
        scope = Scope(zone.id if zone else None, year_ago, today)
        checked = 0
        for table in report.tables.values():
            for row in table.rows:
                for cell in row:
                    if cell.drill is None:
                        continue
                    figure, key = cell.drill
                    found = stats_records.records(scope, figure, key)
                    assert found.total == cell.value, (table.key, figure, key)
                    assert len(found.items) == min(cell.value, stats_records.PAGE_SIZE)
                    checked += 1
        assert checked >= 8
    with pytest.raises(ValueError, match=r"listings\.everything"):
        stats_records.records(Scope(None, year_ago, today), "listings.everything")


def test_csv_follows_the_readers_spreadsheet(world, today, year_ago):
    _deliver(world["us"], world["wood"], "2.5", "t", on=today)
    report = stats_tables.build(None, year_ago, today)
    table = report.tables["impact"]
    french = stats_csv.as_csv(table, "fr")
    assert french.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(french[1:]), delimiter=";"))
    assert rows[0][0] == table.columns[0][0]
    assert [r[3] for r in rows if r[3].startswith("2,5")] == ["2,5000"]
    assert not any("." in cell for r in rows[1:] for cell in r[3:8])
    english = stats_csv.as_csv(table, "en")
    rows = list(csv.reader(io.StringIO(english[1:])))
    assert [r[3] for r in rows if r[3].startswith("2.5")] == ["2.5000"]


def test_workbook_has_a_sheet_per_table_with_numbers(world, today, year_ago):
    _deliver(world["us"], world["wood"], "2.5", "t", on=today)
    report = stats_tables.build(world["zone1"], year_ago, today)
    book = load_workbook(io.BytesIO(stats_xlsx.workbook(report)))
    assert len(book.sheetnames) == 1 + len(report.tables)
    impact = book[book.sheetnames[1 + list(report.tables).index("impact")]]
    values: list[Any] = [row for row in impact.iter_rows(min_row=2, values_only=True)]
    quantities = [row[3] for row in values]
    assert 2.5 in quantities
    assert all(isinstance(q, (int, float)) for q in quantities if q is not None)
    cover = book[book.sheetnames[0]]
    assert world["zone1"].name in cover["A1"].value


def test_sheet_names_are_cut_between_words_and_stay_unique() -> None:
    from symbiosis.services.stats_xlsx import SHEET_NAME_MAX, _sheet_name

    taken: set[str] = set()
    long = "De l'annonce à l'échange terminé, étape par étape"
    first = _sheet_name(long, taken)
    assert first == "De l'annonce à l'échange…"
    assert len(first) <= SHEET_NAME_MAX
    second = _sheet_name(long, taken)
    assert second == "De l'annonce à l'échange… (2)"
    assert len(second) <= SHEET_NAME_MAX
    assert (
        _sheet_name("Flux [entrées/sorties]: total", taken)
        == "Flux entréessorties total"
    )
    assert _sheet_name("Exactly thirty-one characters!!", taken) == (
        "Exactly thirty-one characters!!"
    )
