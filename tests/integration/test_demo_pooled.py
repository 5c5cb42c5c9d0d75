"""The demo pooled services: several states, a census, and a trail the table allows."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from symbiosis.extensions import db
from symbiosis.models import PooledService
from symbiosis.services import pooled, seeding
from symbiosis.services.demo_pooled import load_demo_pooled
from symbiosis.workflow.pooled import TRANSITIONS, PoolAction, PoolState

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_demo_pooled_services(ctx: Flask) -> None:
    seeding.load_reference(SEEDS / "reference")
    seeding.load_demo(SEEDS / "demo")
    seeding.load_demo_listings(SEEDS / "demo")
    services = db.session.scalars(sa.select(PooledService)).all()
    states = {s.state for s in services}
    assert states == set(PoolState)  # proposed, open, active, closed, rejected
    for service in services:
        state = None
        for event in service.events:
            if event.action == "propose":
                state = PoolState.PROPOSED
                continue
            target = TRANSITIONS[(PoolState(state), PoolAction(event.action))][0]
            assert event.to_state == target
            state = target
        assert state == service.state
    collection = next(
        s for s in services if s.category == "waste_collection" and s.state == "active"
    )
    census = {row["ewc"].code: row for row in pooled.census(collection)}
    assert census["150101"]["organisations"] == 3
    assert census["150101"]["base_unit"] == "t"
    closed = next(s for s in services if s.state == "closed")
    assert closed.events[-1].comment  # the manager said why
    assert load_demo_pooled(SEEDS / "demo").changed == 0
