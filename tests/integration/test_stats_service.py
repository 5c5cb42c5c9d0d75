"""Network statistics: counts and sums by the database, levels and units apart."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.extensions import db
from symbiosis.models import ImpactRecord, Match
from symbiosis.services import agreement_thread as thread
from symbiosis.services import agreements as service
from symbiosis.services import pooled, stats
from symbiosis.services.impacts import verify_impact
from symbiosis.services.proposals import dismiss
from tests.builders import (
    agreement_terms,
    make_listing,
    make_org,
    make_reference,
    make_user,
    make_zone,
)


@pytest.fixture
def year_ago(today: date) -> date:
    """The start of the period the figures are read over: a year before today."""
    return today - timedelta(days=365)


def _exchange(
    today: date,
    supplier_user: Any,
    receiver_user: Any,
    offer: Any,
    request: Any,
    **terms: Any,
) -> Any:
    start = (today - timedelta(days=30)).isoformat()
    agreement = service.propose(
        receiver_user,
        offer.id,
        request.id,
        {**agreement_terms(), "start": start, **terms},
    )
    service.act(supplier_user, agreement.id, "accept", agreement.version)
    return service.act(receiver_user, agreement.id, "start", agreement.version)


@pytest.fixture
def world(ctx: Flask, today: date) -> dict[str, Any]:
    """Zone 1: wood from S to R (t); zone 2: used oil from X to Y (L → m3)."""
    make_reference()
    zone1, zone2 = make_zone(), make_zone()
    s, r = make_org(zone=zone1), make_org(zone=zone1)
    s.lat, s.lon, r.lat, r.lon = 49.60, 6.15, 49.50, 6.00
    x, y = make_org(zone=zone2), make_org(zone=zone2)
    us, ur, ux, uy = (make_user(org=o) for o in (s, r, x, y))
    facilitator = make_user(facilitator=True, role=None)
    manager = make_user(org=s, manages=[zone1])
    offer = make_listing(org=s, by=us, quantity="3", frequency="monthly")  # 36 t/y
    request = make_listing(
        org=r, by=ur, kind="request", title="Holzpaletten gesucht",
        quantity="20", frequency="yearly",
    )  # fmt: skip
    other = make_listing(
        org=r, by=ur, kind="request", title="Palettes bois recherchées",
        quantity="5", frequency="yearly",
    )  # fmt: skip
    oil = make_listing(
        org=x, by=ux, title="Huiles usagées", ewc_code="", quantity="800", unit="L",
        frequency="yearly",
    )  # fmt: skip
    oil_request = make_listing(
        org=y, by=uy, kind="request", title="Used oil", ewc_code="",
        quantity="500", unit="L", frequency="yearly",
    )  # fmt: skip
    wood = _exchange(today, us, ur, offer, request)  # 2 t monthly: 24 t/y
    used_oil = _exchange(
        today, ux, uy, oil, oil_request, quantity="600", unit="L", frequency="yearly"
    )
    service_ = pooled.propose(
        us, zone1, {"category": "mobility", "title": "Navette", "cost_split": "equal"}
    )
    db.session.commit()
    return {
        "zone1": zone1, "zone2": zone2, "us": us, "ur": ur, "ux": ux, "uy": uy,
        "facilitator": facilitator, "manager": manager, "offer": offer,
        "request": request, "other": other, "wood": wood, "oil": used_oil,
        "pool": service_,
    }  # fmt: skip


def _deliver(
    user: Any, agreement: Any, quantity: str, unit: str, *, on: date
) -> ImpactRecord:
    thread.log_delivery(
        user, agreement.id,
        {"delivered_on": on.isoformat(), "quantity": quantity, "unit": unit},
    )  # fmt: skip
    return agreement.impacts[-1]


def test_impact_keeps_levels_and_units_apart(world, today, year_ago):
    first = _deliver(world["us"], world["wood"], "2000", "kg", on=today)
    _deliver(world["us"], world["wood"], "1", "t", on=today)
    _deliver(world["ux"], world["oil"], "800", "L", on=today)
    verify_impact(world["facilitator"], first.id)

    everywhere = stats.impact(None, year_ago, today)
    assert set(everywhere) == {"potential", "agreed", "delivered", "verified"}
    # potential: wood offer 36 t/y against requests of 20 and 5 t/y; oil 0.8
    # against 0.5 m3/y; matches across units never count.
    assert everywhere["potential"]["t"]["count"] == 2
    assert everywhere["potential"]["t"]["quantity"] == Decimal("25")
    assert everywhere["potential"]["m3"]["quantity"] == Decimal("0.5")
    # agreed: 2 t monthly = 24 t/y; 600 L yearly = 0.6 m3/y
    assert everywhere["agreed"]["t"]["quantity"] == Decimal("24")
    assert everywhere["agreed"]["m3"]["quantity"] == Decimal("0.6")
    delivered = everywhere["delivered"]
    assert (delivered["t"]["count"], delivered["t"]["quantity"]) == (2, Decimal(3))
    assert (delivered["m3"]["count"], delivered["m3"]["quantity"]) == (
        1,
        Decimal("0.8"),
    )
    # 3 t × (269.50416 − 38.54288) kg CO2e/t, record by record
    assert delivered["t"]["avoided_kg_co2e"] == Decimal("692.884")
    assert delivered["t"]["net_kg_co2e"] == (
        delivered["t"]["avoided_kg_co2e"] - delivered["t"]["transport_kg_co2e"]
    )
    assert delivered["m3"]["avoided_kg_co2e"] is None  # no mass, no CO2 figure
    assert delivered["m3"]["net_kg_co2e"] is None
    [factors] = delivered["t"]["factors"]
    assert factors == {
        "factor_set": "DESNZ-2025",
        "primary_source_id": "19_500_5048_15_1",
        "secondary_source_id": "19_500_5049_15_1",
        "transport_source_ids": ["27_304_3140_14_1", "28_907_3140_14_1"],
    }
    # verified: only the record the facilitator checked
    assert set(everywhere["verified"]) == {"t"}
    verified = everywhere["verified"]["t"]
    assert (verified["count"], verified["quantity"]) == (1, Decimal(2))
    assert verified["avoided_kg_co2e"] == Decimal("461.923")
    sums = db.session.execute(
        sa.select(sa.func.sum(ImpactRecord.transport_kg_co2e)).where(
            ImpactRecord.verified_at.is_not(None)
        )
    ).scalar()
    assert verified["transport_kg_co2e"] == sums


def test_zone_filter_uses_the_organisations_of_the_zone(world, today, year_ago):
    _deliver(world["us"], world["wood"], "2", "t", on=today)
    _deliver(world["ux"], world["oil"], "800", "L", on=today)
    zone1 = stats.impact(world["zone1"].id, year_ago, today)
    zone2 = stats.impact(world["zone2"].id, year_ago, today)
    assert set(zone1["delivered"]) == {"t"}
    assert set(zone2["delivered"]) == {"m3"}
    assert set(zone1["agreed"]) == {"t"}
    assert set(zone2["agreed"]) == {"m3"}
    assert zone1["verified"] == zone2["verified"] == {}
    kpis1 = stats.kpis(world["zone1"].id, year_ago, today)
    kpis2 = stats.kpis(world["zone2"].id, year_ago, today)
    assert kpis1["listings"]["active_by_resource"] == {"material": 3}
    assert kpis2["listings"]["active_by_resource"] == {"material": 2}
    assert kpis1["organisations_active"] == 2
    assert kpis2["organisations_active"] == 2
    assert kpis1["pooled"] == {"proposed": {"services": 1, "participants": 0}}
    assert kpis2["pooled"] == {}


def test_period_filter(world, today, year_ago):
    _deliver(world["us"], world["wood"], "2", "t", on=today)
    past = date(2000, 1, 1), date(2000, 12, 31)
    figures = stats.impact(None, *past)
    assert figures == {"potential": {}, "agreed": {}, "delivered": {}, "verified": {}}
    kpis = stats.kpis(None, *past)
    assert kpis["listings"]["posted"] == 0
    assert kpis["listings"]["active_by_resource"] == {}  # not posted yet in 2000
    assert kpis["matches"]["proposed"] == 0
    assert kpis["agreements"]["by_state"] == {}
    assert kpis["organisations_active"] == 0
    assert [step["count"] for step in kpis["funnel"]] == [0] * 6
    yesterday = today - timedelta(days=1)
    assert stats.impact(None, year_ago, yesterday)["delivered"] == {}


def test_kpis_count_matches_agreements_and_the_funnel(world, today, year_ago):
    wood_match = db.session.scalar(
        sa.select(Match).where(
            Match.offer_id == world["offer"].id,
            Match.request_id == world["other"].id,
        )
    )
    dismiss(world["ur"], wood_match.id, "Trop loin")
    thread.log_delivery(
        world["us"], world["wood"].id,
        {"delivered_on": today.isoformat(), "quantity": "1", "unit": "t"},
    )  # fmt: skip
    service.act(
        world["us"], world["wood"].id, "complete", world["wood"].version,
        {"actual_quantity": "1", "actual_unit": "t"},
    )  # fmt: skip
    kpis = stats.kpis(None, year_ago, today)
    matches = db.session.scalar(sa.select(sa.func.count(Match.id)))
    assert kpis["matches"]["proposed"] == matches
    assert kpis["matches"]["dismissed"] == 1
    assert kpis["matches"]["dismiss_reasons"] == {"Trop loin": 1}
    assert kpis["agreements"]["by_state"] == {"active": 1, "completed": 1}
    funnel = {step["step"]: step for step in kpis["funnel"]}
    assert [step["step"] for step in kpis["funnel"]] == list(stats.FUNNEL)
    assert funnel["listing"]["count"] == 5
    assert funnel["match"]["count"] == matches
    assert funnel["proposal"]["count"] == 2
    assert funnel["accepted"]["count"] == 2
    assert funnel["active"]["count"] == 2
    assert funnel["completed"]["count"] == 1
    for step in ("accepted", "active", "completed"):
        assert 0 <= funnel[step]["mean_days"] < 1  # all within this test
    assert funnel["listing"]["mean_days"] is None
    assert kpis["organisations_active"] == 4
    # the dismissed match leaves the potential level
    potential = stats.impact(None, year_ago, today)["potential"]["t"]
    assert (potential["count"], potential["quantity"]) == (1, Decimal(20))


def test_pooled_services_count_their_participants(world, today, year_ago):
    pool = world["pool"]
    pooled.act(world["manager"], pool.id, "approve", pool.version)
    pooled.enrol(world["ur"], pool.id)
    kpis = stats.kpis(world["zone1"].id, year_ago, today)
    assert kpis["pooled"] == {"open": {"services": 1, "participants": 1}}


def test_only_facilitators_verify_and_twice_keeps_the_first(world, today):
    record = _deliver(world["us"], world["wood"], "2", "t", on=today)
    with pytest.raises(NotAllowed):
        verify_impact(world["manager"], record.id)
    with pytest.raises(NotAllowed):
        verify_impact(world["facilitator"], 999999)
    verify_impact(world["facilitator"], record.id)
    first = record.verified_at
    assert record.verified_by_id == world["facilitator"].id
    other = make_user(facilitator=True, role=None)
    verify_impact(other, record.id)
    assert (record.verified_at, record.verified_by_id) == (
        first,
        world["facilitator"].id,
    )


def test_period_parsing_names_the_field():
    assert stats.period("2026-01-01", "2026-12-31") == (
        date(2026, 1, 1),
        date(2026, 12, 31),
    )
    cases = (
        (("bad", None), "from"),
        ((None, "2026-13-01"), "to"),
        ((None, "0001-01-01"), "to"),  # no year before it: was an overflow
        (("0001-01-01", "2026-01-01"), "from"),
        ((None, "9999-12-31"), "to"),
    )
    for raw, field in cases:
        with pytest.raises(FieldErrors) as problem:
            stats.period(*raw)
        assert problem.value.errors[0][0] == field
    with pytest.raises(FieldErrors) as problem:
        stats.period("2026-02-01", "2026-01-01")
    assert problem.value.errors[0][0] == "to"
