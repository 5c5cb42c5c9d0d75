"""Combining offers from stored matches (pure): nearest good matches first."""

from __future__ import annotations

from symbiosis.matching.model import Match
from symbiosis.matching.pooling import combine


def _match(offer: int, km: float, material: float = 1.0) -> Match:
    return Match(offer, 9, 80.0, km, {"material": material}, [])


def test_nearest_good_offers_are_added_until_the_need_is_covered() -> None:
    candidates = [
        (_match(1, 5.0), 60.0, "t"),
        (_match(2, 3.0), 50.0, "t"),
        (_match(3, 1.0, material=0.5), 90.0, "t"),  # another material: left out
        (_match(4, 2.0), 40.0, "m3"),  # another unit: cannot add up
        (_match(5, 9.0), 30.0, "t"),  # not needed once 110 t are found
    ]
    found = combine(9, 100.0, "t", candidates)
    assert found is not None
    assert [m.offer_id for m in found.offers] == [2, 1]
    assert found.coverage == 1.0


def test_no_combination_when_one_offer_suffices_or_nothing_adds_up() -> None:
    assert combine(9, 100.0, "t", [(_match(1, 5.0), 120.0, "t")]) is None
    assert combine(9, 100.0, "t", [(_match(1, 5.0), 30.0, "t")]) is None  # alone
    assert combine(9, None, "t", [(_match(1, 5.0), 30.0, "t")]) is None
    partial = combine(
        9, 100.0, "t", [(_match(1, 5.0), 30.0, "t"), (_match(2, 6.0), 20.0, "t")]
    )
    assert partial is not None
    assert partial.coverage == 0.5
