"""Agreements driven through the services by hypothesis, on SQLite and PostgreSQL.

Random actors (a member of either party, a third firm, a facilitator) take
random actions with current, stale or future versions; they also log
deliveries, post messages, tick the hazardous checklist, let proposals expire
and propose again. A small model predicts each outcome from the pure table and
the services' documented order of checks; after every step the stored rows must
match the model and obey the table.

Every service call runs in a fresh session, as a request would (so nothing is
answered from objects a previous call left in the identity map). Each example
makes its own firms and listings, so examples need no cleanup between them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, settings
from hypothesis import event as note
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from symbiosis.errors import (
    DomainError,
    FieldErrors,
    Forbidden,
    InvalidTransition,
    NotAllowed,
    StaleObject,
)
from symbiosis.extensions import db
from symbiosis.models import (
    Agreement,
    AgreementCheck,
    AgreementEvent,
    AgreementMessage,
    Delivery,
    ImpactRecord,
    Notification,
    User,
)
from symbiosis.services import agreement_thread as thread
from symbiosis.services import agreements as service
from symbiosis.services.agreement_terms import HAZARDOUS_CHECKLIST
from symbiosis.workflow.agreement import (
    FINAL,
    NEEDS_REASON,
    TRANSITIONS,
    AgreementAction,
    AgreementState,
    Party,
    allowed_actions,
)
from tests.builders import make_listing, make_org, make_reference, make_user, make_zone

S, A = AgreementState, AgreementAction
TERMS: dict[str, Any] = {  # and a start: see terms()
    "quantity": "2",
    "unit": "t",
    "frequency": "monthly",
    "price_terms": "free",
    "transport_by": "receiver",
}
CHECKLIST = HAZARDOUS_CHECKLIST
SIDES = ("supplier", "receiver")  # members of the two parties
OUTSIDERS = ("third", "facilitator")
ACTORS = SIDES + OUTSIDERS
MOSTLY_PARTIES = st.sampled_from([*SIDES, *SIDES, *OUTSIDERS])
DELIVERED = Decimal("0.5")  # tonnes per logged delivery

# Drawn values: the first, likelier entries make progress, the others are refused.
VERSIONS = st.sampled_from(["current", "current", "current as text", "stale", "ahead"])
REASONS = st.sampled_from(["No storage room", "No storage room", None, ""])
COUNTER_TERMS = {  # changes to terms()
    "valid": {"quantity": "1.5"},
    "negative quantity": {"quantity": "-1"},
    "above the offer": {"quantity": "10"},  # unconfirmed
}
TOTALS = {
    "small": {"actual_quantity": "0.5", "actual_unit": "t"},
    "large": {"actual_quantity": "5", "actual_unit": "t"},
    "missing": {},
    "other dimension": {"actual_quantity": "1", "actual_unit": "MWh"},
}
# Delivery forms: the day delivered, in days from today, and the other fields.
DELIVERIES: dict[str, tuple[int, dict[str, str]]] = {
    "valid": (0, {"quantity": "0.5", "unit": "t"}),
    "before the start": (-30, {"quantity": "0.5", "unit": "t"}),
    "in the future": (1, {"quantity": "0.5", "unit": "t"}),
    "other dimension": (0, {"quantity": "0.5", "unit": "MWh"}),
    "no quantity": (0, {"unit": "t"}),
}


def terms(**changes: str) -> dict[str, Any]:
    """The terms proposed, starting ten days before today (read at each call)."""
    start = (date.today() - timedelta(days=10)).isoformat()
    return {**TERMS, "start": start, **changes}


def delivery_form(kind: str) -> dict[str, str]:
    """The delivery form of this kind, dated from today (read at each call)."""
    days, fields = DELIVERIES[kind]
    return {"delivered_on": (date.today() + timedelta(days=days)).isoformat(), **fields}


@dataclass
class Raw:
    reason: str | None
    terms: str
    totals: str

    def body(self) -> dict[str, Any]:
        body = {**terms(**COUNTER_TERMS[self.terms]), **TOTALS[self.totals]}
        if self.reason is not None:
            body["reason"] = self.reason
        return body


RAWS = st.builds(
    Raw,
    reason=REASONS,
    terms=st.sampled_from(["valid", "valid", "negative quantity", "above the offer"]),
    totals=st.sampled_from(["large", "small", "missing", "other dimension"]),
)


# -- the world of one example -------------------------------------------------------
@dataclass
class World:
    orgs: dict[str, int]  # side -> organisation id
    users: dict[str, int]  # actor -> user id
    offer: int
    request: int
    hazardous: bool


def make_world(*, hazardous: bool) -> World:
    """Three firms, one member each, a facilitator, and an offer and a request."""
    db.session.remove()
    zone = make_zone()
    orgs = {name: make_org(zone=zone) for name in ("supplier", "receiver", "third")}
    orgs["supplier"].lat, orgs["supplier"].lon = 49.60, 6.15
    orgs["receiver"].lat, orgs["receiver"].lon = 49.50, 6.00
    users = {name: make_user(org=org) for name, org in orgs.items()}
    users["facilitator"] = make_user(facilitator=True, role=None)
    if hazardous:
        offer = make_listing(
            org=orgs["supplier"], by=users["supplier"], title="Batteries usagées",
            ewc_code="160601", quantity="3",
        )  # fmt: skip
        request = make_listing(
            org=orgs["receiver"], by=users["receiver"], kind="request",
            title="Batteries au plomb", ewc_code="160601", accepts_hazardous=True,
            quantity="20", frequency="yearly",
        )  # fmt: skip
    else:
        offer = make_listing(org=orgs["supplier"], by=users["supplier"], quantity="3")
        request = make_listing(
            org=orgs["receiver"], by=users["receiver"], kind="request",
            title="Holzpaletten gesucht", quantity="20", frequency="yearly",
        )  # fmt: skip
    db.session.commit()
    world = World(
        orgs={name: org.id for name, org in orgs.items()},
        users={name: user.id for name, user in users.items()},
        offer=offer.id,
        request=request.id,
        hazardous=hazardous,
    )
    db.session.remove()
    return world


def fresh(work: Callable[[], Any]) -> Any:
    """Run ``work`` in a session of its own, as one request would; domain refusals
    are returned, anything else (a crash) propagates."""
    db.session.remove()
    try:
        return work()
    except DomainError as refusal:
        return refusal
    finally:
        db.session.remove()


def user(world: World, actor: str) -> User:
    found = db.session.get(User, world.users[actor])
    assert found is not None
    return found


# -- the model ------------------------------------------------------------------------
@dataclass
class Model:
    """What the stored agreement must look like."""

    id: int
    proposer: str  # the side whose terms are on the table
    state: AgreementState = S.PROPOSED
    version: int = 1
    events: int = 1
    deliveries: int = 0
    impacts: int = 0
    messages: int = 0
    ticks: dict[str, set[str]] = field(
        default_factory=lambda: {side: set() for side in SIDES}
    )
    delivery_keys: dict[str, int] = field(default_factory=dict)  # key -> delivery

    def party(self, actor: str) -> Party | None:
        if actor not in SIDES:
            return None
        return Party.PROPOSER if actor == self.proposer else Party.COUNTERPARTY

    def side_of(self, party: Party) -> str:
        other = SIDES[1] if self.proposer == SIDES[0] else SIDES[0]
        return self.proposer if party is Party.PROPOSER else other


def expected_version(events: int) -> int:
    """The version the services store after ``events`` events (the proposal's too).

    Derived from the services: a proposal stores version 1; each transition makes
    one versioned UPDATE (``act`` changes everything under ``no_autoflush`` and
    flushes once; ``expire`` flushes once). Messages, checklist ticks, deliveries
    and impact records are rows of their own and leave the version alone.
    """
    return events


@dataclass(frozen=True)
class Snapshot:
    rows: tuple[tuple[Any, ...], ...]
    agreements: int
    notifications: int


def _count(model: type, *where: Any) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(model).where(*where)
    )


class AgreementMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.world: World | None = None
        self.agreements: list[Model] = []
        self.uid = uuid.uuid4().hex[:8]

    # -- helpers ----------------------------------------------------------------------
    @property
    def current(self) -> Model:
        return self.agreements[-1]

    @property
    def w(self) -> World:
        assert self.world is not None
        return self.world

    def snapshot(self) -> Snapshot:
        def work() -> Snapshot:
            rows = []
            for model in self.agreements:
                agreement = db.session.get(Agreement, model.id)
                assert agreement is not None
                rows.append(
                    (
                        agreement.state, agreement.version, agreement.proposer_id,
                        agreement.quantity, agreement.expires_on,
                        agreement.actual_quantity, agreement.actual_unit,
                        _count(AgreementEvent, AgreementEvent.agreement_id == model.id),
                        _count(Delivery, Delivery.agreement_id == model.id),
                        _count(ImpactRecord, ImpactRecord.agreement_id == model.id),
                        _count(
                            AgreementMessage,
                            AgreementMessage.agreement_id == model.id,
                        ),
                        _count(AgreementCheck, AgreementCheck.agreement_id == model.id),
                    )
                )  # fmt: skip
            return Snapshot(
                tuple(rows),
                _count(Agreement, Agreement.request_id == self.w.request),
                _count(Notification),
            )

        result = fresh(work)
        assert isinstance(result, Snapshot)
        return result

    def outcome(
        self, label: str, expected: type[DomainError] | None, work: Callable[[], Any]
    ) -> Any:
        """Run ``work``; a refusal must be the expected one and change nothing."""
        before = self.snapshot()
        result = fresh(work)
        note(f"{label}: {type(result).__name__ if expected else 'done'}")
        if expected is None:
            assert not isinstance(result, DomainError), f"refused: {result!r}"
            return result
        assert isinstance(result, expected), f"expected {expected.__name__}: {result!r}"
        assert self.snapshot() == before, "a refused call changed something"
        return None

    def checklist_done(self, model: Model) -> bool:
        return all(model.ticks[side] >= set(CHECKLIST) for side in SIDES)

    def logged(self, model: Model) -> Decimal:
        return DELIVERED * model.deliveries

    # -- set-up -------------------------------------------------------------------------
    @initialize(
        hazardous=st.sampled_from([False, False, True]),
        proposer=st.sampled_from(SIDES),
        head_start=st.sampled_from(["proposed", "accepted", "active"]),
    )
    def setup(self, hazardous: bool, proposer: str, head_start: str) -> None:
        self.world = make_world(hazardous=hazardous)
        self.propose(proposer)
        model = self.current
        answerer = model.side_of(Party.COUNTERPARTY)
        if head_start in ("accepted", "active"):
            self.act_and_check(
                answerer, A.ACCEPT, "current", Raw(None, "valid", "large")
            )
        if head_start == "active":
            if hazardous:
                for side in SIDES:
                    self.tick(side, list(CHECKLIST))
            self.act_and_check(
                proposer, A.START, "current", Raw(None, "valid", "large")
            )
        assert model.state is S(head_start)

    # -- rules --------------------------------------------------------------------------
    @rule(data=st.data())
    def act_as_a_party(self, data: st.DataObject) -> None:
        """A member of one party, mostly taking a step the table offers it."""
        side = data.draw(st.sampled_from(SIDES), label="side")
        party = self.current.party(side)
        assert party is not None
        offered = allowed_actions(self.current.state, party)
        if offered and data.draw(st.booleans(), label="offered step"):
            action: str = data.draw(st.sampled_from(offered), label="action")
        else:
            action = data.draw(st.sampled_from(list(AgreementAction)), label="action")
        self.act_and_check(side, action, data.draw(VERSIONS), data.draw(RAWS))

    @rule(
        actor=st.sampled_from(ACTORS),
        action=st.sampled_from([*AgreementAction, "fly"]),
        version=VERSIONS,
        raw=RAWS,
    )
    def act_at_random(self, actor: str, action: str, version: str, raw: Raw) -> None:
        self.act_and_check(actor, action, version, raw)

    @rule(
        actor=MOSTLY_PARTIES,
        kind=st.sampled_from(["valid", "valid", "valid", *DELIVERIES]),
        key=st.sampled_from([None, "a", "b"]),
    )
    def deliver(self, actor: str, kind: str, key: str | None) -> None:
        model = self.current
        # Keys are unique to this agreement (replays across agreements: see
        # test_agreement_concurrency.py, test_a_delivery_key_of_another_...).
        full_key = f"{self.uid}-{model.id}-{key}" if key else None
        if model.party(actor) is None:
            expected: type[DomainError] | None = NotAllowed
        elif full_key in model.delivery_keys:
            expected = None  # the same form again: the delivery it logged
        elif model.state is not S.ACTIVE or kind != "valid":
            expected = FieldErrors
        else:
            expected = None
        before = self.snapshot()
        state_when_logged = model.state

        def work() -> int:
            form = delivery_form(kind)
            delivery = thread.log_delivery(
                user(self.w, actor), model.id, form, submission_key=full_key
            )
            assert delivery.agreement_id == model.id
            return delivery.id

        delivery_id = self.outcome("deliver", expected, work)
        if expected is not None:
            return
        if full_key in model.delivery_keys:
            assert delivery_id == model.delivery_keys[full_key]
            assert self.snapshot() == before
            return
        assert state_when_logged is S.ACTIVE
        model.deliveries += 1
        model.impacts += 1
        if full_key:
            model.delivery_keys[full_key] = delivery_id

    @rule(actor=MOSTLY_PARTIES, body=st.sampled_from(["Bonjour", "Bonjour", "", "  "]))
    def post_message(self, actor: str, body: str) -> None:
        model = self.current
        if model.party(actor) is None:
            expected: type[DomainError] | None = NotAllowed
        else:
            expected = FieldErrors if not body.strip() else None
        self.outcome(
            "message",
            expected,
            lambda: thread.post_message(user(self.w, actor), model.id, body).id,
        )
        if expected is None:
            model.messages += 1

    @rule(
        actor=MOSTLY_PARTIES,
        items=st.one_of(
            st.just(list(CHECKLIST)),
            st.lists(st.sampled_from([*CHECKLIST, "unknown"]), unique=True),
        ),
    )
    def tick(self, actor: str, items: list[str]) -> None:
        model = self.current
        if model.party(actor) is None:
            expected: type[DomainError] | None = NotAllowed
        elif (
            not self.w.hazardous
            or model.state not in (S.PROPOSED, S.ACCEPTED)
            or "unknown" in items
        ):
            expected = FieldErrors
        else:
            expected = None
        before = self.snapshot()
        self.outcome(
            "tick", expected, lambda: thread.tick(user(self.w, actor), model.id, items)
        )
        if expected is None:
            model.ticks[actor] = set(items)
            after = self.snapshot()
            # Ticks are rows of their own: the agreement is not versioned by them.
            assert after.rows[-1][:7] == before.rows[-1][:7]

    @rule()
    def time_passes(self) -> None:
        """The scheduler expires every proposal nobody answered in 14 days."""
        model = self.current
        expired = fresh(lambda: thread.expire(date.today() + timedelta(days=15)))
        assert not isinstance(expired, DomainError)
        if model.state is S.PROPOSED:
            assert expired >= 1
            model.state = S.EXPIRED
            model.version += 1
            model.events += 1

    @rule(actor=st.sampled_from(ACTORS))
    def propose_again(self, actor: str) -> None:
        """A new proposal on the same listings: only once the last one has ended."""
        self.propose(actor)

    # -- acting -------------------------------------------------------------------------
    def propose(self, actor: str) -> None:
        if actor == "facilitator":
            expected: type[DomainError] | None = NotAllowed
        elif actor == "third" or (self.agreements and self.current.state not in FINAL):
            expected = FieldErrors
        else:
            expected = None
        if not self.agreements:  # the first proposal of the example
            assert expected is None
            result = fresh(lambda: self._propose(actor))
            assert not isinstance(result, DomainError), result
        else:
            result = self.outcome("propose", expected, lambda: self._propose(actor))
        if expected is None:
            self.agreements.append(Model(id=result, proposer=actor))

    def _propose(self, actor: str) -> int:
        agreement = service.propose(
            user(self.w, actor), self.w.offer, self.w.request, terms()
        )
        assert (agreement.state, agreement.version) == (S.PROPOSED, 1)
        return agreement.id

    def predict(
        self, actor: str, action: str, version_is_current: bool, raw: Raw
    ) -> type[DomainError] | None:
        """The refusal the services must give, in their order of checks."""
        model = self.current
        party = model.party(actor)
        if party is None:
            return NotAllowed
        if not version_is_current:  # a page seen before the last change
            return StaleObject
        if action not in set(AgreementAction):
            return InvalidTransition
        entry = TRANSITIONS.get((model.state, AgreementAction(action)))
        if entry is None:
            return InvalidTransition
        if party not in entry[1]:
            return Forbidden
        wanted = AgreementAction(action)
        if wanted in NEEDS_REASON and not raw.reason:
            return FieldErrors
        if wanted is A.COUNTER and raw.terms != "valid":
            return FieldErrors
        if wanted is A.START and self.w.hazardous and not self.checklist_done(model):
            return FieldErrors
        if wanted is A.COMPLETE and raw.totals in ("missing", "other dimension"):
            return FieldErrors
        return None

    def act_and_check(self, actor: str, action: str, version: str, raw: Raw) -> None:
        model = self.current
        sent: int | str = {
            "current": model.version,
            "current as text": str(model.version),
            "stale": model.version - 1,
            "ahead": model.version + 1,
        }[version]
        expected = self.predict(actor, action, str(sent) == str(model.version), raw)

        def work() -> tuple[str, int, int]:
            agreement = service.act(
                user(self.w, actor), model.id, action, sent, raw.body()
            )
            return agreement.state, agreement.version, agreement.proposer_id

        result = self.outcome(f"{action}", expected, work)
        if expected is not None:
            return
        wanted = AgreementAction(action)
        target = TRANSITIONS[(model.state, wanted)][0]
        if wanted is A.COUNTER:
            model.proposer = actor
        if wanted is A.COMPLETE:
            actual = Decimal(TOTALS[raw.totals]["actual_quantity"])
            model.impacts += 1 if actual > self.logged(model) else 0
        model.state = target
        model.events += 1
        model.version = expected_version(model.events)
        assert result == (target, model.version, self.w.orgs[model.proposer])

    def teardown(self) -> None:
        for model in self.agreements:
            note(f"ended {model.state} with {model.deliveries} deliveries")

    # -- invariants ---------------------------------------------------------------------
    @invariant()
    def stored_rows_match_the_model_and_the_table(self) -> None:
        if self.world is None or not self.agreements:
            return
        fresh(self._check_stored)

    def _check_stored(self) -> None:
        for model in self.agreements:
            agreement = db.session.get(Agreement, model.id)
            assert agreement is not None
            assert agreement.state in set(AgreementState)
            assert agreement.state == model.state
            assert agreement.proposer_id == self.w.orgs[model.proposer]
            events = db.session.scalars(
                sa.select(AgreementEvent)
                .where(AgreementEvent.agreement_id == model.id)
                .order_by(AgreementEvent.id)
            ).all()
            assert len(events) == model.events
            first, *steps = events
            assert (first.action, first.from_state, first.to_state) == (
                "propose",
                None,
                "proposed",
            )
            state = first.to_state
            for event in steps:
                assert event.from_state == state  # a chain, no gap
                key = (AgreementState(event.from_state), AgreementAction(event.action))
                assert key in TRANSITIONS, key
                assert event.to_state == TRANSITIONS[key][0]
                if event.action == A.EXPIRE:
                    assert event.actor_id is None
                else:
                    assert event.organisation_id in self.w.orgs.values()
                    assert event.organisation_id != self.w.orgs["third"]
                state = event.to_state
            assert state == agreement.state
            assert agreement.version == expected_version(len(events))
            assert agreement.version == model.version
            self._check_deliveries(model, events)
            assert _count(ImpactRecord, ImpactRecord.agreement_id == model.id) == (
                model.impacts
            )
            assert _count(
                AgreementMessage, AgreementMessage.agreement_id == model.id
            ) == (model.messages)

    def _check_deliveries(self, model: Model, events: list[AgreementEvent]) -> None:
        """Deliveries exist only for agreements that were active when logged."""
        deliveries = db.session.scalars(
            sa.select(Delivery).where(Delivery.agreement_id == model.id)
        ).all()
        assert len(deliveries) == model.deliveries
        if not deliveries:
            return
        started = [e.created_at for e in events if e.to_state == S.ACTIVE]
        ended = [e.created_at for e in events if e.from_state == S.ACTIVE]
        assert started, "deliveries on an agreement that never started"
        for delivery in deliveries:
            assert started[0] <= delivery.created_at
            assert not ended or delivery.created_at < ended[0]
            impacts = db.session.scalars(
                sa.select(ImpactRecord).where(ImpactRecord.delivery_id == delivery.id)
            ).all()
            assert [(i.kind, i.agreement_id) for i in impacts] == [
                ("delivery", model.id)
            ]


SETTINGS = settings(
    max_examples=25,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,  # no .hypothesis/ directory in the working tree
    print_blob=True,
)


def test_agreements_follow_the_table_through_the_services(ctx: Flask) -> None:
    make_reference()
    db.session.commit()
    run_state_machine_as_test(AgreementMachine, settings=SETTINGS)


def test_completing_bumps_the_version_once(ctx: Flask) -> None:
    """Regression: setting the totals, then reading the deliveries, autoflushed a
    first versioned UPDATE before the state change (the version went up by 2)."""
    make_reference()
    db.session.commit()
    world = make_world(hazardous=False)

    def supplier() -> User:
        return user(world, "supplier")

    def propose() -> int:
        return service.propose(
            user(world, "receiver"), world.offer, world.request, terms()
        ).id

    agreement_id = fresh(propose)
    assert isinstance(agreement_id, int), agreement_id
    for action, version in (("accept", 1), ("start", 2)):
        stepped = fresh(
            lambda a=action, v=version: service.act(supplier(), agreement_id, a, v)
        )
        assert not isinstance(stepped, DomainError), stepped
    assert fresh(lambda: db.session.get(Agreement, agreement_id).version) == 3
    done = fresh(
        lambda: (
            service.act(
                supplier(), agreement_id, "complete", 3, TOTALS["large"]
            ).version
        )
    )
    assert done == 4
