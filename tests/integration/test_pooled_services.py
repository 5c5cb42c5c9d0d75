"""Pooled services through the services: the table, enrolment, the census."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from symbiosis.errors import (
    FieldErrors,
    Forbidden,
    InvalidTransition,
    NotAllowed,
    StaleObject,
)
from symbiosis.extensions import db
from symbiosis.models import Notification, PooledService, PoolEvent
from symbiosis.services import pooled as service
from tests.builders import make_org, make_reference, make_user, make_zone

SERVICE: dict[str, Any] = {
    "category": "waste_collection",
    "title": "Collecte mutualisée des cartons",
    "description": "Un passage par semaine pour toute la zone.",
    "target_participants": "6",
    "estimated_cost": "4 800",
    "cost_split": "by_volume",
}


@pytest.fixture
def world(ctx: Flask) -> dict[str, Any]:
    make_reference()
    zone, other_zone = make_zone(), make_zone()
    firms = [make_org(zone=zone) for _ in range(3)]
    outsider = make_org(zone=other_zone)
    network = make_org(name="Réseau", kind="association")
    db.session.commit()
    return {
        "zone": zone,
        "members": [make_user(org=f) for f in firms],
        "outsider": make_user(org=outsider),
        "manager": make_user(org=network, manages=[zone]),
        "other_manager": make_user(org=network, manages=[other_zone]),
        "facilitator": make_user(org=network, facilitator=True),
    }


def proposed(w: dict[str, Any], **fields: Any) -> PooledService:
    return service.propose(w["members"][0], w["zone"], {**SERVICE, **fields})


def test_a_member_proposes_and_the_manager_is_told(world):
    pool = proposed(world)
    assert (pool.state, pool.version) == ("proposed", 1)
    assert pool.estimated_cost == Decimal("4800")
    assert [e.action for e in pool.events] == ["propose"]
    notes = db.session.scalars(sa.select(Notification)).all()
    assert [n.user_id for n in notes] == [world["manager"].id]


def test_bad_fields_are_all_reported(world):
    with pytest.raises(FieldErrors) as errors:
        proposed(world, category="party", title="", target_participants="2.5",
                 estimated_cost="-3")  # fmt: skip
    assert {f for f, _ in errors.value.errors} == {
        "category",
        "title",
        "target_participants",
        "estimated_cost",
    }
    assert db.session.scalar(sa.select(sa.func.count(PooledService.id))) == 0


def test_outsiders_cannot_propose_or_enrol(world):
    with pytest.raises(NotAllowed):
        service.propose(world["outsider"], world["zone"], SERVICE)
    pool = proposed(world)
    with pytest.raises(NotAllowed):  # a proposal of another zone is not shown
        service.get(world["outsider"], pool.id)
    service.act(world["manager"], pool.id, "approve", 1)
    with pytest.raises(Forbidden):
        service.enrol(world["outsider"], pool.id)


def test_only_the_zone_manager_decides(world):
    pool = proposed(world)
    with pytest.raises(NotAllowed):
        service.act(world["other_manager"], pool.id, "approve", 1)
    with pytest.raises(NotAllowed):  # another firm does not see the proposal
        service.act(world["members"][1], pool.id, "approve", 1)
    with pytest.raises(Forbidden) as refused:  # the proposer may not approve
        service.act(world["members"][0], pool.id, "approve", 1)
    assert refused.value.allowed == []
    with pytest.raises(FieldErrors):
        service.act(world["manager"], pool.id, "reject", 1, {"reason": ""})
    assert service.act(world["facilitator"], pool.id, "approve", 1).state == "open"
    with pytest.raises(StaleObject):
        service.act(world["manager"], pool.id, "start", 1)
    with pytest.raises(InvalidTransition) as refused:
        service.act(world["manager"], pool.id, "approve", 2)
    assert refused.value.allowed == ["start", "close"]


def test_enrol_twice_does_nothing_more_and_leaving_keeps_history(world):
    pool = proposed(world)
    service.act(world["manager"], pool.id, "approve", 1)
    member = world["members"][1]
    waiting = proposed(world, title="Autre")
    with pytest.raises(NotAllowed):  # other firms do not see a mere proposal
        service.enrol(member, waiting.id)
    with pytest.raises(InvalidTransition):  # the proposer: only once approved
        service.enrol(world["members"][0], waiting.id)
    first = service.enrol(member, pool.id)
    again = service.enrol(member, pool.id)
    assert first.id == again.id
    assert len(pool.enrolled()) == 1
    service.enrol(member, pool.id, "committed")
    assert pool.enrolled()[0].commitment == "committed"
    service.leave(member, pool.id)
    assert pool.enrolled() == []
    assert len(pool.participants) == 1  # the row stays, with left_at
    service.act(world["manager"], pool.id, "start", pool.version)
    service.act(world["manager"], pool.id, "close", pool.version)
    with pytest.raises(InvalidTransition):
        service.enrol(member, pool.id)
    actions = [e.action for e in db.session.scalars(sa.select(PoolEvent))]
    assert actions.count("enrol") == 2  # the second call changed nothing
    assert actions[-2:] == ["start", "close"]


def test_the_census_totals_each_waste_type_on_the_yearly_base(world):
    pool = proposed(world)
    service.act(world["manager"], pool.id, "approve", 1)
    a, b, _c = world["members"]
    with pytest.raises(FieldErrors):  # enrol first
        service.declare_waste(a, pool.id, {"ewc_code": "150101", "quantity": "1",
                                           "unit": "t", "frequency": "monthly"})  # fmt: skip
    service.enrol(a, pool.id)
    service.enrol(b, pool.id)
    service.declare_waste(a, pool.id, {"ewc_code": "15 01 01", "quantity": "1",
                                       "unit": "t", "frequency": "monthly"})  # fmt: skip
    service.declare_waste(b, pool.id, {"ewc_code": "150101", "quantity": "500",
                                       "unit": "kg", "frequency": "weekly"})  # fmt: skip
    service.declare_waste(b, pool.id, {"ewc_code": "150103", "quantity": "3",
                                       "unit": "t", "frequency": "yearly"})  # fmt: skip
    with pytest.raises(FieldErrors) as errors:
        service.declare_waste(b, pool.id, {"ewc_code": "999999", "quantity": "0",
                                           "unit": "t", "frequency": "yearly"})  # fmt: skip
    assert {f for f, _ in errors.value.errors} == {"ewc_code", "quantity"}
    rows = {(r["ewc"].code, r["base_unit"]): r for r in service.census(pool)}
    assert rows[("150101", "t")]["yearly"] == Decimal("38")  # 12 t + 26 t
    assert rows[("150101", "t")]["organisations"] == 2
    assert rows[("150103", "t")]["yearly"] == Decimal("3")
    service.leave(b, pool.id)
    assert [r["yearly"] for r in service.census(pool)] == [Decimal("12")]
