"""Distances and boxes of :mod:`symbiosis.geo`."""

from __future__ import annotations

import pytest
from geopy.distance import geodesic

from symbiosis import geo

LUXEMBOURG = (49.6116, 6.1319)
ESCH = (49.4958, 5.9806)
PLACES = [LUXEMBOURG, ESCH, (50.0540, 6.0280), (49.7470, 6.4180), (49.0, 6.9)]


@pytest.mark.parametrize("a", PLACES)
@pytest.mark.parametrize("b", PLACES)
def test_distance_is_geopys_geodesic(
    a: tuple[float, float], b: tuple[float, float]
) -> None:
    assert geo.distance_km(a, b) == pytest.approx(geodesic(a, b).km, abs=1e-9)


def test_distance_between_two_towns() -> None:
    # Luxembourg city to Esch-sur-Alzette: about 17 km as the crow flies.
    assert 16.5 < geo.distance_km(LUXEMBOURG, ESCH) < 17.5
    assert geo.distance_km(LUXEMBOURG, LUXEMBOURG) == 0


@pytest.mark.parametrize("km", [1, 10, 50, 200])
def test_the_box_holds_every_point_of_the_circle(km: int) -> None:
    lat, lon = LUXEMBOURG
    min_lat, max_lat, min_lon, max_lon = geo.bounding_box(lat, lon, km)
    for bearing in range(0, 360, 15):
        point = geodesic(kilometers=km).destination(LUXEMBOURG, bearing)
        assert min_lat <= point.latitude <= max_lat
        assert min_lon <= point.longitude <= max_lon
