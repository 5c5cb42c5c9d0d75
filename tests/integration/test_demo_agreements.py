"""The demo agreements: every state, a trail the table allows, loaded once."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from symbiosis.extensions import db
from symbiosis.models import (
    Agreement,
    AgreementMessage,
    Delivery,
    ImpactRecord,
    Notification,
    User,
)
from symbiosis.services import agreements, seeding
from symbiosis.services.agreement_terms import HAZARDOUS_CHECKLIST
from symbiosis.services.demo_agreements import (
    DemoScriptError,
    load_demo_agreements,
)
from symbiosis.workflow.agreement import (
    TRANSITIONS,
    AgreementAction,
    AgreementState,
)

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SCRIPTS = json.loads((SEEDS / "demo" / "agreements.json").read_text(encoding="utf-8"))


@pytest.fixture
def demo(ctx: Flask) -> seeding.LoadReport:
    """Reference, organisations, accounts, listings and matches, then agreements."""
    seeding.load_reference(SEEDS / "reference")
    seeding.load_demo(SEEDS / "demo")
    return seeding.load_demo_listings(SEEDS / "demo")


def demo_agreements() -> list[Agreement]:
    """The scripted exchanges (the demo evening's partnerships come on top)."""
    return list(
        db.session.scalars(
            sa.select(Agreement)
            .where(Agreement.kind == "exchange")
            .order_by(Agreement.id)
        )
    )


def by_key(key: str) -> Agreement:
    return db.session.scalar(
        sa.select(Agreement).where(Agreement.submission_key == f"demo-{key}")
    )


def user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def aware(moment: datetime) -> datetime:
    """SQLite gives timestamps back without their (UTC) zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def test_every_state_is_reached_along_the_transition_table(
    demo: seeding.LoadReport,
) -> None:
    loaded = demo_agreements()
    assert len(loaded) == len(SCRIPTS)
    assert demo.inserted["agreement"] == len(SCRIPTS)
    assert {a.state for a in loaded} == set(AgreementState)
    now = datetime.now(UTC)
    for agreement in loaded:
        assert agreement.submission_key.startswith("demo-")
        first, *steps = agreement.events
        assert (first.action, first.from_state, first.to_state) == (
            "propose",
            None,
            "proposed",
        )
        state = AgreementState.PROPOSED
        for event in steps:
            assert event.from_state == state, agreement.submission_key
            target, _who = TRANSITIONS[(state, AgreementAction(event.action))]
            assert event.to_state == target, agreement.submission_key
            state = target
        assert state == agreement.state
        # The story reads over past days, in order.
        moments = [aware(e.created_at) for e in agreement.events]
        assert moments == sorted(moments)
        assert moments[-1] < now
        assert all(m.date() < date.today() for m in moments)
        assert aware(agreement.created_at) == moments[0]
        assert aware(agreement.updated_at) == moments[-1]
        if agreement.state == AgreementState.PROPOSED:
            assert agreement.expires_on > date.today()  # still open for an answer
        elif agreement.state == AgreementState.EXPIRED:
            assert agreement.expires_on < agreement.events[-1].created_at.date()
        else:
            assert agreement.expires_on is None
    countered = [a for a in loaded if any(e.action == "counter" for e in a.events)]
    assert len(countered) >= 2
    expired = by_key("meals-kiem-epicerie-solidaire")
    assert expired.state == "expired"
    assert expired.events[-1].actor_id is None  # the system did it


def test_exchanges_have_deliveries_impacts_messages_and_a_checklist(
    demo: seeding.LoadReport,
) -> None:
    today = date.today()
    for agreement in demo_agreements():
        if agreement.state in ("active", "completed", "terminated"):
            assert agreement.deliveries, agreement.submission_key
            assert agreement.impacts, agreement.submission_key
            for delivery in agreement.deliveries:
                assert agreement.start_on <= delivery.delivered_on < today
                assert delivery.submission_key.startswith(agreement.submission_key)
        if agreement.state == "completed":
            assert agreement.actual_quantity is not None
        if agreement.state in ("proposed", "accepted", "declined", "expired"):
            assert not agreement.deliveries
    concrete = by_key("concrete-beton-prefa-recyclage-inerte")
    [completion] = [i for i in concrete.impacts if i.kind == "completion"]
    assert completion.recorded_on < today
    assert completion.quantity == 15  # the total beyond what deliveries logged
    assert db.session.scalar(sa.select(sa.func.count(AgreementMessage.id))) >= 10
    assert db.session.scalar(sa.select(sa.func.count(ImpactRecord.id))) >= 10
    hazardous = [a for a in demo_agreements() if a.hazardous]
    assert {a.state for a in hazardous} >= {"active", "completed"}
    for agreement in hazardous:
        ticks = {(c.item, c.organisation_id) for c in agreement.checks}
        assert ticks == {
            (item, org) for item in HAZARDOUS_CHECKLIST for org in agreement.party_ids()
        }
    # Both parties heard of each step; old notifications are read already.
    notes = db.session.scalars(
        sa.select(Notification).where(Notification.link.startswith("/agreements/"))
    ).all()
    assert notes
    assert all(aware(n.created_at) < datetime.now(UTC) for n in notes)
    assert any(n.read_at is None for n in notes)
    assert any(n.read_at is not None for n in notes)


def test_anonymous_firms_show_once_terms_are_accepted(
    demo: seeding.LoadReport,
) -> None:
    proposed = by_key("coffee-banque-plateau-serres")
    assert proposed.state == "proposed"
    assert proposed.offer.anonymous
    grower = user("henri.schiltz@serres-bissen.example.lu")
    bank = user("carla.monteiro@banque-plateau.example.lu")
    facilitator = user("facilitateur@symbiose.example.lu")
    assert not agreements.shows_party(grower, proposed, proposed.supplier_id)
    assert agreements.shows_party(bank, proposed, proposed.supplier_id)
    assert agreements.shows_party(facilitator, proposed, proposed.supplier_id)
    accepted = by_key("furniture-banque-plateau-cercle-sportif")
    assert accepted.state == "accepted"
    assert accepted.offer.anonymous
    club = user("luc.wagener@cercle-sportif-clochedor.example.lu")
    assert agreements.shows_party(club, accepted, accepted.supplier_id)
    declined = by_key("tyres-garage-terminal-cercle-sportif")
    assert declined.state == "declined"
    assert not agreements.shows_party(club, declined, declined.supplier_id)


def test_loading_again_changes_nothing(demo: seeding.LoadReport) -> None:
    states = {a.id: (a.state, a.version) for a in demo_agreements()}
    deliveries = db.session.scalar(sa.select(sa.func.count(Delivery.id)))
    again = seeding.load_demo_listings(SEEDS / "demo")
    assert again.changed == 0
    assert load_demo_agreements(SEEDS / "demo").changed == 0
    db.session.expire_all()
    assert {a.id: (a.state, a.version) for a in demo_agreements()} == states
    assert db.session.scalar(sa.select(sa.func.count(Delivery.id))) == deliveries


def test_a_refused_step_stops_the_load_and_leaves_no_trace(
    demo: seeding.LoadReport, tmp_path: Path
) -> None:
    script = next(s for s in SCRIPTS if s["key"] == "laptops-nordlicht-forum")
    proposer = script["steps"][0]["by"]
    broken = {
        **script,
        "key": "laptops-answered-by-the-proposer",
        "steps": [script["steps"][0], {"day": -40, "by": proposer, "do": "accept"}],
    }
    (tmp_path / "agreements.json").write_text(json.dumps([broken]), encoding="utf-8")
    before = db.session.scalar(sa.select(sa.func.count(Agreement.id)))
    with pytest.raises(DemoScriptError, match="step 2 \\(accept\\)"):
        load_demo_agreements(tmp_path)
    assert db.session.scalar(sa.select(sa.func.count(Agreement.id))) == before
    assert by_key("laptops-answered-by-the-proposer") is None


def test_the_funnel_of_the_demo_runs_forward_in_time(
    demo: seeding.LoadReport,
) -> None:
    """Listings posted, then matched, then proposed: no step takes negative days."""
    from symbiosis.services import stats

    start, end = stats.period(None, None)
    funnel = stats.kpis(None, start, end)["funnel"]
    means = {step["step"]: step["mean_days"] for step in funnel}
    assert means["proposal"] is not None
    assert all(m >= 0 for m in means.values() if m is not None), means
