"""An anonymous listing's site cannot be found back from distances: other
firms' distances, scores, reasons and the distance filter measure it at its
public point (its zone's point, else its site rounded to 0.1°)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from symbiosis import geo
from symbiosis.extensions import db
from symbiosis.models import Match
from symbiosis.services.listing_search import Filters, search
from tests.builders import make_listing, make_org, make_reference, make_user, make_zone

ZONE = (49.586, 6.215)  # the anonymous firm's zone
FAR_ZONE = (49.90, 6.00)
VIEWER = (49.586, 6.215)  # the viewing firm's site, at that zone's point
FAR_SITE = (49.70, 6.30)  # the anonymous offer's real site, ~14 km away
NEAR_SITE = (49.59, 6.22)  # the second anonymous offer's real site, ~0.6 km


@pytest.fixture
def world(ctx: Flask) -> dict[str, Any]:
    make_reference()
    zone, far = (
        make_zone(lat=ZONE[0], lon=ZONE[1]),
        make_zone(lat=FAR_ZONE[0], lon=FAR_ZONE[1]),
    )
    hiding, near_hiding = make_org(name="Discrète", zone=zone), make_org(zone=far)
    viewer = make_org(name="Voisine", zone=zone)
    viewer.lat, viewer.lon = VIEWER
    owner, near_owner, member = (
        make_user(org=hiding),
        make_user(org=near_hiding),
        make_user(org=viewer),
    )
    offer = make_listing(
        org=hiding, by=owner, anonymous=True, lat=FAR_SITE[0], lon=FAR_SITE[1]
    )
    near = make_listing(org=near_hiding, by=near_owner, anonymous=True, title="Palettes usagées",
                        lat=NEAR_SITE[0], lon=NEAR_SITE[1])  # fmt: skip
    request = make_listing(org=viewer, by=member, kind="request", title="Palettes en bois",
                           lat=VIEWER[0], lon=VIEWER[1])  # fmt: skip
    db.session.commit()
    return {"member": member, "owner": owner, "offer": offer, "near": near,
            "request": request}  # fmt: skip


def test_other_firms_see_the_distance_to_the_public_point(world):
    found = search(world["member"], Filters(kind="offer"))
    shown = found.distances[world["offer"].id]
    assert shown == pytest.approx(geo.distance_km(VIEWER, ZONE), abs=0.01)
    assert abs(shown - geo.distance_km(VIEWER, FAR_SITE)) > 10
    near = found.distances[world["near"].id]
    assert near == pytest.approx(geo.distance_km(VIEWER, FAR_ZONE), abs=0.01)


def test_the_distance_filter_measures_at_the_public_point(world):
    within = search(world["member"], Filters(kind="offer", within_km=5))
    ids = {x.id for x in within.items}
    # its zone's point is 0 km away, its site 14 km: found by the zone point
    assert world["offer"].id in ids
    # its site is 0.6 km away, its zone's point 37 km: not found
    assert world["near"].id not in ids
    assert within.distances[world["offer"].id] < 1


def test_the_owner_keeps_its_own_sites_distance(world):
    found = search(world["owner"], Filters(kind="offer"))
    owner_site = geo.distance_km(ZONE, FAR_SITE)  # the owner's firm sits at its zone
    assert found.distances[world["offer"].id] == pytest.approx(owner_site, abs=0.01)


def test_matches_measure_the_anonymous_listing_at_its_public_point(world):
    match = db.session.scalar(
        sa.select(Match).where(
            Match.offer_id == world["offer"].id,
            Match.request_id == world["request"].id,
        )
    )
    assert match is not None, "the request should match the offer"
    assert match.distance_km == pytest.approx(geo.distance_km(VIEWER, ZONE), abs=0.1)
    said = [r["params"]["km"] for r in match.reasons if r["code"] == "distance"]
    assert said in ([], [round(match.distance_km, 1)])


def test_a_zone_less_anonymous_listing_is_rounded_to_a_tenth_of_a_degree():
    assert geo.approximate(49.6123, 6.2345, None) == (49.6, 6.2)
    assert geo.approximate(49.6123, 6.2345, ZONE) == ZONE
