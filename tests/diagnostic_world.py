"""A small zone with flows of every kind, for the diagnostic's tests.

Zone Sud: a joinery (A) offers pallets and, anonymously, cardboard; a bakery
(B) requests pallets in tonnes and in pieces. A farm (C) outside the zone
requests cardboard and pallets. A and B agreed on pallets (accepted). The
matcher pairs the rest: A's cardboard and pallets with C (potential flows out
of the zone) and A's pallets with B's request in pieces (other units: left
out).
"""

from __future__ import annotations

from typing import Any

from symbiosis.extensions import db
from symbiosis.services import agreements
from tests.builders import (
    agreement_terms,
    make_listing,
    make_org,
    make_reference,
    make_user,
    make_zone,
)


def build_diagnostic_world() -> dict[str, Any]:
    make_reference()
    zone = make_zone(name="Zone Sud (Esch-sur-Alzette)", lat=49.50, lon=5.98)
    other = make_zone(name="Zone Nord (Ettelbruck)", lat=49.85, lon=6.10)
    joinery = make_org(name="Menuiserie Alpha", zone=zone)
    bakery = make_org(name="Boulangerie Beta", zone=zone)
    farm = make_org(name="Ferme Gamma", zone=other)
    network = make_org(name="Réseau", kind="association")
    ua, ub, uc = (make_user(org=o) for o in (joinery, bakery, farm))
    pallets = make_listing(
        org=joinery, by=ua, title="Palettes en bois", quantity="2.5", unit="t",
        frequency="monthly", max_distance_km="80",
    )  # fmt: skip
    cardboard = make_listing(
        org=joinery, by=ua, title="Carton d'emballage", ewc_code="150101",
        quantity="500", unit="kg", frequency="weekly", anonymous="yes",
    )  # fmt: skip
    wanted = make_listing(
        org=bakery, by=ub, kind="request", title="Palettes en bois pour le four",
        quantity="20", unit="t", frequency="yearly", max_distance_km="80",
    )  # fmt: skip
    in_pieces = make_listing(
        org=bakery, by=ub, kind="request", title="Palettes en bois EUR",
        quantity="100", unit="pieces", frequency="monthly", max_distance_km="80",
    )  # fmt: skip
    farm_request = make_listing(
        org=farm, by=uc, kind="request", title="Carton et palettes pour paillage",
        description="Pour couvrir les sols.",
        ewc_code="150101", quantity="10", unit="t", frequency="yearly",
        max_distance_km="100",
    )  # fmt: skip
    agreement = agreements.propose(ub, pallets.id, wanted.id, agreement_terms())
    agreements.act(ua, agreement.id, "accept", agreement.version)
    users = {
        "member": ua,
        "other_member": ub,
        "outside_member": uc,
        "manager": make_user(org=network, manages=[zone]),
        "other_manager": make_user(org=network, manages=[other]),
        "facilitator": make_user(org=network, facilitator=True),
    }
    db.session.commit()
    return {
        "zone": zone.id, "zone_slug": zone.slug, "other_zone": other.id,
        "joinery": joinery.id, "bakery": bakery.id, "farm": farm.id,
        "pallets": pallets.id, "cardboard": cardboard.id, "wanted": wanted.id,
        "in_pieces": in_pieces.id, "farm_request": farm_request.id,
        "agreement": agreement.id,
        "users": {name: user.id for name, user in users.items()},
    }  # fmt: skip
