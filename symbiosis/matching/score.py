"""Scoring: named parts in 0–1, their weights, and the reasons shown to people."""

from __future__ import annotations

from datetime import date

import numpy as np
from numpy.typing import NDArray

from symbiosis.matching.model import Item, Reason

EARTH_KM = 6371.0088
DEFAULT_MAX_KM = 50.0
WEIGHTS = {
    "material": 0.45,
    "text": 0.30,
    "distance": 0.10,
    "quantity": 0.10,
    "timing": 0.05,
}
# Shared Sustainable Development Goals add up to this share of 100 on top of
# the parts above (Jaccard overlap of the two listings' goals), capped at 100.
SDG_WEIGHT = 0.10
# Shared themes (education, sport, ...) the same way, a little less: a theme
# is broader than a goal, so it says less about a good partner.
THEME_WEIGHT = 0.05
NEUTRAL_QUANTITY = 0.5  # when either side gave no comparable quantity
MIN_SCORE = 30.0  # below this a pair is not proposed


def haversine_km(
    lat: float, lon: float, lats: NDArray[np.float64], lons: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Great-circle distance from one point (radians) to many, in km."""
    dlat = lats - lat
    dlon = lons - lon
    a = np.sin(dlat / 2) ** 2 + np.cos(lat) * np.cos(lats) * np.sin(dlon / 2) ** 2
    distance: NDArray[np.float64] = (
        2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
    )
    return distance


LOCAL_KM = 10.0  # a short haul: within it, distance makes little difference


def distance_part(
    km: NDArray[np.float64], limit: NDArray[np.float64]
) -> NDArray[np.float64]:
    """1 up to a local haul, then falling to 0 at the limit of the request."""
    span = np.maximum(limit - LOCAL_KM, 1.0)
    part: NDArray[np.float64] = np.clip(
        1.0 - np.maximum(km - LOCAL_KM, 0.0) / span, 0.0, 1.0
    )
    return part


def quantity_fit(
    offered: NDArray[np.float64], requested: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Share of the request's yearly need that the offer covers (NaN = unknown)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        cover = np.minimum(offered / requested, 1.0)
    return np.where(np.isfinite(cover) & (cover > 0), cover, NEUTRAL_QUANTITY)


def total(parts: dict[str, NDArray[np.float64]]) -> NDArray[np.float64]:
    result = np.zeros_like(parts["material"])
    for name, weight in WEIGHTS.items():
        result = result + weight * parts[name]
    return 100.0 * result


def reasons(
    offer: Item,
    request: Item,
    *,
    relation: tuple[float, str, str | None, str | None],
    text: float,
    distance_km: float,
    today: date,
    shared_words: tuple[str, ...] = (),
) -> list[Reason]:
    """The reasons a person reads: waste code, material, distance, coverage, timing.

    Then shared SDGs and shared themes, when both listings name some. Where
    no waste code or material relates the two, the rarest ``shared_words``
    say what brought them together.
    """
    strength, kind, offered_key, requested_key = relation
    found: list[Reason] = []
    if offer.ewc_code and offer.ewc_code == request.ewc_code:
        found.append(Reason("same_ewc", {"code": offer.ewc_code}))
    elif offer.ewc_code and offer.ewc_code in request.accepted_ewc:
        found.append(Reason("accepted_ewc", {"code": offer.ewc_code}))
    elif kind != "none" and offered_key and requested_key:
        found.append(
            Reason(
                f"material_{kind}", {"offered": offered_key, "requested": requested_key}
            )
        )
    elif shared_words:
        found.append(Reason("shared_words", {"words": list(shared_words)}))
    if text >= 0.6:
        found.append(Reason("similar_words", {"percent": round(text * 100)}))
    found.append(Reason("distance", {"km": round(distance_km, 1)}))
    if offer.yearly and request.yearly and offer.base_unit == request.base_unit:
        percent = round(min(offer.yearly / request.yearly, 1.0) * 100)
        found.append(
            Reason("coverage", {"percent": percent, "unit": request.base_unit})
        )
    if offer.available_from and offer.available_from > today:
        found.append(
            Reason("available_from", {"date": offer.available_from.isoformat()})
        )
    if offer.hazardous:
        found.append(Reason("hazardous_accepted", {}))
    if offer.sdgs and request.sdgs:
        shared = sorted(set(offer.sdgs) & set(request.sdgs))
        if shared:
            found.append(Reason("shared_sdgs", {"sdgs": shared}))
    themes = (
        sorted(set(offer.themes) & set(request.themes))
        if offer.themes and request.themes
        else None
    )
    if themes:
        found.append(Reason("shared_themes", {"themes": themes}))
    del strength
    return found
