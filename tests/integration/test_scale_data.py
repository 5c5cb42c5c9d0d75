"""The scale data generator: valid rows that the statistics read back exactly."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from symbiosis import units
from symbiosis.extensions import db
from symbiosis.models import (
    Agreement,
    AgreementEvent,
    Delivery,
    ImpactRecord,
    Listing,
    Match,
    Organisation,
)
from symbiosis.services import scale_data, stats
from tests.builders import make_reference, make_user, make_zone
from tests.conftest import as_user

SIZES = scale_data.Sizes(listings=500, agreements=100, deliveries=300)
PLACES = Decimal("0.0001")


@pytest.fixture
def generated(app: Flask) -> dict[str, Any]:
    with app.app_context():
        make_reference()
        for lat in (49.5, 49.6, 49.7):
            make_zone(lat=lat)
        facilitator = make_user(facilitator=True, role=None).id
        db.session.commit()
        report = scale_data.generate(SIZES, seed=3)
        today = date.today()  # read once the rows are written: none is dated later
        everything = (today - timedelta(days=4 * 365), today)
        return {"report": report, "facilitator": facilitator, "everything": everything}


def _count(model: Any) -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def test_it_writes_the_sizes_asked_for(app, generated):
    report = generated["report"]
    with app.app_context():
        assert _count(Listing) == report.counts["listings"] == 500
        assert _count(Match) == report.counts["matches"] == 500
        assert _count(Agreement) == report.counts["agreements"] == 100
        assert _count(Delivery) == report.counts["deliveries"] == 300
        assert _count(ImpactRecord) == report.counts["impact records"] >= 300
        assert _count(Organisation) == report.counts["organisations"] == 10
        names = db.session.scalars(sa.select(Organisation.name))
        assert all(name.startswith("Scale ") for name in names)
        assert sum(report.agreements_by_state.values()) == 100


def test_rows_follow_the_rules_of_the_app(app, generated):
    with app.app_context():
        offer, request = sa.orm.aliased(Listing), sa.orm.aliased(Listing)
        pairs = db.session.execute(
            sa.select(
                offer.kind, request.kind, offer.organisation_id, request.organisation_id
            )
            .select_from(Match)
            .join(offer, offer.id == Match.offer_id)
            .join(request, request.id == Match.request_id)
        ).all()
        assert {(o, r) for o, r, _a, _b in pairs} == {("offer", "request")}
        assert all(a != b for _o, _r, a, b in pairs)
        events: dict[int, list[AgreementEvent]] = defaultdict(list)
        for event in db.session.scalars(
            sa.select(AgreementEvent).order_by(
                AgreementEvent.created_at, AgreementEvent.id
            )
        ):
            events[event.agreement_id].append(event)
        for agreement in db.session.scalars(sa.select(Agreement)):
            trail = events[agreement.id]
            assert trail[0].action == "propose"
            assert trail[0].created_at == agreement.created_at
            assert trail[-1].to_state == agreement.state
            assert agreement.version == len(trail)
            assert all(a.to_state == b.from_state for a, b in pairwise(trail))
            assert agreement.supplier_id != agreement.receiver_id
            deliveries = db.session.scalars(
                sa.select(Delivery).where(Delivery.agreement_id == agreement.id)
            ).all()
            if deliveries:
                assert agreement.state in ("active", "completed", "terminated")
                assert {d.unit for d in deliveries} == {agreement.unit}


def test_the_statistics_read_back_what_was_generated(app, generated):
    report = generated["report"]
    with app.app_context():
        kpis = stats.kpis(None, *generated["everything"])
        assert kpis["listings"]["posted"] == 500
        assert kpis["matches"]["proposed"] == 500
        dismissed = db.session.scalar(
            sa.select(sa.func.count(Match.id)).where(Match.dismissed_at.is_not(None))
        )
        assert kpis["matches"]["dismissed"] == dismissed
        assert kpis["agreements"]["by_state"] == report.agreements_by_state
        funnel = {step["step"]: step["count"] for step in kpis["funnel"]}
        assert (funnel["listing"], funnel["match"], funnel["proposal"]) == (
            500,
            500,
            100,
        )
        assert funnel["accepted"] >= funnel["active"] >= funnel["completed"]
        assert kpis["organisations_active"] == 10
        delivered = stats.impact(None, *generated["everything"])["delivered"]
        records = db.session.scalars(sa.select(ImpactRecord)).all()
        by_unit: dict[str, Decimal] = Counter()
        for record in records:
            by_unit[record.base_unit] += record.quantity
        assert set(delivered) == set(by_unit)
        for unit, figures in delivered.items():
            # SQLite keeps more places than the 4 it gives back for each row.
            slack = PLACES * figures["count"] if db.engine.name == "sqlite" else 0
            assert abs(figures["quantity"] - by_unit[unit]) <= slack
        assert sum(f["count"] for f in delivered.values()) == len(records)
        # Each delivery's record holds its quantity in the base unit (4 places).
        deliveries = {d.id: d for d in db.session.scalars(sa.select(Delivery))}
        for record in records:
            if record.kind == "delivery":
                d = deliveries[record.delivery_id]
                exact = units.to_base(d.quantity, units.Unit(d.unit))
                assert record.quantity.quantize(PLACES, ROUND_HALF_UP) == (
                    exact.quantize(PLACES, ROUND_HALF_UP)
                )
        assert {r.delivery_id for r in records} - {None} == set(deliveries)


def test_the_dashboard_shows_the_generated_network(app, client, generated):
    as_user(app, client, generated["facilitator"])
    assert client.get("/monitoring/").status_code == 200
    assert client.get("/api/v1/stats").status_code == 200


def test_same_seed_same_rows(app):
    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    sizes = scale_data.Sizes(listings=120, agreements=10, deliveries=20)

    def rows(first_id: int) -> list[tuple[Any, ...]]:
        return [
            tuple(row)
            for row in db.session.execute(
                sa.select(
                    Listing.title, Listing.quantity, Listing.unit, Listing.created_at
                )
                .where(Listing.id >= first_id)
                .order_by(Listing.id)
            )
        ]

    with app.app_context():
        make_reference()
        make_zone()
        db.session.commit()
        scale_data.generate(sizes, seed=5, now=now)
        second = int(db.session.scalar(sa.select(sa.func.max(Listing.id)))) + 1
        scale_data.generate(sizes, seed=5, now=now)
        assert rows(1)[: second - 1] == rows(second)
        assert _count(Organisation) == 20  # a second run adds new organisations


def test_it_needs_zones_and_enough_matches(app):
    with app.app_context():
        with pytest.raises(ValueError, match="zones"):
            scale_data.generate(SIZES)
        make_reference()
        make_zone()
        db.session.commit()
        result = app.test_cli_runner().invoke(
            args=["stats", "generate", "--listings", "50", "--agreements", "60",
                  "--deliveries", "0", "--matches", "40"]
        )  # fmt: skip
        assert result.exit_code != 0
        assert "more agreements than matches" in result.output


def test_the_command_prints_what_it_wrote(app):
    with app.app_context():
        make_reference()
        make_zone()
        db.session.commit()
    result = app.test_cli_runner().invoke(
        args=["stats", "generate", "--listings", "200", "--agreements", "20",
              "--deliveries", "40", "--seed", "2"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "200 listings" in result.output
    assert "data set written in" in result.output
