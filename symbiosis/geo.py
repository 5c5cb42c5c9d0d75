"""Geography of Luxembourg and its neighbours: bounds and distances (pure)."""

from __future__ import annotations

import math
from functools import lru_cache

# geopy's geodesic() runs this same solver (Karney's), and also computes the
# azimuths and builds Point objects: asking for the distance alone takes 60 %
# of the time, and a page of results asks for up to 20.
from geographiclib.geodesic import Geodesic

_WGS84 = Geodesic.WGS84

# Luxembourg with a margin over Belgium, France and Germany for cross-border sites.
LAT_RANGE = (49.0, 50.5)
LON_RANGE = (5.4, 6.9)


def in_bounds(lat: float, lon: float) -> bool:
    return LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]


@lru_cache(maxsize=65536)  # a viewer's site against the listings it browses
def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic distance (WGS-84 ellipsoid) between two (lat, lon) points."""
    found = _WGS84.Inverse(a[0], a[1], b[0], b[1], Geodesic.DISTANCE)
    return float(found["s12"]) / 1000


# How far an approximate point may lie from the rounded site (0.05°), and
# more: a bounding box widened by this keeps every approximate point inside.
ROUNDING_MARGIN_DEG = 0.06


def approximate(
    lat: float, lon: float, zone_point: tuple[float, float] | None
) -> tuple[float, float]:
    """Where a listing that hides its firm is placed for others: its zone's
    point, else its site rounded to 0.1° (about 10 km). Distances and scores
    are measured to this point, so that they cannot locate the site."""
    if zone_point is not None:
        return zone_point
    return round(lat, 1), round(lon, 1)


def bounding_box(
    lat: float, lon: float, km: float
) -> tuple[float, float, float, float]:
    """Return (min_lat, max_lat, min_lon, max_lon) enclosing a ``km`` circle.

    Slightly generous (111 km per degree of latitude is a lower bound here), so
    an exact distance check on the rows inside never misses a point.
    """
    dlat = km / 110.5
    dlon = km / (111.4 * max(math.cos(math.radians(lat)), 0.01))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
