"""The activity log: each important action writes one entry, a failed one none."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import Flask

from symbiosis.errors import FieldErrors, InvalidTransition, NotAllowed
from symbiosis.extensions import db
from symbiosis.models import ActivityEntry, OrgRole
from symbiosis.services import (
    activity,
    activity_table,
    impacts,
    imports,
    organisations,
    pooled,
    zones,
)
from symbiosis.services import agreement_thread as thread
from symbiosis.services import agreements as service
from symbiosis.services import listings as listing_service
from tests.builders import (
    LISTING,
    agreement_terms,
    make_listing,
    make_org,
    make_reference,
    make_user,
    make_zone,
    make_zone_request,
)


@pytest.fixture
def world(ctx: Flask) -> dict[str, Any]:
    make_reference()
    zone, other_zone = make_zone(), make_zone()
    supplier, receiver = make_org(zone=zone), make_org(zone=other_zone)
    supplier.lat, supplier.lon = 49.60, 6.15
    receiver.lat, receiver.lon = 49.50, 6.00
    network = make_org(name="Réseau", kind="association")
    ua, ub = make_user(org=supplier, role="admin"), make_user(org=receiver)
    w = {
        "zone": zone, "other_zone": other_zone, "supplier": supplier,
        "receiver": receiver, "ua": ua, "ub": ub,
        "offer": make_listing(org=supplier, by=ua),
        "request": make_listing(org=receiver, by=ub, kind="request"),
        "manager": make_user(org=network, manages=[zone]),
        "facilitator": make_user(facilitator=True, role=None),
    }  # fmt: skip
    db.session.commit()
    return w


def entries() -> list[ActivityEntry]:
    return list(db.session.scalars(sa.select(ActivityEntry).order_by(ActivityEntry.id)))


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count(ActivityEntry.id))) or 0


def propose(w: dict[str, Any], **terms: Any) -> Any:
    raw = {**agreement_terms(), **terms}
    return service.propose(w["ub"], w["offer"].id, w["request"].id, raw)


def test_posting_listings_is_not_logged(world):
    assert entries() == []


def test_every_agreement_step_writes_one_entry(world):
    start = (date.today() - timedelta(days=10)).isoformat()
    agreement = propose(world, start=start)
    service.act(world["ua"], agreement.id, "accept", 1)
    service.act(world["ub"], agreement.id, "start", 2)
    service.act(
        world["ua"], agreement.id, "complete", 3,
        {"actual_quantity": "1", "actual_unit": "t"},
    )  # fmt: skip
    log = entries()
    assert [e.action for e in log] == [
        "agreement.proposed",
        "agreement.accepted",
        "agreement.started",
        "agreement.completed",
    ]
    first = log[0]
    assert (first.actor_id, first.organisation_id) == (
        world["ub"].id,
        world["receiver"].id,
    )
    assert {(e.subject_type, e.subject_id) for e in log} == {
        ("agreement", agreement.id)
    }
    # The zone of an agreement is its offer's.
    assert {e.zone_id for e in log} == {world["zone"].id}
    assert log[1].actor_id == world["ua"].id
    assert log[0].at.tzinfo is not None or db.engine.dialect.name == "sqlite"


def test_a_refused_step_writes_nothing(world):
    agreement = propose(world)
    before = count()
    with pytest.raises(InvalidTransition):
        service.act(world["ua"], agreement.id, "complete", 1)
    with pytest.raises(FieldErrors):  # declining needs a reason
        service.act(world["ua"], agreement.id, "decline", 1, {})
    with pytest.raises(FieldErrors):  # the pair is already under way
        propose(world)
    assert count() == before == 1


def test_declining_keeps_the_reason(world):
    agreement = propose(world)
    service.act(world["ua"], agreement.id, "decline", 1, {"reason": "Trop loin"})
    last = entries()[-1]
    assert last.action == "agreement.declined"
    assert last.details == {"reason": "Trop loin"}


def test_expiry_is_logged_without_an_actor(world):
    agreement = propose(world)
    assert thread.expire(date.today() + timedelta(days=15)) == 1
    last = entries()[-1]
    assert (last.action, last.actor_id, last.organisation_id) == (
        "agreement.expired",
        None,
        None,
    )
    assert last.subject_id == agreement.id


def test_pooled_service_proposal_and_decisions(world):
    raw = {"category": "mobility", "title": "Navette", "cost_split": "equal"}
    pool = pooled.propose(world["ua"], world["zone"], raw)
    pooled.act(world["manager"], pool.id, "approve", 1)
    with pytest.raises(InvalidTransition):
        pooled.act(world["manager"], pool.id, "approve", 2)
    pooled.enrol(world["ua"], pool.id)  # enrolments are not logged
    pooled.act(world["manager"], pool.id, "start", 2)
    log = entries()
    assert [e.action for e in log] == [
        "pooled.proposed",
        "pooled.approved",
        "pooled.started",
    ]
    assert {(e.subject_type, e.subject_id, e.zone_id) for e in log} == {
        ("pooled_service", pool.id, world["zone"].id)
    }
    assert log[1].actor_id == world["manager"].id


def test_zone_request_decisions(world):
    request = make_zone_request(org=world["receiver"], zone=world["zone"])
    refused = make_zone_request(org=world["supplier"], zone=world["zone"])
    db.session.commit()
    with pytest.raises(FieldErrors):  # a rejection needs a reason
        zones.decide(refused.id, by=world["manager"], approve=False, reason="")
    with pytest.raises(NotAllowed):
        zones.decide(request.id, by=world["ua"], approve=True, reason=None)
    assert count() == 0
    zones.decide(request.id, by=world["manager"], approve=True, reason=None)
    zones.decide(refused.id, by=world["manager"], approve=False, reason="Hors zone")
    approved, rejected = entries()
    assert (approved.action, approved.subject_type, approved.subject_id) == (
        "zone.join_approved",
        "organisation",
        world["receiver"].id,
    )
    assert approved.zone_id == world["zone"].id
    assert rejected.action == "zone.join_rejected"
    assert rejected.details == {"reason": "Hors zone"}


def test_membership_decisions(world):
    org = world["supplier"]
    asking, other = make_user(org=org, role="pending"), make_user(org=org)
    db.session.commit()
    organisations.change_member(org, asking.id, "accept", world["ua"])
    with pytest.raises(NotAllowed):  # already answered
        organisations.change_member(org, asking.id, "refuse", world["ua"])
    organisations.change_member(org, other.id, "promote", world["ua"])
    log = entries()
    assert [e.action for e in log] == ["membership.accepted", "membership.promoted"]
    assert log[0].details == {"member": asking.full_name, "member_id": asking.id}
    assert (log[0].subject_type, log[0].subject_id, log[0].zone_id) == (
        "organisation",
        org.id,
        world["zone"].id,
    )
    assert db.session.get(type(asking), asking.id).org_role == OrgRole.MEMBER


def test_an_import_is_one_entry_and_a_failed_one_none(world):
    rows = [dict(LISTING, title=f"Lot {n}") for n in range(3)]
    bad = [*rows, dict(LISTING, quantity="-1")]
    report = imports.import_rows(world["ua"], bad)
    assert not report.ok
    assert count() == 0
    report = imports.import_rows(world["ua"], rows)
    assert report.created == 3
    [entry] = entries()
    assert entry.action == "listing.imported"
    assert entry.details == {"count": 3, "organisations": 1}
    assert (entry.subject_type, entry.subject_id, entry.zone_id) == (
        "organisation",
        world["supplier"].id,
        world["zone"].id,
    )


def test_verifying_impact_once(world):
    start = (date.today() - timedelta(days=10)).isoformat()
    agreement = propose(world, start=start)
    service.act(world["ua"], agreement.id, "accept", 1)
    service.act(world["ub"], agreement.id, "start", 2)
    thread.log_delivery(
        world["ua"], agreement.id,
        {"delivered_on": date.today().isoformat(), "quantity": "1", "unit": "t"},
    )  # fmt: skip
    record = agreement.impacts[0]
    before = count()
    with pytest.raises(NotAllowed):
        impacts.verify_impact(world["manager"], record.id)
    impacts.verify_impact(world["facilitator"], record.id)
    impacts.verify_impact(world["facilitator"], record.id)  # keeps the first
    assert count() == before + 1
    last = entries()[-1]
    assert (last.action, last.subject_type, last.subject_id) == (
        "impact.verified",
        "agreement",
        agreement.id,
    )
    assert last.details["record_id"] == record.id


def test_listing_expiry_one_entry_per_listing(world):
    ended = make_listing(org=world["supplier"], by=world["ua"], title="Fini")
    ended.available_until = date.today() - timedelta(days=1)
    db.session.commit()
    assert listing_service.expire_listings() == (0, 1)
    [entry] = entries()
    assert (entry.action, entry.actor_id, entry.subject_id) == (
        "listing.expired",
        None,
        ended.id,
    )
    assert entry.zone_id == world["zone"].id


def test_record_export_commits_its_entry(world):
    activity.record_export(world["facilitator"], "csv", "listings", 4)
    db.session.rollback()  # committed already: nothing to undo
    [entry] = entries()
    assert (entry.action, entry.details) == (
        "export.csv",
        {"table": "listings", "rows": 4},
    )


def test_bad_action_keys_are_a_programming_error(world):
    with pytest.raises(ValueError, match=r"kind\.what"):
        activity.record("Exported!")


# -- reading -----------------------------------------------------------------
def _sample(world: dict[str, Any]) -> None:
    agreement = propose(world)
    service.act(world["ua"], agreement.id, "accept", 1)
    raw = {"category": "mobility", "title": "Navette", "cost_split": "equal"}
    pool = pooled.propose(world["ub"], world["other_zone"], raw)
    pooled.act(world["facilitator"], pool.id, "approve", 1)


def _actions(**args: Any) -> list[str]:
    filters = activity.parse_filters(args)
    return [e.action for e in db.session.scalars(activity.query(filters))]


def test_filters_by_kind_key_zone_organisation_and_actor(world):
    _sample(world)
    assert _actions() == [
        "pooled.approved",
        "pooled.proposed",
        "agreement.accepted",
        "agreement.proposed",
    ]
    assert _actions(action="agreement") == [
        "agreement.accepted",
        "agreement.proposed",
    ]
    assert _actions(action="pooled.approved") == ["pooled.approved"]
    assert _actions(zone=world["other_zone"].slug) == [
        "pooled.approved",
        "pooled.proposed",
    ]
    assert _actions(zone=str(world["zone"].id)) == [
        "agreement.accepted",
        "agreement.proposed",
    ]
    # What the receiver's people did.
    assert _actions(organisation=str(world["receiver"].id)) == [
        "pooled.proposed",
        "agreement.proposed",
    ]
    assert _actions(actor=str(world["facilitator"].id)) == ["pooled.approved"]


def test_period_filters_use_whole_days(world):
    _sample(world)
    old = entries()[0]
    old.at = datetime.now(UTC) - timedelta(days=40)
    db.session.commit()
    today = datetime.now(ZoneInfo("Europe/Luxembourg")).date()  # the pages' days
    recent = _actions(**{"from": (today - timedelta(days=7)).isoformat()})
    assert "agreement.proposed" not in recent
    assert len(recent) == 3
    assert _actions(**{"to": (today - timedelta(days=30)).isoformat()}) == [
        "agreement.proposed"
    ]
    assert len(_actions(**{"from": today.isoformat(), "to": today.isoformat()})) == 3


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"from": "31/12/2026"}, "from"),
        ({"to": "2026-02-30"}, "to"),
        ({"from": "2026-05-02", "to": "2026-05-01"}, "to"),
        ({"zone": "nowhere"}, "zone"),
        ({"organisation": "abc"}, "organisation"),
        ({"organisation": "999999"}, "organisation"),
        ({"actor": "999999999999999999999"}, "actor"),
        ({"action": "agreement.%"}, "action"),
        ({"action": "secrets"}, "action"),
    ],
)
def test_bad_filters_name_their_field(world, args, field):
    with pytest.raises(FieldErrors) as errors:
        activity.parse_filters(args)
    assert [f for f, _m in errors.value.errors] == [field]


def test_pages_newest_first_and_csv(world):
    _sample(world)
    first = activity.page(activity.Filters(), 1, per_page=3)
    assert (first.total, first.pages, len(first.items)) == (4, 2, 3)
    assert first.items[0].action == "pooled.approved"
    second = activity.page(activity.Filters(), 2, per_page=3)
    assert [e.action for e in second.items] == ["agreement.proposed"]
    names = activity_table.subject_names(first.items)
    assert names[("pooled_service", first.items[0].subject_id)] == "Navette"
    text = activity_table.as_csv(activity.entries(activity.Filters()))
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("at_utc;action;action_label;actor")
    assert len(lines) == 5
    assert ";agreement.proposed;" in lines[-1]
