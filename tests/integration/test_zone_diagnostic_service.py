"""The zone page's tables and the zone diagnostic, through the services."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from symbiosis.errors import NotAllowed
from symbiosis.extensions import db
from symbiosis.models import Listing, Match, User, Zone
from symbiosis.models.base import utcnow
from symbiosis.services import diagnostic as service
from symbiosis.services import zone_overview
from tests.diagnostic_world import build_diagnostic_world


@pytest.fixture
def world(ctx: Flask) -> dict[str, Any]:
    return build_diagnostic_world()


def _user(world: dict[str, Any], role: str) -> User:
    user = db.session.get(User, world["users"][role])
    assert user is not None
    return user


def _diag(world: dict[str, Any], role: str = "manager") -> service.Diagnostic:
    zone = db.session.get(Zone, world["zone"])
    assert zone is not None
    return service.diagnostic(_user(world, role), zone)


def test_listings_are_grouped_by_material_and_unit(world: dict[str, Any]) -> None:
    diag = _diag(world)
    rows = {(r.key, r.unit): r for r in diag.materials}
    # The farm's request is outside the zone: not counted.
    assert set(rows) == {
        ("wood.pallets", "t"),
        ("wood.pallets", "pieces"),
        ("paper.cardboard", "t"),
    }
    pallets = rows[("wood.pallets", "t")]
    assert (pallets.out.yearly, pallets.into.yearly) == (Decimal(30), Decimal(20))
    assert rows[("paper.cardboard", "t")].out.yearly == Decimal(26)  # 500 kg a week
    assert rows[("wood.pallets", "pieces")].into.yearly == Decimal(1200)
    # Tonnes and pieces are never added together.
    assert diag.totals == {
        "pieces": (Decimal(0), Decimal(1200)),
        "t": (Decimal(56), Decimal(20)),
    }
    assert diag.material("wood.pallets")  # a readable name from the lexicon


def test_agreed_flows_are_on_the_yearly_base(world: dict[str, Any]) -> None:
    (flow,) = _diag(world).agreed
    assert (flow.kind, flow.ref, flow.state) == (
        "agreement",
        world["agreement"],
        "accepted",
    )
    assert (flow.yearly, flow.unit, flow.key) == (Decimal(24), "t", "wood.pallets")
    assert (flow.supplier.name, flow.receiver.name) == (
        "Menuiserie Alpha",
        "Boulangerie Beta",
    )
    assert flow.supplier.in_zone
    assert flow.receiver.in_zone


def test_potential_flows_leave_out_agreed_pairs_and_other_units(
    world: dict[str, Any],
) -> None:
    diag = _diag(world)
    pairs = {(f.supplier.name, f.receiver.name, f.yearly) for f in diag.potential}
    assert pairs == {
        # The anonymous cardboard: its firm stays hidden from the zone manager.
        (None, "Ferme Gamma", Decimal(10)),
        ("Menuiserie Alpha", "Ferme Gamma", Decimal(10)),
    }
    assert {
        f.receiver.in_zone for f in diag.potential if f.receiver.id == world["farm"]
    } == {False}
    assert all(f.unit == "t" for f in diag.potential)
    assert diag.not_comparable == 1  # pallets in t against a request in pieces


def test_the_facilitator_sees_anonymous_firms(world: dict[str, Any]) -> None:
    suppliers = {f.supplier.name for f in _diag(world, "facilitator").potential}
    assert suppliers == {"Menuiserie Alpha"}


def test_dismissed_matches_and_paused_listings_are_left_out(
    world: dict[str, Any],
) -> None:
    match = db.session.scalar(
        sa.select(Match).where(
            Match.offer_id == world["pallets"],
            Match.request_id == world["farm_request"],
        )
    )
    assert match is not None
    match.dismissed_at = utcnow()
    db.session.get(Listing, world["in_pieces"]).state = "paused"
    db.session.get(Listing, world["wanted"]).available_until = date.today() - timedelta(
        1
    )
    db.session.commit()
    diag = _diag(world)
    assert {(f.supplier.name, f.receiver.name) for f in diag.potential} == {
        (None, "Ferme Gamma")
    }
    assert diag.not_comparable == 0
    assert {(r.key, r.unit) for r in diag.materials} == {
        ("wood.pallets", "t"),
        ("paper.cardboard", "t"),
    }
    # The agreement still counts: it is agreed, whatever its listings became.
    assert len(diag.agreed) == 1


def test_charts_one_per_kind_and_unit(world: dict[str, Any]) -> None:
    charts = _diag(world).charts()
    assert [c["key"] for c in charts] == ["agreed-t", "potential-t"]
    agreed = charts[0]
    assert agreed["links"] == [
        {
            "source": f"s:org:{world['joinery']}",
            "target": f"r:org:{world['bakery']}",
            "value": 24.0,
            "materials": [{"label": agreed["links"][0]["materials"][0]["label"],
                           "value": 24.0}],
        }
    ]  # fmt: skip
    potential = {n["id"] for n in charts[1]["nodes"]}
    assert "r:outside" in potential
    assert "s:anonymous" in potential


@pytest.mark.parametrize("role", ["member", "other_member", "other_manager"])
def test_only_the_zone_manager_and_the_facilitator_see_it(
    world: dict[str, Any], role: str
) -> None:
    with pytest.raises(NotAllowed):
        _diag(world, role)


def _overview(world: dict[str, Any], role: str) -> zone_overview.Overview:
    zone = db.session.get(Zone, world["zone"])
    assert zone is not None
    return zone_overview.overview(_user(world, role), zone)


def _owners(overview: zone_overview.Overview) -> dict[str, str | None]:
    return {
        shown.listing.title: shown.organisation.name if shown.organisation else None
        for _resource, items in overview.by_resource
        for shown in items
    }


def test_zone_tables_keep_anonymous_listings_anonymous(world: dict[str, Any]) -> None:
    for role in ("other_member", "manager", "outside_member"):
        owners = _owners(_overview(world, role))
        assert owners["Carton d'emballage"] is None, role
        assert owners["Palettes en bois"] == "Menuiserie Alpha"
    for role in ("member", "facilitator"):  # its own firm, the facilitator
        assert (
            _owners(_overview(world, role))["Carton d'emballage"] == "Menuiserie Alpha"
        )


def test_zone_tables_by_resource_and_chapter(world: dict[str, Any]) -> None:
    overview = _overview(world, "other_member")
    assert overview.listings == 4  # the farm is in another zone
    assert [r for r, _items in overview.by_resource] == ["material"]
    assert [(c.code, c.label, c.offers, c.requests) for c in overview.by_chapter] == [
        ("15", "Emballages", 2, 2)
    ]
    assert (overview.without_code.offers, overview.without_code.requests) == (0, 0)


def test_agreements_are_counted_for_all_and_listed_for_the_manager(
    world: dict[str, Any],
) -> None:
    member = _overview(world, "outside_member")
    assert member.agreement_counts["accepted"] == 1
    assert sum(member.agreement_counts.values()) == 1
    assert member.agreements is None
    assert _overview(world, "member").agreements is None  # even for a party
    (row,) = _overview(world, "manager").agreements or []
    assert (row.supplier, row.receiver) == ("Menuiserie Alpha", "Boulangerie Beta")
    assert row.viewable is False  # private to its parties
    (row,) = _overview(world, "facilitator").agreements or []
    assert row.viewable is True
