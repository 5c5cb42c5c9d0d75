"""Agreements under real concurrent requests, on a SQLite file and on PostgreSQL.

The application is served by a threaded werkzeug server in a background thread;
each race opens one connection per client, waits on a barrier, then sends every
request at once. The in-memory SQLite of ``conftest`` is one connection and
cannot race, so this module builds its own databases: a SQLite file (WAL, the
busy timeout of ``app_setup``) and a fresh PostgreSQL database, dropped after.

Every response status must be one of the expected ones (a 500 fails the race),
and the stored rows must show that exactly one of the racing writes happened.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from symbiosis import create_app
from symbiosis.errors import FieldErrors
from symbiosis.extensions import db
from symbiosis.models import (
    Agreement,
    AgreementEvent,
    Base,
    Delivery,
    ImpactRecord,
    Notification,
    Organisation,
    User,
)
from symbiosis.services import agreements as service
from symbiosis.services.agreements import scoped_key
from tests.builders import (
    agreement_terms,
    make_listing,
    make_reference,
)
from tests.conftest import (
    TEST_CONFIG,
    create_pg_database,
    drop_pg_database,
    postgres_base_url,
)
from tests.faults.world import Pair, make_pair

# One worker serves the whole module: its server and databases are set up once.
pytestmark = pytest.mark.xdist_group("agreement_concurrency")

ROUNDS = 10  # races per case and database
STALE_OR_REFUSED = 409  # StaleObject and InvalidTransition both answer 409


class _QuietHandler(WSGIRequestHandler):
    """No access log per request; errors are still logged."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@dataclass
class Served:
    backend: str
    app: Flask
    port: int


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """The app on a database that can race, behind a threaded live server."""
    base: str | None = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('concurrency')}/c.db"
    else:
        base = postgres_base_url()
        url = create_pg_database(base, "symbiosis_conc")
        engine = sa.create_engine(url)
        Base.metadata.create_all(engine)
        engine.dispose()
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        if base is None:
            db.create_all()
        make_reference()
        db.session.commit()
    server = make_server(
        "127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(request.param, app, server.server_port)
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if base is not None:
            drop_pg_database(base, url)


# -- clients ---------------------------------------------------------------------
@dataclass
class Call:
    path: str
    body: dict[str, Any]
    token: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Reply:
    status: int
    body: Any


def race(port: int, calls: list[Call]) -> list[Reply]:
    """Send every call at once (one thread and connection each); replies in order.

    Each client connects first and then waits on a barrier, so the requests
    leave together and the server handles them in parallel threads.
    """
    barrier = threading.Barrier(len(calls))
    replies: list[Reply | BaseException | None] = [None] * len(calls)

    def send(index: int, call: Call) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.connect()
            barrier.wait(timeout=10)
            connection.request(
                "POST",
                call.path,
                body=json.dumps(call.body),
                headers={
                    "Content-Type": "application/json",
                    "Authorization": f"Bearer {call.token}",
                    **call.headers,
                },
            )
            response = connection.getresponse()
            raw = response.read()
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode(errors="replace")[:500]
            replies[index] = Reply(response.status, body)
        except BaseException as error:  # reported by the main thread
            replies[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=send, args=(i, call)) for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    done: list[Reply] = []
    for reply in replies:
        if isinstance(reply, BaseException):
            raise reply
        assert reply is not None, "a client thread did not finish"
        done.append(reply)
    return done


def post(port: int, call: Call) -> Reply:
    return race(port, [call])[0]


# -- data ------------------------------------------------------------------------
def new_request(app: Flask, pair: Pair) -> int:
    """A fresh request of the receiver: a pair of listings with no agreement yet."""
    with app.app_context():
        listing = make_listing(
            org=db.session.get(Organisation, pair.receiver),
            by=db.session.get(User, pair.users["receiver"]),
            kind="request",
            title="Holzpaletten gesucht",
            quantity="20",
            frequency="yearly",
        )
        db.session.commit()
        listing_id = listing.id
        db.session.remove()
    return listing_id


def proposed(app: Flask, pair: Pair, *, days: int = 0) -> int:
    """A new agreement proposed by the receiver, starting ``days`` from today;
    the supplier answers it."""
    request_id = new_request(app, pair)
    start = (date.today() + timedelta(days=days)).isoformat()
    with app.app_context():
        agreement = service.propose(
            db.session.get(User, pair.users["receiver"]),
            pair.offer,
            request_id,
            {**agreement_terms(), "start": start},
        )
        agreement_id = agreement.id
        db.session.remove()
    return agreement_id


def active(app: Flask, pair: Pair) -> int:
    agreement_id = proposed(app, pair, days=-5)
    with app.app_context():
        supplier = db.session.get(User, pair.users["supplier_1"])
        service.act(supplier, agreement_id, "accept", 1)
        receiver = db.session.get(User, pair.users["receiver"])
        service.act(receiver, agreement_id, "start", 2)
        db.session.remove()
    return agreement_id


@dataclass
class Stored:
    state: str
    version: int
    events: list[tuple[str, str | None, str, int | None]]
    notified: int  # notifications about this agreement for the proposer's member


def stored(app: Flask, agreement_id: int, pair: Pair) -> Stored:
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        assert agreement is not None
        events = db.session.scalars(
            sa.select(AgreementEvent)
            .where(AgreementEvent.agreement_id == agreement_id)
            .order_by(AgreementEvent.id)
        ).all()
        notified = db.session.scalar(
            sa.select(sa.func.count(Notification.id)).where(
                Notification.user_id == pair.users["receiver"],
                Notification.link == f"/agreements/{agreement_id}",
            )
        )
        result = Stored(
            agreement.state,
            agreement.version,
            [(e.action, e.from_state, e.to_state, e.actor_id) for e in events],
            notified or 0,
        )
        db.session.remove()
    return result


def loser_kind(reply: Reply) -> str:
    """Why the losing request was refused: a stale version or a closed step."""
    errors = reply.body["errors"]
    if errors[0]["field"] == "version":
        return "stale version"
    assert "allowed_actions" in reply.body, reply.body
    return "step no longer possible"


TARGET = {"accept": "accepted", "decline": "declined", "withdraw": "withdrawn"}


def run_transition_races(
    served: Served, pair: Pair, sides: list[tuple[str, str, dict[str, Any]]]
) -> Counter[str]:
    """Race one transition per side on ROUNDS fresh agreements; check each round.

    ``sides`` are (user name, action, extra body). Returns the outcome counts.
    """
    outcomes: Counter[str] = Counter()
    for _ in range(ROUNDS):
        agreement_id = proposed(served.app, pair)
        calls = [
            Call(
                f"/api/v1/agreements/{agreement_id}/{action}",
                {"version": 1, **extra},
                pair.tokens[who],
            )
            for who, action, extra in sides
        ]
        replies = race(served.port, calls)
        statuses = [r.status for r in replies]
        assert set(statuses) <= {200, STALE_OR_REFUSED}, [
            (r.status, r.body) for r in replies
        ]
        assert statuses.count(200) == 1, statuses
        won = statuses.index(200)
        who, action, _ = sides[won]
        assert replies[won].body["state"] == TARGET[action]
        assert replies[won].body["version"] == 2
        after = stored(served.app, agreement_id, pair)
        assert after.state == TARGET[action]
        assert after.version == 2  # bumped once
        assert after.events == [
            ("propose", None, "proposed", pair.users["receiver"]),
            (action, "proposed", TARGET[action], pair.users[who]),
        ]
        [lost] = [r for r in replies if r.status != 200]
        outcomes[f"{action} won, other: {loser_kind(lost)}"] += 1
        # The losing transaction's notification was rolled back with it.
        assert after.notified == (0 if who == "receiver" else 1)
    assert sum(outcomes.values()) == ROUNDS
    return outcomes


# -- (a) two members of the counterparty answer at once ---------------------------
def test_two_members_accept_and_decline_at_once(served: Served) -> None:
    pair = make_pair(served.app)
    outcomes = run_transition_races(
        served,
        pair,
        [
            ("supplier_1", "accept", {}),
            ("supplier_2", "decline", {"reason": "No storage room"}),
        ],
    )
    print(f"[{served.backend}] accept vs decline:", dict(outcomes))


# -- (b) the proposer withdraws while the counterparty accepts --------------------
def test_withdraw_and_accept_at_once(served: Served) -> None:
    pair = make_pair(served.app)
    outcomes = run_transition_races(
        served,
        pair,
        [("receiver", "withdraw", {}), ("supplier_1", "accept", {})],
    )
    print(f"[{served.backend}] withdraw vs accept:", dict(outcomes))


# -- (c) one delivery form sent twice at once --------------------------------------
def delivery_body() -> dict[str, Any]:
    return {"delivered_on": date.today().isoformat(), "quantity": "1", "unit": "t"}


def test_one_delivery_sent_twice_at_once_is_logged_once(served: Served) -> None:
    pair = make_pair(served.app)
    for _ in range(ROUNDS):
        agreement_id = active(served.app, pair)
        key = f"delivery-{uuid.uuid4().hex}"
        call = Call(
            f"/api/v1/agreements/{agreement_id}/deliveries",
            delivery_body(),
            pair.tokens["supplier_1"],
            {"Idempotency-Key": key},
        )
        replies = race(served.port, [call, call])
        assert [r.status for r in replies] == [201, 201], [
            (r.status, r.body) for r in replies
        ]
        assert replies[0].body["id"] == replies[1].body["id"]
        with served.app.app_context():
            deliveries = db.session.scalars(
                sa.select(Delivery).where(Delivery.agreement_id == agreement_id)
            ).all()
            impacts = db.session.scalars(
                sa.select(ImpactRecord).where(ImpactRecord.agreement_id == agreement_id)
            ).all()
            assert [(d.id, d.submission_key) for d in deliveries] == [
                (replies[0].body["id"], scoped_key(agreement_id, key))
            ]
            assert [(i.kind, i.delivery_id) for i in impacts] == [
                ("delivery", deliveries[0].id)
            ]
            assert db.session.get(Agreement, agreement_id).version == 3  # untouched
            db.session.remove()


# -- (d) one proposal form sent twice at once --------------------------------------
# The twin that loses may still be told "an agreement is under way" (422) when the
# winner commits between its key lookup and its open-pair check: a defect pinned
# by test_a_replay_after_its_twin_committed_gets_the_agreement below.
REPLAY_REFUSED = 422


def test_one_proposal_sent_twice_at_once_makes_one_agreement(served: Served) -> None:
    pair = make_pair(served.app)
    outcomes: Counter[str] = Counter()
    for _ in range(ROUNDS):
        request_id = new_request(served.app, pair)
        call = Call(
            "/api/v1/agreements",
            {"offer_id": pair.offer, "request_id": request_id, **agreement_terms()},
            pair.tokens["receiver"],
            {"Idempotency-Key": f"proposal-{uuid.uuid4().hex}"},
        )
        replies = race(served.port, [call, call])
        statuses = sorted(r.status for r in replies)
        assert statuses in ([201, 201], [201, REPLAY_REFUSED]), [
            (r.status, r.body) for r in replies
        ]
        created = {r.body["id"] for r in replies if r.status == 201}
        for reply in replies:
            if reply.status == REPLAY_REFUSED:
                assert [e["field"] for e in reply.body["errors"]] == ["offer_id"]
        outcomes["both 201" if statuses == [201, 201] else "201 + 422"] += 1
        with served.app.app_context():
            rows = db.session.scalars(
                sa.select(Agreement).where(Agreement.request_id == request_id)
            ).all()
            assert {a.id for a in rows} == created
            assert len(rows) == 1
            assert [e.action for e in rows[0].events] == ["propose"]
            db.session.remove()
    print(f"[{served.backend}] proposal sent twice:", dict(outcomes))


# -- races found on the way, each fixed in the services -------------------------
def test_two_proposals_on_one_pair_open_one_agreement(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both parties propose on the same two listings at once (different forms).

    The window is made deterministic: each proposal waits, after its "is an
    agreement under way?" check, until the other has checked too (bounded, so
    a fix that serialises the proposals does not deadlock here).
    """
    pair = make_pair(served.app)
    request_id = new_request(served.app, pair)
    terms = agreement_terms()
    both_checked = threading.Barrier(2)
    check_terms = service.check_terms

    def after_the_check(*args: Any, **kwargs: Any) -> Any:
        with contextlib.suppress(threading.BrokenBarrierError):
            both_checked.wait(timeout=2)
        return check_terms(*args, **kwargs)

    monkeypatch.setattr(service, "check_terms", after_the_check)
    outcomes: list[object] = [None, None]

    def propose(index: int, user: str, key: str) -> None:
        with served.app.app_context():
            try:
                actor = db.session.get(User, pair.users[user])
                outcomes[index] = service.propose(
                    actor, pair.offer, request_id, terms, submission_key=key
                ).id
            except Exception as error:  # compared below
                outcomes[index] = error
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=propose, args=(0, "receiver", "form-of-receiver")),
        threading.Thread(target=propose, args=(1, "supplier_1", "form-of-supplier")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    with served.app.app_context():
        open_ones = db.session.scalar(
            sa.select(sa.func.count(Agreement.id)).where(
                Agreement.request_id == request_id
            )
        )
        db.session.remove()
    assert sum(isinstance(o, FieldErrors) for o in outcomes) == 1, outcomes
    assert open_ones == 1


def test_a_replay_after_its_twin_committed_gets_the_agreement(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The form is sent twice; the second copy is held just after its key lookup
    until the first copy has committed (what the live race above hits at times)."""
    pair = make_pair(served.app)
    request_id = new_request(served.app, pair)
    key = f"proposal-{uuid.uuid4().hex}"
    terms = agreement_terms()  # one form, sent twice
    held, released = threading.Event(), threading.Event()
    listings_pair = service.listings_pair

    def hold_the_second_copy(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread().name == "second-copy":
            held.set()
            released.wait(timeout=5)
        return listings_pair(*args, **kwargs)

    monkeypatch.setattr(service, "listings_pair", hold_the_second_copy)
    outcome: list[object] = []

    def second_copy() -> None:
        with served.app.app_context():
            try:
                actor = db.session.get(User, pair.users["receiver"])
                outcome.append(
                    service.propose(
                        actor, pair.offer, request_id, terms, submission_key=key
                    ).id
                )
            except Exception as error:  # compared below
                outcome.append(error)
            finally:
                db.session.remove()

    thread = threading.Thread(target=second_copy, name="second-copy")
    thread.start()
    assert held.wait(timeout=10)
    with served.app.app_context():
        actor = db.session.get(User, pair.users["receiver"])
        first = service.propose(
            actor, pair.offer, request_id, terms, submission_key=key
        ).id
        db.session.remove()
    released.set()
    thread.join(timeout=30)
    assert outcome == [first]


def test_a_proposal_key_of_another_firm_is_not_replayed(served: Served) -> None:
    first, other = make_pair(served.app), make_pair(served.app)
    key = f"order-{uuid.uuid4().hex[:8]}"
    terms = agreement_terms()
    theirs = post(
        served.port,
        Call(
            "/api/v1/agreements",
            {"offer_id": first.offer, "request_id": new_request(served.app, first),
             **terms, "conditions": "Pick-up at gate 3, ask for Mr X"},
            first.tokens["receiver"],
            {"Idempotency-Key": key},
        ),
    )  # fmt: skip
    assert theirs.status == 201
    own_request = new_request(served.app, other)
    mine = post(
        served.port,
        Call(
            "/api/v1/agreements",
            {"offer_id": other.offer, "request_id": own_request, **terms},
            other.tokens["receiver"],
            {"Idempotency-Key": key},
        ),
    )
    assert mine.status in {201, 409, 422}, (mine.status, mine.body)
    assert mine.body.get("id") != theirs.body["id"], "another firm's agreement"
    if mine.status == 201:
        assert mine.body["request_id"] == own_request


def test_a_delivery_key_of_another_agreement_is_not_replayed(served: Served) -> None:
    first, other = make_pair(served.app), make_pair(served.app)
    theirs_id, mine_id = active(served.app, first), active(served.app, other)
    key = f"delivery-{uuid.uuid4().hex[:8]}"
    theirs = post(
        served.port,
        Call(
            f"/api/v1/agreements/{theirs_id}/deliveries",
            {**delivery_body(), "note": "Gate code 4711"},
            first.tokens["supplier_1"],
            {"Idempotency-Key": key},
        ),
    )
    assert theirs.status == 201
    mine = post(
        served.port,
        Call(
            f"/api/v1/agreements/{mine_id}/deliveries",
            delivery_body(),
            other.tokens["supplier_1"],
            {"Idempotency-Key": key},
        ),
    )
    assert mine.status in {201, 409, 422}, (mine.status, mine.body)
    assert mine.body.get("id") != theirs.body["id"], "another firm's delivery"
    with served.app.app_context():
        logged = db.session.scalar(
            sa.select(sa.func.count(Delivery.id)).where(
                Delivery.agreement_id == mine_id
            )
        )
        db.session.remove()
    assert logged == (1 if mine.status == 201 else 0)
