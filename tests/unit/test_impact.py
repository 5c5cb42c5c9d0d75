"""Impact arithmetic: transport and avoided CO2 from published factors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from symbiosis.impact import Factor, MaterialFactors, estimate, material_for

HGV = Factor("DESNZ-2025", "27_304_3140_14_1", Decimal("0.10163"))
HGV_WTT = Factor("DESNZ-2025", "28_907_3140_14_1", Decimal("0.02359"))
WOOD = MaterialFactors(
    primary=Factor("DESNZ-2025", "19_500_5048_15_1", Decimal("269.50416")),
    secondary=Factor("DESNZ-2025", "19_500_5049_15_1", Decimal("38.54288")),
)


def test_ten_tonnes_of_wood_over_twenty_kilometres() -> None:
    result = estimate(Decimal(10), "t", 20.0, transport=(HGV, HGV_WTT), material=WOOD)
    assert result.road_km == Decimal("26.000")  # × 1.3
    # 10 t × 26 km × (0.10163 + 0.02359) kg CO2e / t·km
    assert result.transport_kg_co2e == Decimal("32.557")
    # 10 t × (269.50416 − 38.54288) kg CO2e / t
    assert result.avoided_kg_co2e == Decimal("2309.613")
    assert result.net_kg_co2e == Decimal("2277.056")


def test_only_mass_flows_get_co2_figures() -> None:
    heat = estimate(Decimal(500), "MWh", 3.0, transport=(HGV,), material=WOOD)
    assert heat.transport_kg_co2e is None
    assert heat.avoided_kg_co2e is None
    assert heat.net_kg_co2e is None
    assert heat.quantity == Decimal(500)


def test_without_a_material_factor_only_the_haul_is_priced() -> None:
    result = estimate(Decimal(1), "t", 10, transport=(HGV,), circuity=Decimal(1))
    assert result.transport_kg_co2e == Decimal("1.016")
    assert result.avoided_kg_co2e is None


def test_negative_quantities_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        estimate(Decimal(-1), "t", 1)


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (["plastic.film.agricultural"], "film"),
        (["plastic.pet"], "plastic"),
        (["wood", "plastic.film"], "film"),
        (["energy.heat"], None),
        ([], None),
    ],
)
def test_the_most_precise_material_wins(keys: list[str], expected: str | None) -> None:
    table = {"plastic": "plastic", "plastic.film": "film", "wood": "wood"}
    assert material_for(keys, table) == expected


def test_net_co2_of_totals_counts_every_haul_and_needs_an_avoided_figure():
    from symbiosis.impact import net_kg_co2e

    assert net_kg_co2e(Decimal("692.884"), Decimal("7.590")) == Decimal("685.294")
    assert net_kg_co2e(Decimal("10"), None) == Decimal("10")
    assert net_kg_co2e(None, Decimal("5")) is None
